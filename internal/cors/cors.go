// Package cors holds a bucket's CORS configuration as Amazon S3 defines it:
// the CORSConfiguration document of PutBucketCors/GetBucketCors, its
// validation, and the evaluation of browser requests against its rules.
// It knows HTTP header names but serves nothing; the wire layer calls it.
package cors

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
)

// Namespace is the XML namespace of S3 documents.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// Limits S3 documents for PutBucketCors.
const (
	MaxDocumentSize = 64 << 10 // "The document is limited to 64 KB in size."
	MaxRules        = 100
	MaxIDLength     = 255
)

// Methods is the set S3 accepts in AllowedMethod; it is case-sensitive.
var Methods = []string{"GET", "PUT", "POST", "DELETE", "HEAD"}

// Sentinel errors. Every error Parse returns wraps exactly one of them; the
// wire layer maps them to S3 codes and, for ErrInvalid, uses the
// ValidationError's Reason as the message S3 gives.
var (
	ErrMalformed = errors.New("cors: malformed XML")             // MalformedXML, 400
	ErrInvalid   = errors.New("cors: invalid configuration")     // InvalidRequest, 400
	ErrTooLarge  = errors.New("cors: configuration over 64 KiB") // MaxMessageLengthExceeded, 400
)

// ValidationError carries S3's wording for a rejected configuration.
type ValidationError struct {
	Kind   error  // ErrMalformed or ErrInvalid
	Reason string // the message S3 returns
}

func (e *ValidationError) Error() string { return e.Reason }
func (e *ValidationError) Unwrap() error { return e.Kind }

func invalid(format string, args ...any) error {
	return &ValidationError{Kind: ErrInvalid, Reason: fmt.Sprintf(format, args...)}
}

func malformed(reason string) error {
	return &ValidationError{Kind: ErrMalformed, Reason: reason}
}

// Config is a bucket's CORS configuration. Rules are evaluated in order.
type Config struct {
	Rules []Rule
}

// Rule is one CORSRule. Values are kept as sent (S3 gives them back
// unnormalized); matching handles case where S3 does.
type Rule struct {
	ID             string
	AllowedHeaders []string
	AllowedMethods []string
	AllowedOrigins []string
	ExposeHeaders  []string
	MaxAgeSeconds  *int // nil when the element is absent
}

// MarshalXML writes the document as GetBucketCors returns it, so the wire
// layer can encode a *Config directly. Element order follows the API
// reference's syntax.
func (c Config) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	// The field order is the element order of S3's syntax.
	type rule struct {
		AllowedHeaders []string `xml:"AllowedHeader"`
		AllowedMethods []string `xml:"AllowedMethod"`
		AllowedOrigins []string `xml:"AllowedOrigin"`
		ExposeHeaders  []string `xml:"ExposeHeader"`
		ID             string   `xml:"ID,omitempty"`
		MaxAgeSeconds  *int     `xml:"MaxAgeSeconds,omitempty"`
	}
	doc := struct {
		XMLName xml.Name `xml:"CORSConfiguration"`
		NS      string   `xml:"xmlns,attr"`
		Rules   []rule   `xml:"CORSRule"`
	}{NS: Namespace}
	for _, r := range c.Rules {
		doc.Rules = append(doc.Rules, rule{
			AllowedHeaders: r.AllowedHeaders, AllowedMethods: r.AllowedMethods,
			AllowedOrigins: r.AllowedOrigins, ExposeHeaders: r.ExposeHeaders,
			ID: r.ID, MaxAgeSeconds: r.MaxAgeSeconds,
		})
	}
	return e.Encode(doc)
}

// Marshal renders the configuration as a complete S3 XML document,
// declaration included.
func Marshal(c *Config) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(c); err != nil {
		return nil, fmt.Errorf("cors: encode: %w", err)
	}
	return buf.Bytes(), nil
}
