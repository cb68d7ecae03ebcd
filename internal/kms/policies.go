package kms

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/policy"
)

// DefaultPolicyName is the only key policy name KMS has.
const DefaultPolicyName = "default"

// PolicyError is a key policy KMS refuses (MalformedPolicyDocumentException);
// Reason is the message.
type PolicyError struct{ Reason string }

func (e *PolicyError) Error() string { return e.Reason }
func (e *PolicyError) Unwrap() error { return ErrMalformedPolicy }

// defaultPolicy is the policy KMS gives a key created without one: the
// account's root may do everything, and IAM policies may grant the rest.
func (s *Service) defaultPolicy() string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + s.acct + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

// managedS3Policy is the policy of the AWS managed key aws/s3: every
// principal of the account may use it through S3, and the account may
// read its metadata; nobody may use it directly or change it.
func (s *Service) managedS3Policy() string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "auto-s3-2",
  "Statement" : [ {
    "Sid" : "Allow access through S3 for all principals in the account that are authorized to use S3",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "` + s.acct + `",
        "kms:ViaService" : "s3.` + s.region + `.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + s.acct + `:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
}`
}

// keyPolicy returns the policy in force on a key. Keys created before key
// policies existed have the default one.
func (s *Service) keyPolicy(r *keyRecord) string {
	switch {
	case r.Manager == ManagerAWS:
		return s.managedS3Policy()
	case r.Policy != "":
		return r.Policy
	}
	return s.defaultPolicy()
}

// parseKeyPolicy validates a key policy document as KMS does, with the
// lockout safety check unless bypass is set.
func (s *Service) parseKeyPolicy(ctx context.Context, doc, keyID string, bypass bool) error {
	if len(doc) == 0 || len(doc) > policy.KindKey.MaxSize() {
		return fmt.Errorf("%w: Policy must be 1 to %d characters", ErrValidation, policy.KindKey.MaxSize())
	}
	p, err := policy.Parse([]byte(doc), policy.KindKey)
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) {
			return &PolicyError{Reason: pe.Reason}
		}
		return &PolicyError{Reason: "The policy is not valid."}
	}
	if bypass {
		return nil
	}
	return s.checkLockout(ctx, p, keyID)
}

// checkPolicyName accepts only the name "default".
func checkPolicyName(name string) error {
	if name != DefaultPolicyName {
		return fmt.Errorf("policy %q: %w", clip(name), ErrPolicyNotFound)
	}
	return nil
}

// GetKeyPolicy returns the key policy of the key ref names.
func (s *Service) GetKeyPolicy(ctx context.Context, ref, name string) (string, error) {
	rec, err := s.lookup(ctx, ref)
	if err != nil {
		return "", err
	}
	if err := s.authorize(ctx, access{action: "kms:GetKeyPolicy", rec: rec}); err != nil {
		return "", err
	}
	if err := checkPolicyName(name); err != nil {
		return "", err
	}
	return s.keyPolicy(rec), nil
}

// ListKeyPolicies lists the names of a key's policies: always "default".
func (s *Service) ListKeyPolicies(ctx context.Context, ref string) ([]string, error) {
	rec, err := s.lookup(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, access{action: "kms:ListKeyPolicies", rec: rec}); err != nil {
		return nil, err
	}
	return []string{DefaultPolicyName}, nil
}

// PutKeyPolicy replaces the policy of a customer managed key.
func (s *Service) PutKeyPolicy(ctx context.Context, ref, name, doc string, bypass bool) error {
	a := access{action: "kms:PutKeyPolicy", extra: map[string]string{"kms:BypassPolicyLockoutSafetyCheck": fmt.Sprint(bypass)}}
	_, err := s.mutate(ctx, ref, a, func(r *keyRecord) error {
		if err := checkPolicyName(name); err != nil {
			return err
		}
		if err := customerKey(r); err != nil {
			return err
		}
		if err := s.parseKeyPolicy(ctx, doc, r.ID, bypass); err != nil {
			return err
		}
		r.Policy = doc
		return nil
	})
	return err
}
