package kmsapi

import (
	"context"
)

const maxAliasNameLen = 256

func aliasArgs(body []byte, needTarget bool) (name, target string, err error) {
	var req aliasRequest
	if err := decode(body, &req); err != nil {
		return "", "", err
	}
	if name, err = required(req.AliasName, "aliasName", maxAliasNameLen); err != nil {
		return "", "", err
	}
	if needTarget {
		if target, err = required(req.TargetKeyID, "targetKeyId", maxKeyIDLen); err != nil {
			return "", "", err
		}
	}
	return name, target, nil
}

func createAlias(h *Handler, ctx context.Context, body []byte) (any, error) {
	name, target, err := aliasArgs(body, true)
	if err != nil {
		return nil, err
	}
	return struct{}{}, h.svc.CreateAlias(ctx, name, target)
}

func updateAlias(h *Handler, ctx context.Context, body []byte) (any, error) {
	name, target, err := aliasArgs(body, true)
	if err != nil {
		return nil, err
	}
	return struct{}{}, h.svc.UpdateAlias(ctx, name, target)
}

func deleteAlias(h *Handler, ctx context.Context, body []byte) (any, error) {
	name, _, err := aliasArgs(body, false)
	if err != nil {
		return nil, err
	}
	return struct{}{}, h.svc.DeleteAlias(ctx, name)
}

func listAliases(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req struct {
		listRequest
		KeyID *string `json:"KeyId"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	marker, limit, err := paging(req.listRequest)
	if err != nil {
		return nil, err
	}
	var ref string
	if req.KeyID != nil {
		if ref, err = required(req.KeyID, "keyId", maxKeyIDLen); err != nil {
			return nil, err
		}
	}
	aliases, next, err := h.svc.ListAliases(ctx, ref, marker, limit)
	if err != nil {
		return nil, err
	}
	resp := listAliasesResponse{Aliases: make([]aliasEntry, 0, len(aliases)), NextMarker: next, Truncated: next != ""}
	for _, a := range aliases {
		resp.Aliases = append(resp.Aliases, aliasEntry{
			AliasName: a.Name, AliasArn: a.ARN, TargetKeyID: a.TargetKeyID,
			CreationDate: toEpoch(a.CreationDate), LastUpdatedDate: toEpoch(a.LastUpdatedDate),
		})
	}
	return resp, nil
}
