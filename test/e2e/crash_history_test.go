package e2e

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"sync"
	"time"
)

// putVersion is one PUT attempted during the crash test. Bodies are
// regenerated from their seed, so the test never keeps them.
type putVersion struct {
	seed   uint64
	size   int
	sha256 [32]byte
	md5    string // hex, the ETag of a single-part object
	start  time.Time
	end    time.Time // when the 200 arrived
	acked  bool
}

// body returns the version's bytes.
func versionBody(seed uint64, size int) []byte {
	b := make([]byte, size)
	src := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24), 0xc7})
	src.Read(b)
	return b
}

func newPutVersion(seed uint64, size int) (*putVersion, []byte) {
	b := versionBody(seed, size)
	sum := md5.Sum(b)
	return &putVersion{seed: seed, size: size, sha256: sha256.Sum256(b), md5: hex.EncodeToString(sum[:])}, b
}

// history records every PUT by key.
type history struct {
	mu    sync.Mutex
	byKey map[string][]*putVersion
}

func newHistory() *history { return &history{byKey: map[string][]*putVersion{}} }

func (h *history) begin(key string, v *putVersion) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v.start = time.Now()
	h.byKey[key] = append(h.byKey[key], v)
}

func (h *history) ack(v *putVersion) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v.end, v.acked = time.Now(), true
}

// allowed returns the versions that may legally be the key's content
// after the crash, and whether the key may be absent. An acknowledged
// version V is ruled out only if another acknowledged PUT started after V
// was acknowledged: that later PUT committed after V, so V cannot be the
// last. A PUT without a 200 (in flight at the kill) may or may not have
// landed.
func (h *history) allowed(key string) (vs []*putVersion, mayBeAbsent bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var lastAckedStart time.Time
	anyAcked := false
	for _, v := range h.byKey[key] {
		if v.acked {
			anyAcked = true
			if v.start.After(lastAckedStart) {
				lastAckedStart = v.start
			}
		}
	}
	for _, v := range h.byKey[key] {
		if !v.acked || !v.end.Before(lastAckedStart) {
			vs = append(vs, v)
		}
	}
	return vs, !anyAcked
}

func (h *history) keys() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.byKey))
	for k := range h.byKey {
		out = append(out, k)
	}
	return out
}

// counts returns how many PUTs were acknowledged and how many were not.
func (h *history) counts() (acked, unacked int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, vs := range h.byKey {
		for _, v := range vs {
			if v.acked {
				acked++
			} else {
				unacked++
			}
		}
	}
	return acked, unacked
}

// versions returns all attempted versions of key.
func (h *history) versions(key string) []*putVersion {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*putVersion(nil), h.byKey[key]...)
}
