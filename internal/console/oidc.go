package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDCConfig makes the console offer "Sign in with NAME": the
// authorization-code flow (with PKCE) at the issuer, then
// AssumeRoleWithWebIdentity of RoleARN with the ID token, whose
// credentials the session uses. The role's trust policy decides who may
// sign in (its HOST:aud, :sub and :amr conditions); the account must have
// the issuer registered as an OpenID Connect provider.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RoleARN      string
	// Name is shown on the button; empty: the issuer's host.
	Name string
	// RedirectURL is the console's /oidc/callback as registered at the
	// issuer; empty: derived from the request's host.
	RedirectURL string
	// HTTPClient fetches the issuer's documents and exchanges codes;
	// nil: a client with a 10 s timeout.
	HTTPClient *http.Client
}

// pendingLogin is a sign-in that went to the issuer and has not come back.
type pendingLogin struct {
	nonce, verifier, redirect string
	started                   time.Time
}

// oidcLogin holds the issuer's discovered endpoints and the sign-ins in
// flight (in memory, like the sessions they become; bounded, ten minutes
// each).
type oidcLogin struct {
	cfg      OIDCConfig
	mu       sync.Mutex
	provider *oidc.Provider
	pending  map[string]pendingLogin
}

const (
	maxPendingLogins = 1000
	loginTimeout     = 10 * time.Minute
)

func newOIDCLogin(cfg *OIDCConfig) *oidcLogin {
	if cfg == nil || cfg.Issuer == "" {
		return nil
	}
	c := *cfg
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if c.Name == "" {
		if u, err := url.Parse(c.Issuer); err == nil {
			c.Name = u.Host
		}
	}
	return &oidcLogin{cfg: c, pending: map[string]pendingLogin{}}
}

func (o *oidcLogin) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, o.cfg.HTTPClient)
}

// discover fetches the issuer's discovery document once it answers.
func (o *oidcLogin) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	p := o.provider
	o.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := oidc.NewProvider(o.ctx(ctx), o.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("console: discover %s: %w", o.cfg.Issuer, err)
	}
	o.mu.Lock()
	o.provider = p
	o.mu.Unlock()
	return p, nil
}

func (o *oidcLogin) oauth(p *oidc.Provider, redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: redirect, Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
}

func (o *oidcLogin) remember(state string, pl pendingLogin) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for k, v := range o.pending {
		if len(o.pending) < maxPendingLogins && time.Since(v.started) < loginTimeout {
			break
		}
		delete(o.pending, k) // map order is random: full maps shed arbitrary entries
	}
	o.pending[state] = pl
}

func (o *oidcLogin) take(state string) (pendingLogin, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	pl, ok := o.pending[state]
	delete(o.pending, state)
	return pl, ok && time.Since(pl.started) < loginTimeout
}

// oidcInfo tells the sign-in page whether to offer the button.
func (c *Console) oidcInfo(w http.ResponseWriter, r *http.Request) {
	if c.oidc == nil {
		writeJSON(w, http.StatusOK, map[string]any{"enabled": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"enabled": true, "name": c.oidc.cfg.Name})
}

func (c *Console) redirectURL(r *http.Request) string {
	if c.oidc.cfg.RedirectURL != "" {
		return c.oidc.cfg.RedirectURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/oidc/callback"
}

// oidcStart sends the browser to the issuer.
func (c *Console) oidcStart(w http.ResponseWriter, r *http.Request) {
	if c.oidc == nil {
		http.NotFound(w, r)
		return
	}
	p, err := c.oidc.discover(r.Context())
	if err != nil {
		c.log.Warn("console sign-in: identity provider unreachable", "err", err)
		http.Error(w, "The identity provider cannot be reached.", http.StatusBadGateway)
		return
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	redirect := c.redirectURL(r)
	c.oidc.remember(state, pendingLogin{nonce: nonce, verifier: verifier, redirect: redirect, started: time.Now()})
	u := c.oidc.oauth(p, redirect).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u, http.StatusFound)
}

// oidcCallback finishes the flow: code for ID token, ID token for the
// role's credentials, credentials for a session.
func (c *Console) oidcCallback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if c.oidc == nil {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	pl, ok := c.oidc.take(q.Get("state"))
	if !ok {
		http.Error(w, "This sign-in expired or was not started here; start again.", http.StatusBadRequest)
		return
	}
	if e := q.Get("error"); e != "" {
		http.Error(w, "The identity provider refused the sign-in: "+clipText(e), http.StatusUnauthorized)
		return
	}
	token, err := c.exchangeCode(r.Context(), pl, q.Get("code"))
	if err != nil {
		c.log.Warn("console sign-in: code exchange failed", "err", err)
		http.Error(w, "The identity provider's answer could not be verified.", http.StatusUnauthorized)
		return
	}
	out, err := c.assumeWeb(r.Context(), token)
	if err != nil {
		c.log.Info("console sign-in refused by STS", "err", err)
		http.Error(w, "Signing in with the identity provider is not allowed for this account.", http.StatusForbidden)
		return
	}
	cr := out.Credentials
	c.startSession(w, r, aws.Credentials{AccessKeyID: aws.ToString(cr.AccessKeyId), SecretAccessKey: aws.ToString(cr.SecretAccessKey),
		SessionToken: aws.ToString(cr.SessionToken), Source: "console-oidc"})
	http.Redirect(w, r, "/#/buckets", http.StatusSeeOther)
}

type idToken struct {
	raw, sessionName string
}

func (c *Console) exchangeCode(ctx context.Context, pl pendingLogin, code string) (*idToken, error) {
	p, err := c.oidc.discover(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := c.oidc.oauth(p, pl.redirect).Exchange(c.oidc.ctx(ctx), code, oauth2.VerifierOption(pl.verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("the token answer has no id_token")
	}
	idt, err := p.VerifierContext(c.oidc.ctx(ctx), &oidc.Config{ClientID: c.oidc.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	if idt.Nonce != pl.nonce {
		return nil, fmt.Errorf("nonce mismatch")
	}
	var claims struct {
		PreferredUsername string `json:"preferred_username"`
		Email             string `json:"email"`
	}
	_ = idt.Claims(&claims)
	return &idToken{raw: raw, sessionName: sessionName(claims.PreferredUsername, claims.Email, idt.Subject)}, nil
}

func (c *Console) assumeWeb(ctx context.Context, t *idToken) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	cl := sts.New(sts.Options{Region: c.cfg.Region, BaseEndpoint: aws.String(c.internalS3URL()), HTTPClient: c.cfg.HTTPClient, RetryMaxAttempts: 1})
	return cl.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(c.oidc.cfg.RoleARN), RoleSessionName: aws.String(t.sessionName), WebIdentityToken: aws.String(t.raw),
	})
}

var sessionNameBad = regexp.MustCompile(`[^\w+=,.@-]`)

// sessionName is the first usable of the claims, in STS's alphabet.
func sessionName(candidates ...string) string {
	for _, s := range candidates {
		s = sessionNameBad.ReplaceAllString(s, "-")
		if len(s) > 64 {
			s = s[:64]
		}
		if len(s) >= 2 {
			return s
		}
	}
	return "console-" + randomToken()[:8]
}

func clipText(s string) string {
	if len(s) > 100 {
		s = s[:100]
	}
	return strings.ToValidUTF8(s, "?")
}
