package event

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestRecordCodec(t *testing.T) {
	size := int64(4096)
	now := time.Date(2026, 12, 6, 22, 0, 0, 123456789, time.UTC)
	for name, r := range map[string]Record{
		"created": {Name: ObjectCreatedPut, Time: now, Region: "us-east-1", Bucket: "b", Owner: "o", Key: "dir/ké y",
			Size: &size, ETag: "e", VersionID: "v", ConfigID: "c", Request: Request{PrincipalID: "p", SourceIP: "127.0.0.1", RequestID: "R", HostID: "H"}},
		"removed":    {Name: ObjectRemovedDelete, Time: now, Bucket: "b", Key: "k"},
		"empty size": {Name: ObjectCreatedPut, Time: now, Bucket: "b", Key: "", Size: new(int64)},
		"restored": {Name: ObjectRestoreDone, Time: now, Bucket: "b", Key: "k", Size: &size,
			RestoreExpiry: now.Add(48 * time.Hour), RestoreStorageClass: "GLACIER"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Decode(r.Encode())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, r) {
				t.Fatalf("decoded %+v\nwant    %+v", *got, r)
			}
			// A payload queued as JSON by an earlier version still decodes.
			old, _ := json.Marshal(&r)
			if got, err := Decode(old); err != nil || got.Key != r.Key || got.Name != r.Name || !got.Time.Equal(r.Time) {
				t.Fatalf("JSON payload: %+v, %v", got, err)
			}
			// Every truncation is an error, never a panic or a wrong record.
			enc := r.Encode()
			for i := 0; i < len(enc); i++ {
				if _, err := Decode(enc[:i]); err == nil {
					t.Fatalf("truncated to %d of %d bytes: no error", i, len(enc))
				}
			}
		})
	}
}
