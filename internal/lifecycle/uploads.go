package lifecycle

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/object"
)

// scanUploads aborts the bucket's uploads an AbortIncompleteMultipartUpload
// rule has made stale, resuming after the cursor's upload.
func (w *Worker) scanUploads(ctx context.Context, bucket string, lc *object.LifecycleConfiguration, cur *cursor, st *Stats) error {
	if !hasAbortRule(lc) {
		return nil
	}
	in := object.ListUploadsInput{Bucket: bucket, KeyMarker: cur.Key, UploadIDMarker: cur.UploadID, MaxUploads: pageSize}
	for {
		if err := w.scan.wait(ctx, pageSize); err != nil {
			return err
		}
		page, err := w.svc.ListMultipartUploads(ctx, in)
		if err != nil {
			return fmt.Errorf("list uploads of %q: %w", bucket, err)
		}
		now := w.cfg.Now()
		for _, up := range page.Uploads {
			st.Scanned++
			exp, ok := lc.AbortRule(up.Key, up.Initiated, w.day)
			if !ok || now.Before(exp.At) {
				continue
			}
			if err := w.act.wait(ctx, 1); err != nil {
				return err
			}
			err := w.svc.AbortMultipartUpload(ctx, bucket, up.Key, up.UploadID)
			switch {
			case err == nil:
				st.Aborted++
			case errors.Is(err, object.ErrNoSuchUpload):
				st.Stale++ // completed or aborted meanwhile
			default:
				return fmt.Errorf("abort upload %s of %s/%s: %w", up.UploadID, bucket, up.Key, err)
			}
		}
		if !page.IsTruncated {
			return nil
		}
		in.KeyMarker, in.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
		cur.Key, cur.UploadID = in.KeyMarker, in.UploadIDMarker
		if err := w.checkpoint(ctx, bucket, *cur); err != nil {
			return err
		}
	}
}

func hasAbortRule(lc *object.LifecycleConfiguration) bool {
	for _, r := range lc.Rules {
		if r.Enabled && r.AbortIncompleteDays > 0 {
			return true
		}
	}
	return false
}
