package event

import (
	"encoding/json"
	"testing"
	"time"
)

// TestMessageRendering: the hand-built message is what encoding/json
// makes of the same structure, for keys and fields that need escaping.
func TestMessageRendering(t *testing.T) {
	size := int64(11)
	now := time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC)
	for _, key := range []string{"plain", "a b/c+d", "ключ/日本", "<a&b>\"q\"\\", "ctl\x01\n\t\r\b\f", "bad\xffutf8", "line\u2028sep\u2029", ""} {
		for _, r := range []Record{
			{Name: ObjectCreatedPut, Time: now, Region: "us-east-1", Bucket: "b", Owner: "o<&>", Key: key, Size: &size,
				ETag: "e", VersionID: "v", ConfigID: key, Request: Request{PrincipalID: key, SourceIP: "::1", RequestID: "R", HostID: "H/+="}},
			{Name: ObjectRemovedDelete, Time: now, Bucket: "b", Key: key},
			{Name: ObjectRestoreDone, Time: now, Bucket: "b", Key: key, Size: &size, RestoreExpiry: now, RestoreStorageClass: "GLACIER"},
		} {
			want, err := json.Marshal(Message{Records: []MessageRecord{r.entry(42)}})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Message(42); string(got) != string(want) {
				t.Errorf("key %q:\n got %s\nwant %s", key, got, want)
			}
		}
	}
}
