package console

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// AllowPresigned wraps the S3 handler so the console's page may read the
// answers to presigned requests (a part's ETag above all) without every
// bucket needing a CORS rule for it. It applies only to requests whose
// Origin is served on the console's port and that carry a presigned
// signature: the URL itself is the authorization, and no cookie or
// credential is ever sent to the S3 endpoint, so allowing the read grants
// nothing the URL did not. A bucket's own CORS rules, when they match,
// are written after these headers and take precedence.
func AllowPresigned(consolePort string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || !consoleOrigin(origin, consolePort) || !presigned(r.URL.RawQuery) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		if r.Method == http.MethodOptions {
			m := r.Header.Get("Access-Control-Request-Method")
			if m != http.MethodPut && m != http.MethodGet && m != http.MethodHead {
				next.ServeHTTP(w, r)
				return
			}
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, PUT")
			if rh := r.Header.Get("Access-Control-Request-Headers"); rh != "" && len(rh) < 1024 {
				h.Set("Access-Control-Allow-Headers", rh)
			}
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusOK)
			return
		}
		h.Set("Access-Control-Expose-Headers", "ETag, x-amz-request-id, x-amz-version-id")
		next.ServeHTTP(w, r)
	})
}

func consoleOrigin(origin, port string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Path != "" {
		return false
	}
	_, p, err := net.SplitHostPort(u.Host)
	return err == nil && p == port
}

func presigned(rawQuery string) bool {
	return strings.Contains(rawQuery, "X-Amz-Signature=") && strings.Contains(rawQuery, "X-Amz-Credential=")
}
