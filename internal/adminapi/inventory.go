package adminapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/inventory"
	"github.com/hoard-s3/hoard/internal/object"
)

// InventoryRunner writes an inventory report now (*inventory.Scheduler).
type InventoryRunner interface {
	RunNow(ctx context.Context, bucket, id string) (*inventory.Report, error)
}

// WithInventory serves POST /inventory/BUCKET/ID/run with r.
func (h *Handler) WithInventory(r InventoryRunner) *Handler {
	h.inventory = r
	return h
}

// InventoryRunJSON is the answer of an inventory run.
type InventoryRunJSON struct {
	Bucket   string    `json:"bucket"`
	ID       string    `json:"id"`
	Manifest string    `json:"manifest"`
	Checksum string    `json:"checksum"`
	Symlink  string    `json:"symlink"`
	Files    []string  `json:"files"`
	Rows     int64     `json:"rows"`
	Created  time.Time `json:"created"`
}

// inventoryRoute serves BUCKET/ID/run (the path after /inventory/). The
// report is written before the answer, which names its manifest.
func (h *Handler) inventoryRoute(ctx context.Context, method, rest string) (any, int, error) {
	parts := strings.Split(rest, "/")
	if h.inventory == nil || len(parts) != 3 || parts[2] != "run" || method != http.MethodPost {
		return nil, 0, &apiError{http.StatusNotFound, "NotFound", "no such admin resource or method"}
	}
	bucket, err1 := url.PathUnescape(parts[0])
	id, err2 := url.PathUnescape(parts[1])
	if err1 != nil || err2 != nil {
		return nil, 0, &apiError{http.StatusBadRequest, "InvalidInput", "bad bucket or inventory id in the path"}
	}
	rep, err := h.inventory.RunNow(ctx, bucket, id)
	switch {
	case errors.Is(err, object.ErrNoSuchBucket):
		return nil, 0, &apiError{http.StatusNotFound, "NoSuchBucket", err.Error()}
	case errors.Is(err, object.ErrNoSuchBucketConfig):
		return nil, 0, &apiError{http.StatusNotFound, "NoSuchConfiguration", err.Error()}
	case errors.Is(err, object.ErrInvalidArgument):
		return nil, 0, &apiError{http.StatusBadRequest, "InvalidInput", err.Error()}
	case errors.Is(err, inventory.ErrBusy):
		return nil, 0, &apiError{http.StatusConflict, "InventoryInProgress", err.Error()}
	case err != nil:
		return nil, 0, err
	}
	h.log.InfoContext(ctx, "inventory report written", "bucket", bucket, "id", id, "manifest", rep.ManifestKey)
	out := InventoryRunJSON{Bucket: bucket, ID: id, Manifest: rep.ManifestKey, Checksum: rep.ChecksumKey,
		Symlink: rep.SymlinkKey, Files: []string{}, Rows: rep.Rows, Created: rep.Created}
	for _, f := range rep.Files {
		out.Files = append(out.Files, f.Key)
	}
	return out, http.StatusOK, nil
}

// RunInventory writes inventory report id of bucket now.
func (c *Client) RunInventory(ctx context.Context, bucket, id string) (*InventoryRunJSON, error) {
	var out InventoryRunJSON
	path := "/inventory/" + url.PathEscape(bucket) + "/" + url.PathEscape(id) + "/run"
	return &out, c.do(ctx, http.MethodPost, path, []byte{}, http.StatusOK, &out)
}
