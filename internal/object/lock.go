package object

import (
	"context"
	"fmt"
)

// removal says how a version is about to be removed, for checkRemovable.
type removal struct {
	// BypassGovernance is x-amz-bypass-governance-retention: true, from a
	// caller the wire layer has authorised for s3:BypassGovernanceRetention.
	BypassGovernance bool
	// Overwrite is set when the version is replaced in place (a write to
	// the null version of an unversioned or suspended bucket) rather than
	// deleted.
	Overwrite bool
	// Cause is who asked: a client, or a lifecycle rule.
	Cause Cause
}

// checkRemovable is the object-lock hook: every path that removes a
// version for good or overwrites it in place (DELETE with versionId,
// DeleteObjects, writes and delete markers replacing a "null" version,
// lifecycle and any later background job) calls it inside the transaction
// that would do so, with the version's record, before touching it. A
// non-nil error aborts that transaction and reaches the caller unchanged.
// Writing a delete marker or a new version on top of a locked version
// removes nothing and does not come here.
//
// The rules themselves are lockAllowsRemoval's (lockrules.go). They apply
// to every record, whatever the bucket says: a lock is only ever set in a
// bucket with object lock, which cannot turn it off.
func (s *Service) checkRemovable(ctx context.Context, b *Bucket, rec *record, op removal) error {
	if err := lockAllowsRemoval(rec.lock(), op.BypassGovernance, s.cfg.Now()); err != nil {
		return fmt.Errorf("%s version %s: %w", b.Name, rec.VersionID, err)
	}
	return nil
}
