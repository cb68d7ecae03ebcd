package s3api

import (
	"encoding/base64"
	"io"
	"net/http"
	"strings"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/object"
)

// checksumXML fills the Checksum* elements for a stored full-object checksum.
func checksumXML(v checksum.Value) checksumFields {
	return typedChecksumXML(v, object.ChecksumFullObject)
}

// typedChecksumXML fills the Checksum* elements with the given type; an
// empty type leaves ChecksumType out (as in a part's entry).
func typedChecksumXML(v checksum.Value, typ object.ChecksumType) checksumFields {
	var f checksumFields
	switch v.Algorithm {
	case checksum.CRC32:
		f.ChecksumCRC32 = v.Encoded
	case checksum.CRC32C:
		f.ChecksumCRC32C = v.Encoded
	case checksum.CRC64NVME:
		f.ChecksumCRC64NVME = v.Encoded
	case checksum.SHA1:
		f.ChecksumSHA1 = v.Encoded
	case checksum.SHA256:
		f.ChecksumSHA256 = v.Encoded
	default:
		return f
	}
	f.ChecksumType = string(typ)
	return f
}

// setChecksumHeader sends a stored full-object checksum as
// x-amz-checksum-<alg>.
func setChecksumHeader(h http.Header, v checksum.Value) {
	setTypedChecksumHeader(h, v, object.ChecksumFullObject)
}

// setTypedChecksumHeader sends a checksum and, when typ is set, its type.
func setTypedChecksumHeader(h http.Header, v checksum.Value, typ object.ChecksumType) {
	if v.IsZero() || v.Encoded == "" {
		return
	}
	h.Set(v.Algorithm.Header(), v.Encoded)
	if typ != "" {
		h.Set("X-Amz-Checksum-Type", string(typ))
	}
}

// objectChecksumType is the type of a stored object's checksum; objects
// written in one piece have a full-object checksum.
func objectChecksumType(info *object.ObjectInfo) object.ChecksumType {
	if info.ChecksumType != "" {
		return info.ChecksumType
	}
	return object.ChecksumFullObject
}

// parseContentMD5 decodes Content-MD5: base64 of exactly 16 bytes.
func parseContentMD5(r *http.Request) ([]byte, error) {
	vals, ok := r.Header["Content-Md5"]
	if !ok {
		return nil, nil
	}
	if len(vals) != 1 {
		return nil, errInvalidDigest
	}
	sum, err := base64.StdEncoding.DecodeString(strings.TrimSpace(vals[0]))
	if err != nil || len(sum) != 16 {
		return nil, errInvalidDigest
	}
	return sum, nil
}

// requestedAlgorithm reads x-amz-sdk-checksum-algorithm or
// x-amz-checksum-algorithm; both present must agree.
func requestedAlgorithm(r *http.Request) (checksum.Algorithm, error) {
	alg := checksum.None
	for _, name := range []string{"X-Amz-Sdk-Checksum-Algorithm", "X-Amz-Checksum-Algorithm"} {
		v := r.Header.Get(name)
		if v == "" {
			continue
		}
		a, ok := checksum.Parse(v)
		if !ok {
			return checksum.None, errInvalidRequest.withMessage("Value for %s header is invalid.", strings.ToLower(name))
		}
		if alg != checksum.None && alg != a {
			return checksum.None, errInvalidRequest.withMessage("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		alg = a
	}
	return alg, nil
}

// headerChecksum finds the one x-amz-checksum-<alg> header, if any.
func headerChecksum(r *http.Request) (checksum.Value, error) {
	var found checksum.Value
	for _, a := range checksum.All {
		vals, ok := r.Header[a.Header()]
		if !ok {
			continue
		}
		if !found.IsZero() || len(vals) != 1 {
			return found, errInvalidRequest.withMessage("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		if !a.Valid(vals[0]) {
			return found, errInvalidRequest.withMessage("Value for %s header is invalid.", strings.ToLower(a.Header()))
		}
		found = checksum.Value{Algorithm: a, Encoded: vals[0]}
	}
	return found, nil
}

// trailerChecksum finds the checksum declared in x-amz-trailer, if any.
func trailerChecksum(req *request) (checksum.Algorithm, string, error) {
	var names []string
	if req.auth != nil {
		names = req.auth.DeclaredTrailers
	}
	alg, name := checksum.None, ""
	for _, n := range names {
		a, ok := checksum.FromHeader(n)
		if !ok {
			if strings.HasPrefix(strings.ToLower(n), "x-amz-checksum-") {
				return checksum.None, "", errInvalidRequest.withMessage("The value specified in the x-amz-trailer header is not supported")
			}
			continue
		}
		if alg != checksum.None {
			return checksum.None, "", errInvalidRequest.withMessage("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		alg, name = a, strings.ToLower(n)
	}
	return alg, name, nil
}

// expectedChecksum decodes the additional checksum a client declared for
// an upload body: a header value, a trailer, or just an algorithm to
// compute. Conflicting declarations are InvalidRequest.
func expectedChecksum(req *request) (object.ExpectedChecksum, error) {
	alg, err := requestedAlgorithm(req.r)
	if err != nil {
		return object.ExpectedChecksum{}, err
	}
	hv, err := headerChecksum(req.r)
	if err != nil {
		return object.ExpectedChecksum{}, err
	}
	talg, tname, err := trailerChecksum(req)
	if err != nil {
		return object.ExpectedChecksum{}, err
	}
	conflict := errInvalidRequest.withMessage("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
	switch {
	case !hv.IsZero() && talg != checksum.None:
		return object.ExpectedChecksum{}, conflict
	case !hv.IsZero():
		if alg != checksum.None && alg != hv.Algorithm {
			return object.ExpectedChecksum{}, conflict
		}
		return object.ExpectedChecksum{Algorithm: hv.Algorithm, Value: hv.Encoded}, nil
	case talg != checksum.None:
		if alg != checksum.None && alg != talg {
			return object.ExpectedChecksum{}, conflict
		}
		return object.ExpectedChecksum{Algorithm: talg, Late: lateChecksum(req, talg, tname)}, nil
	}
	return object.ExpectedChecksum{Algorithm: alg}, nil
}

// lateChecksum reads a trailer checksum once the body has reached EOF.
func lateChecksum(req *request, alg checksum.Algorithm, name string) func() (string, error) {
	return func() (string, error) {
		v, ok := req.auth.Trailer(name)
		if !ok {
			// An empty body is never read, so its trailer was not either
			// (boto3 over HTTPS sends one: an unsigned payload with a
			// trailing checksum). Reading to the end parses it.
			if n, err := io.Copy(io.Discard, io.LimitReader(req.body, 1)); err != nil || n > 0 {
				return "", errMalformedTrailer
			}
			v, ok = req.auth.Trailer(name)
		}
		if !ok {
			return "", errMalformedTrailer
		}
		if !alg.Valid(v) {
			return "", object.ErrInvalidChecksum
		}
		return v, nil
	}
}
