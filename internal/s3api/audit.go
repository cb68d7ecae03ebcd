package s3api

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/audit"
	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/policy"
)

// The audit trail's records (CloudTrail's format) of the calls this
// endpoint serves: S3, IAM, STS and KMS. Management events are always
// recorded, object reads and writes (data events) when the trail asks.
// No secret reaches a record: S3 records name no headers, IAM and STS
// parameters lose their secrets, KMS ones keep only an allowed set.

// maxAuditBody bounds the copy of an IAM or KMS request kept for its
// requestParameters; a longer request is recorded without them.
const maxAuditBody = 64 << 10

// auditCall records req in the audit trail, when there is one.
func (h *handler) auditCall(req *request, start time.Time) {
	t := h.cfg.Audit
	if t == nil || req.op.name == "" || req.op.name == opPreflight.name {
		return
	}
	ev := h.auditEvent(req, start)
	if ev.EventCategory == "Data" && !t.DataEvents {
		return
	}
	t.Record(context.WithoutCancel(req.ctx), ev)
}

func (h *handler) auditEvent(req *request, start time.Time) *audit.Event {
	source, name, params := h.auditCallParams(req)
	id := h.auditIdentity(req)
	acct := id.AccountID // the caller's account receives the record
	if acct == "" || acct == "anonymous" {
		acct = h.ownerAccount()
	}
	ev := &audit.Event{
		EventVersion:       "1.09",
		UserIdentity:       id,
		EventTime:          start.UTC().Format(time.RFC3339),
		EventSource:        source,
		EventName:          name,
		AWSRegion:          h.cfg.Region,
		SourceIPAddress:    remoteIP(req.r.RemoteAddr),
		UserAgent:          req.r.UserAgent(),
		ErrorCode:          req.errCode,
		RequestParameters:  params,
		RequestID:          req.id,
		EventID:            newEventID(),
		ReadOnly:           readOnlyCall(name),
		EventType:          "AwsApiCall",
		ManagementEvent:    true,
		EventCategory:      "Management",
		RecipientAccountID: acct,
	}
	switch {
	case source == "s3.amazonaws.com":
		h.auditS3(req, ev, h.auditBucketAccount(req, acct))
	case req.errCode == "" && (!ev.ReadOnly || source == "sts.amazonaws.com" && name != "GetCallerIdentity"):
		ev.ResponseElements = auditResponse(req, source, name)
	}
	if cs := req.r.TLS; cs != nil {
		ev.TLSDetails = &audit.TLSDetails{TLSVersion: tlsVersion(cs), CipherSuite: cipherSuite(cs), ClientProvidedHostHeader: req.r.Host}
	}
	return ev
}

// auditBucketAccount is the account owning req's bucket, as CloudTrail
// names it in the bucket's resource; def when it cannot be told (no
// bucket, or one that does not exist).
func (h *handler) auditBucketAccount(req *request, def string) string {
	if req.bucket == "" {
		return def
	}
	b, err := h.svc.HeadBucket(context.WithoutCancel(req.ctx), req.bucket)
	if err != nil {
		return def
	}
	a, err := h.accountOf(context.WithoutCancel(req.ctx), b.Owner)
	if err != nil || a.id == "" {
		return def
	}
	return a.id
}

// auditCallParams names the service and call, with its parameters.
func (h *handler) auditCallParams(req *request) (source, name string, params map[string]any) {
	switch {
	case strings.HasPrefix(req.op.name, "IAM."):
		form := req.r.URL.Query()
		if body, ok := auditBody(req); ok {
			if q, err := url.ParseQuery(string(body)); err == nil {
				for k, v := range q {
					form[k] = v
				}
			}
		}
		svc := strings.TrimPrefix(req.op.name, "IAM.")
		if svc != "sts" {
			svc = "iam"
		}
		return svc + ".amazonaws.com", clipName(form.Get("Action")), audit.QueryParameters(form)
	case strings.HasPrefix(req.op.name, "KMS."):
		var p map[string]any
		if body, ok := auditBody(req); ok {
			p = audit.KMSParameters(body)
		}
		return "kms.amazonaws.com", strings.TrimPrefix(req.op.name, "KMS."), p
	}
	return "s3.amazonaws.com", req.op.name, s3Parameters(req)
}

// auditResponse is CloudTrail's responseElements of a successful IAM,
// STS or KMS call that changed something or issued credentials, from
// its kept answer; reads record none, as in CloudTrail.
func auditResponse(req *request, source, name string) map[string]any {
	body := req.w.kept
	if !req.w.keep || int64(len(body)) != req.w.n {
		return nil // not kept, or cut short
	}
	if source == "kms.amazonaws.com" {
		return audit.KMSResponseElements(name, body)
	}
	return audit.QueryResponseElements(body)
}

// auditBody is the kept copy of the request, unless it was cut short.
func auditBody(req *request) ([]byte, bool) {
	return req.in.kept, req.in.keep && int64(len(req.in.kept)) == req.in.n
}

func clipName(s string) string {
	if len(s) > 64 {
		return s[:64]
	}
	return s
}

// s3Parameters are the bucket, key, host and query parameters of an S3
// call; a presigned URL's signature and credentials are left out.
func s3Parameters(req *request) map[string]any {
	p := map[string]any{"Host": req.r.Host}
	if req.bucket != "" {
		p["bucketName"] = req.bucket
	}
	if req.key != "" {
		p["key"] = req.key
	}
	for k, vs := range req.query {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-") || lk == "awsaccesskeyid" || lk == "signature" || lk == "expires" || len(vs) == 0 {
			continue
		}
		p[k] = vs[0]
	}
	return p
}

// auditS3 adds what CloudTrail records of S3 calls: the resources, the
// transfer and encryption facts, and data or management category.
func (h *handler) auditS3(req *request, ev *audit.Event, acct string) {
	if req.bucket != "" {
		if req.key != "" {
			ev.Resources = append(ev.Resources, audit.Resource{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::" + req.bucket + "/" + req.key})
		}
		ev.Resources = append(ev.Resources, audit.Resource{Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + req.bucket, AccountID: acct})
	}
	extra := map[string]any{
		"bytesTransferredIn":  req.in.n,
		"bytesTransferredOut": req.w.n,
		"x-amz-id-2":          req.hostID,
	}
	if v := sigVersion(req.auth); v != "" {
		extra["SignatureVersion"] = v
		extra["AuthenticationMethod"] = authType(req.auth)
	}
	if cs := cipherSuite(req.r.TLS); cs != "" {
		extra["CipherSuite"] = cs
	}
	if req.sseApplied != "" {
		extra["SSEApplied"] = req.sseApplied
	}
	ev.AdditionalEventData = extra
	resp := map[string]any{}
	for _, hd := range []string{"X-Amz-Server-Side-Encryption", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "X-Amz-Version-Id"} {
		if v := req.w.Header().Get(hd); v != "" {
			resp[strings.ToLower(hd)] = v
		}
	}
	if len(resp) > 0 {
		ev.ResponseElements = resp
	}
	if dataEvent(req) {
		ev.ManagementEvent = false
		ev.EventCategory = "Data"
	}
}

// dataEvent: object-level calls and listings are CloudTrail data events.
func dataEvent(req *request) bool {
	if req.key != "" {
		return true
	}
	switch req.op.name {
	case "ListObjects", "ListObjectsV2", "ListObjectVersions", "DeleteObjects", "PostObject":
		return true
	}
	return false
}

func readOnlyCall(name string) bool {
	for _, p := range []string{"Get", "List", "Head", "Describe"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	switch name {
	case "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateRandom":
		return true
	}
	return false
}

// auditIdentity is CloudTrail's userIdentity of the caller. IAM, STS and
// KMS calls skip S3 authorization, so their principal is resolved here.
func (h *handler) auditIdentity(req *request) audit.UserIdentity {
	acct := h.ownerAccount()
	if req.auth == nil {
		return audit.UserIdentity{Type: "AWSAccount", AccountID: "anonymous"}
	}
	var p iam.Principal
	switch {
	case req.authz != nil && req.authz.who != nil:
		p = req.authz.who.p
	case h.cfg.Identities != nil:
		var err error
		if p, err = h.cfg.Identities.Principal(req.ctx, req.auth.AccessKey); err != nil {
			return audit.UserIdentity{Type: "Unknown", AccessKeyID: req.auth.AccessKey, AccountID: acct}
		}
	default:
		p.Type = policy.PrincipalRoot
	}
	if p.Account != "" {
		acct = p.Account // the caller's own account, not the operator's
	}
	id := audit.UserIdentity{PrincipalID: p.UserID, ARN: p.ARN, AccountID: acct, AccessKeyID: req.auth.AccessKey}
	switch p.Type {
	case policy.PrincipalRoot:
		id.Type, id.PrincipalID, id.ARN = "Root", acct, "arn:aws:iam::"+acct+":root"
	case policy.PrincipalUser:
		id.Type, id.UserName = "IAMUser", p.UserName
	case policy.PrincipalAssumedRole:
		id.Type = "AssumedRole"
		role := p.RoleARN[strings.LastIndexByte(p.RoleARN, '/')+1:]
		roleID, _, _ := strings.Cut(p.UserID, ":")
		id.SessionContext = &audit.SessionContext{
			SessionIssuer: &audit.SessionIssuer{Type: "Role", PrincipalID: roleID, ARN: p.RoleARN, AccountID: acct, UserName: role},
			Attributes:    map[string]string{"mfaAuthenticated": "false"},
		}
	default:
		id.Type = string(p.Type)
	}
	return id
}

// newEventID is a random UUID (version 4), as CloudTrail's eventID.
func newEventID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
