package replication_test

import (
	"testing"

	"github.com/hoard-s3/hoard/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.Enabled()) }
