package object

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/meta/pgmeta"
	"github.com/hoard-s3/hoard/internal/pgtest"
)

// With HOARD_TEST_META=postgres every test of the package runs on a
// database of the package's PostgreSQL cluster instead of Pebble.
func TestMain(m *testing.M) { pgtest.Main(m, pgtest.Enabled()) }

// testDatabases maps a test's data directory to its database, so a test
// that closes and reopens its engines finds its metadata again.
var testDatabases sync.Map

// openTestMeta opens the engine under test for the data directory dir.
func openTestMeta(t testing.TB, dir string) meta.Store {
	t.Helper()
	if !pgtest.Enabled() {
		m, err := pebblemeta.Open(filepath.Join(dir, "meta"))
		if err != nil {
			t.Fatalf("open meta: %v", err)
		}
		return m
	}
	url, ok := testDatabases.Load(dir)
	if !ok {
		url, _ = testDatabases.LoadOrStore(dir, pgtest.Database(t))
	}
	m, err := pgmeta.Open(context.Background(), url.(string), pgmeta.Options{})
	if err != nil {
		t.Fatalf("open meta: %v", err)
	}
	return m
}
