package s3api

import (
	"strconv"
	"time"
)

// ListObjectVersions pages render by hand like object listings
// (listxml.go), byte for byte what encoding/xml makes of the same structs
// (versionsxml_test.go checks it).

func (d *listVersionsResult) xmlSizeHint() int {
	n := 512 + len(d.Name) + 2*len(d.Prefix) + len(d.KeyMarker) + len(d.NextKeyMarker) + 2*versionIDText
	for i := range d.Entries {
		e := &d.Entries[i]
		// Markup and fixed-size values of an entry, with an owner.
		n += 330 + len(e.Key) + len(e.VersionId) + len(e.Owner.ID) + len(e.ChecksumAlgorithm) + len(e.ChecksumType)
		if e.ETag != nil {
			n += len(*e.ETag)
		}
	}
	for _, cp := range d.CommonPrefixes {
		n += 48 + len(cp.Prefix)
	}
	return n
}

// versionIDText is the length of a version id.
const versionIDText = 26

func (d *listVersionsResult) appendXML(b []byte) []byte {
	b = append(b, `<ListVersionsResult xmlns="`...)
	b = appendEscaped(b, d.NS)
	b = append(b, `">`...)
	b = appendElem(b, "Name", d.Name)
	b = appendElem(b, "Prefix", d.Prefix)
	b = appendElem(b, "KeyMarker", d.KeyMarker)
	b = appendElem(b, "VersionIdMarker", d.VersionIdMarker)
	b = appendElemOmit(b, "NextKeyMarker", d.NextKeyMarker)
	b = appendElemOmit(b, "NextVersionIdMarker", d.NextVersionIdMarker)
	b = appendIntElem(b, "MaxKeys", int64(d.MaxKeys))
	b = appendElemOmit(b, "Delimiter", d.Delimiter)
	b = appendElemOmit(b, "EncodingType", d.EncodingType)
	b = append(b, "<IsTruncated>"...)
	b = strconv.AppendBool(b, d.IsTruncated)
	b = append(b, "</IsTruncated>"...)
	for i := range d.Entries {
		b = d.Entries[i].appendXML(b)
	}
	for _, cp := range d.CommonPrefixes {
		b = append(b, "<CommonPrefixes>"...)
		b = appendElem(b, "Prefix", cp.Prefix)
		b = append(b, "</CommonPrefixes>"...)
	}
	return append(b, "</ListVersionsResult>"...)
}

func (e *versionEntry) appendXML(b []byte) []byte {
	name := e.XMLName.Local
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = appendElem(b, "Key", e.Key)
	b = appendElem(b, "VersionId", e.VersionId)
	b = append(b, "<IsLatest>"...)
	b = strconv.AppendBool(b, e.IsLatest)
	b = append(b, "</IsLatest><LastModified>"...)
	b = appendS3Time(b, time.Time(e.LastModified))
	b = append(b, "</LastModified>"...)
	if e.ETag != nil {
		b = append(b, "<ETag>&#34;"...) // encoding/xml escapes the quotes
		b = appendEscaped(b, string(*e.ETag))
		b = append(b, "&#34;</ETag>"...)
	}
	if e.Size != nil {
		b = appendIntElem(b, "Size", *e.Size)
	}
	b = appendElemOmit(b, "ChecksumAlgorithm", e.ChecksumAlgorithm)
	b = appendElemOmit(b, "ChecksumType", e.ChecksumType)
	b = append(b, "<Owner>"...)
	b = appendElem(b, "ID", e.Owner.ID)
	b = appendElemOmit(b, "DisplayName", e.Owner.DisplayName)
	b = append(b, "</Owner>"...)
	b = appendElemOmit(b, "StorageClass", e.StorageClass)
	b = e.RestoreStatus.appendXML(b)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}
