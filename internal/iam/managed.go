package iam

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Managed policies are stored beside the entities (see store.go):
//
//	iam/mpol/NAME                 managedRecord (NAME case-folded)
//	iam/mver/NAME/vN              versionRecord
//	iam/att/K/ENTITY/POLICY       an attachment: K is u, g or r; POLICY is
//	                              polKey (a.NAME for AWS's, c.name for the
//	                              account's); the value is the policy ARN
//	iam/patt/POLICY/K.ENTITY      the same attachment, by policy
const (
	pManaged   = "iam/mpol/"
	pVersion   = "iam/mver/"
	pAttach    = "iam/att/"
	pPolAttach = "iam/patt/"
)

// AWS's quotas.
const (
	MaxPolicyVersions      = 5
	MaxAttachedPolicies    = 10
	maxManagedPolicySize   = 6144
	maxPolicyDescription   = 1000
	managedPolicyNameLimit = 128
)

// ManagedPolicy is a managed policy's metadata.
type ManagedPolicy struct {
	PolicyName       string
	PolicyID         string
	ARN              string
	Path             string
	DefaultVersionID string
	Description      string `json:",omitempty"`
	IsAttachable     bool
	CreateDate       time.Time
	UpdateDate       time.Time
	// AttachmentCount is filled in by reads, never stored.
	AttachmentCount int `json:"-"`
	// NextVersion numbers the next version (v1, v2, … never reused).
	NextVersion int  `json:",omitempty"`
	aws         bool // AWS-managed: read-only
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID        string
	Document         string
	IsDefaultVersion bool
	CreateDate       time.Time
}

type versionRecord struct {
	Document   string
	CreateDate time.Time
}

// polKey is the storage form of a policy inside attachment keys.
func polKey(p *ManagedPolicy) string {
	if p.aws {
		return "a." + p.PolicyName
	}
	return "c." + fold(p.PolicyName)
}

// attachKind is the letter of an entity in attachment keys.
func attachKind(e entity) string { return e.noun[:1] }

// parsePolicyARN splits a policy ARN into its account ("aws" for
// AWS-managed policies), path and name.
func (s *Service) parsePolicyARN(arn string) (acct, path, name string, err error) {
	bad := errorf(ErrInvalidInput, "ARN %s is not valid.", clip(arn))
	if arn == "" {
		return "", "", "", errorf(ErrValidation, "1 validation error detected: Value at 'policyArn' failed to satisfy constraint: Member must not be null")
	}
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok || len(arn) > 2048 {
		return "", "", "", bad
	}
	acct, res, ok := strings.Cut(rest, ":policy/")
	if !ok || acct != "aws" && acct != s.acct {
		return "", "", "", bad
	}
	i := strings.LastIndexByte(res, '/')
	path, name = "/"+res[:i+1], res[i+1:]
	if i < 0 {
		path = "/"
	}
	if checkName("policyName", name, managedPolicyNameLimit) != nil || !pathRE.MatchString(path) {
		return "", "", "", bad
	}
	return acct, path, name, nil
}

// managedByARN reads a managed policy; AWS's come from the built-in set.
func (s *Service) managedByARN(ctx context.Context, r meta.Reader, arn string) (*ManagedPolicy, error) {
	acct, _, name, err := s.parsePolicyARN(arn)
	if err != nil {
		return nil, err
	}
	missing := errorf(ErrNoSuchEntity, "Policy %s does not exist or is not attachable.", clip(arn))
	if acct == "aws" {
		ap := awsPolicies[fold(name)]
		if ap == nil || ap.name != name {
			return nil, missing
		}
		return ap.managed(), nil
	}
	var p ManagedPolicy
	found, err := getJSON(ctx, r, key(pManaged, fold(name)), &p)
	if err != nil {
		return nil, err
	}
	if !found || p.ARN != arn {
		return nil, missing
	}
	return &p, nil
}

func checkManagedDoc(doc string) error {
	if doc == "" {
		return errorf(ErrValidation, "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must not be null")
	}
	if len(doc) > 131072 || policySize(doc) > maxManagedPolicySize {
		return errorf(ErrLimitExceeded, "Cannot exceed quota for PolicySize: %d", maxManagedPolicySize)
	}
	_, err := checkPolicy(doc, policy.KindRole)
	return err
}

// CreatePolicyInput describes a new customer managed policy.
type CreatePolicyInput struct {
	PolicyName, Path, PolicyDocument, Description string
}

// CreatePolicy creates a customer managed policy with version v1.
func (s *Service) CreatePolicy(ctx context.Context, in CreatePolicyInput) (*ManagedPolicy, error) {
	if err := checkName("policyName", in.PolicyName, managedPolicyNameLimit); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path)
	if err != nil {
		return nil, err
	}
	if len(in.Description) > maxPolicyDescription {
		return nil, errorf(ErrValidation, "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to %d", maxPolicyDescription)
	}
	if err := checkManagedDoc(in.PolicyDocument); err != nil {
		return nil, err
	}
	id, err := newID("ANPA")
	if err != nil {
		return nil, err
	}
	now := s.clock()
	p := &ManagedPolicy{
		PolicyName: in.PolicyName, PolicyID: id, Path: path, Description: in.Description,
		ARN:              fmt.Sprintf("arn:aws:iam::%s:policy%s%s", s.acct, path, in.PolicyName),
		DefaultVersionID: "v1", NextVersion: 2, IsAttachable: true, CreateDate: now, UpdateDate: now,
	}
	err = s.store.Update(ctx, func(txn meta.Txn) error {
		var old ManagedPolicy
		found, err := getJSON(ctx, txn, key(pManaged, fold(in.PolicyName)), &old)
		if err != nil {
			return err
		}
		if found {
			return errorf(ErrEntityAlreadyExists, "A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
		}
		if err := setJSON(txn, key(pVersion, fold(in.PolicyName), "v1"), versionRecord{Document: in.PolicyDocument, CreateDate: now}); err != nil {
			return err
		}
		return setJSON(txn, key(pManaged, fold(in.PolicyName)), p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// GetPolicy returns a managed policy with its attachment count.
func (s *Service) GetPolicy(ctx context.Context, arn string) (*ManagedPolicy, error) {
	p, err := s.managedByARN(ctx, s.store, arn)
	if err != nil {
		return nil, err
	}
	p.AttachmentCount, err = count(ctx, s.store, pPolAttach+polKey(p)+"/", 1<<30)
	return p, err
}

// DeletePolicy deletes a customer managed policy that is attached to
// nothing and has no version besides its default one.
func (s *Service) DeletePolicy(ctx context.Context, arn string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		p, err := s.managedByARN(ctx, txn, arn)
		if err != nil {
			return err
		}
		if p.aws {
			return errAWSManaged(arn)
		}
		if has, err := exists(ctx, txn, pPolAttach+polKey(p)+"/"); err != nil || has {
			if err != nil {
				return err
			}
			return errorf(ErrDeleteConflict, "Cannot delete a policy attached to entities.")
		}
		n, err := count(ctx, txn, pVersion+fold(p.PolicyName)+"/", 2)
		if err != nil {
			return err
		}
		if n > 1 {
			return errorf(ErrDeleteConflict, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		if err := deleteAll(ctx, txn, pVersion+fold(p.PolicyName)+"/"); err != nil {
			return err
		}
		return txn.Delete(key(pManaged, fold(p.PolicyName)))
	})
}

// ListPoliciesInput filters ListPolicies. Scope is All, AWS or Local.
type ListPoliciesInput struct {
	Scope        string
	OnlyAttached bool
	PathPrefix   string
	Page         Page
}

// ListPolicies lists managed policies: AWS's first, then the account's,
// each in name order.
func (s *Service) ListPolicies(ctx context.Context, in ListPoliciesInput) ([]ManagedPolicy, string, error) {
	var all []ManagedPolicy
	switch in.Scope {
	case "", "All", "AWS", "Local":
	default:
		return nil, "", errorf(ErrValidation, "1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", clip(in.Scope))
	}
	if in.Scope != "Local" {
		for _, n := range awsPolicyNames() {
			all = append(all, *awsPolicies[fold(n)].managed())
		}
	}
	if in.Scope != "AWS" {
		err := scan(ctx, s.store, pManaged, "", func(_ string, raw []byte) (bool, error) {
			var p ManagedPolicy
			if err := decodeRecord(raw, &p); err != nil {
				return false, err
			}
			all = append(all, p)
			return false, nil
		})
		if err != nil {
			return nil, "", err
		}
	}
	var keep []ManagedPolicy
	for i := range all {
		p := &all[i]
		if !strings.HasPrefix(p.Path, in.PathPrefix) {
			continue
		}
		n, err := count(ctx, s.store, pPolAttach+polKey(p)+"/", 1<<30)
		if err != nil {
			return nil, "", err
		}
		p.AttachmentCount = n
		if in.OnlyAttached && n == 0 {
			continue
		}
		keep = append(keep, *p)
	}
	return pageOf(keep, in.Page, func(p *ManagedPolicy) string { return policyMarker(p) })
}

// policyMarker orders AWS's policies before the account's in markers.
func policyMarker(p *ManagedPolicy) string {
	if p.aws {
		return "A" + p.PolicyName
	}
	return "L" + fold(p.PolicyName)
}

// pageOf pages an in-memory listing whose items are in marker order.
func pageOf[T any](items []T, page Page, marker func(*T) string) ([]T, string, error) {
	limit, err := page.limit()
	if err != nil {
		return nil, "", err
	}
	after, err := page.marker()
	if err != nil {
		return nil, "", err
	}
	start := 0
	if after != "" {
		start = sort.Search(len(items), func(i int) bool { return marker(&items[i]) > after })
	}
	items = items[start:]
	if len(items) <= limit {
		return items, "", nil
	}
	return items[:limit], marker(&items[limit-1]), nil
}

func versionNumber(id string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	return n, err == nil && strings.HasPrefix(id, "v") && n > 0 && "v"+strconv.Itoa(n) == id
}

// errNoVersion is the answer for a version that does not exist.
func errNoVersion(arn, id string) error {
	return errorf(ErrNoSuchEntity, "Policy %s version %s does not exist or is not attachable.", clip(arn), clip(id))
}

func errAWSManaged(arn string) error {
	return errorf(ErrAccessDenied, "Policy %s is an AWS managed policy and cannot be changed.", clip(arn))
}
