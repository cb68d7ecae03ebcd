package object

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// etagMatches reports whether an If-Match / If-None-Match value matches
// etag. The value may be "*", a single ETag or a comma-separated list;
// each ETag may be quoted or not and carry a weak "W/" prefix (S3 compares
// weakly: the prefix is ignored).
func etagMatches(cond, etag string) bool {
	for _, part := range strings.Split(cond, ",") {
		p := strings.TrimSpace(part)
		if p == "*" {
			return true
		}
		p = strings.TrimPrefix(p, "W/")
		p = strings.TrimSuffix(strings.TrimPrefix(p, `"`), `"`)
		if p != "" && p == etag {
			return true
		}
	}
	return false
}

// checkRead evaluates read preconditions in the order of RFC 9110 §13.2.2,
// which S3 follows: If-Match, then If-Unmodified-Since only without
// If-Match, then If-None-Match, then If-Modified-Since only without
// If-None-Match.
func checkRead(c ReadConditions, etag string, modified time.Time) error {
	// HTTP dates have one-second resolution.
	mod := modified.Truncate(time.Second)
	if c.IfMatch != "" {
		if !etagMatches(c.IfMatch, etag) {
			return fmt.Errorf("If-Match %q against ETag %q: %w", c.IfMatch, etag, ErrPreconditionFailed)
		}
	} else if !c.IfUnmodifiedSince.IsZero() && mod.After(c.IfUnmodifiedSince) {
		return fmt.Errorf("modified since %s: %w", c.IfUnmodifiedSince.UTC().Format(time.RFC1123), ErrPreconditionFailed)
	}
	if c.IfNoneMatch != "" {
		if etagMatches(c.IfNoneMatch, etag) {
			return fmt.Errorf("If-None-Match %q matches: %w", c.IfNoneMatch, ErrNotModified)
		}
	} else if !c.IfModifiedSince.IsZero() && !mod.After(c.IfModifiedSince) {
		return fmt.Errorf("not modified since %s: %w", c.IfModifiedSince.UTC().Format(time.RFC1123), ErrNotModified)
	}
	return nil
}

// checkCopySource evaluates x-amz-copy-source-if-* headers. S3 answers 412
// for every failed copy-source condition, including the ones that are 304
// on a GET.
func checkCopySource(c ReadConditions, etag string, modified time.Time) error {
	err := checkRead(c, etag, modified)
	if err != nil && !errors.Is(err, ErrPreconditionFailed) {
		return fmt.Errorf("copy source: %v: %w", err, ErrPreconditionFailed)
	}
	return err
}

// validWriteConditions rejects an If-None-Match that names nothing: it
// takes "*" or a list of ETags.
func validWriteConditions(c WriteConditions) error {
	if c.IfNoneMatch != "" && strings.Trim(c.IfNoneMatch, ", \t") == "" {
		return fmt.Errorf("If-None-Match %q on a write: %w", c.IfNoneMatch, ErrInvalidArgument)
	}
	return nil
}

// checkWrite evaluates conditional-write headers against the current record
// (nil when the key does not exist). It runs inside the transaction that
// writes, so the check and the write are atomic.
func checkWrite(c WriteConditions, cur *record) error {
	if c.IfNoneMatch != "" && cur != nil && etagMatches(c.IfNoneMatch, cur.etag()) {
		return fmt.Errorf("If-None-Match %q and the object exists: %w", c.IfNoneMatch, ErrPreconditionFailed)
	}
	if c.IfMatch != "" {
		if cur == nil {
			return fmt.Errorf("If-Match on a missing object: %w", ErrNoSuchKey)
		}
		if !etagMatches(c.IfMatch, cur.etag()) {
			return fmt.Errorf("If-Match %q against ETag %q: %w", c.IfMatch, cur.etag(), ErrPreconditionFailed)
		}
	}
	return nil
}

func (c WriteConditions) any() bool { return c.IfMatch != "" || c.IfNoneMatch != "" }

// any reports whether a delete is conditional.
func (c DeleteConditions) any() bool {
	return c.IfMatch != "" || !c.IfMatchLastModified.IsZero() || c.IfMatchSize != nil
}

// checkDelete evaluates S3's conditional-delete headers against the
// version a delete would act on (for a delete without version id: the
// latest, which may be a delete marker; nil when there is none). As S3
// documents, a delete of nothing succeeds whatever the conditions; a
// mismatch is 412. Times compare at the one-second resolution of the
// HTTP dates clients send.
func checkDelete(c DeleteConditions, rec *record) error {
	if rec == nil || !c.any() {
		return nil
	}
	if c.IfMatch != "" && !etagMatches(c.IfMatch, rec.etag()) {
		return fmt.Errorf("If-Match %q against ETag %q: %w", c.IfMatch, rec.etag(), ErrPreconditionFailed)
	}
	if !c.IfMatchLastModified.IsZero() {
		mod := time.Unix(0, rec.ModTime).Truncate(time.Second)
		if !mod.Equal(c.IfMatchLastModified.Truncate(time.Second)) {
			return fmt.Errorf("last modified %s, not %s: %w", mod.UTC().Format(time.RFC3339), c.IfMatchLastModified.UTC().Format(time.RFC3339), ErrPreconditionFailed)
		}
	}
	if c.IfMatchSize != nil && *c.IfMatchSize != rec.Size {
		return fmt.Errorf("size %d, not %d: %w", rec.Size, *c.IfMatchSize, ErrPreconditionFailed)
	}
	return nil
}
