package usage

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrPrefix is a prefix the counters cannot answer for: one that does not
// end in '/' or is deeper than the counted depth.
var ErrPrefix = errors.New("usage: no counters for that prefix")

// Scope is the usage of one prefix as the admin API and console show it.
type Scope struct {
	Prefix            string `json:"prefix"`
	Objects           int64  `json:"objects"`
	Bytes             int64  `json:"bytes"`
	NoncurrentObjects int64  `json:"noncurrentObjects"`
	NoncurrentBytes   int64  `json:"noncurrentBytes"`
	Counters
	Cost Cost `json:"cost"`
}

// Report is the usage of a bucket, or of a prefix and its sub-prefixes.
type Report struct {
	Bucket string `json:"bucket"`
	// Depth is how many levels of prefixes the server counts.
	Depth int `json:"depth"`
	// Total is the usage of the bucket or of the asked prefix.
	Total Scope `json:"total"`
	// Prefixes are the sub-prefixes up to the asked depth below it,
	// largest first.
	Prefixes []Scope `json:"prefixes"`
}

// NewScope prices the counters of prefix.
func NewScope(prefix string, c *Counters, prices PriceTable) Scope {
	return Scope{Prefix: prefix, Objects: c.Objects(), Bytes: c.Bytes(), NoncurrentObjects: c.NoncurrentObjects(),
		NoncurrentBytes: c.NoncurrentBytes(), Counters: c.Clone(), Cost: prices.CostOf(c)}
}

// StoredBytes is everything the scope stores: versions of every class,
// parts of uploads in progress and restored copies.
func (s *Scope) StoredBytes() int64 {
	return s.Bytes + s.NoncurrentBytes + s.UploadBytes + s.RestoredBytes
}

// NewReport answers for prefix ("" for the whole bucket) and its
// sub-prefixes up to levels below it, from the bucket's counters counted
// to depth levels. Levels past the counted depth are left out.
func NewReport(bucket string, sc Scopes, depth int, prefix string, levels int, prices PriceTable) (*Report, error) {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		return nil, fmt.Errorf("prefix %q does not end in '/': %w", prefix, ErrPrefix)
	}
	if Level(prefix) > depth {
		return nil, fmt.Errorf("prefix %q has %d levels, the server counts %d (--usage-depth): %w", prefix, Level(prefix), depth, ErrPrefix)
	}
	total := sc[prefix]
	if total == nil {
		total = &Counters{}
	}
	r := &Report{Bucket: bucket, Depth: depth, Total: NewScope(prefix, total, prices), Prefixes: []Scope{}}
	lo, hi := Level(prefix), Level(prefix)+levels
	for p, c := range sc {
		if l := Level(p); p != prefix && strings.HasPrefix(p, prefix) && l > lo && l <= hi {
			r.Prefixes = append(r.Prefixes, NewScope(p, c, prices))
		}
	}
	sort.Slice(r.Prefixes, func(i, j int) bool {
		a, b := r.Prefixes[i].StoredBytes(), r.Prefixes[j].StoredBytes()
		if a != b {
			return a > b
		}
		return r.Prefixes[i].Prefix < r.Prefixes[j].Prefix
	})
	return r, nil
}
