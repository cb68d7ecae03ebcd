// Package lograte keeps a line that repeats from flooding the log. A
// failure that recurs in a loop (a disk that stays full, a peer that stays
// down) otherwise writes hundreds of lines a second and buries the one
// that says what is wrong.
package lograte

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Defaults: at most Burst lines of one kind per Window, a few thousand
// kinds remembered.
const (
	Window   = 10 * time.Second
	Burst    = 10
	maxKinds = 4096
)

// Handler passes records to the next handler and drops those of a kind
// beyond Burst per Window. The first record of a kind after a window in
// which some were dropped carries their number as "suppressed". A kind is
// the level and the message with its digits blanked, so that lines that
// differ only by a file number or a count are one kind.
type Handler struct {
	next slog.Handler
	st   *state
}

type state struct {
	mu    sync.Mutex
	kinds map[string]*kind
}

type kind struct {
	start   time.Time // of the current window
	n       int       // records passed in it
	dropped int       // records dropped in it
}

// New wraps next.
func New(next slog.Handler) *Handler {
	return &Handler{next: next, st: &state{kinds: make(map[string]*kind)}}
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// WithAttrs implements slog.Handler; the derived handler shares the counts.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &Handler{next: h.next.WithAttrs(as), st: h.st}
}

// WithGroup implements slog.Handler; the derived handler shares the counts.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), st: h.st}
}

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	now := r.Time
	if now.IsZero() {
		now = time.Now()
	}
	pass, suppressed := h.st.admit(kindOf(r), now)
	if !pass {
		return nil
	}
	if suppressed > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("suppressed", suppressed))
	}
	return h.next.Handle(ctx, r)
}

// admit counts one record of kind k and says whether it passes and how
// many of its kind the previous window dropped.
func (s *state) admit(k string, now time.Time) (pass bool, suppressed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.kinds[k]
	if e == nil || now.Sub(e.start) >= Window {
		if e != nil {
			suppressed = e.dropped
		} else if len(s.kinds) >= maxKinds {
			s.forget(now)
		}
		s.kinds[k] = &kind{start: now, n: 1}
		return true, suppressed
	}
	if e.n < Burst {
		e.n++
		return true, 0
	}
	e.dropped++
	return false, 0
}

// forget drops the kinds whose window is over, or all of them when none
// is, to bound memory when messages carry unbounded text.
func (s *state) forget(now time.Time) {
	for k, e := range s.kinds {
		if now.Sub(e.start) >= Window {
			delete(s.kinds, k)
		}
	}
	if len(s.kinds) >= maxKinds {
		clear(s.kinds)
	}
}

func kindOf(r slog.Record) string {
	var b strings.Builder
	b.WriteString(r.Level.String())
	b.WriteByte(' ')
	digits := false
	for _, c := range r.Message {
		if c >= '0' && c <= '9' {
			if !digits {
				b.WriteByte('#')
			}
			digits = true
			continue
		}
		digits = false
		b.WriteRune(c)
	}
	return b.String()
}
