package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/metrics"
)

// A request with an Expect value other than 100-continue reaches the
// handler with its Expect field and body intact (S3 ignores expectations
// it does not know; net/http alone answers 417), and the framing of
// Content-Length and chunked bodies keeps later requests on the same
// connection apart, even when a body looks like an Expect field.
func TestUnknownExpectIsServed(t *testing.T) {
	m := metrics.New()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, renamed := r.Header[renamedExpect]
		fmt.Fprintf(w, "%s|%q|%v|%s", r.URL.Path, r.Header.Get("Expect"), renamed, body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: limit(echo, m.Handler("tok"), 4, m), ConnContext: connContext, ConnState: connState}
	go srv.Serve(s3Listener{ln})
	t.Cleanup(func() { srv.Close() })

	bodyLikeHead := "x\r\nExpect: 300\r\n\r\n"
	chunks := fmt.Sprintf("%x\r\n%s\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n", len(bodyLikeHead), bodyLikeHead)
	reqs := []string{
		"PUT /a HTTP/1.1\r\nHost: h\r\nExpect: 200\r\nContent-Length: 3\r\n\r\nbar",
		"PUT /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nexpect: nothing\r\n\r\n" + chunks,
		fmt.Sprintf("PUT /c HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n%s", len(bodyLikeHead), bodyLikeHead),
		"GET /d HTTP/1.1\r\nHost: h\r\nExpect:\r\n\r\n",
		"PUT /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
	}
	want := []string{
		`/a|"200"|false|bar`,
		`/b|"nothing"|false|` + bodyLikeHead + "abc",
		`/c|""|false|` + bodyLikeHead,
		`/d|""|false|`,
		`/e|"100-continue"|false|ok`,
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Byte by byte, so that every line and body is split across reads.
	go func() {
		for _, b := range []byte(strings.Join(reqs, "")) {
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
		}
	}()
	br := bufio.NewReader(c)
	for i, w := range want {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		if resp.StatusCode == http.StatusContinue {
			if resp, err = http.ReadResponse(br, nil); err != nil {
				t.Fatalf("response %d after 100: %v", i, err)
			}
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(got) != w {
			t.Fatalf("response %d: %d %q, want 200 %q", i, resp.StatusCode, got, w)
		}
	}
}

// Streams the filter does not follow pass through unchanged.
func TestExpectFilterStops(t *testing.T) {
	for _, in := range []string{
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nExpect: 200\r\n",
		"PUT / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nExpect: 200\r\n",
		"PUT / HTTP/1.1\r\nContent-Length: x\r\n\r\nExpect: 200\r\n",
		"GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\nExpect: 200\r\n",
	} {
		f := newExpectFilter()
		src := strings.NewReader(in)
		got, err := io.ReadAll(readerFunc(func(p []byte) (int, error) { return f.read(src.Read, p) }))
		if err != nil || string(got) != in {
			t.Errorf("%q came out as %q (%v)", in, got, err)
		}
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// A read error that is not the end of the stream (net/http aborts its
// background read with a past deadline) in the middle of a line keeps the
// line back, so the Expect field it starts is still renamed.
func TestExpectFilterKeepsLineOverTimeout(t *testing.T) {
	parts := []string{"PUT / HTTP/1.1\r\nExp", "", "ect: 200\r\nContent-Length: 0\r\n\r\n"}
	f := newExpectFilter()
	var got []byte
	p := make([]byte, 64)
	for i := 0; i < len(parts); {
		n, err := f.read(func(b []byte) (int, error) {
			if i == len(parts) {
				return 0, io.EOF
			}
			part := parts[i]
			i++
			if part == "" {
				return 0, errTimeout{}
			}
			return copy(b, part), nil
		}, p)
		got = append(got, p[:n]...)
		if err != nil && !errors.As(err, &errTimeout{}) {
			t.Fatal(err)
		}
	}
	if want := "PUT / HTTP/1.1\r\n" + renamedExpect + ": 200\r\nContent-Length: 0\r\n\r\n"; string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

type errTimeout struct{}

func (errTimeout) Error() string { return "i/o timeout" }
