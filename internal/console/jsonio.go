package console

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// maxBody caps a JSON request: the largest legitimate one (a delete of
// 1,000 keys of 1,024 bytes) stays under it.
const maxBody = 2 << 20

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]apiError{"error": {Code: code, Message: msg}})
}

// decodeJSON reads one JSON object into v, refusing other content types
// (a cross-site form cannot send application/json without a preflight),
// oversize bodies, unknown fields and trailing data. It answers the error
// itself and reports whether decoding succeeded.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "The request body must be application/json.")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "RequestTooLarge", "The request body is too large.")
			return false
		}
		writeError(w, http.StatusBadRequest, "MalformedJSON", "The request body is not valid JSON for this call: "+clip(err.Error()))
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, "MalformedJSON", "The request body has data after the JSON object.")
		return false
	}
	return true
}

// writeAPIError relays an S3 or IAM error with its code, message and
// status, so the page shows what the S3 API would have said.
func writeAPIError(w http.ResponseWriter, err error) {
	status := http.StatusBadGateway
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= 400 {
		status = re.HTTPStatusCode()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if status == http.StatusBadGateway {
			status = http.StatusBadRequest // refused before it was sent
		}
		msg := ae.ErrorMessage()
		if msg == "" {
			msg = friendly(ae.ErrorCode())
		}
		writeError(w, status, ae.ErrorCode(), msg)
		return
	}
	if status == http.StatusBadGateway {
		writeError(w, status, "UpstreamError", "The S3 endpoint could not be reached: "+clip(err.Error()))
		return
	}
	writeError(w, status, http.StatusText(status), http.StatusText(status))
}

// friendly words the codes HEAD-style answers carry without a message.
func friendly(code string) string {
	switch code {
	case "NotFound", "NoSuchKey":
		return "The object does not exist."
	case "Forbidden", "AccessDenied":
		return "Access denied."
	}
	return code
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// isNotImplemented reports whether err is S3's answer for an operation the
// server does not serve (the page then hides that setting).
func isNotImplemented(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "NotImplemented" || ae.ErrorCode() == "MethodNotAllowed")
}

// apiCode returns the S3/IAM error code of err, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
