package s3api

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Names of the access documents in the bucket configuration store (and
// of the account-wide Block Public Access setting).
const (
	cfgPolicy       = "policy"
	cfgPublicAccess = "public-access-block"
	cfgOwnership    = "ownership"
	cfgBucketACL    = "acl"
)

// Object Ownership settings.
const (
	ownerEnforced  = "BucketOwnerEnforced"
	ownerPreferred = "BucketOwnerPreferred"
	objectWriter   = "ObjectWriter"
)

// publicAccessBlock is a Block Public Access configuration. A bucket
// without a stored one has all four on (the default for new buckets);
// DeletePublicAccessBlock stores one with Set false, all off.
type publicAccessBlock struct {
	Set                   bool `json:"set"`
	BlockPublicAcls       bool `json:"bpa"`
	IgnorePublicAcls      bool `json:"ipa"`
	BlockPublicPolicy     bool `json:"bpp"`
	RestrictPublicBuckets bool `json:"rpb"`
}

var allBlocked = publicAccessBlock{Set: true, BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}

func (p publicAccessBlock) or(q publicAccessBlock) publicAccessBlock {
	return publicAccessBlock{
		Set:                   p.Set || q.Set,
		BlockPublicAcls:       p.BlockPublicAcls || q.BlockPublicAcls,
		IgnorePublicAcls:      p.IgnorePublicAcls || q.IgnorePublicAcls,
		BlockPublicPolicy:     p.BlockPublicPolicy || q.BlockPublicPolicy,
		RestrictPublicBuckets: p.RestrictPublicBuckets || q.RestrictPublicBuckets,
	}
}

func decodePAB(doc []byte, missing publicAccessBlock) publicAccessBlock {
	if doc == nil {
		return missing
	}
	var p publicAccessBlock
	if json.Unmarshal(doc, &p) != nil {
		return allBlocked // an unreadable setting fails closed
	}
	return p
}

// bucketAccess is what authorization knows of a bucket, read fresh from
// the metadata store on every request (point reads) so that two gateways
// never disagree; only the parsing of policies is cached.
type bucketAccess struct {
	policy    *parsedPolicy // nil: no bucket policy
	pab       publicAccessBlock
	ownership string // "" after DeleteBucketOwnershipControls (ACLs enabled)
	acl       *acl   // nil: owner only
	owner     acctRef
}

func (b *bucketAccess) aclsEnabled() bool { return b.ownership != ownerEnforced }

// loadAccess reads a bucket's access documents. full is false for the
// account root, who needs only the bucket policy (its explicit Deny).
func (h *handler) loadAccess(ctx context.Context, bucket string, full bool) (*bucketAccess, error) {
	if bucket == "" {
		return &bucketAccess{pab: allBlocked, ownership: ownerEnforced}, nil
	}
	names := []string{cfgPolicy}
	if full {
		names = append(names, cfgPublicAccess, cfgOwnership, cfgBucketACL)
	}
	docs, err := h.svc.BucketConfigs(ctx, bucket, names...)
	if err != nil {
		return nil, err
	}
	b := &bucketAccess{pab: allBlocked, ownership: ownerEnforced}
	if docs[0] != nil {
		if b.policy, err = cachedPolicy(string(docs[0]), policy.KindBucket); err != nil {
			return nil, err
		}
	}
	if !full {
		return b, nil
	}
	acct, err := h.accountPAB(ctx)
	if err != nil {
		return nil, err
	}
	b.pab = decodePAB(docs[1], allBlocked).or(acct)
	if docs[2] != nil {
		b.ownership = string(docs[2])
	}
	if docs[3] != nil && b.aclsEnabled() {
		b.acl = decodeACL(docs[3])
	}
	return b, nil
}

// accountPAB is the account-wide setting: off until an operator sets it.
func (h *handler) accountPAB(ctx context.Context) (publicAccessBlock, error) {
	doc, err := h.svc.GetAccountConfig(ctx, cfgPublicAccess)
	if err != nil {
		if isNoConfig(err) {
			return publicAccessBlock{}, nil
		}
		return publicAccessBlock{}, err
	}
	return decodePAB(doc, publicAccessBlock{}), nil
}

// parsedPolicy is a compiled policy with what authorization asks of it.
type parsedPolicy struct {
	p      *policy.Policy
	public bool
	// tags: a condition names s3:ExistingObjectTag/…, so object tags must
	// be read for it. Policies without such a condition never pay for it.
	tags bool
	// resTags: a condition names aws:ResourceTag/…, so the bucket's tags
	// must be read for it.
	resTags bool
	size    int
}

// The policy cache is keyed by the document itself, so it needs no
// invalidation: a changed policy is a different key, on every gateway.
// It is bounded by the bytes of the documents it holds.
const maxPolicyCacheBytes = 8 << 20

type policyKey struct {
	kind policy.Kind
	doc  string
}

var policyCache = struct {
	sync.Mutex
	m     map[policyKey]*parsedPolicy
	bytes int
}{m: map[policyKey]*parsedPolicy{}}

func cachedPolicy(doc string, kind policy.Kind) (*parsedPolicy, error) {
	key := policyKey{kind, doc}
	policyCache.Lock()
	pp := policyCache.m[key]
	policyCache.Unlock()
	if pp != nil {
		return pp, nil
	}
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		return nil, err
	}
	pp = &parsedPolicy{
		p: p, public: kind == policy.KindBucket && policy.IsPublic(p),
		tags:    strings.Contains(strings.ToLower(doc), strings.ToLower(policy.KeyS3ExistingObjectTag)),
		resTags: strings.Contains(strings.ToLower(doc), strings.ToLower(keyResourceTag)),
		size:    len(doc),
	}
	policyCache.Lock()
	defer policyCache.Unlock()
	if policyCache.bytes+pp.size > maxPolicyCacheBytes {
		clear(policyCache.m) // rare; re-parsing is correct, only slower
		policyCache.bytes = 0
	}
	if _, ok := policyCache.m[key]; !ok {
		policyCache.m[key] = pp
		policyCache.bytes += pp.size
	}
	return pp, nil
}

func isNoConfig(err error) bool { return errors.Is(err, object.ErrNoSuchBucketConfig) }
