package s3api_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// accessFields are the fields of S3's server access log record, in order.
var accessFields = []string{"BucketOwner", "Bucket", "Time", "RemoteIP", "Requester", "RequestID", "Operation",
	"Key", "RequestURI", "HTTPStatus", "ErrorCode", "BytesSent", "ObjectSize", "TotalTime", "TurnAroundTime",
	"Referer", "UserAgent", "VersionID", "HostID", "SignatureVersion", "CipherSuite", "AuthenticationType",
	"HostHeader", "TLSVersion", "AccessPointARN", "ACLRequired"}

// parseAccessRecord splits one record: fields are separated by one
// space; [time] is bracketed; quoted fields may hold spaces and escaped
// quotes.
func parseAccessRecord(t *testing.T, line string) map[string]string {
	t.Helper()
	var f []string
	for i := 0; i < len(line); {
		var end int
		switch line[i] {
		case '[':
			end = strings.IndexByte(line[i:], ']') + i + 1
			f = append(f, line[i+1:end-1])
		case '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) {
					j++
				}
				b.WriteByte(line[j])
			}
			end = j + 1
			f = append(f, b.String())
		default:
			end = strings.IndexByte(line[i:], ' ')
			if end < 0 {
				end = len(line)
			} else {
				end += i
			}
			f = append(f, line[i:end])
		}
		if end < len(line) && line[end] != ' ' {
			t.Fatalf("record %q: no space after field %d", line, len(f))
		}
		i = end + 1
	}
	if len(f) != len(accessFields) {
		t.Fatalf("record has %d fields, want %d: %q", len(f), len(accessFields), line)
	}
	m := map[string]string{}
	for i, name := range accessFields {
		m[name] = f[i]
	}
	return m
}

// logRecords flushes the queue and returns the records of every log object
// in bucket under prefix, with the objects' keys.
func (e *env) logRecords(bucket, prefix string) ([]map[string]string, []string) {
	e.t.Helper()
	if err := e.srv.Server().FlushLogs(e.ctx); err != nil {
		e.t.Fatalf("flush logs: %v", err)
	}
	out, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	if err != nil {
		e.t.Fatal(err)
	}
	var recs []map[string]string
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
		g, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		if err != nil {
			e.t.Fatal(err)
		}
		body, _ := io.ReadAll(g.Body)
		g.Body.Close()
		for _, line := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
			recs = append(recs, parseAccessRecord(e.t, line))
		}
	}
	return recs, keys
}

func findRecord(recs []map[string]string, op, key string) map[string]string {
	for _, r := range recs {
		if r["Operation"] == op && r["Key"] == key {
			return r
		}
	}
	return nil
}

func TestServerAccessLogRecords(t *testing.T) {
	e := newEnv(t)
	target := e.newBucket()
	e.allowLogDelivery(target, "logs/", e.bucket)
	if err := e.putLogging(e.bucket, &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String("logs/")}); err != nil {
		t.Fatal(err)
	}
	before := time.Now().UTC().Add(-time.Second)
	e.put("dir/a b.txt", "hello, world")
	if _, _, err := e.get("dir/a b.txt"); err != nil {
		t.Fatal(err)
	}
	// A response larger than what net/http holds back is logged before
	// it leaves and again when it ends: one record is delivered.
	e.put("large", strings.Repeat("x", 100<<10))
	if _, _, err := e.get("large"); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.get("missing")
	wantCode(t, err, "NoSuchKey")
	// An anonymous request is logged with "-" for the requester.
	resp, err := http.Get(e.srv.URL + "/" + e.bucket + "/dir/a%20b.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	recs, keys := e.logRecords(target, "logs/")
	// The records may arrive in more than one object (a periodic
	// delivery can run beside the flush), each named as S3 names them.
	if len(keys) == 0 {
		t.Fatal("no log objects")
	}
	for _, k := range keys {
		if !regexp.MustCompile(`^logs/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$`).MatchString(k) {
			t.Fatalf("log object %q, want logs/YYYY-mm-DD-HH-MM-SS-UNIQUE", k)
		}
	}
	put := findRecord(recs, "REST.PUT.OBJECT", "dir/a%20b.txt")
	if put == nil {
		t.Fatalf("no PUT record in %v", recs)
	}
	ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", put["Time"])
	if err != nil || ts.Before(before) || ts.After(time.Now().Add(time.Second)) {
		t.Fatalf("time %q (%v), want now", put["Time"], err)
	}
	want := map[string]string{
		"Bucket": e.bucket, "RemoteIP": "127.0.0.1", "HTTPStatus": "200", "ErrorCode": "-", "ObjectSize": "12",
		"SignatureVersion": "SigV4", "AuthenticationType": "AuthHeader", "HostHeader": e.srv.Addr,
		"CipherSuite": "-", "TLSVersion": "-", "AccessPointARN": "-", "Referer": "-", "VersionID": "-",
		"RequestURI": "PUT /" + e.bucket + "/dir/a%20b.txt?x-id=PutObject HTTP/1.1",
	}
	for k, v := range want {
		if put[k] != v {
			t.Errorf("PUT record %s = %q, want %q", k, put[k], v)
		}
	}
	if len(put["BucketOwner"]) != 64 || put["Requester"] != put["BucketOwner"] || len(put["RequestID"]) != 16 || put["HostID"] == "-" ||
		!strings.Contains(put["UserAgent"], "aws-sdk-go-v2") {
		t.Errorf("PUT record owner/requester/ids/agent: %v", put)
	}
	get := findRecord(recs, "REST.GET.OBJECT", "dir/a%20b.txt")
	if get == nil || get["BytesSent"] != "12" || get["ObjectSize"] != "12" || get["HTTPStatus"] != "200" {
		t.Fatalf("GET record %v", get)
	}
	large := 0
	for _, r := range recs {
		if r["Operation"] == "REST.GET.OBJECT" && r["Key"] == "large" {
			large++
			if r["BytesSent"] != "102400" || r["HTTPStatus"] != "200" {
				t.Errorf("large GET record %v", r)
			}
		}
	}
	if large != 1 {
		t.Errorf("%d records of the large GET, want 1", large)
	}
	miss := findRecord(recs, "REST.GET.OBJECT", "missing")
	if miss == nil || miss["HTTPStatus"] != "404" || miss["ErrorCode"] != "NoSuchKey" {
		t.Fatalf("failed GET record %v", miss)
	}
	var anon map[string]string
	for _, r := range recs {
		if r["Operation"] == "REST.GET.OBJECT" && r["Requester"] == "-" {
			anon = r
		}
	}
	if anon == nil || anon["HTTPStatus"] != "403" || anon["ErrorCode"] != "AccessDenied" || anon["AuthenticationType"] != "-" ||
		anon["SignatureVersion"] != "-" {
		t.Fatalf("anonymous record %v", anon)
	}
	// The call that turned logging on is logged, once it took effect.
	if findRecord(recs, "REST.PUT.LOGGING_STATUS", "-") == nil {
		t.Fatalf("no PutBucketLogging record in %v", recs)
	}

	// Delivered records are gone from the queue: a second flush adds
	// only the new requests.
	if _, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatal(err)
	}
	recs2, keys2 := e.logRecords(target, "logs/")
	if len(keys2) != 2 || len(recs2) != len(recs)+1 || findRecord(recs2, "REST.GET.BUCKET", "-") == nil {
		t.Fatalf("after a second flush: %d objects, %d records (had %d)", len(keys2), len(recs2), len(recs))
	}
}

func TestServerAccessLogPartitionedKey(t *testing.T) {
	e := newEnv(t)
	target := e.newBucket()
	e.allowLogDelivery(target, "", e.bucket)
	for _, src := range []types.PartitionDateSource{types.PartitionDateSourceEventTime, types.PartitionDateSourceDeliveryTime} {
		if err := e.putLogging(e.bucket, &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String(""),
			TargetObjectKeyFormat: &types.TargetObjectKeyFormat{PartitionedPrefix: &types.PartitionedPrefix{PartitionDateSource: src}}}); err != nil {
			t.Fatal(err)
		}
		e.put("k", "v")
	}
	_, keys := e.logRecords(target, "")
	day := time.Now().UTC().Format("2006/01/02")
	re := regexp.MustCompile(`^000000000000/us-east-1/` + e.bucket + `/` + day + `/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$`)
	if len(keys) != 1 || !re.MatchString(keys[0]) {
		t.Fatalf("log objects %q, want one ACCOUNT/REGION/BUCKET/YYYY/MM/DD/... key", keys)
	}
}

// TestServerAccessLogPolicyAtDelivery: the target's policy is evaluated
// with S3's condition keys when logs are delivered; a policy whose
// aws:SourceAccount names another account accepts the configuration (as
// S3 does) but gets no logs.
func TestServerAccessLogPolicyAtDelivery(t *testing.T) {
	e := newEnv(t)
	target := e.newBucket()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},
		"Action":"s3:PutObject","Resource":"arn:aws:s3:::` + target + `/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`
	if _, err := e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(target), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if err := e.putLogging(e.bucket, &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String("")}); err != nil {
		t.Fatal(err)
	}
	e.put("k", "v")
	if _, keys := e.logRecords(target, ""); len(keys) != 0 {
		t.Fatalf("log objects %q delivered against the policy's condition", keys)
	}
	e.allowLogDelivery(target, "", e.bucket)
	e.put("k2", "v")
	recs, keys := e.logRecords(target, "")
	if len(keys) != 1 || findRecord(recs, "REST.PUT.OBJECT", "k2") == nil || findRecord(recs, "REST.PUT.OBJECT", "k") != nil {
		t.Fatalf("after the policy allowed delivery: objects %q, records %v", keys, recs)
	}
}

// TestServerAccessLogBatchAndCopy: DeleteObjects logs its own record and
// a BATCH.DELETE.OBJECT per key; a copy logs REST.COPY.OBJECT in the
// destination's log and REST.COPY.OBJECT_GET in the source's.
func TestServerAccessLogBatchAndCopy(t *testing.T) {
	e := newEnv(t)
	target := e.newBucket()
	other := e.newBucket()
	e.allowLogDelivery(target, "", "bucket-*") // both sources

	e.put("a", "1")
	e.put("b", "2")
	for _, b := range []string{e.bucket, other} {
		if err := e.putLogging(b, &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String("")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(other), Key: aws.String("c"),
		CopySource: aws.String(e.bucket + "/a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("a")}, {Key: aws.String("b")}}}}); err != nil {
		t.Fatal(err)
	}
	recs, _ := e.logRecords(target, "")
	multi := findRecord(recs, "REST.POST.MULTI_OBJECT_DELETE", "-")
	if multi == nil {
		t.Fatalf("no DeleteObjects record in %v", recs)
	}
	for _, k := range []string{"a", "b"} {
		r := findRecord(recs, "BATCH.DELETE.OBJECT", k)
		if r == nil || r["RequestID"] != multi["RequestID"] || r["Bucket"] != e.bucket || r["HTTPStatus"] != "204" {
			t.Errorf("BATCH.DELETE.OBJECT record of %s: %v", k, r)
		}
	}
	cp := findRecord(recs, "REST.COPY.OBJECT", "c")
	get := findRecord(recs, "REST.COPY.OBJECT_GET", "a")
	if cp == nil || cp["Bucket"] != other || get == nil || get["Bucket"] != e.bucket || get["RequestID"] != cp["RequestID"] {
		t.Fatalf("copy records %v and %v", cp, get)
	}
}
