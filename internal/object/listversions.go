package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
)

// ListVersionsInput lists versions and delete markers in key order, newest
// first within a key. KeyMarker and VersionIDMarker are exclusive: the
// page starts after that version of that key (after every version of
// KeyMarker when VersionIDMarker is empty).
type ListVersionsInput struct {
	Bucket          string
	Prefix          string
	Delimiter       string
	KeyMarker       string
	VersionIDMarker string
	MaxKeys         int
}

// ListedVersion is one entry of ListObjectVersions: a version or, with
// DeleteMarker, a delete marker (whose Size, ETag and checksum are zero).
type ListedVersion struct {
	ListedObject
	VersionID    string
	IsLatest     bool
	DeleteMarker bool
}

// ListVersionsResult is one page. When IsTruncated, NextKeyMarker and
// NextVersionIDMarker (empty after a common prefix) start the next page.
type ListVersionsResult struct {
	Versions            []ListedVersion
	CommonPrefixes      []string
	IsTruncated         bool
	NextKeyMarker       string
	NextVersionIDMarker string
}

// ListObjectVersions merges the two ranges a bucket's versions live in
// (keys.go): "o/" holds the latest of each key, "v/" the others in
// newest-first order, so a key's "o/" record comes first and its "v/"
// entries follow. A page costs one seek in each range and then a step per
// entry, whatever the number of versions; a common prefix is one seek past
// everything under it. Paging is by (key, version id), and version ids
// never change place, so a page never repeats or skips an entry that
// existed throughout, whatever is written meanwhile.
func (s *Service) ListObjectVersions(ctx context.Context, in ListVersionsInput) (*ListVersionsResult, error) {
	if in.VersionIDMarker != "" {
		if in.KeyMarker == "" {
			return nil, fmt.Errorf("version-id-marker without key-marker: %w", ErrInvalidArgument)
		}
		if err := parseVersionID(in.VersionIDMarker); err != nil {
			return nil, err
		}
	}
	if _, err := s.bucket(ctx, s.meta, in.Bucket); err != nil {
		return nil, err
	}
	maxKeys := in.MaxKeys
	if maxKeys < 0 || maxKeys > MaxListKeys {
		maxKeys = MaxListKeys
	}
	res := &ListVersionsResult{Versions: []ListedVersion{}, CommonPrefixes: []string{}}
	if maxKeys == 0 {
		return res, nil
	}
	vl := versionLister{in: in, res: res, obase: objectBase(in.Bucket), vbase: versionBase(in.Bucket)}
	var err error
	if vl.o, err = s.prefixIter(ctx, vl.obase, in.Prefix); err != nil {
		return nil, err
	}
	defer vl.o.Close()
	if vl.v, err = s.prefixIter(ctx, vl.vbase, in.Prefix); err != nil {
		return nil, err
	}
	defer vl.v.Close()
	if err := vl.start(ctx, s.meta); err != nil {
		return nil, fmt.Errorf("list versions of %s: %w", in.Bucket, err)
	}
	if err := vl.run(maxKeys); err != nil {
		return nil, fmt.Errorf("list versions of %s: %w", in.Bucket, err)
	}
	return res, nil
}

func (s *Service) prefixIter(ctx context.Context, base []byte, prefix string) (meta.Iterator, error) {
	lower := append(append([]byte(nil), base...), prefix...)
	it, err := s.meta.NewIter(ctx, lower, meta.PrefixEnd(lower))
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	return it, nil
}

// versionLister walks the "o/" iterator o and the "v/" iterator v in step.
type versionLister struct {
	in           ListVersionsInput
	res          *ListVersionsResult
	obase, vbase []byte
	o, v         meta.Iterator
	oOK, vOK     bool
	// prev is the key of the last entry shown, or the key marker when the
	// page starts inside a key: a "v/" entry is the latest of its key only
	// when it is the first entry of the key.
	prev string
}

// seek positions both iterators at the first entry of a key >= key
// (nil: nothing follows).
func (l *versionLister) seek(key []byte) {
	if key == nil {
		l.oOK, l.vOK = false, false
		return
	}
	l.oOK = l.o.SeekGE(append(append([]byte(nil), l.obase...), key...))
	l.vOK = l.v.SeekGE(append(append([]byte(nil), l.vbase...), key...))
}

// start positions the iterators just after the markers.
func (l *versionLister) start(ctx context.Context, r meta.Reader) error {
	km, prefix := l.in.KeyMarker, l.in.Prefix
	switch {
	case km < prefix:
		l.oOK, l.vOK = l.o.First(), l.v.First()
		return nil
	case !strings.HasPrefix(km, prefix):
		return nil // the marker is past every key under the prefix
	}
	if cp := commonPrefixOf(km, prefix, l.in.Delimiter); cp != "" {
		l.seek(meta.PrefixEnd([]byte(cp)))
		return nil
	}
	if l.in.VersionIDMarker == "" {
		l.seek([]byte(km + "\x00")) // the smallest key greater than km
		return nil
	}
	// Inside km: its "o/" record is either the marker itself or newer than
	// it; either way the page continues under "v/".
	l.prev = km
	l.oOK = l.o.SeekGE(append(append([]byte(nil), l.obase...), km+"\x00"...))
	sid := l.in.VersionIDMarker
	if sid == NullVersion {
		var err error
		if sid, err = l.nullMarker(ctx, r, km); err != nil {
			return err
		}
	}
	from := append(append(append([]byte(nil), l.vbase...), km...), 0)
	if sid != "" {
		from = append(from, sid...)
	}
	l.vOK = l.v.SeekGE(from)
	if sid != "" && l.vOK && bytes.Equal(l.v.Key(), from) {
		l.vOK = l.v.Next()
	}
	return nil
}

// nullMarker is the sort id of km's null version when it is noncurrent,
// or "" when it is the "o/" record (the page then starts at the newest
// "v/" entry). A null version deleted since the last page has no place
// left; the page then goes on from the key's newest "v/" entry.
func (l *versionLister) nullMarker(ctx context.Context, r meta.Reader, km string) (string, error) {
	sid, err := r.Get(ctx, nullPtrKey(l.in.Bucket, km))
	if err == nil {
		return string(sid), nil
	}
	if errors.Is(err, meta.ErrNotFound) {
		return "", nil
	}
	return "", err
}

// commonPrefixOf returns the common prefix key rolls up into, or "".
func commonPrefixOf(key, prefix, delim string) string {
	if delim == "" {
		return ""
	}
	i := strings.Index(key[len(prefix):], delim)
	if i < 0 {
		return ""
	}
	return key[:len(prefix)+i+len(delim)]
}

// next returns the key of the entry to show next and whether it is the
// "o/" record.
func (l *versionLister) next() (string, bool, error) {
	var vk string
	if l.vOK {
		rest := l.v.Key()[len(l.vbase):]
		i := bytes.LastIndexByte(rest, 0)
		if i < 0 {
			return "", false, fmt.Errorf("version key %q: %w", rest, errCorrupt)
		}
		vk = string(rest[:i])
	}
	if l.oOK {
		ok := string(l.o.Key()[len(l.obase):])
		if !l.vOK || ok <= vk {
			return ok, true, nil
		}
	}
	return vk, false, nil
}

func (l *versionLister) run(maxKeys int) error {
	n := 0
	lastKey, lastVID := "", ""
	for (l.oOK || l.vOK) && n < maxKeys {
		key, fromO, err := l.next()
		if err != nil {
			return err
		}
		if cp := commonPrefixOf(key, l.in.Prefix, l.in.Delimiter); cp != "" {
			l.res.CommonPrefixes = append(l.res.CommonPrefixes, cp)
			lastKey, lastVID, n = cp, "", n+1
			l.prev = ""
			l.seek(meta.PrefixEnd([]byte(cp)))
			continue
		}
		it := l.v
		if fromO {
			it = l.o
		}
		val, err := it.Value()
		if err != nil {
			return err
		}
		var rec record
		if err := rec.decode(val, modeList); err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
		e := ListedVersion{VersionID: rec.VersionID, DeleteMarker: rec.DeleteMarker, IsLatest: fromO || key != l.prev}
		e.ListedObject = rec.listed(key)
		l.res.Versions = append(l.res.Versions, e)
		lastKey, lastVID, n = key, rec.VersionID, n+1
		l.prev = key
		if fromO {
			l.oOK = l.o.Next()
		} else {
			l.vOK = l.v.Next()
		}
	}
	if err := l.o.Error(); err != nil {
		return err
	}
	if err := l.v.Error(); err != nil {
		return err
	}
	if l.oOK || l.vOK {
		l.res.IsTruncated = true
		l.res.NextKeyMarker, l.res.NextVersionIDMarker = lastKey, lastVID
	}
	return nil
}
