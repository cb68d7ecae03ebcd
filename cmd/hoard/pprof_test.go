package main

import (
	"io"
	"log/slog"
	"net/http"
	"testing"
)

func TestPprofListener(t *testing.T) {
	addr, err := startPprof("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/debug/pprof/cmdline": 200, "/debug/pprof/heap?debug=1": 200, "/": 404, "/metrics": 404} {
		resp, err := http.Get("http://" + addr.String() + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", path, resp.StatusCode, want)
		}
	}
	if _, err := startPprof(addr.String(), slog.New(slog.DiscardHandler)); err == nil {
		t.Error("second listener on a taken address succeeded")
	}
}
