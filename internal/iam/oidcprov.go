package iam

import (
	"context"
	"encoding/hex"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// OpenID Connect providers are stored as
//
//	iam/oidc/HOSTPATH     oidcRecord, HOSTPATH (the URL without https://)
//	                      hex-encoded so that its slashes stay in one part
const pOIDC = "iam/oidc/"

// AWS's quotas on providers.
const (
	MaxOIDCClientIDs   = 100
	MaxOIDCThumbprints = 5
	maxOIDCURL         = 255
)

// OIDCProvider is an OpenID Connect identity provider the account trusts.
type OIDCProvider struct {
	ARN            string
	URL            string // https://HOST[/PATH], the tokens' issuer
	ClientIDs      []string
	ThumbprintList []string
	CreateDate     time.Time
	Tags           []Tag `json:",omitempty"`
}

// hostPath is what a provider's ARN, its condition keys (HOSTPATH:aud)
// and its storage key name it by.
func (p *OIDCProvider) hostPath() string { return strings.TrimPrefix(p.URL, "https://") }

// checkProviderURL validates a provider URL: https, a host, no query or
// fragment, at most 255 characters.
func checkProviderURL(raw string) (string, error) {
	bad := errorf(ErrValidation, "1 validation error detected: Value at 'url' failed to satisfy constraint: Member must be a valid https URL of at most %d characters", maxOIDCURL)
	if raw == "" || len(raw) > maxOIDCURL {
		return "", bad
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", bad
	}
	return "https://" + strings.ToLower(u.Host) + strings.TrimSuffix(u.Path, "/"), nil
}

func checkClientIDs(ids []string) error {
	if len(ids) > MaxOIDCClientIDs {
		return errorf(ErrLimitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", MaxOIDCClientIDs)
	}
	for _, id := range ids {
		if id == "" || len(id) > 255 {
			return errorf(ErrValidation, "1 validation error detected: Value at 'clientIDList' failed to satisfy constraint: Member must have length between 1 and 255")
		}
	}
	return nil
}

func checkThumbprints(tps []string) error {
	if len(tps) > MaxOIDCThumbprints {
		return errorf(ErrLimitExceeded, "Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: %d", MaxOIDCThumbprints)
	}
	for _, tp := range tps {
		if _, err := hex.DecodeString(tp); err != nil || len(tp) != 40 {
			return errorf(ErrValidation, "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must have length 40 and be hexadecimal")
		}
	}
	return nil
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// CreateOpenIDConnectProvider registers an identity provider. The
// thumbprints are optional and kept for tools that read them: the
// issuer's certificate is verified against the system's trusted CAs, as
// AWS does for providers with a publicly trusted certificate.
func (s *Service) CreateOpenIDConnectProvider(ctx context.Context, rawURL string, clientIDs, thumbprints []string, tags []Tag) (*OIDCProvider, error) {
	u, err := checkProviderURL(rawURL)
	if err != nil {
		return nil, err
	}
	clientIDs, thumbprints = dedupe(clientIDs), dedupe(thumbprints)
	if err := checkClientIDs(clientIDs); err != nil {
		return nil, err
	}
	if err := checkThumbprints(thumbprints); err != nil {
		return nil, err
	}
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	p := &OIDCProvider{URL: u, ClientIDs: clientIDs, ThumbprintList: thumbprints, CreateDate: s.clock(), Tags: sortedTags(tagSet(tags))}
	p.ARN = s.arn("oidc-provider/", "", p.hostPath())
	err = s.store.Update(ctx, func(txn meta.Txn) error {
		k := key(pOIDC, hex.EncodeToString([]byte(p.hostPath())))
		if _, err := txn.Get(ctx, k); err == nil {
			return errorf(ErrEntityAlreadyExists, "Provider with url %s already exists.", u)
		} else if !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		return setJSON(txn, k, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// providerKey finds the storage key of a provider ARN of this account.
func (s *Service) providerKey(arn string) ([]byte, error) {
	hostPath, ok := strings.CutPrefix(arn, s.arn("oidc-provider/", "", ""))
	if arn == "" {
		return nil, errorf(ErrValidation, "1 validation error detected: Value at 'openIDConnectProviderArn' failed to satisfy constraint: Member must not be null")
	}
	if !ok || hostPath == "" || len(arn) > 2048 {
		return nil, errorf(ErrInvalidInput, "ARN %s is not valid.", clip(arn))
	}
	return key(pOIDC, hex.EncodeToString([]byte(hostPath))), nil
}

func (s *Service) provider(ctx context.Context, r meta.Reader, arn string) (*OIDCProvider, []byte, error) {
	k, err := s.providerKey(arn)
	if err != nil {
		return nil, nil, err
	}
	var p OIDCProvider
	found, err := getJSON(ctx, r, k, &p)
	if err != nil {
		return nil, nil, err
	}
	if !found {
		return nil, nil, errorf(ErrNoSuchEntity, "OpenIDConnect Provider not found for arn %s", clip(arn))
	}
	return &p, k, nil
}

// GetOpenIDConnectProvider returns a provider.
func (s *Service) GetOpenIDConnectProvider(ctx context.Context, arn string) (*OIDCProvider, error) {
	p, _, err := s.provider(ctx, s.store, arn)
	return p, err
}

// ListOpenIDConnectProviders lists the account's providers.
func (s *Service) ListOpenIDConnectProviders(ctx context.Context) ([]OIDCProvider, error) {
	var out []OIDCProvider
	err := scan(ctx, s.store, pOIDC, "", func(_ string, raw []byte) (bool, error) {
		var p OIDCProvider
		if err := decodeRecord(raw, &p); err != nil {
			return false, err
		}
		out = append(out, p)
		return false, nil
	})
	return out, err
}

// DeleteOpenIDConnectProvider deletes a provider; sessions it issued stay
// valid until they expire, as in AWS.
func (s *Service) DeleteOpenIDConnectProvider(ctx context.Context, arn string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		_, k, err := s.provider(ctx, txn, arn)
		if err != nil {
			return err
		}
		return txn.Delete(k)
	})
}

// UpdateOpenIDConnectProvider changes a provider's client ids or
// thumbprints with fn.
func (s *Service) UpdateOpenIDConnectProvider(ctx context.Context, arn string, fn func(*OIDCProvider) error) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		p, k, err := s.provider(ctx, txn, arn)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		p.ClientIDs, p.ThumbprintList = dedupe(p.ClientIDs), dedupe(p.ThumbprintList)
		if err := checkClientIDs(p.ClientIDs); err != nil {
			return err
		}
		if err := checkThumbprints(p.ThumbprintList); err != nil {
			return err
		}
		return setJSON(txn, k, p)
	})
}

// providerByIssuer finds the provider whose URL is a token's issuer.
func (s *Service) providerByIssuer(ctx context.Context, issuer string) (*OIDCProvider, error) {
	u, err := checkProviderURL(issuer)
	if err != nil {
		return nil, err
	}
	var p OIDCProvider
	found, err := getJSON(ctx, s.store, key(pOIDC, hex.EncodeToString([]byte(strings.TrimPrefix(u, "https://")))), &p)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoSuchProvider
	}
	return &p, nil
}

var errNoSuchProvider = errors.New("iam: no such identity provider")
