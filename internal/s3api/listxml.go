package s3api

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// A listing page is up to 1,000 entries; rendering it with encoding/xml's
// reflection cost several times more than the rest of the request. These
// hand-written encoders produce byte-for-byte what encoding/xml does for
// the same structs (listxml_test.go checks that on hostile keys), so
// clients see no difference.

// xmlAppender is a document that renders itself, skipping reflection.
type xmlAppender interface {
	appendXML(b []byte) []byte
	// xmlSizeHint is roughly the rendered size, so that the buffer is
	// allocated once.
	xmlSizeHint() int
}

func (d *listBucketResult) xmlSizeHint() int {
	n := 512 + len(d.Name) + 2*len(d.Prefix) + 2*len(d.NextContinuationToken) + len(d.StartAfter)
	for i := range d.Contents {
		e := &d.Contents[i]
		// The markup of an entry is 170 bytes, and 70 more with a checksum.
		n += 170 + len(e.Key) + len(e.ETag)
		if e.ChecksumAlgorithm != "" {
			n += 70 + len(e.ChecksumAlgorithm) + len(e.ChecksumType)
		}
		if e.Owner != nil {
			n += 64 + len(e.Owner.ID) + len(e.Owner.DisplayName)
		}
	}
	for _, cp := range d.CommonPrefixes {
		n += 48 + len(cp.Prefix)
	}
	return n
}

func (d *listBucketResult) appendXML(b []byte) []byte {
	b = append(b, `<ListBucketResult xmlns="`...)
	b = appendEscaped(b, d.NS)
	b = append(b, `">`...)
	b = appendElem(b, "Name", d.Name)
	b = appendElem(b, "Prefix", d.Prefix)
	if d.Marker != nil {
		b = appendElem(b, "Marker", *d.Marker)
	}
	b = appendElemOmit(b, "NextMarker", d.NextMarker)
	if d.ContinuationToken != nil {
		b = appendElem(b, "ContinuationToken", *d.ContinuationToken)
	}
	b = appendElemOmit(b, "NextContinuationToken", d.NextContinuationToken)
	b = appendElemOmit(b, "StartAfter", d.StartAfter)
	if d.KeyCount != nil {
		b = appendIntElem(b, "KeyCount", int64(*d.KeyCount))
	}
	b = appendIntElem(b, "MaxKeys", int64(d.MaxKeys))
	b = appendElemOmit(b, "Delimiter", d.Delimiter)
	b = appendElemOmit(b, "EncodingType", d.EncodingType)
	b = append(b, "<IsTruncated>"...)
	b = strconv.AppendBool(b, d.IsTruncated)
	b = append(b, "</IsTruncated>"...)
	for i := range d.Contents {
		b = d.Contents[i].appendXML(b)
	}
	for _, cp := range d.CommonPrefixes {
		b = append(b, "<CommonPrefixes>"...)
		b = appendElem(b, "Prefix", cp.Prefix)
		b = append(b, "</CommonPrefixes>"...)
	}
	return append(b, "</ListBucketResult>"...)
}

func (e *listEntry) appendXML(b []byte) []byte {
	b = append(b, "<Contents>"...)
	b = appendElem(b, "Key", e.Key)
	b = append(b, "<LastModified>"...)
	b = appendS3Time(b, time.Time(e.LastModified))
	b = append(b, "</LastModified><ETag>&#34;"...) // encoding/xml escapes the quotes
	b = appendEscaped(b, string(e.ETag))
	b = append(b, "&#34;</ETag>"...)
	b = appendElemOmit(b, "ChecksumAlgorithm", e.ChecksumAlgorithm)
	b = appendElemOmit(b, "ChecksumType", e.ChecksumType)
	b = appendIntElem(b, "Size", e.Size)
	if e.Owner != nil {
		b = append(b, "<Owner>"...)
		b = appendElem(b, "ID", e.Owner.ID)
		b = appendElemOmit(b, "DisplayName", e.Owner.DisplayName)
		b = append(b, "</Owner>"...)
	}
	b = appendElem(b, "StorageClass", e.StorageClass)
	b = e.RestoreStatus.appendXML(b)
	return append(b, "</Contents>"...)
}

func appendElem(b []byte, name, v string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = appendEscaped(b, v)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

func appendElemOmit(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	return appendElem(b, name, v)
}

func appendIntElem(b []byte, name string, v int64) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = strconv.AppendInt(b, v, 10)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// appendEscaped escapes s exactly as encoding/xml's EscapeString does:
// the five markup characters, tab, newline and carriage return as
// character references, and anything that is not an XML character
// (including invalid UTF-8) as U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			var esc string
			switch c {
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\t':
				esc = "&#x9;"
			case '\n':
				esc = "&#xA;"
			case '\r':
				esc = "&#xD;"
			default:
				if c >= 0x20 {
					continue
				}
				esc = "\uFFFD"
			}
			b = append(b, s[last:i-1]...)
			b = append(b, esc...)
			last = i
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		if isXMLChar(r) && !(r == utf8.RuneError && width == 1) {
			continue
		}
		b = append(b, s[last:i-width]...)
		b = append(b, "\uFFFD"...)
		last = i
	}
	return append(b, s[last:]...)
}

// isXMLChar is the Char production of XML 1.0 for runes past ASCII.
func isXMLChar(r rune) bool {
	return r >= 0x80 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
