package adminapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/usage"
)

// The usage part of the API:
//
//	GET  /usage/BUCKET?prefix=P&depth=N   usage and monthly cost of the
//	                                      bucket (or prefix P) and of its
//	                                      sub-prefixes N levels down (1)
//	POST /usage/recount?bucket=B          recount B (every bucket without
//	                                      B) from a full scan and repair
//	GET  /usage/BUCKET/history?days=N     the bucket's daily snapshots

// UsageService is what the usage endpoints read (*object.Service).
type UsageService interface {
	HeadBucket(ctx context.Context, name string) (*object.Bucket, error)
	UsageUnder(ctx context.Context, bucket, prefix string) (usage.Scopes, error)
	UsageDepth() int
	RecountUsage(ctx context.Context, bucket string) (*object.Recount, error)
	RecountAllUsage(ctx context.Context) ([]*object.Recount, error)
}

// HistorySource reads daily snapshots (*usage.Snapshots).
type HistorySource interface {
	History(ctx context.Context, bucket string, days int) ([]usage.Day, error)
}

// WithUsage turns the usage endpoints on, pricing with prices.
func (h *Handler) WithUsage(u UsageService, hist HistorySource, prices usage.PriceTable) *Handler {
	h.usage, h.history, h.prices = u, hist, prices
	return h
}

// RecountJSON is the outcome of one bucket's recount.
type RecountJSON struct {
	Bucket  string      `json:"bucket"`
	Changed bool        `json:"changed"`
	Before  usage.Scope `json:"before"`
	After   usage.Scope `json:"after"`
}

// serveUsage answers the usage endpoints; ok is false for other paths.
func (h *Handler) serveUsage(ctx context.Context, r *http.Request, path string) (v any, status int, err error, ok bool) {
	rest, found := strings.CutPrefix(path, "/usage/")
	if !found {
		return nil, 0, nil, false
	}
	if h.usage == nil {
		return nil, 0, &apiError{http.StatusNotImplemented, "NotImplemented", "usage counters are off on this server"}, true
	}
	q := r.URL.Query()
	switch {
	case rest == "recount" && r.Method == http.MethodPost:
		v, err = h.recount(ctx, q.Get("bucket"))
		return v, http.StatusOK, err, true
	case strings.HasSuffix(rest, "/history") && r.Method == http.MethodGet:
		v, err = h.usageHistory(ctx, strings.TrimSuffix(rest, "/history"), q)
		return v, http.StatusOK, err, true
	case !strings.Contains(rest, "/") && rest != "" && r.Method == http.MethodGet:
		v, err = h.usageReport(ctx, rest, q)
		return v, http.StatusOK, err, true
	}
	return nil, 0, nil, false
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &apiError{http.StatusBadRequest, "InvalidInput", name + " must be a whole number from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)}
	}
	return n, nil
}

func (h *Handler) usageReport(ctx context.Context, bucket string, q url.Values) (any, error) {
	depth, err := intParam(q, "depth", 1, 0, usage.MaxDepth)
	if err != nil {
		return nil, err
	}
	prefix := q.Get("prefix")
	if _, err := usage.NewReport(bucket, nil, h.usage.UsageDepth(), prefix, depth, h.prices); errors.Is(err, usage.ErrPrefix) {
		return nil, &apiError{http.StatusBadRequest, "InvalidInput", err.Error()}
	}
	sc, err := h.usage.UsageUnder(ctx, bucket, prefix)
	if err != nil {
		return nil, err
	}
	rep, err := usage.NewReport(bucket, sc, h.usage.UsageDepth(), prefix, depth, h.prices)
	if errors.Is(err, usage.ErrPrefix) {
		return nil, &apiError{http.StatusBadRequest, "InvalidInput", err.Error()}
	}
	return rep, err
}

func (h *Handler) usageHistory(ctx context.Context, bucket string, q url.Values) (any, error) {
	days, err := intParam(q, "days", 14, 1, 366)
	if err != nil {
		return nil, err
	}
	if _, err := h.usage.HeadBucket(ctx, bucket); err != nil {
		return nil, err
	}
	var out []usage.Day
	if h.history != nil {
		if out, err = h.history.History(ctx, bucket, days); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []usage.Day{}
	}
	return map[string]any{"bucket": bucket, "days": out}, nil
}

func (h *Handler) recount(ctx context.Context, bucket string) (any, error) {
	var rcs []*object.Recount
	var err error
	if bucket != "" {
		var rc *object.Recount
		if rc, err = h.usage.RecountUsage(ctx, bucket); err == nil {
			rcs = append(rcs, rc)
		}
	} else {
		rcs, err = h.usage.RecountAllUsage(ctx)
	}
	if err != nil {
		return nil, err
	}
	out := []RecountJSON{}
	for _, rc := range rcs {
		before, after := rc.Before[""], rc.After[""]
		if before == nil {
			before = &usage.Counters{}
		}
		if after == nil {
			after = &usage.Counters{}
		}
		out = append(out, RecountJSON{Bucket: rc.Bucket, Changed: rc.Changed(),
			Before: usage.NewScope("", before, h.prices), After: usage.NewScope("", after, h.prices)})
		if rc.Changed() {
			h.log.WarnContext(ctx, "usage counters repaired by a recount", "bucket", rc.Bucket)
		}
	}
	return map[string]any{"recounts": out}, nil
}
