package iam

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/hoard-s3/hoard/internal/policy"
)

// Errors of AssumeRoleWithWebIdentity, as STS names them.
var (
	ErrInvalidIdentityToken = errors.New("iam: invalid identity token") // InvalidIdentityToken 400
	ErrExpiredIdentityToken = errors.New("iam: expired identity token") // ExpiredTokenException 400
	ErrIDPCommunication     = errors.New("iam: identity provider unreachable")
)

// WebIdentityInput is an AssumeRoleWithWebIdentity request.
type WebIdentityInput struct {
	RoleARN          string
	RoleSessionName  string
	WebIdentityToken string
	DurationSeconds  int32
	Policy           string
	PolicyARNs       []string // managed session policies
}

// WebIdentityResult is what AssumeRoleWithWebIdentity answers.
type WebIdentityResult struct {
	Credentials *Credentials
	User        *AssumedRoleUser
	Subject     string // the token's sub
	Audience    string // the client id the token was issued to
	Provider    string // the provider's HOST[/PATH]
}

// keyCacheTTL is how long a provider's discovery document is trusted
// before it is fetched again. Signing keys refresh sooner on their own: a
// token signed by an unknown key id fetches the JWKS again.
const keyCacheTTL = time.Hour

// verifiers caches each issuer's discovery document and keys. The cache
// holds only what the issuer publishes; whether the account trusts the
// issuer is read from the metadata store on every call.
type verifiers struct {
	mu     sync.Mutex
	byURL  map[string]cachedProvider
	client *http.Client
}

// defaultOIDCClient fetches providers' documents unless Config says
// otherwise.
var defaultOIDCClient = &http.Client{Timeout: 10 * time.Second}

// caches holds one verifier cache per HTTP client, shared by the
// services of every account (they are built per request).
var caches sync.Map // *http.Client → *verifiers

func verifiersFor(c *http.Client) *verifiers {
	if c == nil {
		c = defaultOIDCClient
	}
	v, _ := caches.LoadOrStore(c, &verifiers{client: c})
	return v.(*verifiers)
}

type cachedProvider struct {
	p       *oidc.Provider
	fetched time.Time
}

func (v *verifiers) get(ctx context.Context, issuer string, now time.Time) (*oidc.Provider, error) {
	v.mu.Lock()
	c, ok := v.byURL[issuer]
	v.mu.Unlock()
	if ok && now.Sub(c.fetched) < keyCacheTTL {
		return c.p, nil
	}
	fetchCtx, cancel := context.WithTimeout(oidc.ClientContext(context.WithoutCancel(ctx), v.client), 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(fetchCtx, issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrIDPCommunication, err)
	}
	v.mu.Lock()
	if v.byURL == nil {
		v.byURL = map[string]cachedProvider{}
	}
	v.byURL[issuer] = cachedProvider{p: p, fetched: now}
	v.mu.Unlock()
	return p, nil
}

// unverifiedIssuer reads a JWT's iss claim before its signature is
// checked: only to find which provider's keys check it.
func unverifiedIssuer(token string) (string, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(token) > 20000 {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", false
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Iss == "" {
		return "", false
	}
	return c.Iss, true
}

// webClaims are the claims a trust policy can test.
type webClaims struct {
	AMR  json.RawMessage `json:"amr"`
	AZP  string          `json:"azp"`
	Tags *webTags        `json:"https://aws.amazon.com/tags"`
}

// webTags is the session tags claim AWS reads from an ID token.
type webTags struct {
	PrincipalTags     map[string][]string `json:"principal_tags"`
	TransitiveTagKeys []string            `json:"transitive_tag_keys"`
}

// sessionTags are the claim's tags (one value per key, as AWS requires).
func (c *webClaims) sessionTags() ([]Tag, []string, error) {
	if c.Tags == nil {
		return nil, nil, nil
	}
	tags := make([]Tag, 0, len(c.Tags.PrincipalTags))
	for k, v := range c.Tags.PrincipalTags {
		if len(v) != 1 {
			return nil, nil, errorf(ErrInvalidIdentityToken, "The session tag %s of the web identity token must have exactly one value.", clip(k))
		}
		tags = append(tags, Tag{Key: k, Value: v[0]})
	}
	return sessionTags(nil, sortedTags(tagSet(tags)), c.Tags.TransitiveTagKeys)
}

// AssumeRoleWithWebIdentity exchanges an OpenID Connect ID token of a
// provider the account registered for credentials of a role whose trust
// policy allows the provider (Principal {"Federated": PROVIDER-ARN}) and
// whose conditions on HOSTPATH:aud, :sub, :amr hold.
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, in WebIdentityInput) (*WebIdentityResult, error) {
	if !sessionNameRE.MatchString(in.RoleSessionName) {
		return nil, errorf(ErrValidation, "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", clip(in.RoleSessionName))
	}
	if len(in.WebIdentityToken) < 4 || len(in.WebIdentityToken) > 20000 {
		return nil, errorf(ErrValidation, "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length between 4 and 20000")
	}
	dur, err := duration(in.DurationSeconds, DefaultRoleSessionDuration, MaxRoleSessionDuration)
	if err != nil {
		return nil, err
	}
	if err := s.checkSessionPolicies(ctx, in.Policy, in.PolicyARNs); err != nil {
		return nil, err
	}
	prov, tok, claims, err := s.verifyWebToken(ctx, in.WebIdentityToken)
	if err != nil {
		return nil, err
	}
	tags, transitive, err := claims.sessionTags()
	if err != nil {
		return nil, err
	}
	aud := ""
	for _, a := range tok.Audience {
		if slices.Contains(prov.ClientIDs, a) {
			aud = a
			break
		}
	}
	if aud == "" {
		return nil, errorf(ErrInvalidIdentityToken, "Incorrect token audience")
	}
	role, err := s.roleByARN(ctx, in.RoleARN)
	denied := errorf(ErrAccessDenied, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	if err != nil {
		return nil, denied
	}
	caller := policy.Principal{Type: policy.PrincipalFederated, Provider: prov.ARN, ARN: prov.ARN, UserID: prov.hostPath() + ":" + tok.Subject}
	cond := withResourceTags(webContext(prov, tok, claims, aud, in.RoleSessionName, s.now()), role.Tags)
	if !trustsWebIdentity(role, caller, "sts:AssumeRoleWithWebIdentity", cond) {
		return nil, denied
	}
	if len(tags) > 0 && !trustsWebIdentity(role, caller, "sts:TagSession", tagSessionContext(cond, tags)) {
		return nil, errorf(ErrAccessDenied, "Not authorized to perform sts:TagSession")
	}
	if dur > int(role.MaxSessionDuration) {
		return nil, errorf(ErrValidation, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	rec := sessionRecord{Kind: policy.PrincipalAssumedRole, RoleName: role.RoleName, RoleID: role.RoleID,
		SessionName: in.RoleSessionName, Policy: in.Policy, PolicyARNs: in.PolicyARNs, Provider: prov.ARN,
		Tags: tags, Transitive: transitive}
	creds, err := s.issue(ctx, rec, dur)
	if err != nil {
		return nil, err
	}
	return &WebIdentityResult{
		Credentials: creds,
		User: &AssumedRoleUser{
			AssumedRoleID: role.RoleID + ":" + in.RoleSessionName,
			ARN:           fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", s.acct, role.RoleName, in.RoleSessionName),
		},
		Subject: tok.Subject, Audience: aud, Provider: prov.hostPath(),
	}, nil
}

// verifyWebToken checks a token's signature with its issuer's published
// keys, its issuer against the account's providers and its expiry.
func (s *Service) verifyWebToken(ctx context.Context, token string) (*OIDCProvider, *oidc.IDToken, *webClaims, error) {
	iss, ok := unverifiedIssuer(token)
	if !ok {
		return nil, nil, nil, errorf(ErrInvalidIdentityToken, "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.")
	}
	prov, err := s.providerByIssuer(ctx, iss)
	if errors.Is(err, errNoSuchProvider) || errors.Is(err, ErrValidation) {
		return nil, nil, nil, errorf(ErrInvalidIdentityToken, "No OpenIDConnect provider found in your account for %s", clip(iss))
	}
	if err != nil {
		return nil, nil, nil, err
	}
	op, err := s.oidc.get(ctx, iss, s.now())
	if err != nil {
		return nil, nil, nil, &Error{Kind: ErrIDPCommunication, Msg: "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements"}
	}
	v := op.VerifierContext(oidc.ClientContext(context.WithoutCancel(ctx), s.oidc.client), &oidc.Config{SkipClientIDCheck: true, Now: s.now})
	tok, err := v.Verify(ctx, token)
	var expired *oidc.TokenExpiredError
	switch {
	case errors.As(err, &expired):
		return nil, nil, nil, errorf(ErrExpiredIdentityToken, "Token expired: current date/time %s must be before the expiration date/time %s",
			s.now().UTC().Format(time.RFC3339), expired.Expiry.UTC().Format(time.RFC3339))
	case err != nil:
		return nil, nil, nil, errorf(ErrInvalidIdentityToken, "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.")
	}
	var claims webClaims
	if err := tok.Claims(&claims); err != nil {
		return nil, nil, nil, errorf(ErrInvalidIdentityToken, "The claims of the web identity token cannot be read.")
	}
	return prov, tok, &claims, nil
}

// webContext holds the condition keys of a web-identity trust policy:
// HOSTPATH:aud, :sub, :amr, :azp (AWS's keys for OIDC providers), the
// session name and the time.
func webContext(p *OIDCProvider, tok *oidc.IDToken, c *webClaims, aud, sessionName string, now time.Time) map[string][]string {
	hp := p.hostPath()
	m := map[string][]string{
		hp + ":aud":             {aud},
		hp + ":oaud":            tok.Audience,
		hp + ":sub":             {tok.Subject},
		"sts:RoleSessionName":   {sessionName},
		"aws:CurrentTime":       {now.UTC().Format(time.RFC3339)},
		"aws:FederatedProvider": {p.ARN},
	}
	if c.AZP != "" {
		m[hp+":azp"] = []string{c.AZP}
	}
	var amr []string
	if json.Unmarshal(c.AMR, &amr) != nil {
		var one string
		if json.Unmarshal(c.AMR, &one) == nil && one != "" {
			amr = []string{one}
		}
	}
	if len(amr) > 0 {
		m[hp+":amr"] = amr
	}
	return m
}

// trustsWebIdentity evaluates a role's trust policy for a federated
// caller; there are no identity policies on this side.
func trustsWebIdentity(role *Role, caller policy.Principal, action string, cond map[string][]string) bool {
	trust, err := policy.Parse([]byte(role.AssumeRolePolicyDocument), policy.KindTrust)
	if err != nil {
		return false
	}
	req := &policy.Request{Principal: caller, Action: action, Resource: role.ARN, Context: cond}
	return trust.Evaluate(req) == policy.ResultAllow
}
