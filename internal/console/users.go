package console

import (
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Users and keys go through the IAM API at the S3 endpoint, signed as the
// signed-in principal, so the IAM API's own authorization applies.

type userJSON struct {
	Name     string    `json:"name"`
	ARN      string    `json:"arn"`
	Created  string    `json:"created,omitempty"`
	Keys     []keyJSON `json:"keys"`
	Policies []string  `json:"policies"`
}

type keyJSON struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Created string `json:"created,omitempty"`
}

func isoTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// listUsers lists users with their keys and inline policy names (the
// first 1,000 users; the page is for people, not fleets).
func (c *Console) listUsers(w http.ResponseWriter, r *http.Request, s *session) {
	cl := c.iamClient(s)
	ctx := r.Context()
	out, err := cl.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1000)})
	if err != nil {
		writeAPIError(w, err)
		return
	}
	users := []userJSON{}
	for _, u := range out.Users {
		uj := userJSON{Name: aws.ToString(u.UserName), ARN: aws.ToString(u.Arn), Created: isoTime(u.CreateDate), Keys: []keyJSON{}, Policies: []string{}}
		if ks, err := cl.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: u.UserName}); err == nil {
			for _, k := range ks.AccessKeyMetadata {
				uj.Keys = append(uj.Keys, keyJSON{ID: aws.ToString(k.AccessKeyId), Status: string(k.Status), Created: isoTime(k.CreateDate)})
			}
		}
		if ps, err := cl.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: u.UserName}); err == nil {
			uj.Policies = append(uj.Policies, ps.PolicyNames...)
		}
		users = append(users, uj)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users, "truncated": out.IsTruncated})
}

type userInput struct {
	Action     string `json:"action"`
	User       string `json:"user"`
	KeyID      string `json:"keyId"`
	Status     string `json:"status"`
	PolicyName string `json:"policyName"`
	Policy     string `json:"policy"`
}

// userAction runs one IAM change. The IAM API validates names and policy
// documents (MalformedPolicyDocument carries the reason), so the console
// only bounds sizes.
func (c *Console) userAction(w http.ResponseWriter, r *http.Request, s *session) {
	var in userInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if len(in.User) > 128 || len(in.KeyID) > 128 || len(in.PolicyName) > 128 || len(in.Policy) > 20480 {
		writeError(w, http.StatusBadRequest, "InvalidInput", "A name or the policy is too long.")
		return
	}
	cl := c.iamClient(s)
	ctx := r.Context()
	u := aws.String(in.User)
	var result any = map[string]bool{"ok": true}
	var err error
	switch in.Action {
	case "createUser":
		_, err = cl.CreateUser(ctx, &iam.CreateUserInput{UserName: u})
	case "deleteUser":
		_, err = cl.DeleteUser(ctx, &iam.DeleteUserInput{UserName: u})
	case "createKey":
		var out *iam.CreateAccessKeyOutput
		if out, err = cl.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: u}); err == nil {
			// The secret is shown once and never kept by the console.
			result = map[string]string{"keyId": aws.ToString(out.AccessKey.AccessKeyId), "secret": aws.ToString(out.AccessKey.SecretAccessKey)}
		}
	case "setKeyStatus":
		_, err = cl.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: u, AccessKeyId: aws.String(in.KeyID), Status: types.StatusType(in.Status)})
	case "deleteKey":
		_, err = cl.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: u, AccessKeyId: aws.String(in.KeyID)})
	case "getPolicy":
		var out *iam.GetUserPolicyOutput
		if out, err = cl.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: u, PolicyName: aws.String(in.PolicyName)}); err == nil {
			result = map[string]string{"policy": aws.ToString(out.PolicyDocument)}
		}
	case "putPolicy":
		_, err = cl.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: u, PolicyName: aws.String(in.PolicyName), PolicyDocument: aws.String(in.Policy)})
	case "deletePolicy":
		_, err = cl.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: u, PolicyName: aws.String(in.PolicyName)})
	default:
		writeError(w, http.StatusBadRequest, "InvalidInput", "Unknown user action.")
		return
	}
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, result)
}
