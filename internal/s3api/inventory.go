package s3api

import (
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
)

// Bucket inventory configurations: the object service validates and
// keeps them (and package inventory writes the reports); this file
// speaks their XML. GET ?inventory without an id lists them.

var (
	opGetBucketInventory    = operation{"GetBucketInventoryConfiguration", (*handler).getBucketInventory}
	opPutBucketInventory    = operation{"PutBucketInventoryConfiguration", (*handler).putBucketInventory}
	opDeleteBucketInventory = operation{"DeleteBucketInventoryConfiguration", (*handler).deleteBucketInventory}
	opListBucketInventories = operation{"ListBucketInventoryConfigurations", (*handler).listBucketInventories}
)

// maxInventoryXML fits a configuration with every optional field.
const maxInventoryXML = 64 << 10

// inventoryOp picks between Get and List, which share GET ?inventory.
func inventoryOp(method string, hasID bool) operation {
	switch {
	case method == http.MethodGet && hasID:
		return opGetBucketInventory
	case method == http.MethodGet:
		return opListBucketInventories
	case method == http.MethodPut:
		return opPutBucketInventory
	case method == http.MethodDelete:
		return opDeleteBucketInventory
	}
	return opMethodNotAllowed
}

func (h *handler) getBucketInventory(req *request) (*response, error) {
	c, err := h.svc.GetBucketInventory(req.ctx, req.bucket, req.query.Get("id"))
	if err != nil {
		return nil, inventoryAPIError(err)
	}
	return xmlResponse(inventoryToXML(c, s3NS)), nil
}

func (h *handler) putBucketInventory(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxInventoryXML, false)
	if err != nil {
		return nil, err
	}
	var doc inventoryXML
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	c, err := inventoryFromXML(&doc)
	if err != nil {
		return nil, err
	}
	if err := h.svc.PutBucketInventory(req.ctx, req.bucket, req.query.Get("id"), c); err != nil {
		return nil, inventoryAPIError(err)
	}
	return newResponse(http.StatusOK), nil
}

func (h *handler) deleteBucketInventory(req *request) (*response, error) {
	if err := h.svc.DeleteBucketInventory(req.ctx, req.bucket, req.query.Get("id")); err != nil {
		return nil, inventoryAPIError(err)
	}
	return newResponse(http.StatusNoContent), nil
}

// listBucketInventories pages by id; the token is the last id of the
// previous page, encoded so clients treat it as opaque.
func (h *handler) listBucketInventories(req *request) (*response, error) {
	token := req.query.Get("continuation-token")
	after := ""
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(b) == 0 {
			return nil, errBadContinuation
		}
		after = string(b)
	}
	page, err := h.svc.ListBucketInventories(req.ctx, req.bucket, after, 0)
	if err != nil {
		return nil, err
	}
	out := &listInventoryXML{NS: s3NS, Token: token, Configs: []*inventoryXML{}}
	for _, c := range page.Configs {
		out.Configs = append(out.Configs, inventoryToXML(c, ""))
	}
	if page.Next != "" {
		out.IsTruncated, out.Next = true, base64.RawURLEncoding.EncodeToString([]byte(page.Next))
	}
	return xmlResponse(out), nil
}

// inventoryAPIError sends the service's refusal with S3's code and
// message; other errors go through the common table.
func inventoryAPIError(err error) error {
	var ie *object.InventoryError
	switch {
	case errors.As(err, &ie):
		return newErr(ie.Code, http.StatusBadRequest, ie.Msg)
	case errors.Is(err, object.ErrNoSuchBucketConfig):
		return errNoSuchConfiguration
	case errors.Is(err, object.ErrNotImplemented):
		return newErr("NotImplemented", http.StatusNotImplemented,
			"ORC inventory reports are not implemented; use the CSV or Parquet format")
	}
	return err
}
