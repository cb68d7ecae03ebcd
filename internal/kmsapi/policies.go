package kmsapi

import (
	"context"

	"github.com/hoard-s3/hoard/internal/kms"
)

const (
	maxPolicyLen     = 32768
	maxPolicyNameLen = 128
)

// policyName reads PolicyName, which defaults to "default".
func policyName(p *string) (string, error) {
	if p == nil {
		return kms.DefaultPolicyName, nil
	}
	return required(p, "policyName", maxPolicyNameLen)
}

func getKeyPolicy(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req struct {
		KeyID      *string `json:"KeyId"`
		PolicyName *string `json:"PolicyName"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	id, err := required(req.KeyID, "keyId", maxKeyIDLen)
	if err != nil {
		return nil, err
	}
	name, err := policyName(req.PolicyName)
	if err != nil {
		return nil, err
	}
	doc, err := h.svc.GetKeyPolicy(ctx, id, name)
	if err != nil {
		return nil, err
	}
	return struct {
		Policy     string `json:"Policy"`
		PolicyName string `json:"PolicyName"`
	}{doc, name}, nil
}

func putKeyPolicy(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req struct {
		KeyID      *string `json:"KeyId"`
		PolicyName *string `json:"PolicyName"`
		Policy     *string `json:"Policy"`
		Bypass     *bool   `json:"BypassPolicyLockoutSafetyCheck"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	id, err := required(req.KeyID, "keyId", maxKeyIDLen)
	if err != nil {
		return nil, err
	}
	name, err := policyName(req.PolicyName)
	if err != nil {
		return nil, err
	}
	doc, err := required(req.Policy, "policy", maxPolicyLen)
	if err != nil {
		return nil, err
	}
	bypass := req.Bypass != nil && *req.Bypass
	return struct{}{}, h.svc.PutKeyPolicy(ctx, id, name, doc, bypass)
}

func listKeyPolicies(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req struct {
		listRequest
		KeyID *string `json:"KeyId"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if _, _, err := paging(req.listRequest); err != nil {
		return nil, err
	}
	id, err := required(req.KeyID, "keyId", maxKeyIDLen)
	if err != nil {
		return nil, err
	}
	names, err := h.svc.ListKeyPolicies(ctx, id)
	if err != nil {
		return nil, err
	}
	return struct {
		PolicyNames []string `json:"PolicyNames"`
		Truncated   bool     `json:"Truncated"`
	}{names, false}, nil
}
