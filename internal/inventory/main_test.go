package inventory_test

import (
	"testing"

	"github.com/hoard-s3/hoard/internal/pgtest"
)

// With HOARD_TEST_META=postgres the servers these tests start keep their
// metadata on the package's PostgreSQL cluster (internal/testserver), so
// reports scan a PostgreSQL snapshot.
func TestMain(m *testing.M) { pgtest.Main(m, pgtest.Enabled()) }
