package console

import (
	"errors"
	"net/http"

	"github.com/hoard-s3/hoard/internal/adminapi"
)

// The operator's page: accounts are listed, created and deleted through
// the admin API at the S3 endpoint, signed as the signed-in principal, so
// the API's own rule (the operator account's root only) applies.

func (c *Console) adminClient(s *session) *adminapi.Client {
	return &adminapi.Client{
		Endpoint: c.internalS3URL(), Region: c.cfg.Region, HTTP: c.cfg.HTTPClient,
		AccessKey: s.creds.AccessKeyID, SecretKey: s.creds.SecretAccessKey,
	}
}

func writeAdminError(w http.ResponseWriter, err error) {
	var e *adminapi.Error
	if errors.As(err, &e) {
		writeError(w, e.Status, e.Code, e.Message)
		return
	}
	writeError(w, http.StatusBadGateway, "UpstreamError", "The admin API could not be reached: "+clip(err.Error()))
}

func (c *Console) listAccounts(w http.ResponseWriter, r *http.Request, s *session) {
	list, err := c.adminClient(s).List(r.Context())
	if err != nil {
		writeAdminError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": list})
}

// accountAction creates ({"action":"create","name",…}) or deletes
// ({"action":"delete","id"}) an account.
func (c *Console) accountAction(w http.ResponseWriter, r *http.Request, s *session) {
	var in struct {
		Action string `json:"action"`
		ID     string `json:"id"`
		Name   string `json:"name"`
		Email  string `json:"email"`
		Org    string `json:"org"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	cl := c.adminClient(s)
	switch in.Action {
	case "create":
		a, err := cl.Create(r.Context(), adminapi.CreateRequest{Name: in.Name, Email: in.Email, ID: in.ID, Org: in.Org})
		if err != nil {
			writeAdminError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, a)
	case "delete":
		if err := cl.Delete(r.Context(), in.ID); err != nil {
			writeAdminError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	default:
		writeError(w, http.StatusBadRequest, "InvalidAction", "The action must be create or delete.")
	}
}
