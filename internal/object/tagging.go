package object

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta"
)

// validTags applies S3's object tag rules: at most 10 tags, unique keys of
// 1..128 characters, values of at most 256 characters, valid UTF-8, and no
// keys in the reserved "aws:" namespace.
func validTags(tags []Tag) error { return validTagSet(tags, MaxTags) }

// validTagSet applies the tag rules objects and buckets share, with at
// most max tags.
func validTagSet(tags []Tag, max int) error {
	if len(tags) > max {
		return fmt.Errorf("%d tags, at most %d: %w", len(tags), max, ErrInvalidTag)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if !utf8.ValidString(t.Key) || !utf8.ValidString(t.Value) {
			return fmt.Errorf("tag is not valid UTF-8: %w", ErrInvalidTag)
		}
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > MaxTagKeyLength {
			return fmt.Errorf("tag key of %d characters: %w", n, ErrInvalidTag)
		}
		if n := utf8.RuneCountInString(t.Value); n > MaxTagValueLength {
			return fmt.Errorf("tag value of %d characters: %w", n, ErrInvalidTag)
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return fmt.Errorf("tag key %q uses the reserved aws: prefix: %w", t.Key, ErrInvalidTag)
		}
		if seen[t.Key] {
			return fmt.Errorf("duplicate tag key %q: %w", t.Key, ErrInvalidTag)
		}
		seen[t.Key] = true
	}
	return nil
}

// GetObjectTagging returns an object's tags and its version id.
func (s *Service) GetObjectTagging(ctx context.Context, bucket, key, versionID string) ([]Tag, string, error) {
	if err := validKey(key); err != nil {
		return nil, "", err
	}
	if err := checkVersion(versionID); err != nil {
		return nil, "", err
	}
	rec, err := s.existing(ctx, s.meta, bucket, key, versionID, false)
	if err != nil {
		return nil, "", err
	}
	return sortedTags(rec.Tags), rec.VersionID, nil
}

// sortedTags returns a copy of a tag set in key order. S3 documents no
// order (it is a set); key order is stable whatever order the tags were
// sent in, and is what S3 and the s3-tests suite show.
func sortedTags(tags []Tag) []Tag {
	out := append(make([]Tag, 0, len(tags)), tags...)
	slices.SortFunc(out, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// PutObjectTagging replaces an object's tags. Like S3 it leaves the ETag
// and Last-Modified alone.
func (s *Service) PutObjectTagging(ctx context.Context, bucket, key, versionID string, tags []Tag) (string, error) {
	if err := validTags(tags); err != nil {
		return "", err
	}
	return s.setTags(ctx, event.ObjectTaggingPut, bucket, key, versionID, tags)
}

// DeleteObjectTagging removes all of an object's tags.
func (s *Service) DeleteObjectTagging(ctx context.Context, bucket, key, versionID string) (string, error) {
	return s.setTags(ctx, event.ObjectTaggingDelete, bucket, key, versionID, nil)
}

func (s *Service) setTags(ctx context.Context, name, bucket, key, versionID string, tags []Tag) (string, error) {
	if err := validKey(key); err != nil {
		return "", err
	}
	if err := checkVersion(versionID); err != nil {
		return "", err
	}
	var version string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		loc, err := s.readVersion(ctx, tx, bucket, key, versionID, modeFull)
		if err != nil {
			return err
		}
		loc.rec.Tags = tags // readVersion opened the sealed metadata
		version = loc.rec.VersionID
		if err := s.queueModification(ctx, tx, bucket, key, loc.rec); err != nil {
			return err
		}
		val, err := s.encodeRecord(bucket, key, loc.rec)
		if err != nil {
			return err
		}
		if err := tx.Set(loc.mkey, val); err != nil {
			return err
		}
		return s.changeEvent(ctx, tx, bucket, name, key, loc.rec)
	})
	if err != nil {
		return "", fmt.Errorf("tag %s/%s: %w", bucket, key, err)
	}
	return version, nil
}
