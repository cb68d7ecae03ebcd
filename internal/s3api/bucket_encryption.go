package s3api

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

// sseConfiguration is the ServerSideEncryptionConfiguration document of
// Put/GetBucketEncryption.
type sseConfiguration struct {
	XMLName xml.Name  `xml:"ServerSideEncryptionConfiguration"`
	NS      string    `xml:"xmlns,attr,omitempty"`
	Rules   []sseRule `xml:"Rule"`
}

type sseRule struct {
	Default          *sseDefault `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled *bool       `xml:"BucketKeyEnabled"`
}

type sseDefault struct {
	SSEAlgorithm   string
	KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
}

func (h *handler) putBucketEncryption(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxSmallXML, true)
	if err != nil {
		return nil, err
	}
	var doc sseConfiguration
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	if len(doc.Rules) != 1 || doc.Rules[0].Default == nil {
		return nil, errMalformedXML
	}
	rule := doc.Rules[0]
	cfg := object.BucketEncryption{
		SSEAlgorithm:   strings.TrimSpace(rule.Default.SSEAlgorithm),
		KMSMasterKeyID: strings.TrimSpace(rule.Default.KMSMasterKeyID),
	}
	if rule.BucketKeyEnabled != nil {
		cfg.BucketKeyEnabled = *rule.BucketKeyEnabled
	}
	switch cfg.SSEAlgorithm {
	case object.SSEAlgorithmAES256, object.SSEAlgorithmKMS:
	case "aws:kms:dsse":
		return nil, errNotImplemented.withMessage("Dual-layer server-side encryption (aws:kms:dsse) is not implemented.")
	default:
		return nil, errMalformedXML
	}
	if cfg.SSEAlgorithm == object.SSEAlgorithmAES256 && cfg.KMSMasterKeyID != "" {
		return nil, errInvalidArgument.withMessage("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms")
	}
	if err := h.svc.PutBucketEncryption(req.ctx, req.bucket, cfg); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

func (h *handler) getBucketEncryption(req *request) (*response, error) {
	cfg, err := h.svc.GetBucketEncryption(req.ctx, req.bucket)
	if err != nil {
		return nil, err
	}
	rule := sseRule{
		Default:          &sseDefault{SSEAlgorithm: cfg.SSEAlgorithm, KMSMasterKeyID: cfg.KMSMasterKeyID},
		BucketKeyEnabled: &cfg.BucketKeyEnabled,
	}
	return xmlResponse(&sseConfiguration{NS: s3NS, Rules: []sseRule{rule}}), nil
}

func (h *handler) deleteBucketEncryption(req *request) (*response, error) {
	if err := h.svc.DeleteBucketEncryption(req.ctx, req.bucket); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}
