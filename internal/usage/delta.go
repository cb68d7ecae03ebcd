package usage

import (
	"strings"
)

// DefaultDepth is how many `/`-separated levels of the key hierarchy get
// counters of their own unless configured otherwise.
const DefaultDepth = 2

// MaxDepth bounds the configured depth: every write updates depth+1
// counter scopes.
const MaxDepth = 8

// Prefixes returns the prefixes of key that have counters at the given
// depth, shortest first: "a/b/c.txt" at depth 2 has "a/" and "a/b/". The
// bucket's own scope (the empty prefix) is not included.
func Prefixes(key string, depth int) []string {
	var out []string
	from := 0
	for len(out) < depth {
		i := strings.IndexByte(key[from:], '/')
		if i < 0 {
			break
		}
		from += i + 1
		out = append(out, key[:from])
	}
	return out
}

// Level is how many `/`-separated levels prefix has ("" is 0, "a/" is 1,
// "a/b/" is 2).
func Level(prefix string) int { return strings.Count(prefix, "/") }

// Scopes maps a prefix ("" for the whole bucket) to its counters.
type Scopes map[string]*Counters

func (s Scopes) add(prefix string, c *Counters, sign int64) {
	x := s[prefix]
	if x == nil {
		x = &Counters{}
		s[prefix] = x
	}
	x.Add(c, sign)
}

// Delta is how one transaction changes the counters of each bucket.
type Delta struct {
	depth   int
	buckets map[string]Scopes
}

// NewDelta returns an empty delta counting prefixes to depth levels.
func NewDelta(depth int) *Delta { return &Delta{depth: depth} }

// Add adds c (sign +1) or removes it (sign -1) for the object key of
// bucket: to the bucket's scope and to each of the key's prefixes.
func (d *Delta) Add(bucket, key string, c *Counters, sign int64) {
	if c.IsZero() {
		return
	}
	if d.buckets == nil {
		d.buckets = map[string]Scopes{}
	}
	s := d.buckets[bucket]
	if s == nil {
		s = Scopes{}
		d.buckets[bucket] = s
	}
	s.add("", c, sign)
	for _, p := range Prefixes(key, d.depth) {
		s.add(p, c, sign)
	}
}

// Buckets returns the non-zero changes of each bucket.
func (d *Delta) Buckets() map[string]Scopes {
	out := map[string]Scopes{}
	for b, s := range d.buckets {
		for p, c := range s {
			if c.IsZero() {
				delete(s, p)
			}
		}
		if len(s) > 0 {
			out[b] = s
		}
	}
	return out
}
