package pebblemeta

import (
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/metatest"
)

// TestConformance runs the behaviour every engine shares.
func TestConformance(t *testing.T) {
	metatest.Run(t, func(t *testing.T) meta.Store { return openTest(t) })
}
