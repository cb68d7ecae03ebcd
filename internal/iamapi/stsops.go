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
	if c.get("PolicyArns.member.1.arn") != "" {
		return nil, apiErr(codeValidation, "Managed session policies (PolicyArns) are not supported.")
	}
	creds, user, err := h.svc.AssumeRole(c.ctx, c.caller, iam.AssumeRoleInput{
		RoleARN: c.get("RoleArn"), RoleSessionName: c.get("RoleSessionName"),
		DurationSeconds: d, Policy: c.get("Policy"), ExternalID: c.get("ExternalId"),
	})
	if err != nil {
		return nil, err
	}
	res := assumeRoleResult{Credentials: toCredentials(creds)}
	res.AssumedRoleUser.AssumedRoleId = user.AssumedRoleID
	res.AssumedRoleUser.Arn = user.ARN
	if c.get("Policy") != "" {
		// Percentage of the packed-policy allowance used, as STS reports it.
		pct := len(c.get("Policy")) * 100 / 2048
		res.PackedPolicySize = &pct
	}
	return res, nil
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
