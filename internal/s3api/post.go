package s3api

import (
	"context"
	"crypto/subtle"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/postpolicy"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// postResponse is the document of success_action_status 201.
type postResponse struct {
	XMLName  xml.Name `xml:"PostResponse"`
	Location string
	Bucket   string
	Key      string
	ETag     string
}

// postObject serves a browser form upload (POST Object): the form's
// signed policy authenticates it, then the file streams into PutObject
// with its size unknown in advance.
func (h *handler) postObject(req *request) (*response, error) {
	form, err := h.readForm(req)
	if err != nil {
		return nil, postError(err)
	}
	req.key = form.Key
	if err := h.authorizeForm(req, formHeader(form)); err != nil {
		return nil, postError(err)
	}
	in, err := formPutInput(req, form)
	if err != nil {
		return nil, postError(err)
	}
	info, err := h.svc.PutObject(event.WithName(req.ctx, event.ObjectCreatedPost), in)
	if err != nil {
		return nil, postError(namedMismatch(err, in.Checksum))
	}
	req.applied(info.SSE)
	resp := postSuccess(req, form, info)
	setSSEHeaders(resp.header, info.SSE, true)
	return resp, nil
}

// readForm authenticates the form against the credential store the
// request verifier uses. A form without signature fields is anonymous.
func (h *handler) readForm(req *request) (*postpolicy.Form, error) {
	if h.cfg.Verifier == nil || h.cfg.Verifier.Creds == nil {
		return nil, errAccessDenied
	}
	var cred sigv4.Credential
	lookup := func(ctx context.Context, accessKey string) (string, error) {
		c, err := h.cfg.Verifier.Creds.Lookup(ctx, accessKey)
		cred = c
		return c.Secret, err
	}
	form, err := postpolicy.Read(req.ctx, req.r, req.bucket, postpolicy.Options{
		Region: h.cfg.Region, Lookup: lookup, Now: time.Now(),
	})
	if err != nil {
		return nil, err
	}
	if form.Auth == postpolicy.Anonymous {
		// An unsigned form is an anonymous write: authorization decides,
		// as for an anonymous PUT (a bucket policy or ACL must allow it).
		return form, nil
	}
	// Temporary credentials must present their session token, and only
	// they may present one, as for signed requests.
	token := form.Fields["x-amz-security-token"]
	if subtle.ConstantTimeCompare([]byte(cred.SessionToken), []byte(token)) != 1 {
		return nil, sigv4.ErrInvalidSecurityToken
	}
	req.auth = &sigv4.Auth{Method: "post-policy", AccessKey: form.AccessKey, Service: "s3"}
	return form, nil
}

// formHeaderFields are the form fields that stand for standard request
// headers of a PUT; x-amz-* fields (metadata, checksums, encryption,
// storage class) keep their names, and acl is x-amz-acl.
var formHeaderFields = map[string]bool{
	"cache-control": true, "content-disposition": true, "content-encoding": true,
	"content-language": true, "expires": true,
}

// formHeader renders the form as the headers a PUT would have carried, so
// the upload is decoded exactly as PutObject decodes its headers.
func formHeader(form *postpolicy.Form) http.Header {
	h := http.Header{}
	for k, v := range form.Fields {
		switch {
		case k == "acl":
			h.Set("X-Amz-Acl", v)
		case formHeaderFields[k], strings.HasPrefix(k, "x-amz-") && k != "x-amz-tagging":
			h.Set(k, v)
		}
	}
	if form.ContentType != "" {
		h.Set("Content-Type", form.ContentType)
	}
	return h
}

// formPutInput turns the form into a PutObject of unknown size.
func formPutInput(req *request, form *postpolicy.Form) (object.PutInput, error) {
	in := object.PutInput{Bucket: req.bucket, Key: form.Key, Body: form.File, Size: -1}
	fake := &request{r: &http.Request{Header: formHeader(form)}}
	if err := decodePutHeaders(fake.r, &in); err != nil {
		return in, err
	}
	var err error
	if in.Checksum, err = expectedChecksum(fake); err != nil {
		return in, err
	}
	in.Tags, err = formTags(form.Fields["tagging"])
	return in, err
}

// formTags reads the tagging field, a Tagging XML document in a form.
func formTags(doc string) ([]object.Tag, error) {
	if doc == "" {
		return nil, nil
	}
	return parseTaggingXML([]byte(doc))
}

// postSuccess answers as success_action_redirect or _status ask.
func postSuccess(req *request, form *postpolicy.Form, info *object.ObjectInfo) *response {
	etag := quoteETag(info.ETag)
	loc := strings.TrimSuffix(location(req), "/") + "/" + url.PathEscape(form.Key)
	if target, ok := redirectTarget(form.SuccessActionRedirect, req.bucket, form.Key, etag); ok {
		resp := newResponse(http.StatusSeeOther)
		resp.header.Set("Location", target)
		return resp
	}
	var resp *response
	switch form.SuccessActionStatus {
	case http.StatusCreated:
		resp = xmlResponse(&postResponse{Location: loc, Bucket: req.bucket, Key: form.Key, ETag: etag})
		resp.status = http.StatusCreated
	default:
		resp = newResponse(form.SuccessActionStatus)
	}
	resp.header.Set("ETag", etag)
	resp.header.Set("Location", loc)
	setChecksumHeader(resp.header, info.Checksum)
	setVersionHeader(resp.header, info.VersionID)
	return resp
}

// redirectTarget adds bucket, key and etag to the redirect URL, as S3
// does. A URL that does not parse as absolute is ignored.
func redirectTarget(raw, bucket, key, etag string) (string, bool) {
	if raw == "" {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", false
	}
	// S3 appends bucket, key and etag in that order to the URL's own query.
	add := "bucket=" + url.QueryEscape(bucket) + "&key=" + url.QueryEscape(key) + "&etag=" + url.QueryEscape(etag)
	if u.RawQuery != "" {
		add = u.RawQuery + "&" + add
	}
	u.RawQuery = add
	return u.String(), true
}

// postErrors maps the form reader's sentinels to S3 errors; the message
// comes from the error itself, which carries S3's wording.
var postErrors = []struct {
	err error
	api *apiError
}{
	{postpolicy.ErrNotMultipart, errPreconditionFailed},
	{postpolicy.ErrMalformed, newErr("MalformedPOSTRequest", 400, "")},
	{postpolicy.ErrPreDataTooLarge, newErr("MaxPostPreDataLengthExceeded", 400, "")},
	{postpolicy.ErrInvalidArgument, errInvalidArgument},
	{postpolicy.ErrInvalidPolicy, newErr("InvalidPolicyDocument", 400, "")},
	{postpolicy.ErrPolicyExpired, errAccessDenied},
	{postpolicy.ErrConditionFailed, errAccessDenied},
	{postpolicy.ErrSignatureMismatch, newErr("SignatureDoesNotMatch", 403, "")},
	{postpolicy.ErrEntityTooLarge, errEntityTooLarge},
	{postpolicy.ErrEntityTooSmall, newErr("EntityTooSmall", 400, "")},
}

func postError(err error) error {
	for _, e := range postErrors {
		if errors.Is(err, e.err) {
			return e.api.withMessage("%s", postMessage(err))
		}
	}
	return err
}

// postMessage finds the S3 wording carried by the form reader's errors.
func postMessage(err error) string {
	var (
		pe *postpolicy.Error
		ae *postpolicy.ArgumentError
		se *postpolicy.SizeError
		ge *postpolicy.SignatureError
	)
	switch {
	case errors.As(err, &pe):
		return pe.Error()
	case errors.As(err, &ae):
		return ae.Error()
	case errors.As(err, &se):
		return se.Error()
	case errors.As(err, &ge):
		return ge.Error()
	}
	return err.Error()
}
