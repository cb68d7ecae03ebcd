package object

import (
	"context"
	"fmt"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
)

// ListObjects lists current objects in key order. With a delimiter, each
// common prefix is emitted once and the scan seeks past everything under
// it, so a page costs the same however many keys a prefix holds.
func (s *Service) ListObjects(ctx context.Context, in ListInput) (*ListResult, error) {
	if _, err := s.bucket(ctx, s.meta, in.Bucket); err != nil {
		return nil, err
	}
	maxKeys := in.MaxKeys
	if maxKeys < 0 || maxKeys > MaxListKeys {
		maxKeys = MaxListKeys
	}
	res := &ListResult{Objects: []ListedObject{}, CommonPrefixes: []string{}}
	if maxKeys == 0 {
		return res, nil
	}
	base := objectBase(in.Bucket)
	lower := append(append([]byte(nil), base...), in.Prefix...)
	it, err := s.meta.NewIter(ctx, lower, meta.PrefixEnd(lower))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", in.Bucket, err)
	}
	defer it.Close()
	l := lister{it: it, base: base, in: in, res: res}
	if err := l.run(maxKeys); err != nil {
		return nil, fmt.Errorf("list %s: %w", in.Bucket, err)
	}
	return res, nil
}

type lister struct {
	it   meta.Iterator
	base []byte
	in   ListInput
	res  *ListResult
}

// seek positions the iterator at the first bucket key >= key; an absent key
// (nil, from PrefixEnd of all-0xff bytes) means nothing follows.
func (l *lister) seek(key []byte) bool {
	if key == nil {
		return false
	}
	return l.it.SeekGE(append(append([]byte(nil), l.base...), key...))
}

// start positions the iterator at the first entry after In.After.
func (l *lister) start() bool {
	after, prefix := l.in.After, l.in.Prefix
	if after < prefix {
		return l.it.First()
	}
	if !strings.HasPrefix(after, prefix) {
		return false // After is past every key under Prefix
	}
	if cp := l.commonPrefix(after); cp != "" {
		// Every key under the common prefix rolls up into it, and the
		// prefix sorts at or before After: skip all of them.
		return l.seek(meta.PrefixEnd([]byte(cp)))
	}
	return l.seek([]byte(after + "\x00")) // the smallest key greater than After
}

// commonPrefix returns the common prefix key rolls up into, or "".
func (l *lister) commonPrefix(key string) string {
	return commonPrefixOf(key, l.in.Prefix, l.in.Delimiter)
}

// growObjects sizes the result for a full page once a listing has shown
// it is long: growing a 1,000-entry slice by doubling copied and re-zeroed
// it several times. Short listings never pay for a full page.
func (l *lister) growObjects(maxKeys int) {
	const longListing = 64
	objs := l.res.Objects
	if len(objs) == cap(objs) && cap(objs) >= longListing && cap(objs) < maxKeys {
		grown := make([]ListedObject, len(objs), maxKeys)
		copy(grown, objs)
		l.res.Objects = grown
	}
}

func (l *lister) run(maxKeys int) error {
	n := 0
	last := ""
	ok := l.start()
	for ok && n < maxKeys {
		key := string(l.it.Key()[len(l.base):])
		if cp := l.commonPrefix(key); cp != "" {
			l.res.CommonPrefixes = append(l.res.CommonPrefixes, cp)
			last, n = cp, n+1
			ok = l.seek(meta.PrefixEnd([]byte(cp)))
			continue
		}
		v, err := l.it.Value()
		if err != nil {
			return err
		}
		var rec record
		if err := rec.decode(v, modeList); err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
		l.growObjects(maxKeys)
		l.res.Objects = append(l.res.Objects, rec.listed(key))
		last, n = key, n+1
		ok = l.it.Next()
	}
	if err := l.it.Error(); err != nil {
		return err
	}
	if ok {
		l.res.IsTruncated = true
		l.res.NextMarker = last
	}
	return nil
}
