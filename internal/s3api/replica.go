package s3api

import (
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
)

// Site-to-site replication writes. Another Hoard site's replicator sends
// a version as a PutObject (or a delete marker as a DeleteObject) that
// carries the version's id and modification time in the headers below,
// signed with the key pair registered for it. Such a request needs
// s3:ReplicateObject (s3:ReplicateDelete) on the destination, as S3's
// replication role does, and stores the version as a REPLICA with the
// same id.
const (
	HdrReplicaVersion  = "X-Amz-Hoard-Replica-Version-Id"
	HdrReplicaModified = "X-Amz-Hoard-Replica-Modified" // RFC 3339, nanoseconds
)

var (
	opReplicateObject = operation{"ReplicateObject", (*handler).replicateObject}
	opReplicateDelete = operation{"ReplicateDelete", (*handler).replicateDelete}
)

// isReplica reports whether a request is a site-to-site replication write.
func isReplica(r *http.Request) bool { return r.Header.Get(HdrReplicaVersion) != "" }

func replicaVersion(req *request) (string, time.Time, error) {
	vid := req.header(HdrReplicaVersion)
	mod, err := time.Parse(time.RFC3339Nano, req.header(HdrReplicaModified))
	if err != nil {
		return "", time.Time{}, errInvalidArgument.withMessage(HdrReplicaModified + " must be an RFC 3339 time")
	}
	return vid, mod, nil
}

func (h *handler) replicateObject(req *request) (*response, error) {
	vid, mod, err := replicaVersion(req)
	if err != nil {
		return nil, err
	}
	body, err := decodeUploadBody(req)
	if err != nil {
		return nil, err
	}
	var put object.PutInput
	put.Key = req.key
	if err := decodePutHeaders(req.r, &put); err != nil {
		return nil, err
	}
	in := object.ReplicaInput{Bucket: req.bucket, Key: req.key, VersionID: vid, ModTime: mod,
		Body: body.r, Size: body.size, Checksum: body.checksum,
		Metadata: put.Metadata, Tags: put.Tags, StorageClass: put.StorageClass, SSE: put.SSE}
	if put.Lock != nil {
		in.Lock = *put.Lock
	}
	info, err := h.svc.PutReplica(req.ctx, in)
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusOK)
	resp.header.Set("ETag", quoteETag(info.ETag))
	setVersionHeader(resp.header, info.VersionID)
	return resp, nil
}

func (h *handler) replicateDelete(req *request) (*response, error) {
	vid, mod, err := replicaVersion(req)
	if err != nil {
		return nil, err
	}
	info, err := h.svc.PutReplica(req.ctx, object.ReplicaInput{Bucket: req.bucket, Key: req.key, VersionID: vid, ModTime: mod, DeleteMarker: true})
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusNoContent)
	resp.header.Set("X-Amz-Delete-Marker", "true")
	resp.header.Set("X-Amz-Version-Id", info.VersionID)
	return resp, nil
}
