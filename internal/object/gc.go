package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// CollectGarbage reclaims data files that no metadata references: blobs of
// uploads interrupted before their metadata commit, and blobs whose deletion
// after an overwrite or delete did not happen. A blob is referenced exactly
// when its reverse-index entry exists, so each check is one point read.
func (s *Service) CollectGarbage(ctx context.Context) (int, error) {
	n, err := s.blobs.GC(ctx, func(ctx context.Context, id string) (bool, error) {
		_, err := s.meta.Get(ctx, reverseKey(id))
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, meta.ErrNotFound):
			return false, nil
		}
		return false, err
	})
	if err != nil {
		return n, fmt.Errorf("collect garbage: %w", err)
	}
	return n, nil
}
