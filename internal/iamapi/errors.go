package iamapi

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// APIError is an error as the query protocol answers it.
type APIError struct {
	Code    string
	Status  int
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

type errCode struct {
	code   string
	status int
}

var (
	codeInvalidAction  = errCode{"InvalidAction", 400}
	codeInvalidInput   = errCode{"InvalidInput", 400}
	codeMalformedQuery = errCode{"MalformedQueryString", 400}
	codeValidation     = errCode{"ValidationError", 400}
	codeAccessDenied   = errCode{"AccessDenied", 403}
	codeMissingParam   = errCode{"MissingParameter", 400}
)

func apiErr(c errCode, format string, args ...any) *APIError {
	return &APIError{Code: c.code, Status: c.status, Message: fmt.Sprintf(format, args...)}
}

type serviceCode struct {
	err  error
	code errCode
}

// serviceCodes maps the identity service's sentinels.
var serviceCodes = []serviceCode{
	{iam.ErrNoSuchEntity, errCode{"NoSuchEntity", 404}},
	{iam.ErrEntityAlreadyExists, errCode{"EntityAlreadyExists", 409}},
	{iam.ErrDeleteConflict, errCode{"DeleteConflict", 409}},
	{iam.ErrLimitExceeded, errCode{"LimitExceeded", 409}},
	{iam.ErrMalformedPolicy, errCode{"MalformedPolicyDocument", 400}},
	{iam.ErrValidation, codeValidation},
	{iam.ErrInvalidInput, codeInvalidInput},
	{iam.ErrAccessDenied, codeAccessDenied},
	{iam.ErrPackedPolicyTooLarge, errCode{"PackedPolicyTooLarge", 400}},
}

const (
	msgInvalidToken = "The security token included in the request is invalid."
	msgBadSignature = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// authCodes answers authentication failures in the words of AWS's query
// services.
var authCodes = []struct {
	err error
	api *APIError
}{
	{sigv4.ErrMissingAuth, &APIError{"MissingAuthenticationToken", 403, "Request is missing Authentication Token"}},
	{sigv4.ErrInvalidAccessKeyID, &APIError{"InvalidClientTokenId", 403, msgInvalidToken}},
	{sigv4.ErrInvalidSecurityToken, &APIError{"InvalidClientTokenId", 403, msgInvalidToken}},
	{sigv4.ErrExpiredToken, &APIError{"ExpiredToken", 400, "The security token included in the request is expired"}},
	{sigv4.ErrSignatureDoesNotMatch, &APIError{"SignatureDoesNotMatch", 403, msgBadSignature}},
	{sigv4.ErrContentSHA256Mismatch, &APIError{"SignatureDoesNotMatch", 403, msgBadSignature}},
	{sigv4.ErrRequestTimeTooSkewed, &APIError{"SignatureDoesNotMatch", 403, "Signature expired: the request time is too far from the server time."}},
	{sigv4.ErrExpired, &APIError{"SignatureDoesNotMatch", 403, "Signature expired."}},
	{sigv4.ErrInvalidRegion, &APIError{"SignatureDoesNotMatch", 403, "Credential should be scoped to a valid region."}},
	{sigv4.ErrInvalidContentSHA256, &APIError{"IncompleteSignature", 400, "The request payload hash is not valid."}},
	{sigv4.ErrMissingDate, &APIError{"IncompleteSignature", 400, "Authorization requires a valid X-Amz-Date or Date header."}},
	{sigv4.ErrAuthHeaderMalformed, &APIError{"IncompleteSignature", 400, "The Authorization header is malformed."}},
	{sigv4.ErrQueryParamsMalformed, &APIError{"IncompleteSignature", 400, "The authorization query parameters are malformed."}},
	{sigv4.ErrUnsupportedAlgorithm, &APIError{"IncompleteSignature", 400, "The signing algorithm is not supported."}},
	{sigv4.ErrMalformedChunk, &APIError{"InvalidInput", 400, "The request body is not valid aws-chunked encoding."}},
}

var errInternal = &APIError{"InternalFailure", 500, "The request processing has failed because of an unknown error, exception or failure."}

// toAPIError maps any error to what the client gets.
func toAPIError(err error) *APIError {
	var api *APIError
	if errors.As(err, &api) {
		return api
	}
	for _, m := range authCodes {
		if errors.Is(err, m.err) {
			return m.api
		}
	}
	for _, m := range serviceCodes {
		if errors.Is(err, m.err) {
			msg := err.Error()
			var ie *iam.Error
			if errors.As(err, &ie) {
				msg = ie.Msg
			}
			return &APIError{Code: m.code.code, Status: m.code.status, Message: msg}
		}
	}
	return errInternal
}

type xmlErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, ns, reqID string, err error) {
	e := toAPIError(err)
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
		h.log.ErrorContext(r.Context(), "iam request failed", "err", err)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if xerr := xml.NewEncoder(&buf).Encode(xmlErrorResponse{Xmlns: ns, Type: typ, Code: e.Code, Message: e.Message, RequestID: reqID}); xerr != nil {
		buf.Reset()
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(e.Status)
	w.Write(buf.Bytes())
}

func writeResult(w http.ResponseWriter, ns, action string, result any, reqID string) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	fmt.Fprintf(&buf, `<%sResponse xmlns="%s">`, action, ns)
	if result != nil {
		if err := xml.NewEncoder(&buf).EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
	}
	fmt.Fprintf(&buf, `<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`, reqID, action)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
