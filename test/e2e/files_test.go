package e2e

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// treeFiles is a directory tree with nested directories and names that
// stress URL encoding and signing: spaces, '+', '%', unicode, punctuation.
var treeFiles = map[string]string{
	"top.txt":                  "top level\n",
	"empty.txt":                "",
	"a/b/c/deep.txt":           "three levels down\n",
	"a/sibling.bin":            "\x00\x01\x02\xff\xfe binary\n",
	"space name.txt":           "spaces\n",
	"plus+sign.txt":            "plus\n",
	"percent%41.txt":           "not an A\n",
	"unicodé/naïve ñ.txt":      "unicode\n",
	"emoji 😀.txt":              "emoji\n",
	"brackets[1](2){3}.txt":    "brackets\n",
	"punct !$&'(),;=@.txt":     "punctuation\n",
	"tilde~hash#question?.txt": "url specials\n",
	"dots..txt":                "dots\n",
	".hidden":                  "dotfile\n",
}

// writeTree creates files under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readTree returns the regular files under dir by slash path.
func readTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		got[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatalf("read tree %s: %v", dir, err)
	}
	return got
}

func assertSameTree(t testing.TB, want, got map[string]string) {
	t.Helper()
	for name, body := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("missing %q", name)
		case g != body:
			t.Errorf("%q: got %q, want %q", name, g, body)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected file %q", name)
		}
	}
}

// writeRandomFile writes size pseudo-random bytes (fast, deterministic per
// seed) and returns their SHA-256.
func writeRandomFile(t testing.TB, path string, size int64, seed uint64) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	src := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)})
	if _, err := io.CopyN(w, src, size); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func fileSHA256(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
