// Command hooksink is the webhook of the notification benchmark: it
// answers every POST at once with 200 and counts the events it got
// (messages with a "Records" array; S3's test events are not counted).
// GET /count prints the count.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync/atomic"
)

func main() {
	addr := flag.String("address", "127.0.0.1:0", "host:port to listen on")
	flag.Parse()
	var events atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, events.Load()) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte(`"Records"`)) {
			events.Add(1)
		}
	})
	srv := &http.Server{Addr: *addr, Handler: mux}
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("hooksink", "err", err)
		os.Exit(1)
	}
}
