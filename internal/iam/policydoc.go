package iam

import (
	"errors"

	"github.com/hoard-s3/hoard/internal/policy"
)

// checkPolicy validates a policy document of a kind with the policy
// language's parser, answering MalformedPolicyDocument with its reason.
func checkPolicy(doc string, kind policy.Kind) (*policy.Policy, error) {
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) {
			return nil, errorf(ErrMalformedPolicy, "%s", pe.Reason)
		}
		return nil, errorf(ErrMalformedPolicy, "Syntax errors in policy.")
	}
	return p, nil
}
