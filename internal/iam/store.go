package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Key layout. Names are stored case-folded (IAM names are unique
// regardless of case) and never contain '/', so it separates parts.
//
//	iam/user/NAME             userRecord
//	iam/key/AKID              keyRecord (secret wrapped)
//	iam/ukey/USER/AKID        index of a user's keys
//	iam/rkey/AKID             index of the root's own keys (rootkeys.go)
//	iam/upol/USER/POLICY      inline user policy document
//	iam/group/NAME            groupRecord
//	iam/gmem/GROUP/USER       group membership
//	iam/ugrp/USER/GROUP       the same membership, by user
//	iam/gpol/GROUP/POLICY     inline group policy document
//	iam/role/NAME             roleRecord
//	iam/rpol/ROLE/POLICY      inline role policy document
//	iam/sess/ASIA…            sessionRecord (secret and token wrapped)
const (
	pUser    = "iam/user/"
	pKey     = "iam/key/"
	pUserKey = "iam/ukey/"
	pUserPol = "iam/upol/"
	pGroup   = "iam/group/"
	pMember  = "iam/gmem/"
	pUserGrp = "iam/ugrp/"
	pGrpPol  = "iam/gpol/"
	pRole    = "iam/role/"
	pRolePol = "iam/rpol/"
	pSession = "iam/sess/"
)

func key(prefix string, parts ...string) []byte {
	k := prefix
	for i, p := range parts {
		if i > 0 {
			k += "/"
		}
		k += p
	}
	return []byte(k)
}

// getJSON reads the record at k into v; found is false when it is absent.
func getJSON(ctx context.Context, r meta.Reader, k []byte, v any) (found bool, err error) {
	raw, err := r.Get(ctx, k)
	if errors.Is(err, meta.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("iam: read %q: %w", k, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("iam: corrupt record %q: %w", k, err)
	}
	return true, nil
}

func setJSON(txn meta.Txn, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("iam: encode %q: %w", k, err)
	}
	return txn.Set(k, raw)
}

// scan calls fn for each key under prefix that sorts after prefix+after
// (all of them when after is ""), with the key's suffix past prefix, until
// fn returns stop.
func scan(ctx context.Context, r meta.Reader, prefix, after string, fn func(suffix string, value []byte) (stop bool, err error)) error {
	lower := []byte(prefix)
	if after != "" {
		lower = append([]byte(prefix+after), 0)
	}
	it, err := r.NewIter(ctx, lower, meta.PrefixEnd([]byte(prefix)))
	if err != nil {
		return fmt.Errorf("iam: scan %q: %w", prefix, err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		suffix := string(it.Key()[len(prefix):])
		v, err := it.Value()
		if err != nil {
			return fmt.Errorf("iam: scan %q: %w", prefix, err)
		}
		stop, err := fn(suffix, v)
		if err != nil || stop {
			return err
		}
	}
	return it.Error()
}

// exists reports whether any key starts with prefix.
func exists(ctx context.Context, r meta.Reader, prefix string) (bool, error) {
	found := false
	err := scan(ctx, r, prefix, "", func(string, []byte) (bool, error) {
		found = true
		return true, nil
	})
	return found, err
}

// count counts the keys under prefix, up to limit.
func count(ctx context.Context, r meta.Reader, prefix string, limit int) (int, error) {
	n := 0
	err := scan(ctx, r, prefix, "", func(string, []byte) (bool, error) {
		n++
		return n >= limit, nil
	})
	return n, err
}

// deleteAll deletes every key under prefix inside txn.
func deleteAll(ctx context.Context, txn meta.Txn, prefix string) error {
	var keys [][]byte
	err := scan(ctx, txn, prefix, "", func(suffix string, _ []byte) (bool, error) {
		keys = append(keys, []byte(prefix+suffix))
		return false, nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Page bounds a listing: MaxItems 1–1000 (0 means 100), Marker from the
// previous page's answer.
type Page struct {
	Marker   string
	MaxItems int
}

func (p Page) limit() (int, error) {
	switch {
	case p.MaxItems == 0:
		return 100, nil
	case p.MaxItems < 0 || p.MaxItems > 1000:
		return 0, errorf(ErrValidation, "1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", p.MaxItems)
	}
	return p.MaxItems, nil
}

// marker validates a marker: it is the storage key of the last item of the
// previous page, so it never contains '/' or bytes outside names.
func (p Page) marker() (string, error) {
	if p.Marker != "" && (len(p.Marker) > 256 || !nameRE.MatchString(p.Marker)) {
		return "", errorf(ErrInvalidInput, "Invalid Marker.")
	}
	return p.Marker, nil
}

func decodeRecord(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("iam: corrupt record: %w", err)
	}
	return nil
}
