package policy

import "sync"

// maxCacheBytes bounds the documents ParseCached keeps compiled.
const maxCacheBytes = 8 << 20

type cacheKey struct {
	kind Kind
	doc  string
}

var cache = struct {
	sync.Mutex
	m     map[cacheKey]*Policy
	bytes int
}{m: map[cacheKey]*Policy{}}

// ParseCached is Parse for documents read on every request (stored key
// and identity policies): each distinct document is compiled once. A
// compiled Policy is never modified, so sharing it is safe.
func ParseCached(doc string, kind Kind) (*Policy, error) {
	k := cacheKey{kind, doc}
	cache.Lock()
	p := cache.m[k]
	cache.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := Parse([]byte(doc), kind)
	if err != nil {
		return nil, err
	}
	cache.Lock()
	defer cache.Unlock()
	if cache.bytes+len(doc) > maxCacheBytes {
		clear(cache.m) // rare; re-parsing is correct, only slower
		cache.bytes = 0
	}
	if _, ok := cache.m[k]; !ok {
		cache.m[k] = p
		cache.bytes += len(doc)
	}
	return p, nil
}
