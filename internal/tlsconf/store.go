package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Source names where a server's certificates are: one pair of PEM files
// (the default certificate), a directory of pairs chosen by SNI, or both.
// In the directory, NAME.crt goes with NAME.key; a certificate file may
// hold the chain after the leaf.
type Source struct {
	CertFile, KeyFile string
	Dir               string
}

// Empty reports whether no certificate is configured.
func (s Source) Empty() bool { return s.CertFile == "" && s.KeyFile == "" && s.Dir == "" }

func (s Source) check() error {
	if (s.CertFile == "") != (s.KeyFile == "") {
		return errors.New("a certificate file and a key file go together (--tls-cert and --tls-key)")
	}
	return nil
}

// Store holds the certificates a server presents and swaps them whole on
// a reload: handshakes in progress keep the set they started with, the
// next ones get the new set, and connections already open are untouched.
type Store struct {
	src Source
	log *slog.Logger
	cur atomic.Pointer[certSet]
	// acme, when set, answers names no file covers (acme.go).
	acme func(*tls.ClientHelloInfo) (*tls.Certificate, error)

	mu   sync.Mutex // serializes reloads
	seen string     // signature of the files last loaded or tried
}

// certSet is one loaded generation of certificates.
type certSet struct {
	def   *tls.Certificate
	exact map[string]*tls.Certificate // DNS name or IP
	wild  map[string]*tls.Certificate // "example.com" for *.example.com
	all   []*tls.Certificate
}

// Open loads the certificates of src; they must all be valid.
func Open(src Source, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.Default()
	}
	if err := src.check(); err != nil {
		return nil, err
	}
	s := &Store{src: src, log: log}
	if src.Empty() {
		s.cur.Store(&certSet{exact: map[string]*tls.Certificate{}, wild: map[string]*tls.Certificate{}})
		return s, nil
	}
	sig := src.state()
	set, err := src.load(time.Now())
	if err != nil {
		return nil, err
	}
	s.cur.Store(set)
	s.seen = sig
	return s, nil
}

// Reload loads the files again. A set that does not load (a missing or
// damaged file, a key that does not match, an expired certificate) leaves
// the current one in place; the error says why.
func (s *Store) Reload() error {
	if s.src.Empty() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = s.src.state()
	set, err := s.src.load(time.Now())
	if err != nil {
		s.log.Error("new TLS certificates refused; still serving the previous ones", "err", err)
		return err
	}
	s.cur.Store(set)
	s.log.Info("TLS certificates loaded", "certificates", len(set.all), "names", set.names())
	return nil
}

// changed reports whether the files differ from those last loaded or
// tried, so a broken file is reported once, not at every poll.
func (s *Store) changed() bool {
	sig := s.src.state()
	s.mu.Lock()
	defer s.mu.Unlock()
	return sig != s.seen
}

// GetCertificate picks the certificate for a handshake: the one naming
// the SNI host exactly, else a wildcard one for its parent domain, else
// the default.
func (s *Store) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	set := s.cur.Load()
	name := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	if c := set.match(name); c != nil {
		return c, nil
	}
	if s.acme != nil && (name != "" || isACMEChallenge(hello)) {
		return s.acme(hello)
	}
	if set.def == nil {
		return nil, fmt.Errorf("no certificate for %q", name)
	}
	return set.def, nil
}

func (set *certSet) match(name string) *tls.Certificate {
	if name == "" {
		return nil
	}
	if c, ok := set.exact[name]; ok {
		return c
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		return set.wild[name[i+1:]]
	}
	return nil
}

// Leaves returns the leaf certificates being served now.
func (s *Store) Leaves() []*x509.Certificate {
	set := s.cur.Load()
	out := make([]*x509.Certificate, 0, len(set.all))
	for _, c := range set.all {
		out = append(out, c.Leaf)
	}
	return out
}

func (set *certSet) names() []string {
	var out []string
	for n := range set.exact {
		out = append(out, n)
	}
	for n := range set.wild {
		out = append(out, "*."+n)
	}
	sort.Strings(out)
	return out
}

// load reads every pair of the source into a new set.
func (src Source) load(now time.Time) (*certSet, error) {
	set := &certSet{exact: map[string]*tls.Certificate{}, wild: map[string]*tls.Certificate{}}
	if src.CertFile != "" {
		c, err := loadPair(src.CertFile, src.KeyFile, now)
		if err != nil {
			return nil, err
		}
		set.def = c
		set.add(c)
	}
	if src.Dir != "" {
		pairs, err := dirPairs(src.Dir)
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			c, err := loadPair(p[0], p[1], now)
			if err != nil {
				return nil, err
			}
			set.add(c)
		}
		if len(pairs) == 0 && set.def == nil {
			return nil, fmt.Errorf("certificate directory %s: no NAME.crt with NAME.key", src.Dir)
		}
	}
	if set.def == nil {
		set.def = set.all[0]
	}
	return set, nil
}

// add indexes c under its names; the first certificate naming a host
// keeps it (the default pair comes first, then the directory in order).
func (set *certSet) add(c *tls.Certificate) {
	set.all = append(set.all, c)
	names := append([]string(nil), c.Leaf.DNSNames...)
	for _, ip := range c.Leaf.IPAddresses {
		names = append(names, ip.String())
	}
	for _, n := range names {
		n = strings.ToLower(n)
		m, key := set.exact, n
		if rest, ok := strings.CutPrefix(n, "*."); ok {
			m, key = set.wild, rest
		}
		if _, ok := m[key]; !ok {
			m[key] = c
		}
	}
}

func loadPair(certFile, keyFile string, now time.Time) (*tls.Certificate, error) {
	c, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load %s and %s: %w", certFile, keyFile, err)
	}
	if c.Leaf == nil {
		if c.Leaf, err = x509.ParseCertificate(c.Certificate[0]); err != nil {
			return nil, fmt.Errorf("parse %s: %w", certFile, err)
		}
	}
	if now.After(c.Leaf.NotAfter) {
		return nil, fmt.Errorf("%s expired on %s", certFile, c.Leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	return &c, nil
}

// dirPairs lists the NAME.crt files of dir that have a NAME.key, in name
// order.
func dirPairs(dir string) ([][2]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("certificate directory: %w", err)
	}
	var out [][2]string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".crt")
		if !ok || e.IsDir() {
			continue
		}
		key := filepath.Join(dir, name+".key")
		if _, err := os.Stat(key); err != nil {
			return nil, fmt.Errorf("certificate %s has no key file %s", e.Name(), key)
		}
		out = append(out, [2]string{filepath.Join(dir, e.Name()), key})
	}
	return out, nil
}

// state is the signature, or the error that stands for it (a file that
// stays missing is reported once).
func (src Source) state() string {
	sig, err := src.signature()
	if err != nil {
		return "error: " + err.Error()
	}
	return sig
}

// signature sums up the files of the source (names, sizes, change
// times), so a poll notices an atomic rename as well as an edit in place.
func (src Source) signature() (string, error) {
	var b strings.Builder
	stat := func(p string) error {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %d;", p, fi.Size(), fi.ModTime().UnixNano())
		return nil
	}
	for _, p := range []string{src.CertFile, src.KeyFile} {
		if p == "" {
			continue
		}
		if err := stat(p); err != nil {
			return "", err
		}
	}
	if src.Dir != "" {
		entries, err := os.ReadDir(src.Dir)
		if err != nil {
			return "", err
		}
		for _, e := range entries {
			if err := stat(filepath.Join(src.Dir, e.Name())); err != nil {
				return "", err
			}
		}
	}
	return b.String(), nil
}
