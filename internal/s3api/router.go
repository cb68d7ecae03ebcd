package s3api

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// route is what the router learns from the request line and Host header.
type route struct {
	bucket string
	key    string
	op     operation
}

// resolve finds bucket and key. r.URL.Path is the request path decoded
// exactly once by net/http (a %2F in the key becomes '/', a %25 becomes
// '%'); it is never cleaned, so keys keep "//" and "../". The Host header
// selects virtual-hosted style when it is a subdomain of the configured
// domain; anything else (an IP, localhost, the bare domain) is path style.
func (h *handler) resolve(r *http.Request) (bucket, key string) {
	p := r.URL.Path
	if b := h.hostBucket(r.Host); b != "" {
		return b, strings.TrimPrefix(p, "/")
	}
	p = strings.TrimPrefix(p, "/")
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key
}

// hostBucket returns the bucket of a virtual-hosted-style Host, or "".
func (h *handler) hostBucket(host string) string {
	if h.cfg.Domain == "" {
		return ""
	}
	if hst, _, err := net.SplitHostPort(host); err == nil {
		host = hst
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	domain := strings.ToLower(strings.TrimSuffix(h.cfg.Domain, "."))
	b, ok := strings.CutSuffix(host, "."+domain)
	if !ok {
		return ""
	}
	return vhostBucket(b)
}

// subresources are the query parameters that select an S3 operation other
// than the plain one on a bucket or object. Those without a controller
// answer 501 NotImplemented.
var subresources = []string{
	"accelerate", "acl", "analytics", "attributes", "cors", "delete",
	"encryption", "intelligent-tiering", "inventory", "legal-hold",
	"lifecycle", "location", "logging", "metadataConfiguration",
	"metadataTable", "metrics", "notification", "object-lock",
	"ownershipControls", "partNumber", "policy", "policyStatus",
	"publicAccessBlock", "renameObject", "replication", "requestPayment",
	"restore", "retention", "select", "session", "tagging", "torrent",
	"uploadId", "uploads", "versioning", "versions", "website",
}

// subresource returns the first subresource present in q ("" for none).
// partNumber alone is a GET/HEAD option, not a subresource.
func subresource(q url.Values) string {
	for _, s := range subresources {
		if _, ok := q[s]; ok && s != "partNumber" {
			return s
		}
	}
	if _, ok := q["partNumber"]; ok {
		if _, up := q["uploadId"]; up {
			return "uploadId"
		}
	}
	return ""
}

// pick selects the operation for a request.
func (h *handler) pick(r *http.Request, bucket, key string) operation {
	q := r.URL.Query()
	sub := subresource(q)
	switch {
	case r.Method == http.MethodOptions && bucket != "":
		return opPreflight
	case bucket == "":
		return serviceOp(r.Method)
	case key == "":
		return bucketOp(r.Method, sub, q)
	default:
		return objectOp(r, sub)
	}
}

func serviceOp(method string) operation {
	if method == http.MethodGet {
		return opListBuckets
	}
	return opMethodNotAllowed
}

func bucketOp(method, sub string, q url.Values) operation {
	switch method + " " + sub {
	case "GET ":
		if q.Get("list-type") == "2" {
			return opListObjectsV2
		}
		return opListObjects
	case "GET location":
		return opGetBucketLocation
	case "GET versioning":
		return opGetBucketVersioning
	case "PUT versioning":
		return opPutBucketVersioning
	case "GET versions":
		return opListObjectVersions
	case "HEAD ":
		return opHeadBucket
	case "PUT ":
		return opCreateBucket
	case "DELETE ":
		return opDeleteBucket
	case "POST delete":
		return opDeleteObjects
	case "POST ":
		return opPostObject
	case "GET cors":
		return opGetBucketCors
	case "PUT cors":
		return opPutBucketCors
	case "DELETE cors":
		return opDeleteBucketCors
	case "GET uploads":
		return opListMultipartUploads
	case "GET encryption":
		return opGetBucketEncryption
	case "PUT encryption":
		return opPutBucketEncryption
	case "DELETE encryption":
		return opDeleteBucketEncryption
	case "GET object-lock":
		return opGetObjectLockConfiguration
	case "PUT object-lock":
		return opPutObjectLockConfiguration
	case "GET accelerate", "PUT accelerate":
		return accelerateOp(method)
	case "GET intelligent-tiering", "PUT intelligent-tiering", "DELETE intelligent-tiering":
		return itOp(method, q.Has("id"))
	case "GET inventory", "PUT inventory", "DELETE inventory":
		return inventoryOp(method, q.Has("id"))
	}
	if op, ok := accessBucketOps[method+" "+sub]; ok {
		return op
	}
	if op, ok := configBucketOps[method+" "+sub]; ok {
		return op
	}
	return unsupported(method, sub)
}

func objectOp(r *http.Request, sub string) operation {
	switch r.Method + " " + sub {
	case "GET ":
		return opGetObject
	case "HEAD ":
		return opHeadObject
	case "PUT ":
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			return opCopyObject
		}
		if isReplica(r) {
			return opReplicateObject
		}
		return opPutObject
	case "DELETE ":
		if isReplica(r) {
			return opReplicateDelete
		}
		return opDeleteObject
	case "GET tagging":
		return opGetObjectTagging
	case "PUT tagging":
		return opPutObjectTagging
	case "DELETE tagging":
		return opDeleteObjectTagging
	case "GET attributes":
		return opGetObjectAttributes
	case "POST uploads":
		return opCreateMultipartUpload
	case "PUT uploadId":
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			return opUploadPartCopy
		}
		return opUploadPart
	case "POST uploadId":
		return opCompleteMultipartUpload
	case "DELETE uploadId":
		return opAbortMultipartUpload
	case "GET uploadId":
		return opListParts
	case "GET retention":
		return opGetObjectRetention
	case "PUT retention":
		return opPutObjectRetention
	case "GET legal-hold":
		return opGetObjectLegalHold
	case "PUT legal-hold":
		return opPutObjectLegalHold
	case "POST restore":
		return opRestoreObject
	}
	if op, ok := accessObjectOps[r.Method+" "+sub]; ok {
		return op
	}
	return unsupported(r.Method, sub)
}

// unsupported names an operation we do not serve yet; it answers 501.
func unsupported(method, sub string) operation {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete:
	default:
		return opMethodNotAllowed
	}
	name := method + "?" + sub
	if sub == "" {
		name = method
	}
	return operation{name: "Unsupported(" + name + ")", run: notImplemented}
}
