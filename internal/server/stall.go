package server

import (
	"io"
	"net/http"
	"sync"
	"time"
)

// A request may take as long as its data takes, but a client that stops
// sending its body, or stops reading the response, would otherwise hold
// a request slot (and its buffers) forever. Each read and write pushes the
// connection's deadline stallTimeout ahead; a client that makes no
// progress for that long loses the connection.
var stallTimeout = time.Minute

// refreshEvery bounds how often a deadline is moved, so that small reads
// and writes do not each pay for it.
const refreshEvery = time.Second

// withStallDeadlines runs next with progress deadlines on r's connection.
// When next returns, both deadlines are pushed stallTimeout ahead: that
// bounds net/http's flush of the response and its drain of an unread
// body, and a deadline must never be left expired for the next request on
// a kept-alive connection (the server resets the read deadline itself,
// but with no WriteTimeout it leaves the write deadline alone; every
// response through here or through limit sets a fresh one first).
//
// The handler gets a shallow copy of r carrying the wrapped body: r itself
// keeps the body net/http gave it, whose type net/http inspects when it
// writes the response header. With its Expect: 100-continue reader it
// closes the connection instead of reading a body the client holds back
// until 100 Continue (which a final answer cancels); given any other type
// it tried to drain the body first, and a refused PUT with Expect:
// 100-continue hung until the stall deadline.
func withStallDeadlines(next http.Handler, w http.ResponseWriter, r *http.Request) {
	ctl := http.NewResponseController(w)
	sw := &stallWriter{ResponseWriter: w, ctl: ctl}
	defer func() {
		d := time.Now().Add(stallTimeout)
		ctl.SetReadDeadline(d)
		ctl.SetWriteDeadline(d)
	}()
	if r.Body == nil || r.Body == http.NoBody {
		next.ServeHTTP(sw, r)
		return
	}
	body := &stallBody{ReadCloser: r.Body, ctl: ctl}
	hr, release := detach(r, body)
	defer release()
	hr.Body = body
	next.ServeHTTP(sw, hr)
}

type stallBody struct {
	io.ReadCloser
	ctl  *http.ResponseController
	last time.Time
	// mu is held across each read so that complete never misses an end
	// of body being returned (see detach).
	mu  sync.Mutex
	eof bool
}

func (b *stallBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now := time.Now(); now.Sub(b.last) >= refreshEvery {
		b.ctl.SetReadDeadline(now.Add(stallTimeout))
		b.last = now
	}
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		// The body is done: the handler may now work for long without
		// reading (a large multipart completion), and net/http's
		// background read would take an expired deadline for a client
		// gone and cancel the request.
		b.ctl.SetReadDeadline(time.Time{})
		b.last = time.Time{}
		b.eof = true
	}
	return n, err
}

// complete reports whether the whole body has been read.
func (b *stallBody) complete() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.eof
}

type stallWriter struct {
	http.ResponseWriter
	ctl  *http.ResponseController
	last time.Time
}

func (w *stallWriter) Write(p []byte) (int, error) {
	w.refresh()
	return w.ResponseWriter.Write(p)
}

func (w *stallWriter) WriteHeader(code int) {
	w.refresh()
	w.ResponseWriter.WriteHeader(code)
}

func (w *stallWriter) refresh() {
	if now := time.Now(); now.Sub(w.last) >= refreshEvery {
		w.ctl.SetWriteDeadline(now.Add(stallTimeout))
		w.last = now
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *stallWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
