package blob_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
)

func TestTieredRoutes(t *testing.T) {
	ctx := context.Background()
	def, err := blob.OpenDir(t.TempDir(), blob.OS)
	if err != nil {
		t.Fatal(err)
	}
	cold, err := blob.OpenDir(t.TempDir(), blob.OS)
	if err != nil {
		t.Fatal(err)
	}
	def.Grace, cold.Grace = 0, 0
	tr, err := blob.NewTiered(def, map[string]blob.Store{"cold": cold})
	if err != nil {
		t.Fatal(err)
	}
	w, err := tr.CreateIn(ctx, "cold")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "cold bytes")
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	id := w.ID()
	if blob.TierOf(id) != "cold" || !strings.HasPrefix(id, "cold@") {
		t.Fatalf("id %q does not name its tier", id)
	}
	if _, err := def.Open(ctx, blob.LocalID(id)); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("a tier's blob is in the default store: %v", err)
	}
	// A copy back keeps the local id.
	c, err := tr.CopyIn(ctx, "", id)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "cold bytes")
	if err := c.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if c.ID() != blob.LocalID(id) || blob.TierOf(c.ID()) != "" {
		t.Fatalf("copy id %q for %q", c.ID(), id)
	}
	for _, x := range []string{id, c.ID()} {
		r, err := tr.Open(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
		r.Close()
		if string(b) != "cold bytes" {
			t.Fatalf("%s holds %q", x, b)
		}
	}
	var asked []string
	n, err := tr.GC(ctx, func(_ context.Context, x string) (bool, error) {
		asked = append(asked, x)
		return x == id, nil
	})
	if err != nil || n != 1 || len(asked) != 2 {
		t.Fatalf("GC removed %d, asked %v: %v", n, asked, err)
	}
	if _, err := tr.Open(ctx, c.ID()); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("unreferenced copy survived GC: %v", err)
	}
	if _, err := tr.Open(ctx, "warm@"+blob.LocalID(id)); !errors.Is(err, blob.ErrUnknownTier) {
		t.Fatalf("unknown tier: %v", err)
	}
	if _, err := tr.CreateIn(ctx, "warm"); !errors.Is(err, blob.ErrUnknownTier) {
		t.Fatalf("create in an unknown tier: %v", err)
	}
	if _, err := tr.Open(ctx, "cold@../../etc/passwd"); err == nil {
		t.Fatal("a path through a tier id was opened")
	}
}

func TestValidTierName(t *testing.T) {
	for name, ok := range map[string]bool{"cold": true, "s3-archive-2": true, "": false, "Cold": false,
		"a/b": false, "x@y": false, strings.Repeat("a", 33): false} {
		if err := blob.ValidTierName(name); (err == nil) != ok {
			t.Errorf("ValidTierName(%q) = %v", name, err)
		}
	}
}
