// Package adminapi serves the operator's administration API at the S3
// endpoint: requests signed with SigV4 for the service "hoard" by the
// operator account's root (long-term keys only), in JSON.
//
//	GET    /accounts        list accounts
//	POST   /accounts        create one: {"name","email","id","org"}; the
//	                        answer carries its root's secret, once
//	GET    /accounts/ID     one account
//	DELETE /accounts/ID     delete an account that owns no buckets
//	GET    /usage/BUCKET    usage and cost (usage.go)
//
// and the sites routes of sites.go.
//
// `hoard admin account …` and the console's operator page are its clients;
// it works on a running server, so accounts come and go without a restart.
package adminapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/accounts"
	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/sites"
	"github.com/hoard-s3/hoard/internal/usage"
)

// Service is the scope service of admin requests.
const Service = "hoard"

// Registry is what the API manages (*accounts.Registry).
type Registry interface {
	Principal(ctx context.Context, accessKey string) (iam.Principal, error)
	OperatorID() string
	Create(ctx context.Context, in accounts.CreateInput) (*accounts.Created, error)
	List(ctx context.Context) ([]accounts.Account, error)
	Get(ctx context.Context, id string) (*accounts.Account, error)
	Delete(ctx context.Context, id string, ownsBuckets func(context.Context, string) (bool, error)) error
}

// Handler serves the admin API.
type Handler struct {
	reg         Registry
	ownsBuckets func(ctx context.Context, canonical string) (bool, error)
	log         *slog.Logger
	inventory   InventoryRunner
	// usage, history and prices serve the usage endpoints (usage.go).
	usage   UsageService
	history HistorySource
	prices  usage.PriceTable
	sites   SiteRegistry       // nil: no sites routes
	repl    ExistingReplicator // nil: no replicate-existing
}

// New returns the handler; ownsBuckets tells whether a canonical id owns
// any bucket (the object service knows).
func New(reg Registry, ownsBuckets func(context.Context, string) (bool, error), logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.Default()
	}
	return &Handler{reg: reg, ownsBuckets: ownsBuckets, log: logger}
}

// AccountJSON is an account on the wire.
type AccountJSON struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Email         string    `json:"email,omitempty"`
	Org           string    `json:"org,omitempty"`
	CanonicalID   string    `json:"canonicalId"`
	Created       time.Time `json:"created"`
	Operator      bool      `json:"operator,omitempty"`
	RootAccessKey string    `json:"rootAccessKeyId,omitempty"`
	RootSecretKey string    `json:"rootSecretAccessKey,omitempty"`
}

func toJSON(a *accounts.Account) AccountJSON {
	return AccountJSON{ID: a.ID, Name: a.Name, Email: a.Email, Org: a.Org, CanonicalID: a.CanonicalID,
		Created: a.Created, Operator: a.Operator, RootAccessKey: a.RootAccessKey}
}

// CreateRequest is the body of POST /accounts.
type CreateRequest struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	ID    string `json:"id,omitempty"`
	Org   string `json:"org,omitempty"`
}

type apiError struct {
	status int
	Code   string `json:"code"`
	Msg    string `json:"message"`
}

func (e *apiError) Error() string { return e.Msg }

// ServeVerified answers a request the wire layer authenticated.
func (h *Handler) ServeVerified(w http.ResponseWriter, r *http.Request, auth *sigv4.Auth, err error) {
	v, status, err := h.run(r, auth, err)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	writeJSON(w, status, v)
}

func (h *Handler) run(r *http.Request, auth *sigv4.Auth, authErr error) (any, int, error) {
	if authErr == nil && auth == nil {
		authErr = sigv4.ErrMissingAuth
	}
	if authErr != nil {
		return nil, 0, &apiError{http.StatusForbidden, "AccessDenied", "authentication failed: " + authErr.Error()}
	}
	if auth.Service != Service {
		return nil, 0, &apiError{http.StatusForbidden, "AccessDenied", "the request must be signed for the service \"hoard\""}
	}
	p, err := h.reg.Principal(r.Context(), auth.AccessKey)
	if err != nil {
		return nil, 0, err
	}
	if !p.IsRoot() || p.Temporary || p.Account != h.reg.OperatorID() {
		return nil, 0, &apiError{http.StatusForbidden, "AccessDenied", "only the operator account's root may administer accounts"}
	}
	ctx := r.Context()
	path := strings.TrimSuffix(r.URL.Path, "/")
	if v, status, err, ok := h.serveUsage(ctx, r, path); ok {
		return v, status, err
	}
	if v, status, ok, err := h.siteRoute(ctx, r, auth, path); ok {
		return v, status, err
	}
	if v, status, ok, err := h.replicationRoute(ctx, r, path); ok {
		return v, status, err
	}
	switch {
	case path == "/accounts" && r.Method == http.MethodGet:
		return h.list(ctx)
	case path == "/accounts" && r.Method == http.MethodPost:
		return h.create(ctx, auth, r)
	case strings.HasPrefix(path, "/accounts/") && r.Method == http.MethodGet:
		a, err := h.reg.Get(ctx, strings.TrimPrefix(path, "/accounts/"))
		if err != nil {
			return nil, 0, err
		}
		return toJSON(a), http.StatusOK, nil
	case strings.HasPrefix(path, "/accounts/") && r.Method == http.MethodDelete:
		id := strings.TrimPrefix(path, "/accounts/")
		if err := h.reg.Delete(ctx, id, h.ownsBuckets); err != nil {
			return nil, 0, err
		}
		h.log.InfoContext(ctx, "account deleted", "account", id)
		return nil, http.StatusNoContent, nil
	case strings.HasPrefix(path, "/inventory/"):
		return h.inventoryRoute(ctx, r.Method, strings.TrimPrefix(path, "/inventory/"))
	}
	return nil, 0, &apiError{http.StatusNotFound, "NotFound", "no such admin resource or method"}
}

func (h *Handler) list(ctx context.Context) (any, int, error) {
	as, err := h.reg.List(ctx)
	if err != nil {
		return nil, 0, err
	}
	out := make([]AccountJSON, 0, len(as))
	for i := range as {
		out = append(out, toJSON(&as[i]))
	}
	return map[string]any{"accounts": out}, http.StatusOK, nil
}

func (h *Handler) create(ctx context.Context, auth *sigv4.Auth, r *http.Request) (any, int, error) {
	body := auth.Body
	if body == nil {
		body = r.Body
	}
	raw, err := io.ReadAll(io.LimitReader(body, 64<<10+1))
	if err != nil {
		return nil, 0, err
	}
	if len(raw) > 64<<10 {
		return nil, 0, &apiError{http.StatusBadRequest, "InvalidInput", "request body too large"}
	}
	var in CreateRequest
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, 0, &apiError{http.StatusBadRequest, "InvalidInput", "request body is not a valid account: " + err.Error()}
	}
	c, err := h.reg.Create(ctx, accounts.CreateInput{Name: in.Name, Email: in.Email, ID: in.ID, Org: in.Org})
	if err != nil {
		return nil, 0, err
	}
	h.log.InfoContext(ctx, "account created", "account", c.ID, "name", c.Name)
	out := toJSON(&c.Account)
	out.RootSecretKey = c.RootSecretKey
	return out, http.StatusCreated, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	if v == nil {
		w.WriteHeader(status)
		return
	}
	raw, err := json.Marshal(v)
	if err != nil {
		status, raw = http.StatusInternalServerError, []byte(`{"code":"InternalError","message":"cannot encode the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(raw)
}

func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *apiError
	switch {
	case errors.As(err, &e):
	case errors.Is(err, accounts.ErrNoSuchAccount):
		e = &apiError{http.StatusNotFound, "NoSuchAccount", err.Error()}
	case errors.Is(err, accounts.ErrExists):
		e = &apiError{http.StatusConflict, "AccountAlreadyExists", err.Error()}
	case errors.Is(err, accounts.ErrNotEmpty):
		e = &apiError{http.StatusConflict, "AccountNotEmpty", err.Error() + " (delete its buckets first)"}
	case errors.Is(err, accounts.ErrOperator):
		e = &apiError{http.StatusConflict, "OperatorAccount", err.Error()}
	case errors.Is(err, accounts.ErrInvalid):
		e = &apiError{http.StatusBadRequest, "InvalidInput", err.Error()}
	case errors.Is(err, object.ErrNoSuchBucket):
		e = &apiError{http.StatusNotFound, "NoSuchBucket", err.Error()}
	case errors.Is(err, sites.ErrNoSuchSite):
		e = &apiError{http.StatusNotFound, "NoSuchSite", err.Error()}
	case errors.Is(err, sites.ErrExists):
		e = &apiError{http.StatusConflict, "SiteAlreadyExists", err.Error()}
	case errors.Is(err, sites.ErrInvalid):
		e = &apiError{http.StatusBadRequest, "InvalidInput", err.Error()}
	case errors.Is(err, sigv4.ErrInvalidAccessKeyID), errors.Is(err, sigv4.ErrExpiredToken):
		e = &apiError{http.StatusForbidden, "AccessDenied", err.Error()}
	default:
		log.ErrorContext(r.Context(), "admin request failed", "path", r.URL.Path, "err", err)
		e = &apiError{http.StatusInternalServerError, "InternalError", "the server could not complete the request"}
	}
	writeJSON(w, e.status, e)
}
