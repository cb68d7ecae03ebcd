package iam

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/sse"
)

func TestAccessKeys(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	_, err := f.svc.CreateAccessKey(c, "erin")
	wantErr(t, err, ErrNoSuchEntity)
	must[*User](t)(f.svc.CreateUser(c, "erin", ""))
	k1 := must[*AccessKey](t)(f.svc.CreateAccessKey(c, "erin"))
	k2 := must[*AccessKey](t)(f.svc.CreateAccessKey(c, "Erin"))
	if !strings.HasPrefix(k1.AccessKeyID, "AKIA") || len(k1.AccessKeyID) != 20 || len(k1.SecretAccessKey) != 40 || k1.Status != StatusActive || k1.UserName != "erin" {
		t.Fatalf("key = %+v", k1)
	}
	_, err = f.svc.CreateAccessKey(c, "erin")
	wantErr(t, err, ErrLimitExceeded)

	keys, next, err := f.svc.ListAccessKeys(c, "erin", Page{})
	if err != nil || len(keys) != 2 || next != "" || keys[0].SecretAccessKey != "" {
		t.Fatalf("ListAccessKeys = %+v %q %v", keys, next, err)
	}
	cred, err := f.svc.Lookup(c, k1.AccessKeyID)
	if err != nil || cred.Secret != k1.SecretAccessKey || cred.SessionToken != "" {
		t.Fatalf("Lookup = %+v, %v", cred, err)
	}
	p, err := f.svc.Principal(c, k1.AccessKeyID)
	if err != nil || p.Type != policy.PrincipalUser || p.UserName != "erin" || p.ARN != "arn:aws:iam::000000000000:user/erin" || p.Account != "000000000000" || !strings.HasPrefix(p.UserID, "AIDA") {
		t.Fatalf("Principal = %+v, %v", p, err)
	}

	wantErr(t, f.svc.UpdateAccessKey(c, "erin", k1.AccessKeyID, "Paused"), ErrValidation)
	wantErr(t, f.svc.UpdateAccessKey(c, "erin", "AKIAAAAAAAAAAAAAAAAA", StatusInactive), ErrNoSuchEntity)
	must[*User](t)(f.svc.CreateUser(c, "frank", ""))
	wantErr(t, f.svc.UpdateAccessKey(c, "frank", k1.AccessKeyID, StatusInactive), ErrNoSuchEntity)
	if err := f.svc.UpdateAccessKey(c, "erin", k1.AccessKeyID, StatusInactive); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Lookup(c, k1.AccessKeyID)
	wantErr(t, err, sigv4.ErrInvalidAccessKeyID)
	if err := f.svc.UpdateAccessKey(c, "erin", k1.AccessKeyID, StatusActive); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Lookup(c, k1.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, f.svc.DeleteAccessKey(c, "frank", k2.AccessKeyID), ErrNoSuchEntity)
	if err := f.svc.DeleteAccessKey(c, "erin", k2.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Lookup(c, k2.AccessKeyID)
	wantErr(t, err, sigv4.ErrInvalidAccessKeyID)
	wantErr(t, f.svc.DeleteAccessKey(c, "erin", k2.AccessKeyID), ErrNoSuchEntity)
}

func TestLookupRootAndUnknown(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	cred, err := f.svc.Lookup(c, testRootKey)
	if err != nil || cred.Secret != testRootSecret {
		t.Fatalf("root Lookup = %+v, %v", cred, err)
	}
	p, err := f.svc.Principal(c, testRootKey)
	if err != nil || !p.IsRoot() || p.ARN != "arn:aws:iam::000000000000:root" || p.UserID != "000000000000" {
		t.Fatalf("root Principal = %+v, %v", p, err)
	}
	for _, k := range []string{"", "AKIA", "AKIAAAAAAAAAAAAAAAAA", "ASIAAAAAAAAAAAAAAAAA", "AKIA/../../etc/passwd", "AKIA\x00AAAAAAAAAAAAAAA", strings.Repeat("A", 1000)} {
		_, err := f.svc.Lookup(c, k)
		wantErr(t, err, sigv4.ErrInvalidAccessKeyID)
		_, err = f.svc.Principal(c, k)
		wantErr(t, err, sigv4.ErrInvalidAccessKeyID)
	}
}

// TestSecretsNotInPlaintext scans every file of the metadata store for the
// secrets of an access key and of a session.
func TestSecretsNotInPlaintext(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	must[*User](t)(f.svc.CreateUser(c, "gina", ""))
	k := must[*AccessKey](t)(f.svc.CreateAccessKey(c, "gina"))
	must[*Role](t)(f.svc.CreateRole(c, CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: trustFor("arn:aws:iam::000000000000:root")}))
	root := must[Principal](t)(f.svc.Principal(c, testRootKey))
	creds, _, err := f.svc.AssumeRole(c, &root, AssumeRoleInput{RoleARN: "arn:aws:iam::000000000000:role/r", RoleSessionName: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	secrets := [][]byte{[]byte(k.SecretAccessKey), []byte(creds.SecretAccessKey), []byte(creds.SessionToken)}
	files, seen := 0, 0
	err = filepath.WalkDir(f.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, s := range secrets {
			if bytes.Contains(data, s) {
				t.Errorf("%s holds a secret in plain text", path)
			}
		}
		if bytes.Contains(data, []byte(k.AccessKeyID)) {
			seen++ // the scan does read the records (they are not compressed away)
		}
		return nil
	})
	if err != nil || files == 0 || seen == 0 {
		t.Fatalf("walk: %d files, access key id seen in %d, %v", files, seen, err)
	}
}

func TestRewrapSecrets(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	must[*User](t)(f.svc.CreateUser(c, "u", ""))
	k := must[*AccessKey](t)(f.svc.CreateAccessKey(c, "u"))
	root := must[Principal](t)(f.svc.Principal(c, testRootKey))
	sess := must[*Credentials](t)(f.svc.GetSessionToken(c, &root, 0))
	kr := f.svc.wrap.(*sse.Keyring)
	newID, err := kr.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.RewrapSecrets(c); n != 2 || err != nil {
		t.Fatalf("RewrapSecrets = %d, %v", n, err)
	}
	for _, p := range []string{pKey + k.AccessKeyID, pSession + sess.AccessKeyID} {
		raw := must[[]byte](t)(f.store.Get(c, []byte(p)))
		var rec struct{ Secret, Wrapped []byte }
		if err := json.Unmarshal(raw, &rec); err != nil {
			t.Fatal(err)
		}
		w := append(rec.Secret, rec.Wrapped...)
		if id, err := sse.WrappedKeyID(w); err != nil || id != newID {
			t.Errorf("%s wrapped under %q (%v), want %q", p, id, err, newID)
		}
	}
	if cred, err := f.svc.Lookup(c, k.AccessKeyID); err != nil || cred.Secret != k.SecretAccessKey {
		t.Fatalf("Lookup after rewrap = %+v, %v", cred, err)
	}
	if cred, err := f.svc.Lookup(c, sess.AccessKeyID); err != nil || cred.SessionToken != sess.SessionToken {
		t.Fatalf("session Lookup after rewrap = %+v, %v", cred, err)
	}
}
