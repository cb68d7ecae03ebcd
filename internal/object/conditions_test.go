package object

import (
	"errors"
	"testing"
	"time"
)

var sampleTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func TestETagMatches(t *testing.T) {
	const etag = "abc123"
	tests := []struct {
		cond string
		want bool
	}{
		{"abc123", true},
		{`"abc123"`, true},
		{`W/"abc123"`, true},
		{"*", true},
		{`"x", "abc123"`, true},
		{`"x",W/"abc123"`, true},
		{`"x", "y"`, false},
		{`"abc1234"`, false},
		{`""`, false},
		{" ", false},
	}
	for _, tt := range tests {
		if got := etagMatches(tt.cond, etag); got != tt.want {
			t.Errorf("etagMatches(%q) = %v, want %v", tt.cond, got, tt.want)
		}
	}
}

func TestCheckRead(t *testing.T) {
	const etag = "e1"
	mod := sampleTime.Add(500 * time.Millisecond) // sub-second part ignored
	before, after := sampleTime.Add(-time.Hour), sampleTime.Add(time.Hour)
	tests := []struct {
		name string
		c    ReadConditions
		want error
	}{
		{"none", ReadConditions{}, nil},
		{"if-match ok", ReadConditions{IfMatch: `"e1"`}, nil},
		{"if-match star", ReadConditions{IfMatch: "*"}, nil},
		{"if-match fails", ReadConditions{IfMatch: "e2"}, ErrPreconditionFailed},
		{"unmodified-since ok", ReadConditions{IfUnmodifiedSince: sampleTime}, nil},
		{"unmodified-since fails", ReadConditions{IfUnmodifiedSince: before}, ErrPreconditionFailed},
		{"if-match wins over unmodified-since", ReadConditions{IfMatch: "e1", IfUnmodifiedSince: before}, nil},
		{"if-none-match matches", ReadConditions{IfNoneMatch: "e1"}, ErrNotModified},
		{"if-none-match star", ReadConditions{IfNoneMatch: "*"}, ErrNotModified},
		{"if-none-match differs", ReadConditions{IfNoneMatch: "e2"}, nil},
		{"modified-since not modified", ReadConditions{IfModifiedSince: sampleTime}, ErrNotModified},
		{"modified-since later", ReadConditions{IfModifiedSince: after}, ErrNotModified},
		{"modified-since modified", ReadConditions{IfModifiedSince: before}, nil},
		{"if-none-match wins over modified-since", ReadConditions{IfNoneMatch: "e2", IfModifiedSince: after}, nil},
		{"if-match then if-none-match", ReadConditions{IfMatch: "e1", IfNoneMatch: "e1"}, ErrNotModified},
		{"if-match fails first", ReadConditions{IfMatch: "x", IfNoneMatch: "e1"}, ErrPreconditionFailed},
		{"unmodified fails before not-modified", ReadConditions{IfUnmodifiedSince: before, IfModifiedSince: after}, ErrPreconditionFailed},
	}
	for _, tt := range tests {
		err := checkRead(tt.c, etag, mod)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestCheckCopySource(t *testing.T) {
	for _, c := range []ReadConditions{
		{IfMatch: "x"},
		{IfNoneMatch: "e1"},
		{IfModifiedSince: sampleTime.Add(time.Hour)},
		{IfUnmodifiedSince: sampleTime.Add(-time.Hour)},
	} {
		err := checkCopySource(c, "e1", sampleTime)
		if !errors.Is(err, ErrPreconditionFailed) || errors.Is(err, ErrNotModified) {
			t.Errorf("%+v: %v, want only ErrPreconditionFailed", c, err)
		}
	}
	// S3: copy-source-if-match true with if-unmodified-since false copies.
	if err := checkCopySource(ReadConditions{IfMatch: "e1", IfUnmodifiedSince: sampleTime.Add(-time.Hour)}, "e1", sampleTime); err != nil {
		t.Errorf("if-match + stale unmodified-since: %v", err)
	}
}

func TestCheckWrite(t *testing.T) {
	cur := &record{ETag: []byte{0xab}}
	tests := []struct {
		name string
		c    WriteConditions
		cur  *record
		want error
	}{
		{"none on missing", WriteConditions{}, nil, nil},
		{"none on existing", WriteConditions{}, cur, nil},
		{"if-none-match on missing", WriteConditions{IfNoneMatch: "*"}, nil, nil},
		{"if-none-match on existing", WriteConditions{IfNoneMatch: "*"}, cur, ErrPreconditionFailed},
		{"if-match on missing", WriteConditions{IfMatch: "ab"}, nil, ErrNoSuchKey},
		{"if-match ok", WriteConditions{IfMatch: `"ab"`}, cur, nil},
		{"if-match star", WriteConditions{IfMatch: "*"}, cur, nil},
		{"if-match differs", WriteConditions{IfMatch: "cd"}, cur, ErrPreconditionFailed},
		{"if-none-match etag matches", WriteConditions{IfNoneMatch: `"ab"`}, cur, ErrPreconditionFailed},
		{"if-none-match etag in a list", WriteConditions{IfNoneMatch: `"x", "ab"`}, cur, ErrPreconditionFailed},
		{"if-none-match other etag", WriteConditions{IfNoneMatch: `"cd"`}, cur, nil},
		{"if-none-match etag, no object", WriteConditions{IfNoneMatch: `"ab"`}, nil, nil},
	}
	for _, tt := range tests {
		err := checkWrite(tt.c, tt.cur)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := validWriteConditions(WriteConditions{IfNoneMatch: " , "}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("If-None-Match naming nothing on a write: %v", err)
	}
}

func TestResolveRange(t *testing.T) {
	tests := []struct {
		r       Range
		size    int64
		off, n  int64
		invalid bool
	}{
		{Range{First: 0, Last: 0}, 10, 0, 1, false},
		{Range{First: 2, Last: 5}, 10, 2, 4, false},
		{Range{First: 2, Last: -1}, 10, 2, 8, false},
		{Range{First: 5, Last: 100}, 10, 5, 5, false},
		{Range{First: 9, Last: 9}, 10, 9, 1, false},
		{Range{First: 10, Last: 20}, 10, 0, 0, true},
		{Range{First: 10, Last: -1}, 10, 0, 0, true},
		{Range{First: 0, Last: -1}, 0, 0, 0, true},
		{Range{Suffix: 3}, 10, 7, 3, false},
		{Range{Suffix: 10}, 10, 0, 10, false},
		{Range{Suffix: 50}, 10, 0, 10, false},
		{Range{Suffix: 1}, 0, 0, 0, true},
		{Range{First: 5, Last: 2}, 10, 0, 0, true},
		{Range{First: -1, Last: 2}, 10, 0, 0, true},
	}
	for _, tt := range tests {
		off, n, err := resolveRange(tt.r, tt.size)
		if tt.invalid {
			if !errors.Is(err, ErrInvalidRange) {
				t.Errorf("%+v of %d: %v, want ErrInvalidRange", tt.r, tt.size, err)
			}
			continue
		}
		if err != nil || off != tt.off || n != tt.n {
			t.Errorf("%+v of %d = %d,%d,%v want %d,%d", tt.r, tt.size, off, n, err, tt.off, tt.n)
		}
	}
}
