package iamapi

import (
	"strconv"
	"time"

	"github.com/hoard-s3/hoard/internal/iam"
)

// rootCreated stands for the root's creation date, which the server does
// not record.
var rootCreated = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

var stsOps = map[string]opFunc{
	"AssumeRole":        assumeRole,
	"GetSessionToken":   getSessionToken,
	"GetCallerIdentity": getCallerIdentity,
}

func (c *call) duration() (int32, error) {
	s := c.get("DurationSeconds")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n == 0 {
		return 0, apiErr(codeValidation, "1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", clip(s))
	}
	return int32(n), nil
}

func assumeRole(h *Handler, c *call) (any, error) {
	d, err := c.duration()
	if err != nil {
		return nil, err
	}
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	creds, user, err := h.svc.AssumeRole(c.ctx, c.caller, iam.AssumeRoleInput{
		RoleARN: c.get("RoleArn"), RoleSessionName: c.get("RoleSessionName"),
		DurationSeconds: d, Policy: c.get("Policy"), ExternalID: c.get("ExternalId"),
		PolicyARNs: c.policyARNs(), Tags: tags, TransitiveTagKeys: c.list("TransitiveTagKeys"),
	})
	if err != nil {
		return nil, err
	}
	res := assumeRoleResult{Credentials: toCredentials(creds)}
	res.AssumedRoleUser.AssumedRoleId = user.AssumedRoleID
	res.AssumedRoleUser.Arn = user.ARN
	res.PackedPolicySize = c.packedSize(len(tags))
	return res, nil
}

// policyARNs decodes PolicyArns.member.N.arn.
func (c *call) policyARNs() []string {
	var out []string
	for i := 1; i <= maxListParams; i++ {
		v, ok := c.params["PolicyArns.member."+strconv.Itoa(i)+".arn"]
		if !ok {
			break
		}
		out = append(out, v[0])
	}
	return out
}

// packedSize is the percentage of the packed allowance the session policy
// and tags use, as STS reports it when either is passed (nil otherwise).
func (c *call) packedSize(tags int) *int {
	if c.get("Policy") == "" && tags == 0 {
		return nil
	}
	pct := (len(c.get("Policy")) + 64*tags) * 100 / 2048
	return &pct
}

func getSessionToken(h *Handler, c *call) (any, error) {
	d, err := c.duration()
	if err != nil {
		return nil, err
	}
	creds, err := h.svc.GetSessionToken(c.ctx, c.caller, d)
	if err != nil {
		return nil, err
	}
	return sessionTokenResult{toCredentials(creds)}, nil
}

func getCallerIdentity(h *Handler, c *call) (any, error) {
	return callerIdentityResult{UserId: c.caller.UserID, Account: c.caller.Account, Arn: c.caller.ARN}, nil
}
