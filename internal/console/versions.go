package console

import (
	"context"
	"net/http"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// versionJSON is one entry of ListObjectVersions: a version or a delete
// marker (which has no size or ETag).
type versionJSON struct {
	Key          string `json:"key"`
	VersionID    string `json:"versionId"`
	Latest       bool   `json:"latest"`
	DeleteMarker bool   `json:"deleteMarker"`
	Size         int64  `json:"size"`
	Modified     string `json:"modified,omitempty"`
	ETag         string `json:"etag,omitempty"`
}

// listVersions returns one page of ListObjectVersions; the page asks for
// the next one with the key and version-id markers S3 hands back.
func (c *Console) listVersions(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	bucket, prefix := q.Get("bucket"), q.Get("prefix")
	keyMarker, versionMarker := q.Get("keyMarker"), q.Get("versionMarker")
	if !plausibleBucket(bucket) || !validKey(prefix, true) || !validKey(keyMarker, true) ||
		versionMarker != "" && (keyMarker == "" || !validVersionID(versionMarker)) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Bad bucket, prefix or page markers.")
		return
	}
	in := &s3.ListObjectVersionsInput{Bucket: &bucket, MaxKeys: aws.Int32(pageSize(q))}
	if prefix != "" {
		in.Prefix = &prefix
	}
	in.Delimiter = pageDelimiter(q)
	if keyMarker != "" {
		in.KeyMarker = &keyMarker
	}
	if versionMarker != "" {
		in.VersionIdMarker = &versionMarker
	}
	entries, out, err := fetchVersions(r.Context(), c.s3Client(s), in)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	folders := []string{}
	for _, p := range out.CommonPrefixes {
		folders = append(folders, aws.ToString(p.Prefix))
	}
	res := map[string]any{"folders": folders, "versions": entries, "truncated": aws.ToBool(out.IsTruncated)}
	if aws.ToBool(out.IsTruncated) {
		res["nextKey"], res["nextVersion"] = aws.ToString(out.NextKeyMarker), aws.ToString(out.NextVersionIdMarker)
	}
	writeJSON(w, http.StatusOK, res)
}

// mergeVersions puts versions and delete markers back into S3's order
// (key order, newest first within a key) when the response's own order
// is not at hand; entries of one key and one millisecond keep versions
// before markers.
func mergeVersions(out *s3.ListObjectVersionsOutput) []versionJSON {
	all := make([]versionJSON, 0, len(out.Versions)+len(out.DeleteMarkers))
	var when []time.Time
	for _, v := range out.Versions {
		all = append(all, versionOf(v))
		when = append(when, aws.ToTime(v.LastModified))
	}
	for _, m := range out.DeleteMarkers {
		all = append(all, markerJSON(m))
		when = append(when, aws.ToTime(m.LastModified))
	}
	idx := make([]int, len(all))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := all[idx[a]], all[idx[b]]
		if x.Key != y.Key {
			return x.Key < y.Key
		}
		if x.Latest != y.Latest {
			return x.Latest
		}
		return when[idx[a]].After(when[idx[b]])
	})
	sorted := make([]versionJSON, len(all))
	for i, j := range idx {
		sorted[i] = all[j]
	}
	return sorted
}

func versionOf(v types.ObjectVersion) versionJSON {
	return versionJSON{Key: aws.ToString(v.Key), VersionID: aws.ToString(v.VersionId), Latest: aws.ToBool(v.IsLatest),
		Size: aws.ToInt64(v.Size), ETag: aws.ToString(v.ETag), Modified: rfc3339(v.LastModified)}
}

func markerJSON(m types.DeleteMarkerEntry) versionJSON {
	return versionJSON{Key: aws.ToString(m.Key), VersionID: aws.ToString(m.VersionId), Latest: aws.ToBool(m.IsLatest),
		DeleteMarker: true, Modified: rfc3339(m.LastModified)}
}

func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// validVersionID bounds version ids taken from requests. They are opaque
// to the console; the S3 endpoint decides which exist.
func validVersionID(v string) bool {
	if v == "" || len(v) > 1024 || !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

type versionRef struct {
	Key       string `json:"key"`
	VersionID string `json:"versionId"`
}

type deleteVersionsInput struct {
	Bucket   string       `json:"bucket"`
	Versions []versionRef `json:"versions"`
	// BypassGovernance asks S3 to delete GOVERNANCE-retained versions too;
	// it takes effect only for a user with s3:BypassGovernanceRetention.
	BypassGovernance bool `json:"bypassGovernance"`
}

// deleteVersions removes up to 1,000 versions or delete markers for good,
// in one DeleteObjects call with a version id per key, and reports each
// failure (a locked version, say).
func (c *Console) deleteVersions(w http.ResponseWriter, r *http.Request, s *session) {
	var in deleteVersionsInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !plausibleBucket(in.Bucket) || len(in.Versions) == 0 || len(in.Versions) > 1000 {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Give a bucket and 1 to 1,000 versions.")
		return
	}
	ids := make([]types.ObjectIdentifier, 0, len(in.Versions))
	for _, v := range in.Versions {
		if !validKey(v.Key, false) || !validVersionID(v.VersionID) {
			writeError(w, http.StatusBadRequest, "InvalidInput", "Each version needs a valid key and version id.")
			return
		}
		ids = append(ids, types.ObjectIdentifier{Key: aws.String(v.Key), VersionId: aws.String(v.VersionID)})
	}
	del := &s3.DeleteObjectsInput{Bucket: &in.Bucket, Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)}}
	if in.BypassGovernance {
		del.BypassGovernanceRetention = aws.Bool(true)
	}
	out, err := c.s3Client(s).DeleteObjects(r.Context(), del)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	failed := []map[string]string{}
	for _, e := range out.Errors {
		failed = append(failed, map[string]string{"key": aws.ToString(e.Key), "versionId": aws.ToString(e.VersionId),
			"code": aws.ToString(e.Code), "message": aws.ToString(e.Message)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": len(ids) - len(failed), "errors": failed})
}

type restoreInput struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
}

// restoreObject undeletes a key the way S3 users do: when its latest
// version is a delete marker, that marker is deleted, and the version
// under it becomes the object again. Should a new version land between
// the listing and the delete, the marker removed is no longer the latest
// and nothing visible changes; no version is ever lost either way.
func (c *Console) restoreObject(w http.ResponseWriter, r *http.Request, s *session) {
	var in restoreInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !plausibleBucket(in.Bucket) || !validKey(in.Key, false) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Bad bucket or key.")
		return
	}
	cl := c.s3Client(s)
	latest, err := latestVersion(r.Context(), cl, in.Bucket, in.Key)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	switch {
	case latest == nil:
		writeError(w, http.StatusNotFound, "NoSuchKey", "The key has no versions: there is nothing to restore.")
		return
	case !latest.DeleteMarker:
		writeError(w, http.StatusConflict, "NotDeleted", "The object is not deleted: its latest version is not a delete marker.")
		return
	}
	_, err = cl.DeleteObject(r.Context(), &s3.DeleteObjectInput{Bucket: &in.Bucket, Key: &in.Key, VersionId: &latest.VersionID})
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"key": in.Key, "removedMarker": latest.VersionID})
}

// latestVersion returns the newest entry of exactly key, or nil. The key
// sorts before every longer key it prefixes, so its newest entry is the
// first one listed under it.
func latestVersion(ctx context.Context, cl *s3.Client, bucket, key string) (*versionJSON, error) {
	entries, _, err := fetchVersions(ctx, cl, &s3.ListObjectVersionsInput{Bucket: &bucket, Prefix: &key, MaxKeys: aws.Int32(1)})
	if err != nil {
		return nil, err
	}
	for _, v := range entries {
		if v.Key == key && v.Latest {
			return &v, nil
		}
	}
	return nil, nil
}
