package s3api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"time"
)

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// Caps on XML request bodies. S3 accepts up to 2 MiB for DeleteObjects;
// the other documents we read are tiny.
const (
	maxDeleteXML = 2 << 20
	maxSmallXML  = 64 << 10
)

// readBody reads a whole small request body, at most limit bytes. Reading
// to EOF is what makes the verifier check the payload hash, so nothing is
// trusted before this returns.
func readBody(req *request, limit int64) ([]byte, error) {
	if req.length > limit {
		return nil, errMaxMessageLength
	}
	b, err := io.ReadAll(io.LimitReader(req.body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, errMaxMessageLength
	}
	return b, nil
}

// decodeXML parses doc into v. The input is bounded by the caller and
// encoding/xml bounds nesting depth, so hostile input cannot hang or grow
// memory beyond a small multiple of its size. Any syntax error, a wrong
// root element or trailing garbage is MalformedXML.
func decodeXML(doc []byte, v any) error {
	if len(bytes.TrimSpace(doc)) == 0 {
		return errMissingBody
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w (%v)", errMalformedXML, err)
	}
	// Only whitespace, comments and processing instructions may follow.
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w (%v)", errMalformedXML, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return errMalformedXML
			}
		case xml.Comment, xml.ProcInst:
		default:
			return errMalformedXML
		}
	}
}

// s3Time renders a timestamp as S3 does in XML bodies.
func s3Time(t time.Time) string { return string(appendS3Time(make([]byte, 0, len(s3TimeLayout)), t)) }

const s3TimeLayout = "2006-01-02T15:04:05.000Z"

// appendS3Time appends t in s3TimeLayout. A listing page formats a
// thousand of these, and the general layout interpreter was a tenth of
// the page's CPU.
func appendS3Time(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, s3TimeLayout)
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = appendDigits(append(b, '-'), int(month), 2)
	b = appendDigits(append(b, '-'), day, 2)
	b = appendDigits(append(b, 'T'), hour, 2)
	b = appendDigits(append(b, ':'), minute, 2)
	b = appendDigits(append(b, ':'), sec, 2)
	b = appendDigits(append(b, '.'), t.Nanosecond()/1e6, 3)
	return append(b, 'Z')
}

// appendDigits appends v (non-negative) zero-padded to width digits.
func appendDigits(b []byte, v, width int) []byte {
	var d [4]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[:width]...)
}

// s3Timestamp is a time rendered in s3TimeLayout, appended straight into
// a listing by hand-written encoders and marshalled the same way by
// encoding/xml.
type s3Timestamp time.Time

func (t s3Timestamp) MarshalText() ([]byte, error) { return appendS3Time(nil, time.Time(t)), nil }

// etagText is an unquoted ETag, which XML shows quoted.
type etagText string

func (e etagText) MarshalText() ([]byte, error) { return []byte(`"` + e + `"`), nil }

// httpTime renders a timestamp for Last-Modified and similar headers.
func httpTime(t time.Time) string { return t.UTC().Format(httpTimeFormat) }

const httpTimeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// owner is the Owner element of listings.
type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

// checksumFields are the Checksum* elements shared by several documents.
type checksumFields struct {
	ChecksumCRC32     string `xml:",omitempty"`
	ChecksumCRC32C    string `xml:",omitempty"`
	ChecksumCRC64NVME string `xml:",omitempty"`
	ChecksumSHA1      string `xml:",omitempty"`
	ChecksumSHA256    string `xml:",omitempty"`
	ChecksumType      string `xml:",omitempty"`
}
