package s3api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/hoard-s3/hoard/internal/object"
)

// Server-side encryption request and response headers.
const (
	hdrSSE           = "X-Amz-Server-Side-Encryption"
	hdrSSEKMSKeyID   = "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"
	hdrSSEContext    = "X-Amz-Server-Side-Encryption-Context"
	hdrSSEBucketKey  = "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"
	hdrSSECAlgorithm = "Server-Side-Encryption-Customer-Algorithm"
	hdrSSECKey       = "Server-Side-Encryption-Customer-Key"
	hdrSSECKeyMD5    = "Server-Side-Encryption-Customer-Key-Md5"

	ssePrefix     = "X-Amz-"             // the object's own customer key
	sseCopyPrefix = "X-Amz-Copy-Source-" // the copy source's customer key
)

var (
	errSSEBadAlgorithm = errInvalidArgument.withMessage("The encryption method specified is not supported")
	errSSECAlgorithm   = newErr("InvalidEncryptionAlgorithmError", 400, "The encryption request you specified is not valid. The valid value is AES256.")
	errSSECKey         = errInvalidArgument.withMessage("The secret key was invalid for the specified algorithm.")
	errSSECMissingKey  = errInvalidArgument.withMessage("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.")
	errSSECMissingAlg  = errInvalidArgument.withMessage("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.")
	errSSECMissingMD5  = errInvalidArgument.withMessage("Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.")
	errSSECKeyMD5      = errInvalidArgument.withMessage("The calculated MD5 hash of the key did not match the hash that was provided.")
	errSSEBoth         = errInvalidArgument.withMessage("Server Side Encryption with Customer provided key is incompatible with the encryption method specified")
	errSSEKMSWithout   = errInvalidArgument.withMessage("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms")
	errSSEContext      = errInvalidArgument.withMessage("The header 'x-amz-server-side-encryption-context' must be base64-encoded UTF-8 JSON of string keys and values.")
	errSSEBucketKey    = errInvalidArgument.withMessage("Invalid value for x-amz-server-side-encryption-bucket-key-enabled; it must be true or false.")
	errSSEOnRead       = errInvalidArgument.withMessage("x-amz-server-side-encryption header is not supported for this operation.")
)

// maxSSEContext bounds the decoded encryption context, as KMS does.
const maxSSEContext = 4 << 10

// writeSSE reads the encryption a write asks for: SSE-S3 or SSE-KMS with
// x-amz-server-side-encryption, or a customer key (SSE-C). No header means
// the bucket default.
func writeSSE(h http.Header) (object.SSERequest, error) {
	c, hasC, err := customerKey(h, ssePrefix)
	if err != nil {
		return c, err
	}
	alg := h.Get(hdrSSE)
	if hasC {
		if alg != "" || h.Get(hdrSSEKMSKeyID) != "" || h.Get(hdrSSEContext) != "" {
			return c, errSSEBoth
		}
		return c, nil
	}
	var r object.SSERequest
	switch alg {
	case "":
		if h.Get(hdrSSEKMSKeyID) != "" || h.Get(hdrSSEContext) != "" {
			return r, errSSEKMSWithout
		}
	case object.SSEAlgorithmAES256:
		r.Mode = object.SSES3
		if h.Get(hdrSSEKMSKeyID) != "" || h.Get(hdrSSEContext) != "" {
			return r, errSSEKMSWithout
		}
	case object.SSEAlgorithmKMS:
		r.Mode = object.SSEKMS
		r.KMSKeyID = h.Get(hdrSSEKMSKeyID)
		if r.KMSContext, err = sseContext(h.Get(hdrSSEContext)); err != nil {
			return r, err
		}
	case "aws:kms:dsse":
		return r, errNotImplemented.withMessage("Dual-layer server-side encryption (aws:kms:dsse) is not implemented.")
	default:
		return r, errSSEBadAlgorithm
	}
	switch v := h.Get(hdrSSEBucketKey); strings.ToLower(v) {
	case "":
	case "true":
		r.BucketKeyEnabled = true
	case "false":
	default:
		return r, errSSEBucketKey
	}
	return r, nil
}

// sseContext decodes x-amz-server-side-encryption-context: base64 of a
// JSON object whose values are strings.
func sseContext(v string) (map[string]string, error) {
	if v == "" {
		return nil, nil
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) > maxSSEContext || !utf8.Valid(raw) {
		return nil, errSSEContext
	}
	var m map[string]string
	d := json.NewDecoder(bytes.NewReader(raw))
	if err := d.Decode(&m); err != nil || d.More() || m == nil {
		return nil, errSSEContext
	}
	return m, nil
}

// customerKey reads the SSE-C headers under prefix (x-amz- for the object,
// x-amz-copy-source- for a copy source). ok is false when none is present.
func customerKey(h http.Header, prefix string) (r object.SSERequest, ok bool, err error) {
	alg, key, sum := h.Get(prefix+hdrSSECAlgorithm), h.Get(prefix+hdrSSECKey), h.Get(prefix+hdrSSECKeyMD5)
	if alg == "" && key == "" && sum == "" {
		return r, false, nil
	}
	switch {
	case alg == "":
		return r, true, errSSECMissingAlg
	case alg != object.SSEAlgorithmAES256:
		return r, true, errSSECAlgorithm
	case key == "":
		return r, true, errSSECMissingKey
	case sum == "":
		return r, true, errSSECMissingMD5
	}
	r.Mode = object.SSEC
	if r.CustomerKey, err = base64.StdEncoding.DecodeString(key); err != nil || len(r.CustomerKey) != 32 {
		return r, true, errSSECKey
	}
	if r.CustomerKeyMD5, err = base64.StdEncoding.DecodeString(sum); err != nil || len(r.CustomerKeyMD5) != 16 {
		return r, true, errSSECKeyMD5
	}
	return r, true, nil
}

// readSSE reads the customer key of a read (GET, HEAD) or of a part upload
// to an SSE-C upload. Naming an encryption method there is an error.
func readSSE(h http.Header, prefix string) (object.SSERequest, error) {
	if prefix == ssePrefix && (h.Get(hdrSSE) != "" || h.Get(hdrSSEKMSKeyID) != "") {
		return object.SSERequest{}, errSSEOnRead
	}
	r, _, err := customerKey(h, prefix)
	return r, err
}

// setSSEHeaders sends the encryption of an object as S3 does. withContext
// adds the KMS encryption context, which S3 returns only on writes.
func setSSEHeaders(h http.Header, i object.SSEInfo, withContext bool) {
	switch i.Type {
	case object.SSETypeS3, object.SSETypeKMS:
		h.Set(hdrSSE, i.Algorithm())
	case object.SSETypeC:
		h.Set(ssePrefix+hdrSSECAlgorithm, object.SSEAlgorithmAES256)
		if len(i.CustomerKeyMD5) != 0 { // known only from a request that carried the key
			h.Set(ssePrefix+hdrSSECKeyMD5, base64.StdEncoding.EncodeToString(i.CustomerKeyMD5))
		}
		return
	default:
		return
	}
	if i.Type == object.SSETypeKMS {
		h.Set(hdrSSEKMSKeyID, i.KMSKeyARN)
		if withContext && i.KMSContext != "" {
			h.Set(hdrSSEContext, base64.StdEncoding.EncodeToString([]byte(i.KMSContext)))
		}
	}
	if i.BucketKeyEnabled {
		h.Set(hdrSSEBucketKey, "true")
	}
}

// applied records the encryption of a write for the access log.
func (req *request) applied(i object.SSEInfo) { req.sseApplied = i.Applied() }
