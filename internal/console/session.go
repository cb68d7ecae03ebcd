package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// cookieName is the session cookie; csrfHeader carries the per-session
// token every mutating call must echo.
const (
	cookieName = "hoard_console"
	csrfHeader = "X-Hoard-Csrf"
)

// session is one signed-in browser. The secret stays here, server-side,
// for the session's life only: it signs the console's S3 calls and the
// presigned URLs it hands out; the browser never receives it.
type session struct {
	creds   aws.Credentials
	arn     string
	root    bool
	csrf    string
	created time.Time
	expires time.Time
}

// sessionStore keeps sessions in memory, bounded: when full, expired
// sessions go first, then the oldest. Sessions are keyed by the SHA-256 of
// their id, so a timing side channel on the map reveals nothing usable.
type sessionStore struct {
	mu  sync.Mutex
	max int
	m   map[[32]byte]*session
	now func() time.Time
}

func newSessionStore(max int) *sessionStore {
	return &sessionStore{max: max, m: make(map[[32]byte]*session), now: time.Now}
}

// randomToken returns 32 random bytes, URL-safe encoded.
func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("console: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// add stores s and returns its id.
func (st *sessionStore) add(s *session) string {
	id := randomToken()
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.m) >= st.max {
		st.evict()
	}
	st.m[sha256.Sum256([]byte(id))] = s
	return id
}

// evict drops expired sessions, and the oldest one if none had expired.
func (st *sessionStore) evict() {
	now := st.now()
	var oldestKey [32]byte
	var oldest *session
	for k, s := range st.m {
		if !now.Before(s.expires) {
			delete(st.m, k)
			continue
		}
		if oldest == nil || s.created.Before(oldest.created) {
			oldest, oldestKey = s, k
		}
	}
	if len(st.m) >= st.max && oldest != nil {
		delete(st.m, oldestKey)
	}
}

// get returns the live session with id, or nil.
func (st *sessionStore) get(id string) *session {
	if id == "" || len(id) > 100 {
		return nil
	}
	k := sha256.Sum256([]byte(id))
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.m[k]
	if s == nil {
		return nil
	}
	if !st.now().Before(s.expires) {
		delete(st.m, k)
		return nil
	}
	return s
}

func (st *sessionStore) remove(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.m, sha256.Sum256([]byte(id)))
}

func (st *sessionStore) len() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.m)
}

// sessionHandler is an API handler that runs for a signed-in user.
type sessionHandler func(w http.ResponseWriter, r *http.Request, s *session)

// withSession admits requests with a live session cookie; mutating
// methods must also carry the session's CSRF token (SameSite=Strict
// already keeps other sites' requests from carrying the cookie; the token
// is the second lock).
func (c *Console) withSession(next sessionHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		var s *session
		if ck, err := r.Cookie(cookieName); err == nil {
			s = c.sessions.get(ck.Value)
		}
		if s == nil {
			writeError(w, http.StatusUnauthorized, "NotSignedIn", "Sign in first (the session is missing or has expired).")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			tok := r.Header.Get(csrfHeader)
			if subtle.ConstantTimeCompare([]byte(tok), []byte(s.csrf)) != 1 {
				writeError(w, http.StatusForbidden, "BadCSRFToken", "The request lacks the session's CSRF token.")
				return
			}
		}
		next(w, r, s)
	}
}

func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: tlsconf.Secure(r), SameSite: http.SameSiteStrictMode,
	})
}
