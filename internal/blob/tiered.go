package blob

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrUnknownTier is returned for a blob id naming a tier that is not
// configured (removed from the configuration since the blob was written).
var ErrUnknownTier = errors.New("blob: tier not configured")

// ErrTierUnavailable wraps a failure to reach a tier (a remote endpoint
// that is down), as opposed to a blob the tier does not have.
var ErrTierUnavailable = errors.New("blob: tier unavailable")

// tierSep separates a tier's name from the id of a blob within it. Store
// ids are lowercase hex and tier names are [a-z0-9-], so the separator is
// unambiguous.
const tierSep = "@"

// Tiered routes blobs between the default store (the data directory) and
// named tiers. The id of a blob in a tier carries the tier's name,
// "<tier>@<id>", so a record's blob ids are its tier placement; ids
// without a tier are in the default store, which keeps every id written
// before tiers existed valid.
type Tiered struct {
	def   Store
	tiers map[string]Store
}

var _ Store = (*Tiered)(nil)

// NewTiered returns a router over def and the named tiers.
func NewTiered(def Store, tiers map[string]Store) (*Tiered, error) {
	t := &Tiered{def: def, tiers: map[string]Store{}}
	for name, s := range tiers {
		if err := ValidTierName(name); err != nil {
			return nil, err
		}
		t.tiers[name] = s
	}
	return t, nil
}

// ValidTierName accepts 1 to 32 characters of a-z, 0-9 and '-'.
func ValidTierName(name string) error {
	if name == "" || len(name) > 32 {
		return fmt.Errorf("tier name %q: want 1 to 32 characters", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("tier name %q: only a-z, 0-9 and '-'", name)
		}
	}
	return nil
}

// TierOf returns the tier a blob id is in ("" for the default store).
func TierOf(id string) string {
	tier, _, ok := strings.Cut(id, tierSep)
	if !ok {
		return ""
	}
	return tier
}

// Names lists the configured tiers in order.
func (t *Tiered) Names() []string {
	names := make([]string, 0, len(t.tiers))
	for n := range t.tiers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (t *Tiered) route(id string) (Store, string, string, error) {
	tier, local, ok := strings.Cut(id, tierSep)
	if !ok {
		return t.def, "", id, nil
	}
	s, found := t.tiers[tier]
	if !found {
		return nil, "", "", fmt.Errorf("blob %s: tier %q: %w", id, tier, ErrUnknownTier)
	}
	return s, tier, local, nil
}

// Create starts a blob in the default store.
func (t *Tiered) Create(ctx context.Context) (Writer, error) { return t.def.Create(ctx) }

// CreateIn starts a blob in the named tier ("" for the default store).
func (t *Tiered) CreateIn(ctx context.Context, tier string) (Writer, error) {
	s, err := t.store(tier)
	if err != nil {
		return nil, err
	}
	w, err := s.Create(ctx)
	if err != nil {
		return nil, err
	}
	return routed(tier, w), nil
}

// CopyIn starts the copy of blob id in another tier: the copy keeps the
// id's own part, so that "a" in the default store becomes "cold@a" in
// tier cold, and back.
func (t *Tiered) CopyIn(ctx context.Context, tier, id string) (Writer, error) {
	s, err := t.store(tier)
	if err != nil {
		return nil, err
	}
	c, ok := s.(IDCreator)
	if !ok {
		return nil, fmt.Errorf("tier %q cannot take copies: %w", tier, ErrUnknownTier)
	}
	w, err := c.CreateID(ctx, LocalID(id))
	if err != nil {
		return nil, err
	}
	return routed(tier, w), nil
}

func (t *Tiered) store(tier string) (Store, error) {
	if tier == "" {
		return t.def, nil
	}
	s, ok := t.tiers[tier]
	if !ok {
		return nil, fmt.Errorf("tier %q: %w", tier, ErrUnknownTier)
	}
	return s, nil
}

func routed(tier string, w Writer) Writer {
	if tier == "" {
		return w
	}
	return tierWriter{Writer: w, id: tier + tierSep + w.ID()}
}

// LocalID is a blob id without its tier: what the blob is called within
// its store, and what keys derived from the id are derived from.
func LocalID(id string) string {
	if _, local, ok := strings.Cut(id, tierSep); ok {
		return local
	}
	return id
}

// tierWriter reports the routed id of a blob written into a tier.
type tierWriter struct {
	Writer
	id string
}

func (w tierWriter) ID() string { return w.id }

// Open reads a blob wherever its id says it is.
func (t *Tiered) Open(ctx context.Context, id string) (Reader, error) {
	s, _, local, err := t.route(id)
	if err != nil {
		return nil, err
	}
	return s.Open(ctx, local)
}

// Delete removes a blob wherever its id says it is.
func (t *Tiered) Delete(ctx context.Context, id string) error {
	s, _, local, err := t.route(id)
	if err != nil {
		return err
	}
	return s.Delete(ctx, local)
}

// GC collects the default store and then every tier, asking referenced
// about routed ids. A tier that fails (unreachable) does not stop the
// others; its error is returned with the rest.
func (t *Tiered) GC(ctx context.Context, referenced func(ctx context.Context, id string) (bool, error)) (int, error) {
	removed, err := t.def.GC(ctx, referenced)
	errs := []error{err}
	for _, name := range t.Names() {
		prefix := name + tierSep
		n, err := t.tiers[name].GC(ctx, func(ctx context.Context, id string) (bool, error) {
			return referenced(ctx, prefix+id)
		})
		removed += n
		if err != nil {
			errs = append(errs, fmt.Errorf("tier %s: %w", name, err))
		}
	}
	return removed, errors.Join(errs...)
}
