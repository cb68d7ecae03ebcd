package iam

import (
	"context"
	"sort"
	"strconv"

	"github.com/hoard-s3/hoard/internal/meta"
)

// GetPolicyVersion returns one version of a managed policy.
func (s *Service) GetPolicyVersion(ctx context.Context, arn, versionID string) (*PolicyVersion, error) {
	p, err := s.managedByARN(ctx, s.store, arn)
	if err != nil {
		return nil, err
	}
	if err := checkVersionID(versionID); err != nil {
		return nil, err
	}
	if p.aws {
		ap := awsPolicies[fold(p.PolicyName)]
		if versionID != ap.version {
			return nil, errNoVersion(arn, versionID)
		}
		return &PolicyVersion{VersionID: ap.version, Document: ap.doc, IsDefaultVersion: true, CreateDate: ap.updated}, nil
	}
	var v versionRecord
	found, err := getJSON(ctx, s.store, key(pVersion, fold(p.PolicyName), versionID), &v)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoVersion(arn, versionID)
	}
	return &PolicyVersion{VersionID: versionID, Document: v.Document, IsDefaultVersion: versionID == p.DefaultVersionID, CreateDate: v.CreateDate}, nil
}

// ListPolicyVersions lists a managed policy's versions, newest first.
func (s *Service) ListPolicyVersions(ctx context.Context, arn string) ([]PolicyVersion, error) {
	p, err := s.managedByARN(ctx, s.store, arn)
	if err != nil {
		return nil, err
	}
	if p.aws {
		ap := awsPolicies[fold(p.PolicyName)]
		return []PolicyVersion{{VersionID: ap.version, Document: ap.doc, IsDefaultVersion: true, CreateDate: ap.updated}}, nil
	}
	return s.versions(ctx, s.store, p)
}

func (s *Service) versions(ctx context.Context, r meta.Reader, p *ManagedPolicy) ([]PolicyVersion, error) {
	var out []PolicyVersion
	err := scan(ctx, r, pVersion+fold(p.PolicyName)+"/", "", func(id string, raw []byte) (bool, error) {
		var v versionRecord
		if err := decodeRecord(raw, &v); err != nil {
			return false, err
		}
		out = append(out, PolicyVersion{VersionID: id, Document: v.Document, IsDefaultVersion: id == p.DefaultVersionID, CreateDate: v.CreateDate})
		return false, nil
	})
	sort.Slice(out, func(i, j int) bool {
		a, _ := versionNumber(out[i].VersionID)
		b, _ := versionNumber(out[j].VersionID)
		return a > b
	})
	return out, err
}

// CreatePolicyVersion adds a version to a customer managed policy (at
// most five exist at once) and makes it the default when asked.
func (s *Service) CreatePolicyVersion(ctx context.Context, arn, doc string, setDefault bool) (*PolicyVersion, error) {
	if err := checkManagedDoc(doc); err != nil {
		return nil, err
	}
	var out *PolicyVersion
	err := s.store.Update(ctx, func(txn meta.Txn) error {
		p, err := s.managedByARN(ctx, txn, arn)
		if err != nil {
			return err
		}
		if p.aws {
			return errAWSManaged(arn)
		}
		n, err := count(ctx, txn, pVersion+fold(p.PolicyName)+"/", MaxPolicyVersions)
		if err != nil {
			return err
		}
		if n >= MaxPolicyVersions {
			return errorf(ErrLimitExceeded, "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", MaxPolicyVersions)
		}
		now := s.clock()
		if p.NextVersion < 2 {
			p.NextVersion = 2
		}
		id := "v" + strconv.Itoa(p.NextVersion)
		p.NextVersion++
		p.UpdateDate = now
		if setDefault {
			p.DefaultVersionID = id
		}
		if err := setJSON(txn, key(pVersion, fold(p.PolicyName), id), versionRecord{Document: doc, CreateDate: now}); err != nil {
			return err
		}
		out = &PolicyVersion{VersionID: id, Document: doc, IsDefaultVersion: setDefault, CreateDate: now}
		return setJSON(txn, key(pManaged, fold(p.PolicyName)), p)
	})
	return out, err
}

// SetDefaultPolicyVersion makes an existing version the one evaluated.
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, arn, versionID string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		p, err := s.managedByARN(ctx, txn, arn)
		if err != nil {
			return err
		}
		if p.aws {
			return errAWSManaged(arn)
		}
		if err := checkVersionID(versionID); err != nil {
			return err
		}
		if _, err := txn.Get(ctx, key(pVersion, fold(p.PolicyName), versionID)); err != nil {
			return errNoVersion(arn, versionID)
		}
		p.DefaultVersionID = versionID
		p.UpdateDate = s.clock()
		return setJSON(txn, key(pManaged, fold(p.PolicyName)), p)
	})
}

// DeletePolicyVersion deletes a version other than the default.
func (s *Service) DeletePolicyVersion(ctx context.Context, arn, versionID string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		p, err := s.managedByARN(ctx, txn, arn)
		if err != nil {
			return err
		}
		if p.aws {
			return errAWSManaged(arn)
		}
		if err := checkVersionID(versionID); err != nil {
			return err
		}
		k := key(pVersion, fold(p.PolicyName), versionID)
		if _, err := txn.Get(ctx, k); err != nil {
			return errNoVersion(arn, versionID)
		}
		if versionID == p.DefaultVersionID {
			return errorf(ErrDeleteConflict, "Cannot delete the default version of a policy.")
		}
		return txn.Delete(k)
	})
}

// defaultDocument returns the document evaluated for a managed policy.
func (s *Service) defaultDocument(ctx context.Context, r meta.Reader, arn string) (string, error) {
	p, err := s.managedByARN(ctx, r, arn)
	if err != nil {
		return "", err
	}
	if p.aws {
		return awsPolicies[fold(p.PolicyName)].doc, nil
	}
	raw, err := r.Get(ctx, key(pVersion, fold(p.PolicyName), p.DefaultVersionID))
	if err != nil {
		return "", err
	}
	var v versionRecord
	return v.Document, decodeRecord(raw, &v)
}

func checkVersionID(id string) error {
	if _, ok := versionNumber(id); !ok {
		return errorf(ErrValidation, "1 validation error detected: Value '%s' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", clip(id))
	}
	return nil
}
