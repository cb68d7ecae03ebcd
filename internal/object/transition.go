package object

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta"
)

// TransitionInput names a version whose data moves to another storage
// class (and so, maybe, another tier).
type TransitionInput struct {
	Bucket    string
	Key       string
	VersionID string // "" for the latest version
	// StorageClass is the target class; "" means STANDARD.
	StorageClass string
	// IfModTime, when set, makes the transition apply only to the version
	// last modified at that instant: a worker that decided from a listing
	// does not move a version that has since replaced the one it saw.
	IfModTime time.Time
	// EventName is reported through Config.Events in the switching
	// commit (EventLifecycleTransition for lifecycle; "" for none).
	EventName string
	// AccessTier, with StorageClass INTELLIGENT_TIERING, moves an IT
	// version into an archive tier (TierArchive or TierDeepArchive): its
	// data goes to the tier of GLACIER or DEEP_ARCHIVE, its class stays.
	AccessTier string
	// IfLastRead, when set, makes the transition apply only if the
	// version was not read since (an archive tier is for what nobody
	// reads).
	IfLastRead time.Time
}

// Transition moves a version's data to the tier of a storage class:
// it copies the stored blobs (ciphertext for encrypted objects: the
// tier never sees plaintext or keys) into the target tier, verifies each
// copy by reading it back, switches the record to the copies in one
// metadata commit, and then removes the source blobs. A crash before the
// commit leaves the object on its old tier and the copies unreferenced;
// a crash after it leaves the source blobs unreferenced: either way the
// object is whole, and the garbage collector of the blobs' tier removes
// what no record references. Data stored inside the metadata record
// stays there; only its class changes. A restored copy of an archived
// version goes with the change of class.
func (s *Service) Transition(ctx context.Context, in TransitionInput) (*ObjectInfo, error) {
	if err := validKey(in.Key); err != nil {
		return nil, err
	}
	if err := checkVersion(in.VersionID); err != nil {
		return nil, err
	}
	if err := ValidStorageClass(in.StorageClass); err != nil {
		return nil, err
	}
	release, err := s.claimMove(ctx, in.Bucket, in.Key)
	if err != nil {
		return nil, err
	}
	defer release()
	loc, err := s.findToRead(ctx, s.meta, in.Bucket, in.Key, in.VersionID, modeParts)
	if err != nil {
		return nil, err
	}
	if err := checkTransitionGuard(in, loc.rec); err != nil {
		return nil, err
	}
	target := storedClass(in.StorageClass)
	dest, err := s.transitionDest(in, loc.rec)
	if errors.Is(err, errNoMove) {
		info := loc.rec.info(in.Bucket, in.Key)
		return &info, nil
	}
	if err != nil {
		return nil, err
	}
	src := loc.rec.dataBlobIDs()
	moved, err := s.copyBlobs(ctx, loc.rec, dest)
	if err != nil {
		return nil, fmt.Errorf("transition %s/%s: %w", in.Bucket, in.Key, err)
	}
	rec, freed, err := s.switchTier(ctx, in, loc.mkey, src, moved, target)
	if err != nil {
		s.deleteNew(src, moved)
		return nil, err
	}
	s.deleteNew(nil, freed)
	info := rec.info(in.Bucket, in.Key)
	return &info, nil
}

func checkTransitionGuard(in TransitionInput, rec *record) error {
	if !in.IfModTime.IsZero() && rec.ModTime != in.IfModTime.UnixNano() {
		return fmt.Errorf("transition %s/%s: version modified since: %w", in.Bucket, in.Key, ErrPreconditionFailed)
	}
	if !in.IfLastRead.IsZero() && !rec.lastRead().Equal(in.IfLastRead) {
		return fmt.Errorf("transition %s/%s: version read since: %w", in.Bucket, in.Key, ErrPreconditionFailed)
	}
	return nil
}

var errNoMove = errors.New("the version is where the transition would put it")

// transitionDest is the tier a transition moves rec's data to, or
// errNoMove when it is there already.
func (s *Service) transitionDest(in TransitionInput, rec *record) (string, error) {
	if in.AccessTier == "" {
		if rec.StorageClass == storedClass(in.StorageClass) {
			return "", errNoMove
		}
		return s.tierOf(in.StorageClass), nil
	}
	if in.StorageClass != ClassIntelligentTiering || rec.StorageClass != ClassIntelligentTiering || archiveCode(in.AccessTier) == itArchiveNone {
		return "", fmt.Errorf("access tier %q of a %s object: %w", in.AccessTier, storageClass(rec.StorageClass), ErrInvalidArgument)
	}
	if rec.Tiering.archiveTier() == in.AccessTier {
		return "", errNoMove
	}
	return s.tierOf(archiveClass(in.AccessTier)), nil
}

// nextTiering is the access state after a transition of cur: an IT
// version entering an archive tier keeps its last read; one entering the
// class starts in the frequent tier; other classes have none.
func (s *Service) nextTiering(in TransitionInput, cur *record) *itState {
	switch {
	case storedClass(in.StorageClass) != ClassIntelligentTiering:
		return nil
	case in.AccessTier != "":
		return &itState{Archive: archiveCode(in.AccessTier), LastRead: cur.lastRead().UnixNano()}
	}
	return &itState{LastRead: s.cfg.Now().UnixNano()}
}

// copyBlobs copies each data blob of rec into tier, unless it is there
// already, and returns the ids of the copies (the same id where nothing
// moved). On error the copies made so far are removed. Copies get fresh
// ids, except the parts of multipart objects: their keys are derived
// from their ids, so a part's copy keeps its id's own part.
func (s *Service) copyBlobs(ctx context.Context, rec *record, tier string) ([]string, error) {
	ids := rec.dataBlobIDs()
	keep := rec.multipart()
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if blob.TierOf(id) == tier {
			out = append(out, id)
			continue
		}
		nid, err := s.copyBlob(ctx, id, tier, keep)
		if err != nil {
			s.deleteNew(ids[:len(out)], out)
			return nil, err
		}
		out = append(out, nid)
	}
	return out, nil
}

// copyBlob copies one blob as stored into tier, commits the copy and
// checks it by reading it back.
func (s *Service) copyBlob(ctx context.Context, id, tier string, keepID bool) (string, error) {
	r, err := s.blobs.Open(ctx, id)
	if err != nil {
		return "", tierErr(fmt.Sprintf("open blob %s", id), err)
	}
	defer r.Close()
	var w blob.Writer
	if keepID {
		w, err = s.tiers.CopyIn(ctx, tier, id)
	} else {
		w, err = s.tiers.CreateIn(ctx, tier)
	}
	if err != nil {
		return "", tierErr(fmt.Sprintf("create blob in tier %q", tier), err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.NewSectionReader(r, 0, r.Size()))
	if err == nil && n != r.Size() {
		err = fmt.Errorf("copied %d of %d bytes", n, r.Size())
	}
	if err == nil {
		err = w.Commit(ctx)
	}
	if err != nil {
		s.discard(w)
		return "", tierErr(fmt.Sprintf("copy blob %s to tier %q", id, tier), err)
	}
	if err := s.verifyBlob(ctx, w.ID(), r.Size(), h.Sum(nil)); err != nil {
		s.deleteBlob(w.ID())
		return "", err
	}
	return w.ID(), nil
}

// createIn starts a blob in a tier ("" for the data directory).
func (s *Service) createIn(ctx context.Context, tier string) (blob.Writer, error) {
	if tier == "" {
		return s.blobs.Create(ctx)
	}
	return s.tiers.CreateIn(ctx, tier)
}

// verifyBlob reads a blob back and compares its size and digest.
func (s *Service) verifyBlob(ctx context.Context, id string, size int64, sum []byte) error {
	r, err := s.blobs.Open(ctx, id)
	if err != nil {
		return tierErr(fmt.Sprintf("verify blob %s", id), err)
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.NewSectionReader(r, 0, r.Size()))
	if err != nil {
		return tierErr(fmt.Sprintf("verify blob %s", id), err)
	}
	if n != size || r.Size() != size || !bytes.Equal(h.Sum(nil), sum) {
		return fmt.Errorf("copy %s differs from its source (%d of %d bytes): %w", id, n, size, errCorrupt)
	}
	return nil
}

// deleteNew removes the blobs among moved (ids that differ from src)
// that no record references. A copy keeps its source's id, so a copy into
// the data directory may have overwritten (with the same bytes) the
// restored copy of the same version, which must stay; and a blob freed
// by a transition may at once be the target of the next transition of
// the same version back (parts of multipart objects keep their ids):
// the move lease (movelease.go) keeps that second transition from
// starting before this removal is done.
func (s *Service) deleteNew(src, moved []string) {
	for i, id := range moved {
		if i < len(src) && id == src[i] {
			continue
		}
		if _, err := s.meta.Get(context.Background(), reverseKey(id)); errors.Is(err, meta.ErrNotFound) {
			s.deleteBlob(id)
		}
	}
}

// switchTier is the one commit of a transition: if the version still
// has the data blobs src, its record now names moved and the new class,
// the reverse index follows, and any restored copy goes. It returns the
// record and the blobs to delete once the commit is durable.
func (s *Service) switchTier(ctx context.Context, in TransitionInput, mkey []byte, src, moved []string, class string) (*record, []string, error) {
	var out *record
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		freed = nil
		raw, err := tx.Get(ctx, mkey)
		if errors.Is(err, meta.ErrNotFound) {
			return fmt.Errorf("%s/%s moved while it transitioned: %w", in.Bucket, in.Key, ErrConditionalConflict)
		}
		if err != nil {
			return err
		}
		cur, err := decodeRecordMode(raw, modeFull)
		if err != nil {
			return err
		}
		if !slices.Equal(cur.dataBlobIDs(), src) || (in.VersionID != "" && cur.VersionID != in.VersionID) {
			return fmt.Errorf("%s/%s changed while it transitioned: %w", in.Bucket, in.Key, ErrConditionalConflict)
		}
		if err := checkTransitionGuard(in, cur); err != nil {
			return err
		}
		next, err := cur.withBlobIDs(moved)
		if err != nil {
			return err
		}
		next.StorageClass, next.Restore, next.Tiering = class, nil, s.nextTiering(in, cur)
		if freed, err = s.repoint(tx, mkey, cur, next); err != nil {
			return err
		}
		out = next
		if in.EventName != "" {
			return s.emit(ctx, tx, eventOf(in.EventName, in.Bucket, in.Key, next))
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("transition %s/%s: %w", in.Bucket, in.Key, err)
	}
	return out, freed, nil
}

// repoint stores next in place of cur at mkey inside tx: the reverse
// index drops the blobs only cur names and gains those only next names.
// It returns the blobs freed.
func (s *Service) repoint(tx meta.Txn, mkey []byte, cur, next *record) ([]string, error) {
	had, has := cur.blobIDs(), next.blobIDs()
	inHad, inHas := idSet(had), idSet(has)
	var freed []string
	for _, id := range had {
		if !inHas[id] {
			if err := tx.Delete(reverseKey(id)); err != nil {
				return nil, err
			}
			freed = append(freed, id)
		}
	}
	for _, id := range has {
		if !inHad[id] {
			if err := tx.Set(reverseKey(id), mkey); err != nil {
				return nil, err
			}
		}
	}
	return freed, tx.Set(mkey, next.encode())
}

func idSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// tierErr wraps a blob failure; a tier that cannot be reached is
// ErrTierUnavailable, so that the caller may retry later.
func tierErr(what string, err error) error {
	if errors.Is(err, blob.ErrTierUnavailable) || errors.Is(err, blob.ErrUnknownTier) {
		return fmt.Errorf("%s: %v: %w", what, err, ErrTierUnavailable)
	}
	return fmt.Errorf("%s: %w", what, err)
}
