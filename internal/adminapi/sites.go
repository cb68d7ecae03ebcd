package adminapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/sites"
)

// Sites routes (the other sites this one replicates to):
//
//	GET    /sites        list sites (never their secrets)
//	POST   /sites        register one: {"name","endpoint","region","accessKeyId","secretAccessKey"}
//	DELETE /sites/NAME   forget one
//
// Replication (when the server has a replicator):
//
//	POST   /replicate-existing/BUCKET   queue the bucket's existing versions

// SiteRegistry is what the sites routes manage (*sites.Registry).
type SiteRegistry interface {
	Add(ctx context.Context, in sites.AddInput) (*sites.Site, error)
	List(ctx context.Context) ([]sites.Site, error)
	Remove(ctx context.Context, name string) error
}

// SiteRequest is the body of POST /sites.
type SiteRequest struct {
	Name      string `json:"name"`
	Endpoint  string `json:"endpoint"`
	Region    string `json:"region"`
	AccessKey string `json:"accessKeyId"`
	SecretKey string `json:"secretAccessKey"`
}

// WithSites serves the sites routes over reg.
func (h *Handler) WithSites(reg SiteRegistry) *Handler {
	h.sites = reg
	return h
}

func (h *Handler) siteRoute(ctx context.Context, r *http.Request, auth *sigv4.Auth, path string) (any, int, bool, error) {
	if path != "/sites" && !strings.HasPrefix(path, "/sites/") {
		return nil, 0, false, nil
	}
	if h.sites == nil {
		return nil, 0, true, &apiError{http.StatusNotImplemented, "NotImplemented", "this server keeps no sites"}
	}
	switch {
	case path == "/sites" && r.Method == http.MethodGet:
		list, err := h.sites.List(ctx)
		if err != nil {
			return nil, 0, true, err
		}
		if list == nil {
			list = []sites.Site{}
		}
		return map[string]any{"sites": list}, http.StatusOK, true, nil
	case path == "/sites" && r.Method == http.MethodPost:
		var in SiteRequest
		if err := decodeBody(auth, r, &in); err != nil {
			return nil, 0, true, err
		}
		s, err := h.sites.Add(ctx, sites.AddInput{Name: in.Name, Endpoint: in.Endpoint, Region: in.Region, AccessKey: in.AccessKey, SecretKey: in.SecretKey})
		if err != nil {
			return nil, 0, true, err
		}
		h.log.InfoContext(ctx, "site added", "site", s.Name, "endpoint", s.Endpoint, "region", s.Region)
		return s, http.StatusCreated, true, nil
	case strings.HasPrefix(path, "/sites/") && r.Method == http.MethodDelete:
		name, _ := url.PathUnescape(strings.TrimPrefix(path, "/sites/"))
		if err := h.sites.Remove(ctx, name); err != nil {
			return nil, 0, true, err
		}
		h.log.InfoContext(ctx, "site removed", "site", name)
		return nil, http.StatusNoContent, true, nil
	}
	return nil, 0, true, &apiError{http.StatusNotFound, "NotFound", "no such admin resource or method"}
}

// decodeBody reads a JSON body of at most 64 KiB into v, refusing
// unknown fields.
func decodeBody(auth *sigv4.Auth, r *http.Request, v any) error {
	body := auth.Body
	if body == nil {
		body = r.Body
	}
	raw, err := io.ReadAll(io.LimitReader(body, 64<<10+1))
	if err != nil {
		return err
	}
	if len(raw) > 64<<10 {
		return &apiError{http.StatusBadRequest, "InvalidInput", "request body too large"}
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &apiError{http.StatusBadRequest, "InvalidInput", "request body is not valid: " + err.Error()}
	}
	return nil
}

// AddSite registers a site.
func (c *Client) AddSite(ctx context.Context, in SiteRequest) (*sites.Site, error) {
	body, _ := json.Marshal(in)
	var out sites.Site
	return &out, c.do(ctx, http.MethodPost, "/sites", body, http.StatusCreated, &out)
}

// ListSites lists the sites.
func (c *Client) ListSites(ctx context.Context) ([]sites.Site, error) {
	var out struct {
		Sites []sites.Site `json:"sites"`
	}
	err := c.do(ctx, http.MethodGet, "/sites", nil, http.StatusOK, &out)
	return out.Sites, err
}

// RemoveSite forgets a site.
func (c *Client) RemoveSite(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, "/sites/"+url.PathEscape(name), nil, http.StatusNoContent, nil)
}
