package cors

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// wireConfig is the decoding shape. Unknown elements are collected so they
// can be refused: S3 validates the document against its schema.
type wireConfig struct {
	XMLName xml.Name   `xml:"CORSConfiguration"`
	Rules   []wireRule `xml:"CORSRule"`
	Unknown []element  `xml:",any"`
}

type wireRule struct {
	ID             []string  `xml:"ID"`
	AllowedHeaders []string  `xml:"AllowedHeader"`
	AllowedMethods []string  `xml:"AllowedMethod"`
	AllowedOrigins []string  `xml:"AllowedOrigin"`
	ExposeHeaders  []string  `xml:"ExposeHeader"`
	MaxAgeSeconds  []string  `xml:"MaxAgeSeconds"`
	Unknown        []element `xml:",any"`
}

type element struct {
	XMLName xml.Name
}

// Parse reads and validates a PutBucketCors body. It reads at most
// MaxDocumentSize+1 bytes, so a hostile body cannot grow memory. Errors
// wrap ErrTooLarge, ErrMalformed or ErrInvalid, or the reader's own error.
func Parse(r io.Reader) (*Config, error) {
	doc, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("cors: read body: %w", err)
	}
	if len(doc) > MaxDocumentSize {
		return nil, ErrTooLarge
	}
	var w wireConfig
	if err := decodeStrict(doc, &w); err != nil {
		return nil, err
	}
	if ns := w.XMLName.Space; ns != "" && ns != Namespace {
		return nil, malformed("unexpected namespace " + strconv.Quote(ns))
	}
	if len(w.Unknown) > 0 {
		return nil, malformed("unexpected element " + w.Unknown[0].XMLName.Local)
	}
	return w.config()
}

// decodeStrict parses doc into v and refuses anything but whitespace,
// comments and processing instructions after the root element.
func decodeStrict(doc []byte, v any) error {
	if len(bytes.TrimSpace(doc)) == 0 {
		return malformed("empty document")
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	if err := d.Decode(v); err != nil {
		return &ValidationError{Kind: ErrMalformed, Reason: err.Error()}
	}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &ValidationError{Kind: ErrMalformed, Reason: err.Error()}
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return malformed("text after the root element")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return malformed("content after the root element")
		}
	}
}

// config validates the decoded document in the order S3 reports problems:
// the rule count first, then each rule in turn.
func (w *wireConfig) config() (*Config, error) {
	if len(w.Rules) == 0 {
		return nil, malformed("no CORSRule")
	}
	if len(w.Rules) > MaxRules {
		return nil, invalid("The number of CORS rules should not exceed allowed limit of %d rules.", MaxRules)
	}
	c := &Config{Rules: make([]Rule, 0, len(w.Rules))}
	for i := range w.Rules {
		r, err := w.Rules[i].rule()
		if err != nil {
			return nil, err
		}
		c.Rules = append(c.Rules, r)
	}
	return c, nil
}

func (w *wireRule) rule() (Rule, error) {
	if len(w.Unknown) > 0 {
		return Rule{}, malformed("unexpected element " + w.Unknown[0].XMLName.Local)
	}
	// "Each CORSRule must identify at least one origin and one method."
	if len(w.AllowedOrigins) == 0 || len(w.AllowedMethods) == 0 {
		return Rule{}, malformed("CORSRule without AllowedOrigin or AllowedMethod")
	}
	if len(w.ID) > 1 || len(w.MaxAgeSeconds) > 1 {
		return Rule{}, malformed("repeated ID or MaxAgeSeconds")
	}
	r := Rule{
		AllowedHeaders: w.AllowedHeaders,
		AllowedMethods: w.AllowedMethods,
		AllowedOrigins: w.AllowedOrigins,
		ExposeHeaders:  w.ExposeHeaders,
	}
	if len(w.ID) == 1 {
		r.ID = w.ID[0]
	}
	if len(r.ID) > MaxIDLength {
		return Rule{}, invalid("The ID length should not exceed allowed limit of %d", MaxIDLength)
	}
	if len(w.MaxAgeSeconds) == 1 {
		// An xsd:int: surrounding whitespace is collapsed, the value must fit 32 bits.
		n, err := strconv.ParseInt(strings.TrimSpace(w.MaxAgeSeconds[0]), 10, 32)
		if err != nil || n < 0 {
			return Rule{}, malformed("MaxAgeSeconds is not a non-negative integer")
		}
		age := int(n)
		r.MaxAgeSeconds = &age
	}
	return r, r.validate()
}

// validate applies S3's InvalidRequest checks, with S3's messages.
func (r *Rule) validate() error {
	for _, m := range r.AllowedMethods {
		if !slices.Contains(Methods, m) {
			return invalid("Found unsupported HTTP method in CORS config. Unsupported method is %s", m)
		}
	}
	for _, o := range r.AllowedOrigins {
		if strings.Count(o, "*") > 1 {
			return invalid("AllowedOrigin \"%s\" can not have more than one wildcard.", o)
		}
	}
	for _, h := range r.AllowedHeaders {
		if strings.Count(h, "*") > 1 {
			return invalid("AllowedHeader \"%s\" can not have more than one wildcard.", h)
		}
	}
	return nil
}
