package server

import (
	"io"
	"net/http"
	"strings"
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
// The handler gets a shallow copy of r carrying the wrapped body, and so
// does r itself: net/http decides what to do with a body left unread by
// the type of r.Body when it writes the response header, and with the
// wrapper it reads up to 256 KiB of it before it answers and closes. A
// client that sends its whole body before reading then reads an early
// answer (507, 403) instead of a connection reset. A client that waits
// for 100 Continue sends nothing until then, and draining would wait for
// ever: when no byte was read (no 100 Continue sent), r gets net/http's
// own reader back before the header goes out, and net/http closes the
// connection instead (stallWriter.gate).
func withStallDeadlines(next http.Handler, w http.ResponseWriter, r *http.Request) {
	ctl := http.NewResponseController(w)
	sw := &stallWriter{ResponseWriter: w, ctl: ctl}
	defer func() {
		sw.beforeHeader()
		d := time.Now().Add(stallTimeout)
		ctl.SetReadDeadline(d)
		ctl.SetWriteDeadline(d)
	}()
	if r.Body == nil || r.Body == http.NoBody {
		next.ServeHTTP(sw, r)
		return
	}
	orig := r.Body
	body := &stallBody{ReadCloser: orig, ctl: ctl}
	r.Body = body
	if strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		sw.gate = func() {
			if !body.started() {
				r.Body = orig
			}
		}
	}
	hr, release := detach(r, body)
	defer release()
	next.ServeHTTP(sw, hr)
}

type stallBody struct {
	io.ReadCloser
	ctl  *http.ResponseController
	last time.Time
	// mu is held across each read so that complete never misses an end
	// of body being returned (see detach).
	mu   sync.Mutex
	read bool // a read was attempted (100 Continue went out)
	eof  bool
}

func (b *stallBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.read = true
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

// started reports whether the handler has tried to read the body.
func (b *stallBody) started() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.read
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
	// gate runs once before the response header can go out (nil: none).
	gate func()
}

func (w *stallWriter) Write(p []byte) (int, error) {
	w.beforeHeader()
	w.refresh()
	return w.ResponseWriter.Write(p)
}

func (w *stallWriter) WriteHeader(code int) {
	if code >= 200 {
		w.beforeHeader()
	}
	w.refresh()
	w.ResponseWriter.WriteHeader(code)
}

func (w *stallWriter) beforeHeader() {
	if w.gate != nil {
		w.gate()
		w.gate = nil
	}
}

func (w *stallWriter) refresh() {
	if now := time.Now(); now.Sub(w.last) >= refreshEvery {
		w.ctl.SetWriteDeadline(now.Add(stallTimeout))
		w.last = now
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *stallWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
