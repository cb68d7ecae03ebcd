// Package sites is the registry of the other Hoard sites this one may
// replicate to: each has a name, an S3 endpoint, a region and the key
// pair this site signs with there. The secret is kept wrapped under the
// server's root key, like every other secret; only Credentials unwraps
// it, for the replicator, and nothing lists it.
//
// Records live in the metadata engine, so every gateway of a site sees
// the same registry and a site added at run time is used at once:
//
//	sites/<name>   JSON record (secret wrapped, AAD "site/<name>")
package sites

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Errors the admin API maps to its answers.
var (
	ErrNoSuchSite = errors.New("no such site")
	ErrExists     = errors.New("site already exists")
	ErrInvalid    = errors.New("invalid site")
)

// Wrapper encrypts secrets under the root key (*sse.Keyring).
type Wrapper interface {
	Wrap(plain, aad []byte) ([]byte, error)
	Unwrap(wrapped, aad []byte) ([]byte, error)
}

// Site is a registered site as shown: never with its secret.
type Site struct {
	Name      string    `json:"name"`
	Endpoint  string    `json:"endpoint"`
	Region    string    `json:"region"`
	AccessKey string    `json:"accessKeyId"`
	Created   time.Time `json:"created"`
}

// AddInput registers a site.
type AddInput struct {
	Name, Endpoint, Region, AccessKey, SecretKey string
}

// Credentials are a site with the secret it is reached with.
type Credentials struct {
	Site
	SecretKey string
}

type stored struct {
	Site
	Secret []byte `json:"secret"` // wrapped
}

const prefix = "sites/"

func key(name string) []byte { return []byte(prefix + name) }
func aad(name string) []byte { return []byte("site/" + name) }

// Registry keeps the sites.
type Registry struct {
	store meta.Store
	wrap  Wrapper
	now   func() time.Time
}

// New returns the registry over store.
func New(store meta.Store, w Wrapper) *Registry {
	return &Registry{store: store, wrap: w, now: time.Now}
}

var (
	nameRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	regionRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
)

func (in *AddInput) validate() error {
	if !nameRE.MatchString(in.Name) {
		return fmt.Errorf("%w: name %q: use 1 to 63 lower-case letters, digits and '-'", ErrInvalid, in.Name)
	}
	u, err := url.Parse(in.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return fmt.Errorf("%w: endpoint %q: want http(s)://host[:port]", ErrInvalid, in.Endpoint)
	}
	if !regionRE.MatchString(in.Region) {
		return fmt.Errorf("%w: region %q", ErrInvalid, in.Region)
	}
	if in.AccessKey == "" || len(in.AccessKey) > 128 || in.SecretKey == "" || len(in.SecretKey) > 256 {
		return fmt.Errorf("%w: an access key and a secret key are required", ErrInvalid)
	}
	return nil
}

// Add registers a site; a name already taken is ErrExists.
func (r *Registry) Add(ctx context.Context, in AddInput) (*Site, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	wrapped, err := r.wrap.Wrap([]byte(in.SecretKey), aad(in.Name))
	if err != nil {
		return nil, fmt.Errorf("sites: wrap secret of %s: %w", in.Name, err)
	}
	rec := stored{Site: Site{Name: in.Name, Endpoint: trimSlash(in.Endpoint), Region: in.Region,
		AccessKey: in.AccessKey, Created: r.now().UTC().Truncate(time.Second)}, Secret: wrapped}
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	err = r.store.Update(ctx, func(tx meta.Txn) error {
		if _, err := tx.Get(ctx, key(in.Name)); err == nil {
			return fmt.Errorf("site %s: %w", in.Name, ErrExists)
		} else if !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		return tx.Set(key(in.Name), raw)
	})
	if err != nil {
		return nil, fmt.Errorf("sites: add %s: %w", in.Name, err)
	}
	return &rec.Site, nil
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// List returns the sites by name, without secrets.
func (r *Registry) List(ctx context.Context) ([]Site, error) {
	recs, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Site, 0, len(recs))
	for _, s := range recs {
		out = append(out, s.Site)
	}
	return out, nil
}

func (r *Registry) all(ctx context.Context) ([]stored, error) {
	base := []byte(prefix)
	it, err := r.store.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return nil, fmt.Errorf("sites: list: %w", err)
	}
	defer it.Close()
	var out []stored
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			return nil, err
		}
		var s stored
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, fmt.Errorf("sites: corrupt record %q: %w", it.Key(), err)
		}
		out = append(out, s)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("sites: list: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Remove forgets a site.
func (r *Registry) Remove(ctx context.Context, name string) error {
	err := r.store.Update(ctx, func(tx meta.Txn) error {
		if _, err := tx.Get(ctx, key(name)); errors.Is(err, meta.ErrNotFound) {
			return fmt.Errorf("site %q: %w", name, ErrNoSuchSite)
		} else if err != nil {
			return err
		}
		return tx.Delete(key(name))
	})
	if err != nil {
		return fmt.Errorf("sites: remove: %w", err)
	}
	return nil
}

// All returns every site with its secret unwrapped, for the replicator.
func (r *Registry) All(ctx context.Context) ([]Credentials, error) {
	recs, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Credentials, 0, len(recs))
	for _, s := range recs {
		plain, err := r.wrap.Unwrap(s.Secret, aad(s.Name))
		if err != nil {
			return nil, fmt.Errorf("sites: unwrap secret of %s: %w", s.Name, err)
		}
		out = append(out, Credentials{Site: s.Site, SecretKey: string(plain)})
	}
	return out, nil
}

// RewrapSecrets re-wraps every site's secret under the active root key,
// after a rotation, one record per transaction.
func (r *Registry) RewrapSecrets(ctx context.Context) (int, error) {
	recs, err := r.all(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range recs {
		err := r.store.Update(ctx, func(tx meta.Txn) error {
			raw, err := tx.Get(ctx, key(s.Name))
			if err != nil {
				return err
			}
			var cur stored
			if err := json.Unmarshal(raw, &cur); err != nil {
				return fmt.Errorf("sites: corrupt record %s: %w", s.Name, err)
			}
			plain, err := r.wrap.Unwrap(cur.Secret, aad(s.Name))
			if err != nil {
				return fmt.Errorf("sites: unwrap secret of %s: %w", s.Name, err)
			}
			if cur.Secret, err = r.wrap.Wrap(plain, aad(s.Name)); err != nil {
				return err
			}
			out, err := json.Marshal(cur)
			if err != nil {
				return err
			}
			return tx.Set(key(s.Name), out)
		})
		if errors.Is(err, meta.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
