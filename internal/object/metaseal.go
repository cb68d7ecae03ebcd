package object

import (
	"fmt"

	"github.com/hoard-s3/hoard/internal/sse"
)

// Metadata sealing (Config.MetadataEncryption, on by default). With it on, what
// appendMetaTags encodes of a new record or upload (the standard headers,
// user metadata names and values, tag keys and values) is sealed as one
// AES-256-GCM blob under the active root key, bound to the bucket and the
// object key, and stored in place of the plaintext. The root key rather
// than the object's own data key, whatever the object's encryption mode:
// S3 serves HEAD and GetObjectTagging of an SSE-C object without the
// customer key, and of an SSE-KMS object without kms:Decrypt, so reading
// metadata may need neither. Listings show none of it and skip the blob
// without opening it; rotate-root-key re-seals it like a data key.

// metaBinding ties sealed metadata to its object. No data-key binding
// (bucket NUL key) can equal it: bucket names have no '/'.
func metaBinding(bucket, key string) []byte {
	return []byte("hoard/object-meta/" + bucket + "\x00" + key)
}

// hasMeta reports whether there is anything to seal.
func hasMeta(m *Metadata, tags []Tag) bool {
	for _, f := range m.fixed() {
		if *f != "" {
			return true
		}
	}
	return len(m.User) > 0 || len(tags) > 0
}

func (s *Service) sealMeta(bucket, key string, m *Metadata, tags []Tag) ([]byte, error) {
	sealed, err := s.keyring.Wrap(appendMetaTags(nil, m, tags), metaBinding(bucket, key))
	if err != nil {
		return nil, fmt.Errorf("seal metadata of %s/%s: %w", bucket, key, err)
	}
	return sealed, nil
}

// openMeta opens sealed metadata into m and returns the tags.
func (s *Service) openMeta(bucket, key string, sealed []byte, m *Metadata) ([]Tag, error) {
	plain, err := s.keyring.Unwrap(sealed, metaBinding(bucket, key))
	if err != nil {
		return nil, fmt.Errorf("open metadata of %s/%s: %w", bucket, key, err)
	}
	d := decoder{buf: plain}
	tags := d.metaTags(m)
	if d.err != nil || len(d.buf) != 0 {
		return nil, fmt.Errorf("sealed metadata of %s/%s: %w", bucket, key, errCorrupt)
	}
	return tags, nil
}

// openRecordMeta makes a decoded record's sealed metadata readable.
func (s *Service) openRecordMeta(bucket, key string, r *record) error {
	if r.sealedMeta == nil {
		return nil
	}
	tags, err := s.openMeta(bucket, key, r.sealedMeta, &r.Meta)
	if err != nil {
		return err
	}
	r.Tags, r.sealedMeta = tags, nil
	return nil
}

// encodeRecord is r.encode, sealing the metadata when the service is
// configured to. A record whose sealed metadata was never opened keeps
// it as it is.
func (s *Service) encodeRecord(bucket, key string, r *record) ([]byte, error) {
	if r.sealedMeta != nil || s.cfg.MetadataEncryption == EncryptionOff || !hasMeta(&r.Meta, r.Tags) {
		return r.encode(), nil
	}
	sealed, err := s.sealMeta(bucket, key, &r.Meta, r.Tags)
	if err != nil {
		return nil, err
	}
	c := *r
	c.Meta, c.Tags, c.sealedMeta = Metadata{}, nil, sealed
	return c.encode(), nil
}

// encodeUpload is encodeRecord for upload records. The upload's sealed
// metadata moves to the object record unopened on completion: both are
// bound to the same bucket and key.
func (s *Service) encodeUpload(bucket, key string, u *uploadRec) ([]byte, error) {
	if u.sealedMeta != nil || s.cfg.MetadataEncryption == EncryptionOff || !hasMeta(&u.Meta, u.Tags) {
		return u.encode(), nil
	}
	sealed, err := s.sealMeta(bucket, key, &u.Meta, u.Tags)
	if err != nil {
		return nil, err
	}
	c := *u
	c.Meta, c.Tags, c.sealedMeta = Metadata{}, nil, sealed
	return c.encode(), nil
}

// staleSeal reports whether sealed metadata is under a root key other
// than the active one.
func staleSeal(sealed []byte, active string) bool {
	if sealed == nil {
		return false
	}
	id, err := sse.WrappedKeyID(sealed)
	return err == nil && id != active
}

// reseal re-seals metadata under the active root key (rotation).
func (s *Service) reseal(bucket, key string, sealed []byte) ([]byte, error) {
	var m Metadata
	tags, err := s.openMeta(bucket, key, sealed, &m)
	if err != nil {
		return nil, err
	}
	return s.sealMeta(bucket, key, &m, tags)
}
