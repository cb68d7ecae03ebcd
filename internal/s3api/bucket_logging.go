package s3api

import (
	"context"
	"encoding/xml"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Server access logging configuration (Put/GetBucketLogging). The object
// service stores and validates the document and checks the target bucket
// exists in the same region; the permission checks on the target bucket
// are made here because its policy and ownership documents are the wire
// layer's.

// logDeliveryService is the service principal S3 writes access logs as.
const logDeliveryService = "logging.s3.amazonaws.com"

var (
	opGetBucketLogging = operation{"GetBucketLogging", (*handler).getBucketLogging}
	opPutBucketLogging = operation{"PutBucketLogging", (*handler).putBucketLogging}

	errInvalidTargetBucket  = newErr("InvalidTargetBucketForLogging", 400, "The target bucket for logging does not exist")
	errCrossLocationLogging = newErr("CrossLocationLoggingProhibited", 403, "Cross S3 location logging not allowed. ")
	errLogDeliveryDenied    = errInvalidTargetBucket.withMessage("You must give the logging service principal logging.s3.amazonaws.com permission to s3:PutObject into the target bucket under the target prefix, in the target bucket's policy (or, for a bucket with ACLs enabled, give the log-delivery group WRITE and READ_ACP permissions)")
	errTargetGrantsEnforced = newErr("AccessControlListNotSupported", 400, "Target grants not allowed for bucket owner enforced buckets")
)

// bucketLoggingStatus is the document of both calls.
type bucketLoggingStatus struct {
	XMLName        xml.Name        `xml:"BucketLoggingStatus"`
	NS             string          `xml:"xmlns,attr,omitempty"`
	LoggingEnabled *loggingEnabled `xml:"LoggingEnabled"`
}

type loggingEnabled struct {
	TargetBucket          string           `xml:"TargetBucket"`
	TargetGrants          *xmlTargetGrants `xml:"TargetGrants"`
	TargetObjectKeyFormat *xmlLogKeyFormat `xml:"TargetObjectKeyFormat"`
	TargetPrefix          string           `xml:"TargetPrefix"`
}

type xmlTargetGrants struct {
	Grants []xmlTargetGrant `xml:"Grant"`
}

type xmlTargetGrant struct {
	Grantee    inGrantee `xml:"Grantee"`
	Permission string    `xml:"Permission"`
}

type xmlOutTargetGrants struct {
	Grants []xmlOutTargetGrant `xml:"Grant"`
}

type xmlOutTargetGrant struct {
	Grantee    xmlGrantee `xml:"Grantee"`
	Permission string     `xml:"Permission"`
}

type xmlLogKeyFormat struct {
	PartitionedPrefix *struct {
		PartitionDateSource string `xml:"PartitionDateSource"`
	} `xml:"PartitionedPrefix"`
	SimplePrefix *struct{} `xml:"SimplePrefix"`
}

// outLoggingEnabled is LoggingEnabled as GetBucketLogging writes it.
type outLoggingEnabled struct {
	TargetBucket          string              `xml:"TargetBucket"`
	TargetGrants          *xmlOutTargetGrants `xml:"TargetGrants,omitempty"`
	TargetObjectKeyFormat xmlLogKeyFormat     `xml:"TargetObjectKeyFormat"`
	TargetPrefix          string              `xml:"TargetPrefix"`
}

type outLoggingStatus struct {
	XMLName        xml.Name           `xml:"BucketLoggingStatus"`
	NS             string             `xml:"xmlns,attr"`
	LoggingEnabled *outLoggingEnabled `xml:"LoggingEnabled,omitempty"`
}

func (h *handler) getBucketLogging(req *request) (*response, error) {
	c, err := h.svc.GetBucketLogging(req.ctx, req.bucket)
	if err != nil {
		return nil, err
	}
	doc := &outLoggingStatus{NS: s3NS}
	if c != nil {
		doc.LoggingEnabled = renderLogging(c)
	}
	return xmlResponse(doc), nil
}

func renderLogging(c *object.BucketLogging) *outLoggingEnabled {
	out := &outLoggingEnabled{TargetBucket: c.TargetBucket, TargetPrefix: c.TargetPrefix}
	if c.KeyFormat.Partitioned {
		out.TargetObjectKeyFormat.PartitionedPrefix = &struct {
			PartitionDateSource string `xml:"PartitionDateSource"`
		}{c.KeyFormat.DateSource}
	} else {
		out.TargetObjectKeyFormat.SimplePrefix = &struct{}{}
	}
	if len(c.TargetGrants) > 0 {
		out.TargetGrants = &xmlOutTargetGrants{}
	}
	for _, g := range c.TargetGrants {
		e := xmlGrantee{XMLNSXSI: xsiNS, Type: g.Type, ID: g.ID, DisplayName: g.DisplayName, URI: g.URI, EmailAddress: g.Email}
		out.TargetGrants.Grants = append(out.TargetGrants.Grants, xmlOutTargetGrant{Grantee: e, Permission: g.Permission})
	}
	return out
}

func (h *handler) putBucketLogging(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxSmallXML, false)
	if err != nil {
		return nil, err
	}
	var doc bucketLoggingStatus
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	if doc.LoggingEnabled == nil {
		if err := h.svc.PutBucketLogging(req.ctx, req.bucket, nil); err != nil {
			return nil, err
		}
		return newResponse(http.StatusOK), nil
	}
	c, err := parseLogging(doc.LoggingEnabled)
	if err != nil {
		return nil, err
	}
	if _, err := h.svc.HeadBucket(req.ctx, req.bucket); err != nil {
		return nil, err
	}
	if err := h.checkLogTarget(req.ctx, c); err != nil {
		return nil, err
	}
	if err := h.svc.PutBucketLogging(req.ctx, req.bucket, c); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

// parseLogging turns the XML into the service's document; shapes S3's
// schema does not allow are MalformedXML.
func parseLogging(in *loggingEnabled) (*object.BucketLogging, error) {
	if in.TargetBucket == "" {
		return nil, errMalformedXML
	}
	c := &object.BucketLogging{TargetBucket: in.TargetBucket, TargetPrefix: in.TargetPrefix}
	if f := in.TargetObjectKeyFormat; f != nil {
		switch {
		case f.PartitionedPrefix != nil && f.SimplePrefix != nil:
			return nil, errMalformedXML
		case f.PartitionedPrefix != nil:
			src := f.PartitionedPrefix.PartitionDateSource
			if src == "" {
				src = object.LogDateEventTime
			}
			if src != object.LogDateEventTime && src != object.LogDateDeliveryTime {
				return nil, errMalformedXML
			}
			c.KeyFormat = object.LogKeyFormat{Partitioned: true, DateSource: src}
		}
	}
	if in.TargetGrants != nil {
		for _, g := range in.TargetGrants.Grants {
			lg, err := parseTargetGrant(g)
			if err != nil {
				return nil, err
			}
			c.TargetGrants = append(c.TargetGrants, lg)
		}
	}
	return c, nil
}

func parseTargetGrant(g xmlTargetGrant) (object.LogGrant, error) {
	lg := object.LogGrant{Type: g.Grantee.Type, Permission: g.Permission}
	switch g.Permission {
	case permFullControl, permRead, permWrite:
	default:
		return lg, errMalformedXML
	}
	switch g.Grantee.Type {
	case "CanonicalUser":
		lg.ID = g.Grantee.ID
		if lg.ID == "" {
			return lg, errInvalidArgument.withMessage("Invalid id")
		}
	case "AmazonCustomerByEmail":
		lg.Email = g.Grantee.EmailAddress
		if lg.Email == "" {
			return lg, errInvalidArgument.withMessage("Invalid email address")
		}
	case "Group":
		lg.URI = g.Grantee.URI
		switch lg.URI {
		case groupAllUsers, groupAuthenticated, groupLogDelivery:
		default:
			return lg, errInvalidArgument.withMessage("Invalid group uri")
		}
	default:
		return lg, errMalformedXML
	}
	return lg, nil
}

// checkLogTarget refuses a target the logging service could not write
// into, as S3 does: grants need ACLs on the target, and delivery needs
// the target's policy to let logging.s3.amazonaws.com put objects under
// the prefix (or, with ACLs on, the log-delivery group's WRITE grant).
func (h *handler) checkLogTarget(ctx context.Context, c *object.BucketLogging) error {
	if _, err := h.svc.HeadBucket(ctx, c.TargetBucket); err != nil {
		return errInvalidTargetBucket
	}
	st, err := h.loadAccess(ctx, c.TargetBucket, true)
	if err != nil {
		return err
	}
	if len(c.TargetGrants) > 0 && !st.aclsEnabled() {
		return errTargetGrantsEnforced
	}
	if h.logDeliveryAllowed(st, c) {
		return nil
	}
	return errLogDeliveryDenied
}

// logDeliveryAllowed reports whether the target's ACL or policy lets the
// logging service write log objects under the prefix. The policy's
// conditions (aws:SourceArn, aws:SourceAccount, ...) are evaluated when
// the logs are delivered (internal/logdelivery), not here: S3 accepts the
// configuration whatever they say.
func (h *handler) logDeliveryAllowed(st *bucketAccess, c *object.BucketLogging) bool {
	if st.acl != nil && st.aclsEnabled() {
		for _, g := range st.acl.Grants {
			if g.Type == "Group" && g.ID == groupLogDelivery && (g.Perm == permWrite || g.Perm == permFullControl) {
				return true
			}
		}
	}
	if st.policy == nil {
		return false
	}
	return st.policy.p.AllowsIgnoringConditions(&policy.Request{
		Principal: policy.Principal{Type: policy.PrincipalService, ARN: logDeliveryService},
		Action:    "s3:PutObject",
		Resource:  "arn:aws:s3:::" + c.TargetBucket + "/" + c.TargetPrefix,
	})
}
