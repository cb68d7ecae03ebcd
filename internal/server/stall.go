package server

import (
	"io"
	"net/http"
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
// r must be the request net/http passed to the server's handler: the body
// it had is put back on it before the response header goes out (see
// restoreBody).
func withStallDeadlines(next http.Handler, w http.ResponseWriter, r *http.Request) {
	ctl := http.NewResponseController(w)
	sw := &stallWriter{ResponseWriter: w, ctl: ctl}
	if r.Body != nil && r.Body != http.NoBody {
		orig := r.Body
		r.Body = &stallBody{ReadCloser: orig, ctl: ctl}
		sw.restoreBody = func() { r.Body = orig }
	}
	defer func() {
		sw.restore()
		d := time.Now().Add(stallTimeout)
		ctl.SetReadDeadline(d)
		ctl.SetWriteDeadline(d)
	}()
	next.ServeHTTP(sw, r)
}

type stallBody struct {
	io.ReadCloser
	ctl  *http.ResponseController
	last time.Time
}

func (b *stallBody) Read(p []byte) (int, error) {
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
	}
	return n, err
}

type stallWriter struct {
	http.ResponseWriter
	ctl  *http.ResponseController
	last time.Time
	// restoreBody puts the request's own body back (nil once done).
	// net/http decides what to do with an unread body by its type when it
	// writes the response header: with its Expect: 100-continue reader it
	// closes the connection instead of reading a body the client holds
	// back until 100 Continue (which a final answer cancels); with any
	// other type it tries to drain the body first, and a refused PUT with
	// Expect: 100-continue hung until the stall deadline.
	restoreBody func()
}

func (w *stallWriter) Write(p []byte) (int, error) {
	w.restore()
	w.refresh()
	return w.ResponseWriter.Write(p)
}

func (w *stallWriter) WriteHeader(code int) {
	if code >= 200 {
		w.restore()
	}
	w.refresh()
	w.ResponseWriter.WriteHeader(code)
}

// restore runs restoreBody once. The handler keeps reading through the
// stallBody it was given, so deadlines still follow its reads.
func (w *stallWriter) restore() {
	if w.restoreBody != nil {
		w.restoreBody()
		w.restoreBody = nil
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
