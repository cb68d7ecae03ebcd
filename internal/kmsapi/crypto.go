package kmsapi

import (
	"context"
	"net/http"

	"github.com/hoard-s3/hoard/internal/kms"
)

const (
	maxCiphertext  = 6144
	maxContextSize = 8192 // bytes of keys and values in one encryption context
	maxGrantTokens = 10
	maxDataKey     = 1024
)

func (o *cryptoOptions) check() error {
	switch {
	case o.DryRun != nil && *o.DryRun:
		return unsupported("DryRun is not supported")
	case o.Recipient != nil:
		return unsupported("Recipient (attested enclaves) is not supported")
	case len(o.GrantTokens) > maxGrantTokens:
		return validation("1 validation error detected: Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to %d", maxGrantTokens)
	}
	return nil
}

func checkContext(member string, encCtx map[string]string) error {
	n := 0
	for k, v := range encCtx {
		n += len(k) + len(v)
	}
	if n > maxContextSize {
		return validation("%s exceeds %d bytes", member, maxContextSize)
	}
	return nil
}

func checkAlgorithm(p *string) error {
	if p != nil && *p != symmetricDefault {
		return newError("InvalidKeyUsageException", http.StatusBadRequest, "encryption algorithm %q is not valid for a symmetric key", clip(*p))
	}
	return nil
}

func checkBlob(blob []byte) error {
	if len(blob) < 1 || len(blob) > maxCiphertext {
		return validation("1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length between 1 and %d", maxCiphertext)
	}
	return nil
}

// dataKeyLength reads NumberOfBytes or KeySpec, exactly one of which a
// request must carry.
func dataKeyLength(req *dataKeyRequest) (int, error) {
	switch {
	case req.NumberOfBytes != nil && req.KeySpec != nil:
		return 0, validation("specify either KeySpec or NumberOfBytes, not both")
	case req.NumberOfBytes != nil:
		if n := *req.NumberOfBytes; n < 1 || n > maxDataKey {
			return 0, validation("1 validation error detected: Value at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and %d", maxDataKey)
		}
		return *req.NumberOfBytes, nil
	case req.KeySpec != nil && *req.KeySpec == "AES_256":
		return 32, nil
	case req.KeySpec != nil && *req.KeySpec == "AES_128":
		return 16, nil
	case req.KeySpec != nil:
		return 0, validation("1 validation error detected: Value at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]")
	}
	return 0, validation("specify either KeySpec or NumberOfBytes")
}

// dataKeyArgs decodes and checks a data key request.
func dataKeyArgs(body []byte, req *dataKeyRequest) (id string, n int, err error) {
	if err := decode(body, req); err != nil {
		return "", 0, err
	}
	if err := req.check(); err != nil {
		return "", 0, err
	}
	if id, err = required(req.KeyID, "keyId", maxKeyIDLen); err != nil {
		return "", 0, err
	}
	if n, err = dataKeyLength(req); err != nil {
		return "", 0, err
	}
	return id, n, checkContext("EncryptionContext", req.EncryptionContext)
}

func generateDataKey(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req dataKeyRequest
	id, n, err := dataKeyArgs(body, &req)
	if err != nil {
		return nil, err
	}
	plain, blob, arn, err := h.svc.DataKey(ctx, id, n, req.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return &dataKeyResponse{CiphertextBlob: blob, Plaintext: plain, KeyID: arn}, nil
}

func generateDataKeyWithoutPlaintext(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req dataKeyRequest
	id, n, err := dataKeyArgs(body, &req)
	if err != nil {
		return nil, err
	}
	blob, arn, err := h.svc.DataKeyWithoutPlaintext(ctx, id, n, req.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return &dataKeyResponse{CiphertextBlob: blob, KeyID: arn}, nil
}

func generateRandom(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req struct {
		NumberOfBytes    *int    `json:"NumberOfBytes"`
		CustomKeyStoreID *string `json:"CustomKeyStoreId"`
		Recipient        any     `json:"Recipient"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	switch {
	case req.CustomKeyStoreID != nil:
		return nil, unsupported("custom key stores are not supported")
	case req.Recipient != nil:
		return nil, unsupported("Recipient (attested enclaves) is not supported")
	case req.NumberOfBytes == nil || *req.NumberOfBytes < 1 || *req.NumberOfBytes > maxDataKey:
		return nil, validation("1 validation error detected: Value at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and %d", maxDataKey)
	}
	out, err := h.svc.GenerateRandom(ctx, *req.NumberOfBytes)
	if err != nil {
		return nil, err
	}
	return struct {
		Plaintext []byte `json:"Plaintext"`
	}{out}, nil
}

func encrypt(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req encryptRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := req.check(); err != nil {
		return nil, err
	}
	id, err := required(req.KeyID, "keyId", maxKeyIDLen)
	if err != nil {
		return nil, err
	}
	if len(req.Plaintext) < 1 || len(req.Plaintext) > kms.MaxPlaintext {
		return nil, validation("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and %d", kms.MaxPlaintext)
	}
	if err := checkAlgorithm(req.EncryptionAlgorithm); err != nil {
		return nil, err
	}
	if err := checkContext("EncryptionContext", req.EncryptionContext); err != nil {
		return nil, err
	}
	blob, arn, err := h.svc.Encrypt(ctx, id, req.Plaintext, req.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return encryptResponse{CiphertextBlob: blob, KeyID: arn, EncryptionAlgorithm: symmetricDefault}, nil
}

func decrypt(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req decryptRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := req.check(); err != nil {
		return nil, err
	}
	if err := checkBlob(req.CiphertextBlob); err != nil {
		return nil, err
	}
	var ref string
	if req.KeyID != nil {
		var err error
		if ref, err = required(req.KeyID, "keyId", maxKeyIDLen); err != nil {
			return nil, err
		}
	}
	if err := checkAlgorithm(req.EncryptionAlgorithm); err != nil {
		return nil, err
	}
	if err := checkContext("EncryptionContext", req.EncryptionContext); err != nil {
		return nil, err
	}
	plain, arn, err := h.svc.DecryptBlob(ctx, req.CiphertextBlob, req.EncryptionContext, ref)
	if err != nil {
		return nil, err
	}
	return decryptResponse{KeyID: arn, Plaintext: plain, EncryptionAlgorithm: symmetricDefault}, nil
}

func reEncrypt(h *Handler, ctx context.Context, body []byte) (any, error) {
	var req reEncryptRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := req.check(); err != nil {
		return nil, err
	}
	if err := checkBlob(req.CiphertextBlob); err != nil {
		return nil, err
	}
	dest, err := required(req.DestinationKeyID, "destinationKeyId", maxKeyIDLen)
	if err != nil {
		return nil, err
	}
	var src string
	if req.SourceKeyID != nil {
		if src, err = required(req.SourceKeyID, "sourceKeyId", maxKeyIDLen); err != nil {
			return nil, err
		}
	}
	for _, alg := range []*string{req.SourceEncryptionAlgorithm, req.DestinationEncryptionAlgorithm} {
		if err := checkAlgorithm(alg); err != nil {
			return nil, err
		}
	}
	if err := checkContext("SourceEncryptionContext", req.SourceEncryptionContext); err != nil {
		return nil, err
	}
	if err := checkContext("DestinationEncryptionContext", req.DestinationEncryptionContext); err != nil {
		return nil, err
	}
	blob, srcARN, destARN, err := h.svc.ReEncrypt(ctx, kms.ReEncryptInput{
		Blob: req.CiphertextBlob, SourceCtx: req.SourceEncryptionContext, SourceRef: src,
		Destination: dest, DestCtx: req.DestinationEncryptionContext,
	})
	if err != nil {
		return nil, err
	}
	return reEncryptResponse{
		CiphertextBlob: blob, SourceKeyID: srcARN, KeyID: destARN,
		SourceEncryptionAlgorithm: symmetricDefault, DestinationEncryptionAlgorithm: symmetricDefault,
	}, nil
}
