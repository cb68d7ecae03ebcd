package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

type loginInput struct {
	AccessKey    string `json:"accessKey"`
	SecretKey    string `json:"secretKey"`
	SessionToken string `json:"sessionToken"`
}

// login checks the key pair against the credential store (the same one
// the S3 verifier uses) and opens a session. Every failure reads the same,
// so the answer does not tell which half was wrong.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, "CrossOrigin", "Sign-in must come from the console's own page.")
		return
	}
	var in loginInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if in.AccessKey == "" || in.SecretKey == "" || len(in.AccessKey) > 128 || len(in.SecretKey) > 256 || len(in.SessionToken) > 4096 {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Enter an access key and a secret key.")
		return
	}
	cred, err := c.cfg.Credentials.Lookup(r.Context(), in.AccessKey)
	if err == nil && !credentialMatches(cred, in) {
		err = sigv4.ErrInvalidAccessKeyID
	}
	if err != nil {
		if !errors.Is(err, sigv4.ErrInvalidAccessKeyID) && !errors.Is(err, sigv4.ErrExpiredToken) {
			c.log.Warn("console sign-in lookup failed", "err", err)
		}
		// A fixed pause makes guessing slow without holding any lock.
		time.Sleep(300 * time.Millisecond)
		writeError(w, http.StatusUnauthorized, "InvalidCredentials", "The access key, secret key or session token is not valid.")
		return
	}
	s := c.startSession(w, r, aws.Credentials{AccessKeyID: in.AccessKey, SecretAccessKey: in.SecretKey, SessionToken: in.SessionToken, Source: "console"})
	writeJSON(w, http.StatusOK, c.sessionInfo(r, s))
}

// startSession opens a session with verified credentials and sets its
// cookie.
func (c *Console) startSession(w http.ResponseWriter, r *http.Request, creds aws.Credentials) *session {
	now := time.Now()
	s := &session{
		creds:   creds,
		csrf:    randomToken(),
		created: now,
		expires: now.Add(c.cfg.SessionTTL),
		arn:     creds.AccessKeyID,
	}
	if c.cfg.Identities != nil {
		if p, err := c.cfg.Identities.Principal(r.Context(), creds.AccessKeyID); err == nil {
			s.arn, s.root = p.ARN, p.IsRoot()
			if p.Temporary && p.Expiration.Before(s.expires) {
				s.expires = p.Expiration
			}
		}
	}
	id := c.sessions.add(s)
	c.setCookie(w, r, id, int(time.Until(s.expires)/time.Second))
	c.log.Info("console sign-in", "principal", s.arn, "via", creds.Source)
	return s
}

func credentialMatches(cred sigv4.Credential, in loginInput) bool {
	ok := subtle.ConstantTimeCompare([]byte(cred.Secret), []byte(in.SecretKey)) == 1
	tokOK := subtle.ConstantTimeCompare([]byte(cred.SessionToken), []byte(in.SessionToken)) == 1
	return ok && tokOK
}

// sameOrigin refuses a browser request sent from another origin (a
// cross-site form post to the sign-in endpoint, say). Requests without an
// Origin header come from non-browser clients.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	scheme := "http://"
	if tlsconf.Secure(r) {
		scheme = "https://"
	}
	return o == scheme+r.Host
}

type sessionInfo struct {
	Principal     string `json:"principal"`
	AccessKey     string `json:"accessKey"`
	Root          bool   `json:"root"`
	CSRF          string `json:"csrf"`
	Expires       string `json:"expires"`
	S3URL         string `json:"s3Url"`
	PartURLExpiry int    `json:"partUrlExpirySeconds"`
}

func (c *Console) sessionInfo(r *http.Request, s *session) sessionInfo {
	return sessionInfo{
		Principal: s.arn, AccessKey: s.creds.AccessKeyID, Root: s.root, CSRF: s.csrf,
		Expires: s.expires.UTC().Format(time.RFC3339), S3URL: c.publicS3URL(r),
		PartURLExpiry: int(c.cfg.PartURLExpiry / time.Second),
	}
}

func (c *Console) getSession(w http.ResponseWriter, r *http.Request, s *session) {
	writeJSON(w, http.StatusOK, c.sessionInfo(r, s))
}

// logout destroys the session server-side, so the cookie is worthless
// even if a copy survives in the browser.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	if ck, err := r.Cookie(cookieName); err == nil {
		c.sessions.remove(ck.Value)
	}
	c.setCookie(w, r, "", -1)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}
