package s3api

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/hoard-s3/hoard/internal/cors"
	"github.com/hoard-s3/hoard/internal/object"
)

// corsConfigName is the bucket configuration the CORS rules are kept under.
const corsConfigName = "cors"

var (
	errNoSuchCORS     = newErr("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist")
	errCORSDisabled   = newErr("AccessForbidden", 403, "CORSResponse: CORS is not enabled for this bucket.")
	errCORSNoBucket   = newErr("AccessForbidden", 403, "CORSResponse: Bucket not found")
	errCORSNotAllowed = newErr("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
	errCORSNoOrigin   = newErr("BadRequest", 400, "Insufficient information. Origin request header needed.")
	errCORSBadMethod  = newErr("BadRequest", 400, "Invalid Access-Control-Request-Method")
)

func (h *handler) putBucketCors(req *request) (*response, error) {
	body, err := readVerifiedBody(req, cors.MaxDocumentSize, true)
	if err != nil {
		return nil, err
	}
	cfg, err := cors.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, corsParseError(err)
	}
	doc, err := cors.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	if err := h.svc.PutBucketConfig(req.ctx, req.bucket, corsConfigName, doc); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

// corsParseError gives a rejected configuration S3's code and wording.
func corsParseError(err error) error {
	var v *cors.ValidationError
	switch {
	case errors.Is(err, cors.ErrTooLarge):
		return errMaxMessageLength
	case errors.As(err, &v) && errors.Is(err, cors.ErrInvalid):
		return errInvalidRequest.withMessage("%s", v.Reason)
	case errors.Is(err, cors.ErrMalformed):
		return errMalformedXML
	}
	return err
}

func (h *handler) getBucketCors(req *request) (*response, error) {
	cfg, err := h.bucketCORS(req)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		return nil, errNoSuchCORS
	}
	return xmlResponse(cfg), nil
}

func (h *handler) deleteBucketCors(req *request) (*response, error) {
	if err := h.svc.DeleteBucketConfig(req.ctx, req.bucket, corsConfigName); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

// bucketCORS loads the bucket's rules; nil without a configuration.
func (h *handler) bucketCORS(req *request) (*cors.Config, error) {
	doc, err := h.svc.GetBucketConfig(req.ctx, req.bucket, corsConfigName)
	if errors.Is(err, object.ErrNoSuchBucketConfig) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return cors.Parse(bytes.NewReader(doc))
}

// preflight answers a browser's OPTIONS request. Browsers send it without
// credentials, so it is served unauthenticated, as S3 does; it reveals
// only what the bucket's CORS rules allow.
func (h *handler) preflight(req *request) (*response, error) {
	origin := req.header(cors.HeaderOrigin)
	if origin == "" {
		return nil, errCORSNoOrigin
	}
	method := req.header(cors.HeaderRequestMethod)
	if !validCORSMethod(method) {
		return nil, errCORSBadMethod.withMessage("Invalid Access-Control-Request-Method: %s", method)
	}
	cfg, err := h.bucketCORS(req)
	switch {
	case errors.Is(err, object.ErrNoSuchBucket):
		return nil, errCORSNoBucket
	case err != nil:
		return nil, err
	case cfg == nil:
		return nil, errCORSDisabled
	}
	names := cors.SplitHeaderList(req.r.Header.Values(cors.HeaderRequestHeaders))
	res, ok := cors.Preflight(cfg, origin, method, names)
	if !ok {
		return nil, errCORSNotAllowed
	}
	resp := newResponse(http.StatusOK)
	res.WriteHeaders(resp.header)
	return resp, nil
}

func validCORSMethod(m string) bool {
	for _, v := range cors.Methods {
		if m == v {
			return true
		}
	}
	return false
}

// addCORSHeaders lets a browser read the answer to a cross-origin request
// (a part's ETag above all) when a rule allows the origin. It runs for
// errors too, so scripts can see why a request failed. The rules are read
// only for requests that carry an Origin, which browsers alone send.
func (h *handler) addCORSHeaders(req *request) {
	if req.bucket == "" || req.r.Method == http.MethodOptions || req.header(cors.HeaderOrigin) == "" {
		return
	}
	cfg, err := h.bucketCORS(req)
	if err != nil || cfg == nil {
		return
	}
	if res, ok := cors.ForRequest(cfg, req.r.Method, req.r.Header); ok {
		res.WriteHeaders(req.w.Header())
	}
}
