package object

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/sse"
)

// SSEMode is the server-side encryption a request asks for.
type SSEMode int

const (
	// SSEDefault: the request names no encryption; the bucket default
	// applies (SSE-S3 unless the bucket says otherwise).
	SSEDefault SSEMode = iota
	SSES3              // x-amz-server-side-encryption: AES256
	SSEC               // customer-provided key
	SSEKMS             // x-amz-server-side-encryption: aws:kms
)

// SSERequest is the encryption part of a request. For writes it chooses
// how the new data is sealed; for reads (and copy sources) only the
// customer key matters.
type SSERequest struct {
	Mode SSEMode
	// CustomerKey is the 32-byte SSE-C key; CustomerKeyMD5 the raw MD5
	// the client sent with it, which must match.
	CustomerKey    []byte
	CustomerKeyMD5 []byte
	// KMSKeyID names the key service key (id, ARN or alias); empty means
	// the default key. KMSContext is the client's encryption context.
	KMSKeyID         string
	KMSContext       map[string]string
	BucketKeyEnabled bool
}

// SSEType is how an object is encrypted at rest.
type SSEType string

const (
	SSETypeNone SSEType = ""
	SSETypeS3   SSEType = "SSE-S3"
	SSETypeC    SSEType = "SSE-C"
	SSETypeKMS  SSEType = "SSE-KMS"
)

// SSEInfo is the encryption applied to an object.
type SSEInfo struct {
	Type       SSEType
	KMSKeyARN  string
	KMSContext string // JSON of the encryption context
	// CustomerKeyMD5 is the raw MD5 of the SSE-C key, echoed from the
	// request that carried the key: it is never stored, so an answer to a
	// request without the key (CompleteMultipartUpload) has none.
	CustomerKeyMD5   []byte
	BucketKeyEnabled bool
	// Defaulted is true when the bucket default chose the encryption.
	Defaulted bool
}

// Algorithm is the value of x-amz-server-side-encryption ("" for SSE-C,
// which answers with the customer-algorithm header instead, and for none).
func (i SSEInfo) Algorithm() string {
	switch i.Type {
	case SSETypeS3:
		return SSEAlgorithmAES256
	case SSETypeKMS:
		return SSEAlgorithmKMS
	}
	return ""
}

// Applied names the encryption as data-event logs do: "SSE_S3",
// "Default_SSE_S3", "SSE_KMS", "Default_SSE_KMS", "SSE_C"; "" for none.
func (i SSEInfo) Applied() string {
	var s string
	switch i.Type {
	case SSETypeS3:
		s = "SSE_S3"
	case SSETypeKMS:
		s = "SSE_KMS"
	case SSETypeC:
		s = "SSE_C"
	default:
		return ""
	}
	if i.Defaulted {
		s = "Default_" + s
	}
	return s
}

// Encryption errors. Each wraps the generic sentinel a wire layer that
// does not know it would map it to.
var (
	// ErrSSECustomerKeyRequired: an SSE-C object read (or copied, or a part
	// uploaded) without its key. S3's 400 InvalidRequest.
	ErrSSECustomerKeyRequired = fmt.Errorf("the object was stored with a customer key; the request must provide it: %w", ErrInvalidRequest)
	// ErrSSECustomerKeyMismatch: a customer key other than the object's.
	// S3's 403 AccessDenied.
	ErrSSECustomerKeyMismatch = errors.New("the customer key does not match the object's key")
	// ErrSSENotApplicable: a customer key for an object not stored with one.
	ErrSSENotApplicable = fmt.Errorf("the encryption parameters are not applicable to this object: %w", ErrInvalidRequest)
	// ErrInvalidEncryption: a malformed customer key or key MD5, or
	// encryption parameters that contradict each other (400 InvalidArgument).
	ErrInvalidEncryption = fmt.Errorf("invalid encryption parameters: %w", ErrInvalidArgument)
	// ErrKMSUnavailable: SSE-KMS asked of a service without a key service.
	ErrKMSUnavailable = fmt.Errorf("no key service configured for SSE-KMS: %w", ErrNotImplemented)
)

// EncryptionSwitch turns encryption of objects that ask for none on or off.
type EncryptionSwitch int

const (
	// EncryptionOn (the default) seals every new object, with SSE-S3 when
	// neither the request nor the bucket asks for another mode.
	EncryptionOn EncryptionSwitch = iota
	// EncryptionOff stores objects that ask for no encryption in plaintext;
	// it exists to measure what encryption costs. Explicit SSE requests
	// are still honoured.
	EncryptionOff
)

// maxKMSContextBytes bounds the client's encryption context.
const maxKMSContextBytes = 4 << 10

func validSSE(r SSERequest, write bool) error {
	switch r.Mode {
	case SSEDefault, SSES3, SSEKMS:
		if len(r.CustomerKey) != 0 || len(r.CustomerKeyMD5) != 0 {
			return fmt.Errorf("customer key with mode %d: %w", r.Mode, ErrInvalidEncryption)
		}
		if r.Mode != SSEKMS && (r.KMSKeyID != "" || len(r.KMSContext) != 0) {
			return fmt.Errorf("KMS parameters without aws:kms: %w", ErrInvalidEncryption)
		}
		if r.Mode != SSEDefault && !write {
			return fmt.Errorf("encryption mode on a read: %w", ErrInvalidEncryption)
		}
	case SSEC:
		if len(r.CustomerKey) != sse.KeySize {
			return fmt.Errorf("customer key of %d bytes: %w", len(r.CustomerKey), ErrInvalidEncryption)
		}
		if !bytes.Equal(sse.CustomerKeyMD5(r.CustomerKey), r.CustomerKeyMD5) {
			return fmt.Errorf("customer key MD5 does not match the key: %w", ErrInvalidEncryption)
		}
		if r.KMSKeyID != "" || len(r.KMSContext) != 0 {
			return fmt.Errorf("KMS parameters with a customer key: %w", ErrInvalidEncryption)
		}
	default:
		return fmt.Errorf("encryption mode %d: %w", r.Mode, ErrInvalidEncryption)
	}
	n := 0
	for k, v := range r.KMSContext {
		n += len(k) + len(v)
	}
	if n > maxKMSContextBytes {
		return fmt.Errorf("encryption context of %d bytes: %w", n, ErrInvalidEncryption)
	}
	return nil
}

// keyBinding ties a wrapped data key to the object it belongs to.
func keyBinding(bucket, key string) []byte {
	return []byte(bucket + "\x00" + key)
}

// seal is how a write encrypts its data: the envelope to store and the
// plaintext data key; both nil when the data is stored in plaintext.
type seal struct {
	env *sse.Envelope
	key []byte
}

// newSeal chooses a new object's (or upload's) encryption from the request
// and the bucket default and makes its data key.
func (s *Service) newSeal(ctx context.Context, bucket, key string, r SSERequest) (*seal, error) {
	if err := validSSE(r, true); err != nil {
		return nil, err
	}
	defaulted := false
	if r.Mode == SSEDefault {
		def, err := s.bucketEncryption(ctx, bucket)
		if err != nil {
			return nil, err
		}
		defaulted = true
		r.BucketKeyEnabled = def.BucketKeyEnabled
		switch def.SSEAlgorithm {
		case SSEAlgorithmKMS:
			r.Mode, r.KMSKeyID = SSEKMS, def.KMSMasterKeyID
		default:
			if s.cfg.Encryption == EncryptionOff {
				return &seal{}, nil
			}
			r.Mode = SSES3
		}
	}
	dk, err := sse.NewDataKey()
	if err != nil {
		return nil, err
	}
	env := &sse.Envelope{Defaulted: defaulted, BucketKey: r.BucketKeyEnabled}
	bind := keyBinding(bucket, key)
	switch r.Mode {
	case SSES3:
		env.Type = sse.S3
		env.Wrapped, err = s.keyring.Wrap(dk, bind)
	case SSEC:
		env.Type = sse.C
		env.Wrapped, env.Fingerprint, err = sse.SealForCustomer(dk, r.CustomerKey, bind)
	case SSEKMS:
		env.Type = sse.KMS
		dk, err = s.kmsDataKey(ctx, bucket, key, r, env)
	}
	if err != nil {
		return nil, fmt.Errorf("seal %s/%s: %w", bucket, key, err)
	}
	return &seal{env: env, key: dk}, nil
}

// kmsDataKey asks the key service for a data key bound to the object's
// encryption context: S3's {"aws:s3:arn": "arn:aws:s3:::bucket/key"} plus
// the client's own pairs.
func (s *Service) kmsDataKey(ctx context.Context, bucket, key string, r SSERequest, env *sse.Envelope) ([]byte, error) {
	if s.cfg.KeyService == nil {
		return nil, ErrKMSUnavailable
	}
	ec := make(map[string]string, len(r.KMSContext)+1)
	for k, v := range r.KMSContext {
		ec[k] = v
	}
	if _, ok := ec["aws:s3:arn"]; !ok {
		ec["aws:s3:arn"] = "arn:aws:s3:::" + bucket + "/" + key
	}
	id := r.KMSKeyID
	if id == "" {
		arn, err := s.cfg.KeyService.DefaultKey(ctx)
		if err != nil {
			return nil, fmt.Errorf("default KMS key: %w", err)
		}
		id = arn
	}
	plain, wrapped, arn, err := s.cfg.KeyService.GenerateDataKey(ctx, id, ec)
	if err != nil {
		return nil, fmt.Errorf("generate data key under %s: %w", id, err)
	}
	if len(plain) != sse.KeySize {
		return nil, fmt.Errorf("key service returned a %d-byte data key: %w", len(plain), sse.ErrKeySize)
	}
	js, err := json.Marshal(ec) // map keys sorted: a canonical form
	if err != nil {
		return nil, fmt.Errorf("encode encryption context: %w", err)
	}
	env.Wrapped, env.KMSKeyARN, env.KMSContext = wrapped, arn, string(js)
	return plain, nil
}

// openKey checks a read's customer key against a stored envelope and, when
// need is set, returns the data key (nil for plaintext data). HEAD needs
// no data key but must still refuse a missing or wrong customer key.
func (s *Service) openKey(ctx context.Context, bucket, key string, env *sse.Envelope, r SSERequest, need bool) ([]byte, error) {
	if err := validSSE(r, false); err != nil {
		return nil, err
	}
	if env == nil || env.Type != sse.C {
		if r.Mode == SSEC {
			return nil, ErrSSENotApplicable
		}
	}
	if env == nil || env.Type == sse.None {
		return nil, nil
	}
	bind := keyBinding(bucket, key)
	switch env.Type {
	case sse.C:
		if r.Mode != SSEC {
			return nil, ErrSSECustomerKeyRequired
		}
		dk, err := sse.OpenForCustomer(env.Wrapped, env.Fingerprint, r.CustomerKey, bind)
		if errors.Is(err, sse.ErrCustomerKeyMismatch) {
			return nil, ErrSSECustomerKeyMismatch
		}
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", bucket, key, err)
		}
		return dk, nil
	case sse.S3:
		if !need {
			return nil, nil
		}
		dk, err := s.keyring.Unwrap(env.Wrapped, bind)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", bucket, key, err)
		}
		return dk, nil
	case sse.KMS:
		if !need {
			return nil, nil
		}
		return s.kmsOpen(ctx, bucket, key, env)
	}
	return nil, fmt.Errorf("%s/%s: encryption type %d: %w", bucket, key, env.Type, errCorrupt)
}

func (s *Service) kmsOpen(ctx context.Context, bucket, key string, env *sse.Envelope) ([]byte, error) {
	if s.cfg.KeyService == nil {
		return nil, ErrKMSUnavailable
	}
	var ec map[string]string
	if err := json.Unmarshal([]byte(env.KMSContext), &ec); err != nil {
		return nil, fmt.Errorf("%s/%s: encryption context: %w", bucket, key, errCorrupt)
	}
	dk, err := s.cfg.KeyService.Decrypt(ctx, env.KMSKeyARN, env.Wrapped, ec)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: decrypt data key: %w", bucket, key, err)
	}
	if len(dk) != sse.KeySize {
		return nil, fmt.Errorf("%s/%s: %w", bucket, key, sse.ErrKeySize)
	}
	return dk, nil
}

// objectETag is the ETag of an object written in one request. S3 gives
// plaintext and SSE-S3 objects the MD5 of their data, and documents that
// the ETag of an SSE-C or SSE-KMS object is not an MD5 of its data: those
// get 16 random bytes, drawn once and stored, so the ETag stays the same
// for the object's life (HEAD, GET, listings, If-Match) while telling
// nobody who may list the bucket anything about the data, not even whether
// two objects hold the same bytes. A digest keyed with the data key would
// serve as well but brings nothing a stored random value does not. The
// caller has already checked Content-MD5 against plainMD5.
func objectETag(env *sse.Envelope, plainMD5 []byte) ([]byte, error) {
	if env == nil || env.Type != sse.C && env.Type != sse.KMS {
		return plainMD5, nil
	}
	etag := make([]byte, md5.Size)
	if _, err := rand.Read(etag); err != nil {
		return nil, fmt.Errorf("random ETag: %w", err)
	}
	return etag, nil
}

// echoKey adds the customer key's MD5 of a request that carried the key
// of an SSE-C object, as S3 echoes it.
func (i *SSEInfo) echoKey(r SSERequest) {
	if i.Type == SSETypeC && r.Mode == SSEC {
		i.CustomerKeyMD5 = r.CustomerKeyMD5
	}
}

// sseInfo describes an envelope for ObjectInfo.
func sseInfo(env *sse.Envelope) SSEInfo {
	if env == nil {
		return SSEInfo{}
	}
	i := SSEInfo{Defaulted: env.Defaulted, BucketKeyEnabled: env.BucketKey}
	switch env.Type {
	case sse.S3:
		i.Type = SSETypeS3
	case sse.C:
		i.Type = SSETypeC
	case sse.KMS:
		i.Type, i.KMSKeyARN, i.KMSContext = SSETypeKMS, env.KMSKeyARN, env.KMSContext
	}
	return i
}
