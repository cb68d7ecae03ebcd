package s3api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

const metaPrefix = "X-Amz-Meta-"

// metadataFromRequest collects the content headers and x-amz-meta-* user
// metadata of a PUT or a REPLACE copy. User metadata counts against the
// 2 KB S3 limit as the sum of names and values.
func metadataFromRequest(r *http.Request) (object.Metadata, error) {
	m := object.Metadata{
		ContentType:        r.Header.Get("Content-Type"),
		ContentEncoding:    stripAWSChunked(r.Header.Values("Content-Encoding")),
		ContentDisposition: r.Header.Get("Content-Disposition"),
		ContentLanguage:    r.Header.Get("Content-Language"),
		CacheControl:       r.Header.Get("Cache-Control"),
		Expires:            r.Header.Get("Expires"),
	}
	if m.ContentType == "" {
		m.ContentType = "binary/octet-stream"
	}
	size := 0
	for name, vals := range r.Header {
		if !strings.HasPrefix(name, metaPrefix) || len(name) == len(metaPrefix) {
			continue
		}
		if m.User == nil {
			m.User = map[string]string{}
		}
		k := strings.ToLower(name[len(metaPrefix):])
		v := strings.Join(vals, ",")
		m.User[k] = v
		size += len(k) + len(v)
	}
	if size > object.MaxUserMetaBytes {
		return m, errMetadataTooLarge
	}
	return m, nil
}

// stripAWSChunked drops the aws-chunked token: it describes the transfer,
// not the object. A value without it is kept as the client wrote it
// (S3 returns "deflate, gzip" as sent); one with it keeps its other
// tokens, joined as an HTTP list.
func stripAWSChunked(vals []string) string {
	var keep, whole []string
	stripped := false
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			whole = append(whole, v)
		}
		for _, tok := range strings.Split(v, ",") {
			tok = strings.TrimSpace(tok)
			switch {
			case strings.EqualFold(tok, "aws-chunked"):
				stripped = true
			case tok != "":
				keep = append(keep, tok)
			}
		}
	}
	if !stripped {
		return strings.Join(whole, ", ")
	}
	return strings.Join(keep, ", ")
}

// parseTaggingHeader decodes x-amz-tagging, a URL-query-encoded tag set,
// keeping the client's order. A repeated key is InvalidTag.
func parseTaggingHeader(r *http.Request) ([]object.Tag, error) {
	raw := r.Header.Get("X-Amz-Tagging")
	if raw == "" {
		return nil, nil
	}
	var tags []object.Tag
	seen := map[string]bool{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, errInvalidArgument.withMessage("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
		}
		if seen[key] {
			return nil, errInvalidTag.withMessage("Cannot provide multiple Tags with the same key")
		}
		seen[key] = true
		tags = append(tags, object.Tag{Key: key, Value: val})
	}
	return tags, nil
}

// setObjectHeaders sends the description of an object on GET and HEAD.
func setObjectHeaders(h http.Header, info *object.ObjectInfo) {
	h.Set("ETag", quoteETag(info.ETag))
	h.Set("Last-Modified", httpTime(info.LastModified))
	h.Set("Accept-Ranges", "bytes")
	md := info.Metadata
	setIf(h, "Content-Type", md.ContentType)
	if md.ContentType == "" {
		h["Content-Type"] = nil // present but empty: net/http must not sniff one
	}
	setIf(h, "Content-Encoding", md.ContentEncoding)
	setIf(h, "Content-Disposition", md.ContentDisposition)
	setIf(h, "Content-Language", md.ContentLanguage)
	setIf(h, "Cache-Control", md.CacheControl)
	setIf(h, "Expires", md.Expires)
	for k, v := range md.User {
		h[metaPrefix+k] = []string{v}
	}
	if info.TagCount > 0 {
		h.Set("X-Amz-Tagging-Count", strconv.Itoa(info.TagCount))
	}
	if info.StorageClass != "" && info.StorageClass != "STANDARD" {
		h.Set("X-Amz-Storage-Class", info.StorageClass)
	}
	setRestoreHeader(h, info.Restore)
	if info.AccessTier == object.TierArchive || info.AccessTier == object.TierDeepArchive {
		h.Set("X-Amz-Archive-Status", info.AccessTier)
	}
	if info.Replication != object.ReplNone {
		h.Set("X-Amz-Replication-Status", info.Replication.String())
	}
	setVersionHeader(h, info.VersionID)
	setSSEHeaders(h, info.SSE, false)
}

// setVersionHeader sends x-amz-version-id only for real versions: objects
// written while versioning was never enabled have none, as on S3.
func setVersionHeader(h http.Header, v string) {
	if v != "" && v != object.NullVersion {
		h.Set("X-Amz-Version-Id", v)
	}
}

func setIf(h http.Header, name, v string) {
	if v != "" {
		h.Set(name, v)
	}
}

func quoteETag(etag string) string {
	if strings.HasPrefix(etag, `"`) {
		return etag
	}
	return `"` + etag + `"`
}
