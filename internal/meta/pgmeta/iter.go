package pgmeta

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
)

// Page sizes of a range scan: small after a seek (a delimiter listing
// seeks past each common prefix and may use one row of the page), doubling
// while the caller keeps walking, so a 1,000-key listing page costs five
// queries and a point-like seek costs a few rows.
const (
	firstPage = 32
	maxPage   = 1024
)

type kv struct{ k, v []byte }

// pageQuery is the keyset query for up to limit rows from `from` on.
func pageQuery(from, upper []byte, limit int) (string, []any) {
	if upper == nil {
		return `SELECT k, v FROM hoard_kv WHERE k >= $1 ORDER BY k LIMIT $2`, []any{from, limit}
	}
	return `SELECT k, v FROM hoard_kv WHERE k >= $1 AND k < $2 ORDER BY k LIMIT $3`, []any{from, upper, limit}
}

func scanPage(rows pgx.Rows) ([]kv, error) {
	var out []kv
	for rows.Next() {
		var r kv
		if err := rows.Scan(&r.k, &r.v); err != nil {
			return nil, err
		}
		if r.v == nil {
			r.v = []byte{}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// pager walks [lower, upper) one keyset page at a time.
type pager struct {
	lower, upper []byte
	fetch        func(from, upper []byte, limit int) ([]kv, error)
	page         []kv
	pos          int
	last         bool // page holds every remaining row of the range
	limit        int
	err          error
	closed       bool
}

func newPager(ctx context.Context, pool querier, timeout time.Duration, lower, upper []byte) *pager {
	p := &pager{lower: clone(lower), upper: clone(upper)}
	if p.lower == nil {
		p.lower = []byte{}
	}
	p.fetch = func(from, upper []byte, limit int) ([]kv, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		sql, args := pageQuery(from, upper, limit)
		rows, err := pool.Query(ctx, sql, args...)
		if err != nil {
			return nil, classify("scan", err)
		}
		defer rows.Close()
		out, err := scanPage(rows)
		return out, classify("scan", err)
	}
	return p
}

func (p *pager) First() bool { return p.SeekGE(p.lower) }

func (p *pager) SeekGE(key []byte) bool {
	if p.closed || p.err != nil {
		return false
	}
	if bytes.Compare(key, p.lower) < 0 {
		key = p.lower
	}
	if p.upper != nil && bytes.Compare(key, p.upper) >= 0 {
		p.page, p.pos, p.last = nil, 0, true
		return false
	}
	// A seek forward within the page in hand needs no query.
	if p.pos < len(p.page) && bytes.Compare(key, p.page[p.pos].k) >= 0 {
		if i := p.pos + sort.Search(len(p.page)-p.pos, func(i int) bool {
			return bytes.Compare(p.page[p.pos+i].k, key) >= 0
		}); i < len(p.page) || p.last {
			p.pos = i
			return p.Valid()
		}
	}
	p.limit = firstPage
	return p.load(key)
}

func (p *pager) Next() bool {
	if !p.Valid() {
		return false
	}
	p.pos++
	if p.pos < len(p.page) || p.last {
		return p.Valid()
	}
	from := append(clone(p.page[len(p.page)-1].k), 0) // the next key after the last
	p.limit = min(2*p.limit, maxPage)
	return p.load(from)
}

func (p *pager) load(from []byte) bool {
	rows, err := p.fetch(from, p.upper, p.limit)
	if err != nil {
		p.err, p.page, p.pos = err, nil, 0
		return false
	}
	p.page, p.pos, p.last = rows, 0, len(rows) < p.limit
	return p.Valid()
}

func (p *pager) Valid() bool { return !p.closed && p.err == nil && p.pos < len(p.page) }

func (p *pager) Key() []byte {
	if !p.Valid() {
		return nil
	}
	return p.page[p.pos].k
}

func (p *pager) Value() ([]byte, error) {
	if !p.Valid() {
		return nil, errors.New("pgmeta: value of an unpositioned iterator")
	}
	return p.page[p.pos].v, nil
}

func (p *pager) Error() error { return p.err }

func (p *pager) Close() error {
	p.closed, p.page = true, nil
	return nil
}

// merged lays a transaction's buffered writes over the database's rows:
// a buffered key hides the row with the same key, a buffered deletion
// hides it altogether.
type merged struct {
	db  *pager
	ov  []entry
	i   int    // next overlay entry at or after the position
	cur *entry // the overlay entry at the position, or nil for db's row
	ok  bool
}

func newMerged(db *pager, ov []entry) *merged {
	if db.lower == nil {
		db.lower = []byte{}
	}
	return &merged{db: db, ov: ov}
}

func (m *merged) First() bool { return m.SeekGE(m.db.lower) }

func (m *merged) SeekGE(key []byte) bool {
	if bytes.Compare(key, m.db.lower) < 0 {
		key = m.db.lower
	}
	m.db.SeekGE(key)
	m.i = sort.Search(len(m.ov), func(i int) bool { return bytes.Compare(m.ov[i].key, key) >= 0 })
	return m.settle()
}

func (m *merged) Next() bool {
	if !m.ok {
		return false
	}
	if m.cur != nil {
		if m.db.Valid() && bytes.Equal(m.db.Key(), m.cur.key) {
			m.db.Next()
		}
		m.i++
	} else {
		m.db.Next()
	}
	return m.settle()
}

// settle positions on the smaller of the two heads, skipping deletions.
func (m *merged) settle() bool {
	for {
		m.cur, m.ok = nil, false
		if m.db.Error() != nil {
			return false
		}
		dbOK, ovOK := m.db.Valid(), m.i < len(m.ov)
		if !dbOK && !ovOK {
			return false
		}
		c := -1 // overlay first
		if dbOK && ovOK {
			c = bytes.Compare(m.ov[m.i].key, m.db.Key())
		} else if dbOK {
			c = 1
		}
		if c > 0 {
			m.ok = true
			return true
		}
		e := &m.ov[m.i]
		if !e.deleted {
			m.cur, m.ok = e, true
			return true
		}
		if c == 0 {
			m.db.Next()
		}
		m.i++
	}
}

func (m *merged) Valid() bool { return m.ok }

func (m *merged) Key() []byte {
	switch {
	case !m.ok:
		return nil
	case m.cur != nil:
		return m.cur.key
	}
	return m.db.Key()
}

func (m *merged) Value() ([]byte, error) {
	switch {
	case !m.ok:
		return nil, errors.New("pgmeta: value of an unpositioned iterator")
	case m.cur != nil:
		return m.cur.value, nil
	}
	return m.db.Value()
}

func (m *merged) Error() error { return m.db.Error() }

func (m *merged) Close() error {
	m.ok = false
	return m.db.Close()
}
