package iamapi

import (
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/hoard-s3/hoard/internal/iam"
)

// AssumeRoleWithWebIdentity is the one STS call made without a signature:
// the identity provider's token is the credential (AWS SDKs send it
// unsigned). IsUnsignedSTS tells the wire layer which requests those are.

func init() {
	stsOps["AssumeRoleWithWebIdentity"] = assumeRoleWithWebIdentity
}

// IsUnsignedSTS reports whether r may be an unsigned STS call: a form POST
// (or a GET with an Action query) to the service root without any
// signature. S3 has no operation of that shape.
func IsUnsignedSTS(r *http.Request) bool {
	if r.URL.Path != "/" || r.Header.Get("Authorization") != "" || strings.Contains(r.URL.RawQuery, "X-Amz-Signature") {
		return false
	}
	switch r.Method {
	case http.MethodPost:
		// STS puts every parameter in the body; a POST with a query
		// (POST /?delete on a virtual-hosted bucket) is S3's.
		ct := r.Header.Get("Content-Type")
		return r.URL.RawQuery == "" && strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded")
	case http.MethodGet:
		return r.URL.Query().Get("Action") != ""
	}
	return false
}

// ServeUnsigned answers an unsigned STS request: AssumeRoleWithWebIdentity,
// or the error a signed-only action gets without a signature.
func (h *Handler) ServeUnsigned(w http.ResponseWriter, r *http.Request) {
	reqID := w.Header().Get("X-Amzn-RequestId")
	if reqID == "" {
		reqID = uuid.NewString()
		w.Header().Set("X-Amzn-RequestId", reqID)
	}
	params, err := decodeParams(r, r.Body)
	if err != nil {
		h.writeError(w, r, stsNamespace, reqID, err)
		return
	}
	action := params.Get("Action")
	if action != "AssumeRoleWithWebIdentity" || len(params["Action"]) != 1 {
		h.writeError(w, r, stsNamespace, reqID, apiErr(errCode{"MissingAuthenticationToken", 403}, "Request is missing Authentication Token"))
		return
	}
	if v := params.Get("Version"); v != "" && v != STSVersion {
		h.writeError(w, r, stsNamespace, reqID, apiErr(codeInvalidAction, "Could not find operation %s for version %s", clip(action), clip(v)))
		return
	}
	// The role's account decides, as for AssumeRole.
	if h.accounts != nil {
		if svc, err := h.accounts.IAM(r.Context(), roleAccount(params.Get("RoleArn"))); err == nil {
			out := *h
			out.svc = svc
			h = &out
		}
	}
	res, err := assumeRoleWithWebIdentity(h, &call{ctx: r.Context(), action: action, params: params})
	if err != nil {
		h.writeError(w, r, stsNamespace, reqID, err)
		return
	}
	writeResult(w, stsNamespace, action, res, reqID)
}

type webIdentityResult struct {
	Credentials                 xmlCredentials
	SubjectFromWebIdentityToken string
	AssumedRoleUser             struct {
		AssumedRoleId string
		Arn           string
	}
	PackedPolicySize *int `xml:",omitempty"`
	Provider         string
	Audience         string
}

func assumeRoleWithWebIdentity(h *Handler, c *call) (any, error) {
	d, err := c.duration()
	if err != nil {
		return nil, err
	}
	for _, p := range []string{"RoleArn", "RoleSessionName", "WebIdentityToken"} {
		if c.get(p) == "" {
			return nil, apiErr(codeMissingParam, "The request must contain the parameter %s.", p)
		}
	}
	out, err := h.svc.AssumeRoleWithWebIdentity(c.ctx, iam.WebIdentityInput{
		RoleARN: c.get("RoleArn"), RoleSessionName: c.get("RoleSessionName"), WebIdentityToken: c.get("WebIdentityToken"),
		DurationSeconds: d, Policy: c.get("Policy"), PolicyARNs: c.policyARNs(),
	})
	if err != nil {
		return nil, err
	}
	res := webIdentityResult{Credentials: toCredentials(out.Credentials), SubjectFromWebIdentityToken: out.Subject, Provider: out.Provider, Audience: out.Audience}
	res.AssumedRoleUser.AssumedRoleId = out.User.AssumedRoleID
	res.AssumedRoleUser.Arn = out.User.ARN
	res.PackedPolicySize = c.packedSize(0)
	return res, nil
}
