package kms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// Layout in the metadata store:
//
//	kms/key/<uuid>     keyRecord (JSON)
//	kms/alias/<name>   aliasRecord (JSON); <name> is the alias without "alias/"
const (
	keyPrefix   = "kms/key/"
	aliasPrefix = "kms/alias/"
)

// keyRecord is a master key as stored. Times are Unix milliseconds.
type keyRecord struct {
	ID          string     `json:"id"`
	Created     int64      `json:"created"`
	Description string     `json:"desc,omitempty"`
	State       KeyState   `json:"state"`
	Manager     KeyManager `json:"manager"`
	Deletion    int64      `json:"deletion,omitempty"`
	// Policy is the key policy (JSON); empty on keys made before key
	// policies, which have the default one.
	Policy string `json:"policy,omitempty"`
	// Material is the 256-bit key material wrapped by the root key, bound
	// to the key id.
	Material []byte `json:"material"`
}

type aliasRecord struct {
	Target  string `json:"target"`
	Created int64  `json:"created"`
	Updated int64  `json:"updated"`
}

func keyKey(id string) []byte     { return []byte(keyPrefix + id) }
func aliasKey(name string) []byte { return []byte(aliasPrefix + strings.TrimPrefix(name, "alias/")) }

// materialAAD binds wrapped material to its key id.
func materialAAD(id string) []byte { return []byte("hoard/kms/key/" + id) }

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// gone reports whether a key's scheduled deletion has passed; such a key is
// treated as deleted even before PurgeDeleted removes its record.
func (r *keyRecord) gone(now time.Time) bool {
	return r.State == StatePendingDeletion && r.Deletion != 0 && ms(now) >= r.Deletion
}

func (s *Service) metadata(r *keyRecord) KeyMetadata {
	return KeyMetadata{
		KeyID:        r.ID,
		ARN:          s.keyARN(r.ID),
		CreationDate: fromMS(r.Created),
		Enabled:      r.State == StateEnabled,
		KeyState:     r.State,
		Description:  r.Description,
		KeyManager:   r.Manager,
		DeletionDate: fromMS(r.Deletion),
	}
}

func decodeKey(raw []byte) (*keyRecord, error) {
	var r keyRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", errCorruptKeyRecord, err)
	}
	return &r, nil
}

func putJSON(txn meta.Txn, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := txn.Set(key, raw); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// loadKey reads the key with the canonical id, treating a key past its
// deletion date as absent.
func (s *Service) loadKey(ctx context.Context, rd meta.Reader, id string) (*keyRecord, error) {
	raw, err := rd.Get(ctx, keyKey(id))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, fmt.Errorf("key %s: %w", id, sse.ErrKeyNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read key %s: %w", id, err)
	}
	r, err := decodeKey(raw)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", id, err)
	}
	if r.gone(s.now()) {
		return nil, fmt.Errorf("key %s is deleted: %w", id, sse.ErrKeyNotFound)
	}
	return r, nil
}

func (s *Service) loadAlias(ctx context.Context, rd meta.Reader, name string) (*aliasRecord, error) {
	raw, err := rd.Get(ctx, aliasKey(name))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, fmt.Errorf("alias %s: %w", name, sse.ErrKeyNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read alias %s: %w", name, err)
	}
	var a aliasRecord
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("alias %s: %w: %w", name, errCorruptKeyRecord, err)
	}
	return &a, nil
}

// canonicalID returns s when it is a UUID in canonical lower-case form.
func canonicalID(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	u, err := uuid.Parse(s)
	if err != nil || u.String() != s {
		return "", false
	}
	return s, true
}

// parseRef splits a key reference (key id, key ARN, alias name or alias
// ARN) into a key id or an alias name, exactly one of them non-empty.
func (s *Service) parseRef(ref string) (id, alias string, err error) {
	notFound := fmt.Errorf("key %q: %w", clip(ref), sse.ErrKeyNotFound)
	if rest, ok := strings.CutPrefix(ref, "arn:"); ok {
		// arn:PARTITION:kms:REGION:ACCOUNT:RESOURCE
		parts := strings.SplitN(rest, ":", 5)
		if len(parts) != 5 || parts[1] != "kms" || parts[2] != s.region || parts[3] != s.acct {
			return "", "", notFound
		}
		ref = parts[4]
		if keyID, ok := strings.CutPrefix(ref, "key/"); ok {
			if id, ok := canonicalID(keyID); ok {
				return id, "", nil
			}
			return "", "", notFound
		}
		if !strings.HasPrefix(ref, "alias/") {
			return "", "", notFound
		}
	}
	if strings.HasPrefix(ref, "alias/") {
		if validAliasSyntax(ref) != nil {
			return "", "", notFound
		}
		return "", ref, nil
	}
	if id, ok := canonicalID(ref); ok {
		return id, "", nil
	}
	return "", "", notFound
}

// resolve turns a key reference into a key id, reading the alias if it is one.
func (s *Service) resolve(ctx context.Context, rd meta.Reader, ref string) (string, error) {
	id, alias, err := s.parseRef(ref)
	if err != nil || alias == "" {
		return id, err
	}
	a, err := s.loadAlias(ctx, rd, alias)
	if err != nil {
		return "", err
	}
	return a.Target, nil
}

// clip shortens hostile input before it goes into an error message.
func clip(s string) string {
	const max = 256
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
