package kmsapi

import (
	"context"
	"encoding/json"

	"github.com/hoard-s3/hoard/internal/kms"
)

const maxKeyIDLen = 2048

// required returns *p, or a ValidationException naming the member.
func required(p *string, member string, maxLen int) (string, error) {
	if p == nil {
		return "", validation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	}
	if len(*p) < 1 || len(*p) > maxLen {
		return "", validation("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length between 1 and %d", member, maxLen)
	}
	return *p, nil
}

// oneOf accepts an absent member or one of the values this service has.
func oneOf(p *string, member string, values ...string) error {
	if p == nil {
		return nil
	}
	for _, v := range values {
		if *p == v {
			return nil
		}
	}
	return unsupported("%s %q is not supported; this key service has %v", member, clip(*p), values)
}

type createKeyRequest struct {
	Description           *string         `json:"Description"`
	KeyUsage              *string         `json:"KeyUsage"`
	KeySpec               *string         `json:"KeySpec"`
	CustomerMasterKeySpec *string         `json:"CustomerMasterKeySpec"`
	Origin                *string         `json:"Origin"`
	MultiRegion           *bool           `json:"MultiRegion"`
	Policy                *string         `json:"Policy"`
	Tags                  json.RawMessage `json:"Tags"`
	CustomKeyStoreID      *string         `json:"CustomKeyStoreId"`
	XksKeyID              *string         `json:"XksKeyId"`
	BypassPolicyLockout   *bool           `json:"BypassPolicyLockoutSafetyCheck"`
}

func (r *createKeyRequest) check() error {
	if err := oneOf(r.KeyUsage, "KeyUsage", encryptDecrypt); err != nil {
		return err
	}
	if err := oneOf(r.KeySpec, "KeySpec", symmetricDefault); err != nil {
		return err
	}
	if err := oneOf(r.CustomerMasterKeySpec, "CustomerMasterKeySpec", symmetricDefault); err != nil {
		return err
	}
	if err := oneOf(r.Origin, "Origin", originAWSKMS); err != nil {
		return err
	}
	switch {
	case r.MultiRegion != nil && *r.MultiRegion:
		return unsupported("multi-Region keys are not supported")
	case len(r.Tags) > 0 && string(r.Tags) != "null" && string(r.Tags) != "[]":
		return unsupported("key tags are not supported")
	case r.CustomKeyStoreID != nil || r.XksKeyID != nil:
		return unsupported("custom key stores are not supported")
	}
	return nil
}

func createKey(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req createKeyRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	err := req.check()
	if err != nil {
		return nil, err
	}
	var in kms.CreateKeyInput
	if req.Description != nil {
		in.Description = *req.Description
	}
	if req.Policy != nil {
		if in.Policy, err = required(req.Policy, "policy", maxPolicyLen); err != nil {
			return nil, err
		}
	}
	in.BypassLockout = req.BypassPolicyLockout != nil && *req.BypassPolicyLockout
	k, err := h.svc.CreateKey(ctx, in)
	if err != nil {
		return nil, err
	}
	return keyMetadataResponse{KeyMetadata: h.keyMetadata(k)}, nil
}

// keyID decodes a request whose only member of interest is KeyId.
func keyID(body []byte) (string, error) {
	var req keyIDRequest
	if err := decode(body, &req); err != nil {
		return "", err
	}
	return required(req.KeyID, "keyId", maxKeyIDLen)
}

func describeKey(h *Handler, ctx context.Context, body []byte) (any, error) {
	id, err := keyID(body)
	if err != nil {
		return nil, err
	}
	k, err := h.svc.DescribeKey(ctx, id)
	if err != nil {
		return nil, err
	}
	return keyMetadataResponse{KeyMetadata: h.keyMetadata(k)}, nil
}

func enableKey(h *Handler, ctx context.Context, body []byte) (any, error) {
	id, err := keyID(body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, h.svc.EnableKey(ctx, id)
}

func disableKey(h *Handler, ctx context.Context, body []byte) (any, error) {
	id, err := keyID(body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, h.svc.DisableKey(ctx, id)
}

func scheduleKeyDeletion(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req struct {
		KeyID *string `json:"KeyId"`
		Days  *int    `json:"PendingWindowInDays"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	id, err := required(req.KeyID, "keyId", maxKeyIDLen)
	if err != nil {
		return nil, err
	}
	days := 30
	if req.Days != nil {
		if *req.Days < 7 || *req.Days > 30 {
			return nil, validation("1 validation error detected: Value at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30")
		}
		days = *req.Days
	}
	k, err := h.svc.ScheduleKeyDeletion(ctx, id, days)
	if err != nil {
		return nil, err
	}
	return struct {
		KeyID               string `json:"KeyId"`
		DeletionDate        *epoch `json:"DeletionDate"`
		KeyState            string `json:"KeyState"`
		PendingWindowInDays int    `json:"PendingWindowInDays"`
	}{k.ARN, optEpoch(k.DeletionDate), string(k.KeyState), days}, nil
}

func cancelKeyDeletion(h *Handler, ctx context.Context, body []byte) (any, error) {
	id, err := keyID(body)
	if err != nil {
		return nil, err
	}
	k, err := h.svc.CancelKeyDeletion(ctx, id)
	if err != nil {
		return nil, err
	}
	return struct {
		KeyID string `json:"KeyId"`
	}{k.ARN}, nil
}

// paging checks Limit (1 to 1000) and Marker.
func paging(req listRequest) (marker string, limit int, err error) {
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > 1000 {
			return "", 0, validation("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000")
		}
		limit = *req.Limit
	}
	if req.Marker != nil {
		if len(*req.Marker) < 1 || len(*req.Marker) > 1024 {
			return "", 0, validation("1 validation error detected: Value at 'marker' failed to satisfy constraint: Member must have length between 1 and 1024")
		}
		marker = *req.Marker
	}
	return marker, limit, nil
}

func listKeys(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req listRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	marker, limit, err := paging(req)
	if err != nil {
		return nil, err
	}
	keys, next, err := h.svc.ListKeys(ctx, marker, limit)
	if err != nil {
		return nil, err
	}
	resp := listKeysResponse{Keys: make([]keyListEntry, 0, len(keys)), NextMarker: next, Truncated: next != ""}
	for _, k := range keys {
		resp.Keys = append(resp.Keys, keyListEntry{KeyID: k.KeyID, KeyArn: k.ARN})
	}
	return resp, nil
}
