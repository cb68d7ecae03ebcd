package object

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/meta"
)

// pageSize applies S3's paging limits: 0 means the maximum, larger values
// are capped, negative ones are invalid.
func pageSize(n, limit int, what string) (int, error) {
	if n < 0 {
		return 0, fmt.Errorf("%s %d: %w", what, n, ErrInvalidArgument)
	}
	if n == 0 || n > limit {
		return limit, nil
	}
	return n, nil
}

// ListParts pages through the parts uploaded so far, in part-number order.
func (s *Service) ListParts(ctx context.Context, in ListPartsInput) (*ListPartsResult, error) {
	if err := validKey(in.Key); err != nil {
		return nil, err
	}
	if err := validUploadID(in.UploadID); err != nil {
		return nil, err
	}
	max, err := pageSize(in.MaxParts, MaxListParts, "max-parts")
	if err != nil {
		return nil, err
	}
	if in.PartNumberMarker < 0 {
		return nil, fmt.Errorf("part-number-marker %d: %w", in.PartNumberMarker, ErrInvalidArgument)
	}
	up, err := readUpload(ctx, s.meta, in.Bucket, in.Key, in.UploadID)
	if err != nil {
		if _, berr := s.bucket(ctx, s.meta, in.Bucket); berr != nil {
			return nil, berr
		}
		return nil, err
	}
	parts, more, err := scanParts(ctx, s.meta, in.UploadID, in.PartNumberMarker, max)
	if err != nil {
		return nil, err
	}
	res := &ListPartsResult{
		Upload:           up.info(in.Bucket, in.Key, in.UploadID),
		Parts:            make([]PartInfo, 0, len(parts)),
		PartNumberMarker: in.PartNumberMarker,
		MaxParts:         max,
		IsTruncated:      more,
	}
	for _, p := range parts {
		res.Parts = append(res.Parts, p.info(p.Number, up.Alg))
		res.NextPartNumberMarker = p.Number
	}
	return res, nil
}

// GetObjectParts pages through the parts of a completed multipart object,
// as GetObjectAttributes reports them (number, size, checksum).
func (s *Service) GetObjectParts(ctx context.Context, in GetObjectPartsInput) (*ObjectPartsResult, error) {
	if err := validKey(in.Key); err != nil {
		return nil, err
	}
	if err := checkVersion(in.VersionID); err != nil {
		return nil, err
	}
	max, err := pageSize(in.MaxParts, MaxListParts, "max-parts")
	if err != nil {
		return nil, err
	}
	if in.PartNumberMarker < 0 {
		return nil, fmt.Errorf("part-number-marker %d: %w", in.PartNumberMarker, ErrInvalidArgument)
	}
	rec, err := s.existingMode(ctx, s.meta, in.Bucket, in.Key, in.VersionID, modeParts)
	if err != nil {
		return nil, err
	}
	if _, err := s.openKey(ctx, in.Bucket, in.Key, rec.Enc, in.SSE, false); err != nil {
		return nil, err
	}
	res := &ObjectPartsResult{Info: rec.info(in.Bucket, in.Key), Parts: []PartInfo{}, PartNumberMarker: in.PartNumberMarker, MaxParts: max}
	res.Info.SSE.echoKey(in.SSE)
	if !rec.multipart() {
		return res, nil
	}
	res.PartsCount = rec.Parts
	it := rec.parts()
	for e, ok := it.next(); ok; e, ok = it.next() {
		if e.Number <= in.PartNumberMarker {
			continue
		}
		if len(res.Parts) == max {
			res.IsTruncated = true
			break
		}
		pi := PartInfo{PartNumber: e.Number, Size: e.Size}
		if rec.ChecksumAlg != checksum.None && e.Sum != "" {
			pi.Checksum = checksum.Value{Algorithm: rec.ChecksumAlg, Encoded: checksum.Encode([]byte(e.Sum))}
		}
		res.Parts = append(res.Parts, pi)
		res.NextPartNumberMarker = e.Number
	}
	if it.err != nil {
		return nil, fmt.Errorf("%s/%s part table: %w", in.Bucket, in.Key, it.err)
	}
	return res, nil
}

// ListMultipartUploads lists uploads in progress by key and, under one key,
// by initiation time. With a delimiter, keys roll up into common prefixes
// and the scan seeks past each one, as ListObjects does.
func (s *Service) ListMultipartUploads(ctx context.Context, in ListUploadsInput) (*ListUploadsResult, error) {
	if _, err := s.bucket(ctx, s.meta, in.Bucket); err != nil {
		return nil, err
	}
	max, err := pageSize(in.MaxUploads, MaxListUploads, "max-uploads")
	if err != nil {
		return nil, err
	}
	base := uploadBase(in.Bucket)
	lower := append(append([]byte(nil), base...), in.Prefix...)
	it, err := s.meta.NewIter(ctx, lower, meta.PrefixEnd(lower))
	if err != nil {
		return nil, fmt.Errorf("list uploads in %s: %w", in.Bucket, err)
	}
	defer it.Close()
	l := uploadLister{it: it, base: base, in: in, res: &ListUploadsResult{Uploads: []MultipartUpload{}, CommonPrefixes: []string{}}}
	if err := l.run(max); err != nil {
		return nil, fmt.Errorf("list uploads in %s: %w", in.Bucket, err)
	}
	return l.res, nil
}

type uploadLister struct {
	it   meta.Iterator
	base []byte
	in   ListUploadsInput
	res  *ListUploadsResult
}

func (l *uploadLister) seek(rest string) bool {
	return l.it.SeekGE(append(append([]byte(nil), l.base...), rest...))
}

// seekPast positions after every upload of keys starting with prefix.
func (l *uploadLister) seekPast(prefix string) bool {
	end := meta.PrefixEnd(append(append([]byte(nil), l.base...), prefix...))
	if end == nil {
		return false
	}
	return l.it.SeekGE(end)
}

// start positions the iterator at the first upload after the markers.
func (l *uploadLister) start() bool {
	km, prefix := l.in.KeyMarker, l.in.Prefix
	switch {
	case km == "" || km < prefix:
		return l.it.First()
	case !strings.HasPrefix(km, prefix):
		return false // the marker is past every key under Prefix
	}
	if cp := rollup(km, prefix, l.in.Delimiter); cp != "" {
		return l.seekPast(cp)
	}
	if l.in.UploadIDMarker != "" {
		// Ids have a fixed length, so the entries after (km, id) start
		// at km NUL id NUL.
		return l.seek(km + "\x00" + l.in.UploadIDMarker + "\x00")
	}
	return l.seek(km + "\x01") // the first entry of a key greater than km
}

// rollup returns the common prefix key rolls up into, or "".
func rollup(key, prefix, delim string) string {
	if delim == "" {
		return ""
	}
	i := strings.Index(key[len(prefix):], delim)
	if i < 0 {
		return ""
	}
	return key[:len(prefix)+i+len(delim)]
}

func (l *uploadLister) run(max int) error {
	n := 0
	lastKey, lastID := "", ""
	ok := l.start()
	for ok && n < max {
		rest := l.it.Key()[len(l.base):]
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return fmt.Errorf("upload key %q: %w", rest, errCorrupt)
		}
		key, id := string(rest[:i]), string(rest[i+1:])
		if cp := rollup(key, l.in.Prefix, l.in.Delimiter); cp != "" {
			l.res.CommonPrefixes = append(l.res.CommonPrefixes, cp)
			lastKey, lastID, n = cp, "", n+1
			ok = l.seekPast(cp)
			continue
		}
		v, err := l.it.Value()
		if err != nil {
			return err
		}
		up, err := decodeUpload(v)
		if err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
		l.res.Uploads = append(l.res.Uploads, up.info(l.in.Bucket, key, id))
		lastKey, lastID, n = key, id, n+1
		ok = l.it.Next()
	}
	if err := l.it.Error(); err != nil {
		return err
	}
	if ok {
		l.res.IsTruncated = true
		l.res.NextKeyMarker, l.res.NextUploadIDMarker = lastKey, lastID
	}
	return nil
}
