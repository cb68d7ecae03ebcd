package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
)

// keyCacheSize bounds the derived-key cache. A key is valid for one day,
// region and service, so the working set is about one entry per active
// access key; past the bound an arbitrary entry is evicted.
const keyCacheSize = 1024

type keyCacheKey struct {
	secret, date, region, service string
}

// keyCache memoises SigV4 signing keys: deriving one costs four HMACs,
// which would otherwise run on every request.
type keyCache struct {
	mu sync.Mutex
	m  map[keyCacheKey][]byte
}

func (c *keyCache) get(secret, date, region, service string) []byte {
	k := keyCacheKey{secret, date, region, service}
	c.mu.Lock()
	key, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return key
	}
	key = deriveSigningKey(secret, date, region, service)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[keyCacheKey][]byte)
	}
	if len(c.m) >= keyCacheSize {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = key
	return key
}

func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// deriveSigningKey computes kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret,
// date), region), service), "aws4_request").
func deriveSigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}
