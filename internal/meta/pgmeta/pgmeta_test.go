package pgmeta

import (
	"context"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/metatest"
	"github.com/hoard-s3/hoard/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, true) }

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.Database(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStore(t *testing.T) {
	metatest.Run(t, func(t *testing.T) meta.Store { return openTest(t) })
}
