package accounts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/meta"
)

// stored is the record as kept: Account plus the wrapped root secret.
type stored struct {
	Account
	RootSecret []byte `json:"rootSecret,omitempty"`
}

var (
	nameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	idRE   = regexp.MustCompile(`^[0-9]{12}$`)
	orgRE  = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

func rootAAD(id string) []byte { return []byte("account root secret\x00" + id) }

// New returns the registry, recording the operator's account on first
// start (its canonical id is the one its root's buckets already carry).
func New(ctx context.Context, store meta.Store, w Wrapper, cfg Config, operatorIAM *iam.Service) (*Registry, error) {
	if cfg.OperatorID == "" {
		cfg.OperatorID = iam.DefaultAccountID
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Registry{store: store, wrap: w, cfg: cfg, opIAM: operatorIAM}
	err := store.Update(ctx, func(tx meta.Txn) error {
		if _, err := tx.Get(ctx, []byte(pRecord+cfg.OperatorID)); err == nil || !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		a := stored{Account: Account{
			ID: cfg.OperatorID, Name: "operator", Operator: true, Created: cfg.Now().UTC().Truncate(time.Second),
			CanonicalID: LegacyCanonicalID(cfg.Root.AccessKey),
		}}
		return writeAccount(tx, &a)
	})
	if err != nil {
		return nil, fmt.Errorf("accounts: record the operator account: %w", err)
	}
	return r, nil
}

// OperatorID is the operator account's id.
func (r *Registry) OperatorID() string { return r.cfg.OperatorID }

func writeAccount(tx meta.Txn, a *stored) error {
	raw, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode account %s: %w", a.ID, err)
	}
	sets := map[string][]byte{
		pRecord + a.ID:                  raw,
		pCanonical + a.CanonicalID:      []byte(a.ID),
		pName + strings.ToLower(a.Name): []byte(a.ID),
	}
	if a.RootAccessKey != "" {
		sets[pAccessKey+a.RootAccessKey] = []byte(a.ID)
	}
	for k, v := range sets {
		if err := tx.Set([]byte(k), v); err != nil {
			return err
		}
	}
	return nil
}

// CreateInput names a new account; ID is drawn at random when empty.
type CreateInput struct {
	Name  string
	Email string
	ID    string
	Org   string
}

// Created is a new account with its root's secret, shown once.
type Created struct {
	Account
	RootSecretKey string
}

// Create creates an account with fresh root credentials.
func (r *Registry) Create(ctx context.Context, in CreateInput) (*Created, error) {
	if !nameRE.MatchString(in.Name) {
		return nil, fmt.Errorf("%w: account name must be 1 to 64 characters of letters, digits and +=,.@_-", ErrInvalid)
	}
	if len(in.Email) > 254 || strings.ContainsAny(in.Email, "\x00\r\n") {
		return nil, fmt.Errorf("%w: email address too long or malformed", ErrInvalid)
	}
	if in.ID != "" && !idRE.MatchString(in.ID) {
		return nil, fmt.Errorf("%w: account id must be 12 digits", ErrInvalid)
	}
	if in.Org != "" && !orgRE.MatchString(in.Org) {
		return nil, fmt.Errorf("%w: organization id must look like o-exampleorgid (o- and 10 to 32 lower-case letters or digits)", ErrInvalid)
	}
	id, err := pickID(in.ID)
	if err != nil {
		return nil, err
	}
	canon, err := randomHex(32)
	if err != nil {
		return nil, err
	}
	ak, secret, err := newRootKey()
	if err != nil {
		return nil, err
	}
	wrapped, err := r.wrap.Wrap([]byte(secret), rootAAD(id))
	if err != nil {
		return nil, fmt.Errorf("accounts: wrap root secret: %w", err)
	}
	a := stored{Account: Account{
		ID: id, Name: in.Name, Email: in.Email, Org: in.Org, CanonicalID: canon, RootAccessKey: ak,
		Created: r.cfg.Now().UTC().Truncate(time.Second),
	}, RootSecret: wrapped}
	err = r.store.Update(ctx, func(tx meta.Txn) error {
		for _, k := range []string{pRecord + id, pName + strings.ToLower(in.Name)} {
			_, err := tx.Get(ctx, []byte(k))
			if err == nil {
				return fmt.Errorf("%w: an account with that id or name exists", ErrExists)
			}
			if !errors.Is(err, meta.ErrNotFound) {
				return err
			}
		}
		return writeAccount(tx, &a)
	})
	if err != nil {
		return nil, fmt.Errorf("create account %s: %w", in.Name, err)
	}
	return &Created{Account: a.Account, RootSecretKey: secret}, nil
}

func pickID(given string) (string, error) {
	if given != "" {
		return given, nil
	}
	// 100000000000 and up, so that the id never starts with a zero and
	// never equals the default operator id.
	n, err := rand.Int(rand.Reader, big.NewInt(899999999999))
	if err != nil {
		return "", fmt.Errorf("accounts: random id: %w", err)
	}
	return fmt.Sprintf("%012d", n.Int64()+100000000000), nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("accounts: random: %w", err)
	}
	return hex.EncodeToString(b), nil
}

const keyChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
const secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func newRootKey() (ak, secret string, err error) {
	b := make([]byte, 56)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("accounts: random: %w", err)
	}
	k := make([]byte, 16)
	for i := range k {
		k[i] = keyChars[int(b[i])%len(keyChars)]
	}
	s := make([]byte, 40)
	for i := range s {
		s[i] = secretChars[int(b[16+i])%len(secretChars)]
	}
	return "AKIA" + string(k), string(s), nil
}

// Get returns an account.
func (r *Registry) Get(ctx context.Context, id string) (*Account, error) {
	a, err := r.get(ctx, r.store, id)
	if err != nil {
		return nil, err
	}
	return &a.Account, nil
}

func (r *Registry) get(ctx context.Context, rd meta.Reader, id string) (*stored, error) {
	if !idRE.MatchString(id) {
		return nil, fmt.Errorf("account %.20q: %w", id, ErrNoSuchAccount)
	}
	raw, err := rd.Get(ctx, []byte(pRecord+id))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, fmt.Errorf("account %s: %w", id, ErrNoSuchAccount)
	}
	if err != nil {
		return nil, fmt.Errorf("read account %s: %w", id, err)
	}
	var a stored
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("corrupt account record %s: %w", id, err)
	}
	return &a, nil
}

// ByCanonicalID returns the account a canonical user id belongs to. Ids no
// account has (buckets created before accounts existed, by any key of the
// operator's account) belong to the operator.
func (r *Registry) ByCanonicalID(ctx context.Context, canonical string) (*Account, error) {
	id := r.cfg.OperatorID
	if canonical != "" && len(canonical) <= 128 {
		raw, err := r.store.Get(ctx, []byte(pCanonical+canonical))
		switch {
		case err == nil:
			id = string(raw)
		case !errors.Is(err, meta.ErrNotFound):
			return nil, fmt.Errorf("read canonical id: %w", err)
		}
	}
	return r.Get(ctx, id)
}

// List returns every account in id order.
func (r *Registry) List(ctx context.Context) ([]Account, error) {
	it, err := r.store.NewIter(ctx, []byte(pRecord), meta.PrefixEnd([]byte(pRecord)))
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer it.Close()
	var out []Account
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		var a stored
		if err := json.Unmarshal(v, &a); err != nil {
			return nil, fmt.Errorf("corrupt account record %q: %w", it.Key(), err)
		}
		out = append(out, a.Account)
	}
	return out, it.Error()
}

// Delete removes an account with its identities and keys. An account that
// still owns buckets (ownsBuckets says so) cannot be deleted, nor can the
// operator's.
func (r *Registry) Delete(ctx context.Context, id string, ownsBuckets func(ctx context.Context, canonical string) (bool, error)) error {
	a, err := r.get(ctx, r.store, id)
	if err != nil {
		return err
	}
	if a.Operator {
		return ErrOperator
	}
	busy, err := ownsBuckets(ctx, a.CanonicalID)
	if err != nil {
		return err
	}
	if busy {
		return fmt.Errorf("account %s: %w", id, ErrNotEmpty)
	}
	return r.store.Update(ctx, func(tx meta.Txn) error {
		keys := [][]byte{[]byte(pRecord + id), []byte(pCanonical + a.CanonicalID), []byte(pName + strings.ToLower(a.Name))}
		if a.RootAccessKey != "" {
			keys = append(keys, []byte(pAccessKey+a.RootAccessKey))
		}
		data, err := keysUnder(ctx, tx, dataPrefix(id))
		if err != nil {
			return err
		}
		for _, k := range data {
			if akid, ok := indexedID(k[len(dataPrefix(id)):]); ok {
				keys = append(keys, []byte(pAccessKey+akid))
			}
		}
		for _, k := range append(keys, data...) {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

func keysUnder(ctx context.Context, rd meta.Reader, prefix string) ([][]byte, error) {
	it, err := rd.NewIter(ctx, []byte(prefix), meta.PrefixEnd([]byte(prefix)))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out [][]byte
	for ok := it.First(); ok; ok = it.Next() {
		out = append(out, append([]byte(nil), it.Key()...))
	}
	return out, it.Error()
}

// ByEmail returns the account whose e-mail address is email (compared
// regardless of case), ErrNoSuchAccount when none has it. Accounts are
// few, so their records are scanned.
func (r *Registry) ByEmail(ctx context.Context, email string) (*Account, error) {
	if email == "" {
		return nil, fmt.Errorf("account by empty e-mail address: %w", ErrNoSuchAccount)
	}
	list, err := r.List(ctx)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if strings.EqualFold(list[i].Email, email) {
			return &list[i], nil
		}
	}
	return nil, fmt.Errorf("account with e-mail address %.80q: %w", email, ErrNoSuchAccount)
}
