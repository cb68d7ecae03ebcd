package object

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// A model of S3 versioning: per key, its versions newest first. Random
// operations run against the service and the model, and after each one
// the listings and reads must agree with the model.
type modelVersion struct {
	vid    string
	marker bool
	data   []byte
}

type versionModel struct {
	state VersioningState
	keys  map[string][]modelVersion
}

func (m *versionModel) dropNull(key string) {
	vs := m.keys[key][:0]
	for _, v := range m.keys[key] {
		if v.vid != NullVersion {
			vs = append(vs, v)
		}
	}
	m.keys[key] = vs
}

func (m *versionModel) push(key string, v modelVersion) {
	if v.vid == NullVersion {
		m.dropNull(key)
	}
	m.keys[key] = append([]modelVersion{v}, m.keys[key]...)
}

func (m *versionModel) remove(key, vid string) {
	vs := m.keys[key][:0]
	for _, v := range m.keys[key] {
		if v.vid != vid {
			vs = append(vs, v)
		}
	}
	m.keys[key] = vs
}

// step applies operation op (chosen by the byte) to the service and the
// model.
func (m *versionModel) step(t *testing.T, e *testEnv, op, arg byte) {
	t.Helper()
	key := fmt.Sprintf("k%d", arg%3)
	switch op % 8 {
	case 0, 1, 2: // PUT, with data sometimes in a blob
		data := bytes.Repeat([]byte{arg}, 1+int(arg)%3*testThreshold)
		info := e.put(t, "bkt", key, data)
		if (m.state == VersioningEnabled) != (info.VersionID != NullVersion) {
			t.Fatalf("PUT in state %v got version %q", m.state, info.VersionID)
		}
		m.push(key, modelVersion{vid: info.VersionID, data: data})
	case 3, 4: // DELETE without version
		res, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: key})
		if err != nil {
			t.Fatal(err)
		}
		if m.state == VersioningOff {
			m.keys[key] = nil
		} else {
			m.push(key, modelVersion{vid: res.VersionID, marker: true})
		}
	case 5: // DELETE of one version, chosen among the key's
		vs := m.keys[key]
		if len(vs) == 0 {
			return
		}
		v := vs[int(arg)%len(vs)]
		if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: key, VersionID: v.vid}); err != nil {
			t.Fatal(err)
		}
		m.remove(key, v.vid)
	case 6:
		state := VersioningEnabled
		if arg%2 == 1 {
			state = VersioningSuspended
		}
		e.versioned(t, "bkt", state)
		m.state = state
	case 7: // copy an older version onto the key
		vs := m.keys[key]
		if len(vs) == 0 || vs[len(vs)-1].marker {
			return
		}
		src := vs[len(vs)-1]
		info, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: key, SrcVersionID: src.vid, DstBucket: "bkt", DstKey: key})
		if errors.Is(err, ErrCopyToSelf) {
			return // the oldest is also the latest, in an unversioned bucket
		}
		if err != nil {
			t.Fatal(err)
		}
		m.push(key, modelVersion{vid: info.VersionID, data: src.data})
	}
}

// check compares everything a client can see with the model.
func (m *versionModel) check(t *testing.T, e *testEnv) {
	t.Helper()
	res, err := e.ListObjectVersions(ctx, ListVersionsInput{Bucket: "bkt", MaxKeys: 1000})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, key := range []string{"k0", "k1", "k2"} {
		for j, want := range m.keys[key] {
			if i >= len(res.Versions) {
				t.Fatalf("listing ends before %s %s", key, want.vid)
			}
			got := res.Versions[i]
			if got.Key != key || got.VersionID != want.vid || got.DeleteMarker != want.marker || got.IsLatest != (j == 0) {
				t.Fatalf("entry %d: %s %s marker %v latest %v; model %s %s marker %v latest %v",
					i, got.Key, got.VersionID, got.DeleteMarker, got.IsLatest, key, want.vid, want.marker, j == 0)
			}
			if !want.marker {
				b, err := e.readVersion(t, "bkt", key, want.vid)
				if err != nil || !bytes.Equal(b, want.data) {
					t.Fatalf("%s %s: %v, %d bytes, want %d", key, want.vid, err, len(b), len(want.data))
				}
			}
			i++
		}
		vs := m.keys[key]
		b, err := e.readVersion(t, "bkt", key, "")
		var dm *DeleteMarkerError
		switch {
		case len(vs) == 0:
			if !errors.Is(err, ErrNoSuchKey) || errors.As(err, &dm) {
				t.Fatalf("%s: no versions, GET answers %v", key, err)
			}
		case vs[0].marker:
			if !errors.Is(err, ErrNoSuchKey) || !errors.As(err, &dm) || dm.VersionID != vs[0].vid {
				t.Fatalf("%s: latest is marker %s, GET answers %v", key, vs[0].vid, err)
			}
		case err != nil || !bytes.Equal(b, vs[0].data):
			t.Fatalf("%s: GET %v, %d bytes", key, err, len(b))
		}
		m.checkPointers(t, e, key)
	}
	if i != len(res.Versions) {
		t.Fatalf("listing has %d entries, model %d", len(res.Versions), i)
	}
}

func runVersionModel(t *testing.T, ops []byte) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	m := &versionModel{keys: map[string][]modelVersion{}}
	for i := 0; i+1 < len(ops); i += 2 {
		m.step(t, e, ops[i], ops[i+1])
		m.check(t, e)
	}
	// Every version removed: the bucket empties, and its data with it.
	for key, vs := range m.keys {
		for _, v := range vs {
			if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: key, VersionID: v.vid}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("%d data files left in an empty bucket", n)
	}
	wantErr(t, e.DeleteBucket(ctx, "bkt"), nil)
}

func TestVersionModel(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 2))
			ops := make([]byte, 400)
			for i := range ops {
				ops[i] = byte(r.Uint32())
			}
			runVersionModel(t, ops)
		})
	}
}

func FuzzVersionModel(f *testing.F) {
	f.Add([]byte{0, 1, 6, 0, 0, 2, 3, 1, 5, 1, 6, 1, 0, 1, 3, 1, 7, 0})
	f.Add([]byte{6, 1, 0, 0, 0, 0, 3, 0, 6, 0, 0, 0, 5, 0, 5, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 120 {
			ops = ops[:120]
		}
		runVersionModel(t, ops)
	})
}

// checkPointers checks the "n/" and "d/" pointers of a key against the
// model: each names the version it should, and exists only when it should.
func (m *versionModel) checkPointers(t *testing.T, e *testEnv, key string) {
	t.Helper()
	vs := m.keys[key]
	wantMarker, wantNull := len(vs) > 0 && vs[0].marker, false
	for i, v := range vs {
		if v.vid == NullVersion && (i > 0 || v.marker) {
			wantNull = true
		}
	}
	for _, p := range []struct {
		k    []byte
		want bool
	}{{markerPtrKey("bkt", key), wantMarker}, {nullPtrKey("bkt", key), wantNull}} {
		sid, err := e.meta.Get(ctx, p.k)
		if got := err == nil; got != p.want {
			t.Fatalf("%s: pointer %q present %v, want %v (versions %+v)", key, p.k, got, p.want, vs)
		}
		if err == nil {
			if _, err := e.meta.Get(ctx, versionKey("bkt", key, string(sid))); err != nil {
				t.Fatalf("%s: pointer %q names %s: %v", key, p.k, sid, err)
			}
		}
	}
}
