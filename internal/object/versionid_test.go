package object

import (
	"errors"
	"sort"
	"strings"
	"testing"
)

func TestVersionIDOrder(t *testing.T) {
	var ids []string
	for i := range 50 {
		ids = append(ids, newVersionID(1_700_000_000_000_000_000+int64(i)))
	}
	for _, id := range ids {
		if err := parseVersionID(id); err != nil {
			t.Fatalf("own id %q: %v", id, err)
		}
		if strings.Trim(id, "0123456789ABCDEFGHIJKLMNOPQRSTUV") != "" {
			t.Fatalf("id %q is not URL-safe base32hex", id)
		}
	}
	// Newer ids sort first, as ListObjectVersions shows them.
	sorted := append([]string(nil), ids...)
	sort.Sort(sort.Reverse(sort.StringSlice(sorted)))
	for i := range ids {
		if sorted[i] != ids[i] {
			t.Fatalf("ids do not sort newest first: %v", ids)
		}
	}
	if got := versionTime(ids[7]); got != 1_700_000_000_000_000_007 {
		t.Fatalf("versionTime %d", got)
	}
	if a, b := nullSortID(5), nullSortID(6); a <= b {
		t.Fatalf("null sort ids do not sort newest first: %s %s", a, b)
	}
}

func TestParseVersionID(t *testing.T) {
	good := newVersionID(42)
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{NullVersion, true},
		{good, true},
		{"", false},
		{"Null", false},
		{good[:25], false},
		{good + "0", false},
		{strings.ToLower(good), false},
		{good[:25] + "1", false}, // the last character's padding bits are set
		{good[:10] + "W" + good[11:], false},
		{good[:10] + "/" + good[11:], false},
	} {
		err := parseVersionID(tc.id)
		if (err == nil) != tc.ok {
			t.Errorf("parseVersionID(%q) = %v", tc.id, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("parseVersionID(%q) = %v, not InvalidArgument", tc.id, err)
		}
	}
}

func FuzzParseVersionID(f *testing.F) {
	f.Add(newVersionID(1))
	f.Add(NullVersion)
	f.Add("00000000000000000000000000")
	f.Add("VVVVVVVVVVVVVVVVVVVVVVVVVV")
	f.Fuzz(func(t *testing.T, id string) {
		if parseVersionID(id) != nil {
			return
		}
		if id == NullVersion {
			return
		}
		// Every accepted id is canonical: it round-trips through its time
		// and sorts where that time says.
		if len(id) != versionIDLen {
			t.Fatalf("accepted %q of length %d", id, len(id))
		}
		if nullSortID(versionTime(id))[:12] != id[:12] {
			t.Fatalf("time prefix of %q does not round-trip", id)
		}
	})
}
