package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hoard-s3/hoard/internal/server"
)

// runAdminNotify serves `hoard admin notify status`: it asks a running
// server, with the metrics token, for its targets' health and backlog.
func runAdminNotify(a *app, args []string) int {
	if len(args) == 0 || args[0] != "status" {
		fmt.Fprintln(a.stderr, "Usage: hoard admin notify status [--endpoint URL] [--token-file FILE] [--json]")
		return 2
	}
	fs := flag.NewFlagSet("admin notify status", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	endpoint := fs.String("endpoint", "http://127.0.0.1:9000", "`URL` of the running server")
	tokenFile := fs.String("token-file", "", "`file` holding the server's metrics token (default $HOARD_METRICS_TOKEN)")
	asJSON := fs.Bool("json", false, "print the status document as JSON")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	token, err := loadMetricsToken(*tokenFile, a.getenv)
	if err == nil && token == "" {
		err = errors.New("no metrics token: pass --token-file or set HOARD_METRICS_TOKEN (the server's --metrics-token-file)")
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin notify status: %v\n", err)
		return 2
	}
	body, err := fetchNotifyStatus(strings.TrimRight(*endpoint, "/")+server.NotifyStatusPath, token)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin notify status: %v\n", err)
		return 1
	}
	if *asJSON {
		a.stdout.Write(body)
		return 0
	}
	var doc server.NotifyStatusDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		fmt.Fprintf(a.stderr, "hoard admin notify status: %v\n", err)
		return 1
	}
	printNotifyStatus(a.stdout, doc)
	return 0
}

func fetchNotifyStatus(url, token string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return body, nil
}

func printNotifyStatus(w io.Writer, doc server.NotifyStatusDoc) {
	if doc.OutboxFull {
		fmt.Fprintln(w, "OUTBOX FULL: new events are dropped until it drains")
	}
	if len(doc.Targets) == 0 {
		fmt.Fprintln(w, "no notification targets (hoard server --notify-target NAME=URL)")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tSCHEME\tHEALTH\tQUEUED\tOLDEST\tDELIVERED\tFAILED\tRETRIED\tDROPPED\tENDPOINT")
	for _, t := range doc.Targets {
		health, oldest := "ok", "-"
		if !t.Healthy {
			health = "failing"
		}
		if !t.Oldest.IsZero() {
			oldest = time.Since(t.Oldest).Round(time.Second).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\t%d\t%d\t%d\t%s\n", t.Name, t.Scheme, health, t.Queued, oldest,
			t.Delivered, t.Failed, t.Retried, t.Dropped, t.Endpoint)
	}
	tw.Flush()
	for _, t := range doc.Targets {
		if t.LastError != "" {
			fmt.Fprintf(w, "%s: last error: %s\n", t.Name, t.LastError)
		}
	}
}
