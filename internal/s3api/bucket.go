package s3api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

// ownerID is the canonical user id of the requester: its account's once
// authorization named the caller, else (and for an identity service that
// knows of no accounts) a stable 64-hex-digit id derived from the access
// key, which itself is never disclosed.
func ownerID(req *request) string {
	if req.authz != nil && req.authz.who != nil && req.authz.who.canonicalID != "" {
		return req.authz.who.canonicalID
	}
	if req.auth == nil {
		return ""
	}
	sum := sha256.Sum256([]byte("hoard-canonical-user:" + req.auth.AccessKey))
	return hex.EncodeToString(sum[:])
}

type listAllMyBucketsResult struct {
	XMLName           xml.Name      `xml:"ListAllMyBucketsResult"`
	NS                string        `xml:"xmlns,attr"`
	Owner             owner         `xml:"Owner"`
	Buckets           []bucketEntry `xml:"Buckets>Bucket"`
	ContinuationToken string        `xml:",omitempty"`
	Prefix            string        `xml:",omitempty"`
}

type bucketEntry struct {
	Name         string
	CreationDate string
	BucketRegion string
}

const maxBuckets = 10000

func (h *handler) listBuckets(req *request) (*response, error) {
	in := object.ListBucketsInput{Prefix: req.query.Get("prefix"), Max: maxBuckets}
	if v, ok := req.query["max-buckets"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > maxBuckets {
			return nil, errInvalidArgument.withMessage("Argument max-buckets must be an integer between 1 and 10000")
		}
		in.Max = n
	}
	if tok := req.query.Get("continuation-token"); tok != "" {
		after, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(after) == 0 {
			return nil, errInvalidContinuation
		}
		in.After = string(after)
	}
	keep, err := h.keepCallers(req)
	if err != nil {
		return nil, err
	}
	in.Keep = keep
	res, err := h.svc.ListBuckets(req.ctx, in)
	if err != nil {
		return nil, err
	}
	me, err := h.callerAccount(req)
	if err != nil {
		return nil, err
	}
	doc := &listAllMyBucketsResult{NS: s3NS, Owner: me.xml(), Prefix: in.Prefix}
	doc.Buckets = make([]bucketEntry, 0, len(res.Buckets))
	for _, b := range res.Buckets {
		doc.Buckets = append(doc.Buckets, bucketEntry{Name: b.Name, CreationDate: s3Time(b.Created), BucketRegion: b.Region})
	}
	if res.Next != "" {
		doc.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(res.Next))
	}
	return xmlResponse(doc), nil
}

type createBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string
}

func (h *handler) createBucket(req *request) (*response, error) {
	if err := checkCreateBucketHeaders(req.r); err != nil {
		return nil, err
	}
	if err := h.checkLocation(req); err != nil {
		return nil, err
	}
	configs, err := h.newBucketConfigs(req)
	if err != nil {
		return nil, err
	}
	err = h.svc.CreateBucket(req.ctx, req.bucket, h.cfg.Region, ownerID(req), configs...)
	if err = h.ownedByAnother(req, err); err != nil && !isAPIError(err, "BucketAlreadyOwnedByYou") {
		return nil, err
	}
	created := err == nil
	if err := h.createBucketStatus(req, err); err != nil {
		return nil, err
	}
	if lock, _ := wantsObjectLock(req.r); lock && created {
		if err := h.enableLockOnCreate(req); err != nil {
			return nil, err
		}
	}
	resp := newResponse(http.StatusOK)
	resp.header.Set("Location", "/"+req.bucket)
	return resp, nil
}

// checkLocation reads the optional CreateBucketConfiguration; a location
// constraint must name this server's region.
func (h *handler) checkLocation(req *request) error {
	body, err := readBody(req, maxSmallXML)
	if err != nil || len(strings.TrimSpace(string(body))) == 0 {
		return err
	}
	var cfg createBucketConfiguration
	if err := decodeXML(body, &cfg); err != nil {
		return err
	}
	loc := strings.TrimSpace(cfg.LocationConstraint)
	if loc == "" || loc == h.cfg.Region {
		return nil
	}
	return errIllegalLocation.withMessage("The %s location constraint is incompatible for the region specific endpoint this request was sent to.", loc)
}

func (h *handler) headBucket(req *request) (*response, error) {
	b, err := h.svc.HeadBucket(req.ctx, req.bucket)
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusOK)
	resp.header.Set("X-Amz-Bucket-Region", regionOf(b, h.cfg.Region))
	return resp, nil
}

func regionOf(b *object.Bucket, fallback string) string {
	if b.Region != "" {
		return b.Region
	}
	return fallback
}

func (h *handler) deleteBucket(req *request) (*response, error) {
	if err := h.svc.DeleteBucket(req.ctx, req.bucket); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	NS      string   `xml:"xmlns,attr"`
	Region  string   `xml:",chardata"`
}

// getBucketLocation answers an empty constraint for us-east-1, as S3 does.
func (h *handler) getBucketLocation(req *request) (*response, error) {
	b, err := h.svc.HeadBucket(req.ctx, req.bucket)
	if err != nil {
		return nil, err
	}
	region := regionOf(b, h.cfg.Region)
	if region == "us-east-1" {
		region = ""
	}
	return xmlResponse(&locationConstraint{NS: s3NS, Region: region}), nil
}
