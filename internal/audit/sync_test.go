package audit

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTrailSyncs: a record written to the file is fsynced within
// SyncEvery (the trail marks it clean), and Close leaves every record in
// the file.
func TestTrailSyncs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	tr, err := Open(path, nil, false, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	tr.Record(context.Background(), &Event{EventName: "CreateUser"})
	clean := func() bool { tr.mu.Lock(); defer tr.mu.Unlock(); return !tr.dirty }
	if clean() {
		t.Fatal("a record just written is already marked synced")
	}
	deadline := time.Now().Add(3 * SyncEvery)
	for !clean() {
		if time.Now().After(deadline) {
			t.Fatalf("not synced after %v", 3*SyncEvery)
		}
		time.Sleep(20 * time.Millisecond)
	}
	tr.Record(context.Background(), &Event{EventName: "DeleteUser"})
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if !clean() {
		t.Fatal("Close left the file unsynced")
	}
	b, _ := os.ReadFile(path)
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 2 || !strings.Contains(lines[1], `"DeleteUser"`) {
		t.Fatalf("file holds %q", b)
	}
}
