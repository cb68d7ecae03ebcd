package console

import (
	"testing"
	"time"
)

func TestSessionStoreBoundedAndExpiring(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	st := newSessionStore(3)
	st.now = func() time.Time { return now }
	add := func(age, ttl time.Duration) string {
		return st.add(&session{created: now.Add(-age), expires: now.Add(ttl)})
	}
	oldest := add(3*time.Hour, time.Hour)
	mid := add(2*time.Hour, time.Hour)
	expired := add(time.Hour, -time.Second)
	if st.get(expired) != nil {
		t.Fatal("an expired session was returned")
	}
	add(0, time.Hour) // fills the store again after the expired one went
	newest := add(0, time.Hour)
	if st.len() != 3 {
		t.Fatalf("store holds %d sessions, want at most 3", st.len())
	}
	if st.get(oldest) != nil {
		t.Fatal("the oldest session survived eviction")
	}
	if st.get(mid) == nil || st.get(newest) == nil {
		t.Fatal("a live session was evicted out of order")
	}
	st.remove(mid)
	if st.get(mid) != nil {
		t.Fatal("a removed session is still live")
	}
	if st.get("") != nil || st.get(string(make([]byte, 200))) != nil {
		t.Fatal("a bogus id matched")
	}
}

func TestBucketNameProblem(t *testing.T) {
	for name, ok := range map[string]bool{
		"photos": true, "my.bucket-1": true, "console": true, "ab": false, "Upper": false,
		"-start": false, "end-": false, "a..b": false, "10.0.0.1": false, "xn--abc": false,
		"bucket-s3alias": false, "has_underscore": false, string(make([]byte, 64)): false,
	} {
		if got := bucketNameProblem(name) == ""; got != ok {
			t.Errorf("bucketNameProblem(%q) valid = %v, want %v", name, got, ok)
		}
	}
}

func TestPublicS3URL(t *testing.T) {
	for _, tc := range []struct{ listen, host, want string }{
		{"127.0.0.1:9000", "127.0.0.1:9001", "http://127.0.0.1:9000"},
		{"[::]:9000", "storage.example:9001", "http://storage.example:9000"},
		{"0.0.0.0:9000", "[::1]:9001", "http://[::1]:9000"},
		{"[::]:9000", "evil\"'><x:9001", "http://127.0.0.1:9000"},
	} {
		c := &Console{cfg: Config{S3Addr: tc.listen}}
		r, _ := newRequest(tc.host)
		if got := c.publicS3URL(r); got != tc.want {
			t.Errorf("listen %s, Host %s: %s, want %s", tc.listen, tc.host, got, tc.want)
		}
	}
}
