package postpolicy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// Bounds on the fields before the file. S3 counts the raw form bytes
// before the file against MaxPreDataBytes; the body reader cannot count
// exactly (the multipart parser reads ahead), so it allows readAhead more
// raw bytes and the field names and values themselves are held to
// MaxPreDataBytes exactly. MaxFields caps the map the fields go into.
const (
	MaxFields = 500
	readAhead = 8 << 10
)

// Auth says how a form was authenticated.
type Auth int

const (
	Anonymous Auth = iota // no signature fields: the policy is not checked
	SigV4
	SigV2
)

// Options are what Read needs besides the request.
type Options struct {
	Region string     // the region credentials must be scoped to; "" accepts any
	Lookup LookupFunc // required for signed forms
	Now    time.Time  // the policy must not have expired at this instant
}

// Form is an authenticated, policy-checked browser upload whose file has
// not been read yet.
type Form struct {
	Auth      Auth
	AccessKey string
	Policy    *Policy // nil for anonymous forms

	// Fields holds every field before the file under its lowercased name,
	// ${filename} expanded, repeated fields joined with ",". The wire layer
	// reads acl, tagging, Cache-Control, x-amz-storage-class, SSE fields
	// and the like from it.
	Fields map[string]string

	Key                   string
	ContentType           string                        // "" when the form has none
	Metadata              map[string]string             // x-amz-meta-* without the prefix, lowercased names
	SuccessActionStatus   int                           // 200, 201 or 204 (the default, also for invalid values)
	SuccessActionRedirect string                        // success_action_redirect, or the deprecated redirect
	ChecksumAlgorithm     string                        // x-amz-checksum-algorithm as sent
	Checksums             map[checksum.Algorithm]string // x-amz-checksum-<alg> values as sent (base64)

	FileName        string    // the file part's filename, path removed
	FileContentType string    // the file part's own Content-Type header, if any
	File            io.Reader // the file content, streamed, content-length-range enforced
}

// Read parses a POST Object request up to the file part, authenticates it
// and checks its policy. The body is read as a stream: only the fields
// before the file are held in memory (bounded by MaxPreDataBytes) and the
// file is left in the body for Form.File. Fields after the file are
// ignored, as S3 ignores them. bucket is the bucket the URL addresses.
func Read(ctx context.Context, r *http.Request, bucket string, opts Options) (*Form, error) {
	boundary, err := boundaryOf(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	body := &preDataReader{r: r.Body, left: MaxPreDataBytes + readAhead}
	mr := multipart.NewReader(body, boundary)
	f, file, err := readFields(mr, body)
	if err != nil {
		return nil, err
	}
	if _, ok := f.get("key"); !ok {
		return nil, missingField("key")
	}
	form := &Form{File: file.part, FileName: file.name, FileContentType: file.contentType}
	if err := form.authorize(ctx, f, bucket, opts); err != nil {
		return nil, err
	}
	form.fill(f)
	return form, nil
}

// boundaryOf checks the request is multipart/form-data with a boundary.
func boundaryOf(contentType string) (string, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		// A form whose parameters do not parse is still a form, just a
		// broken one.
		mt, _, _ = strings.Cut(contentType, ";")
	}
	if !strings.EqualFold(strings.TrimSpace(mt), "multipart/form-data") {
		return "", &Error{Kind: ErrNotMultipart, Message: "At least one of the pre-conditions you specified did not hold"}
	}
	if err != nil || params["boundary"] == "" {
		return "", malformedErr()
	}
	return params["boundary"], nil
}

func malformedErr() error {
	return &Error{Kind: ErrMalformed, Message: "The body of your POST request is not well-formed multipart/form-data."}
}

func preDataErr() error {
	return &Error{Kind: ErrPreDataTooLarge, Message: "Your POST request fields preceeding the upload file was too large."} // sic
}

type filePart struct {
	part        io.Reader
	name        string
	contentType string
}

// readFields reads parts up to the one named "file" and expands
// ${filename} in every field, as S3 does before checking the policy.
func readFields(mr *multipart.Reader, body *preDataReader) (*fields, filePart, error) {
	f := newFields()
	budget := int64(MaxPreDataBytes)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, filePart{}, &ArgumentError{Name: "file", Value: "0",
				Message: "POST requires exactly one file upload per request."}
		}
		if err != nil {
			return nil, filePart{}, partErr(err)
		}
		name, filename, hasFilename, err := disposition(part)
		if err != nil {
			return nil, filePart{}, err
		}
		if strings.EqualFold(name, "file") {
			body.unlimit()
			expandFilename(f, filename, hasFilename)
			return f, filePart{part: part, name: filename, contentType: part.Header.Get("Content-Type")}, nil
		}
		if len(f.order) >= MaxFields {
			return nil, filePart{}, preDataErr()
		}
		value, err := io.ReadAll(io.LimitReader(part, budget+1))
		if err != nil {
			return nil, filePart{}, partErr(err)
		}
		if budget -= int64(len(name) + len(value)); budget < 0 {
			return nil, filePart{}, preDataErr()
		}
		f.add(name, string(value))
	}
}

// partErr keeps the pre-data limit visible and calls the rest malformed.
func partErr(err error) error {
	if errors.Is(err, ErrPreDataTooLarge) {
		return err
	}
	return fmt.Errorf("%w (%v)", malformedErr(), err)
}

// disposition reads a part's form-data name and filename. The filename is
// reduced to what follows the last slash or backslash, as S3 documents.
func disposition(p *multipart.Part) (name, filename string, hasFilename bool, err error) {
	disp, params, perr := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if perr != nil || !strings.EqualFold(disp, "form-data") || params["name"] == "" {
		return "", "", false, malformedErr()
	}
	filename, hasFilename = params["filename"]
	if i := strings.LastIndexAny(filename, `/\`); i >= 0 {
		filename = filename[i+1:]
	}
	return params["name"], filename, hasFilename, nil
}

// expandFilename replaces ${filename} in every field. A file part without
// a filename parameter leaves the variable as it is: S3 was seen storing
// the key literally then, although its documentation says "empty".
func expandFilename(f *fields, filename string, hasFilename bool) {
	if !hasFilename {
		return
	}
	for k, v := range f.values {
		f.values[k] = strings.ReplaceAll(v, "${filename}", filename)
	}
}

// preDataReader bounds the raw bytes read from the body until the file
// part starts, so part headers cannot grow memory either.
type preDataReader struct {
	r         io.Reader
	left      int64
	unlimited bool
}

func (p *preDataReader) unlimit() { p.unlimited = true }

func (p *preDataReader) Read(b []byte) (int, error) {
	if p.unlimited {
		return p.r.Read(b)
	}
	if p.left <= 0 {
		return 0, preDataErr()
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	n, err := p.r.Read(b)
	p.left -= int64(n)
	return n, err
}
