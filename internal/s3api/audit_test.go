package s3api_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// auditRecord is the part of a CloudTrail record the tests check.
type auditRecord struct {
	EventVersion string `json:"eventVersion"`
	EventTime    string `json:"eventTime"`
	EventSource  string `json:"eventSource"`
	EventName    string `json:"eventName"`
	AWSRegion    string `json:"awsRegion"`
	SourceIP     string `json:"sourceIPAddress"`
	UserAgent    string `json:"userAgent"`
	ErrorCode    string `json:"errorCode"`
	UserIdentity struct {
		Type, PrincipalID, ARN, AccountID, AccessKeyID, UserName string
	} `json:"userIdentity"`
	RequestParameters   map[string]any `json:"requestParameters"`
	ResponseElements    map[string]any `json:"responseElements"`
	AdditionalEventData map[string]any `json:"additionalEventData"`
	RequestID           string         `json:"requestID"`
	EventID             string         `json:"eventID"`
	ReadOnly            bool           `json:"readOnly"`
	Resources           []struct{ Type, ARN, AccountID string }
	EventType           string `json:"eventType"`
	ManagementEvent     bool   `json:"managementEvent"`
	EventCategory       string `json:"eventCategory"`
	RecipientAccountID  string `json:"recipientAccountId"`
}

func readAuditFile(t *testing.T, path string) ([]auditRecord, string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []auditRecord
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r auditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs, string(raw)
}

func findEvent(recs []auditRecord, source, name string) *auditRecord {
	for i := range recs {
		if recs[i].EventSource == source && recs[i].EventName == name {
			return &recs[i]
		}
	}
	return nil
}

func TestAuditTrail(t *testing.T) {
	file := filepath.Join(t.TempDir(), "audit.log")
	srv := testserver.Start(t, testserver.WithAudit(server.AuditConfig{File: file, Bucket: "trail/ops", DataEvents: true}))
	e := &env{t: t, srv: srv, c: srv.Client(), ctx: testserver.Context(t)}
	e.bucket = e.newBucket()
	if _, err := e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String("trail")}); err != nil {
		t.Fatal(err)
	}
	root := credentials.NewStaticCredentialsProvider(testserver.AccessKey, testserver.SecretKey, "")
	ic := iam.New(iam.Options{Region: testserver.Region, BaseEndpoint: aws.String(srv.URL), Credentials: root, HTTPClient: srv.HTTPClient()})
	sc := sts.New(sts.Options{Region: testserver.Region, BaseEndpoint: aws.String(srv.URL), Credentials: root, HTTPClient: srv.HTTPClient()})

	if _, err := ic.CreateUser(e.ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	key, err := ic.CreateAccessKey(e.ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := sc.GetSessionToken(e.ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	kc := srv.KMSClient()
	k, err := kc.CreateKey(e.ctx, &kms.CreateKeyInput{Description: aws.String("audit test")})
	if err != nil {
		t.Fatal(err)
	}
	plaintext := []byte("plaintext-that-must-not-be-logged")
	if _, err := kc.Encrypt(e.ctx, &kms.EncryptInput{KeyId: k.KeyMetadata.KeyId, Plaintext: plaintext}); err != nil {
		t.Fatal(err)
	}
	ssec := newSSECKey(7)
	e.put("secret.txt", "body", func(in *s3.PutObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(ssec.key), aws.String(ssec.md5)
	})
	e.put("plain.txt", "body")
	// A user without policies is refused; the refusal is recorded.
	alice := srv.Client(func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")
	})
	_, err = alice.ListBuckets(e.ctx, &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied")

	recs, raw := readAuditFile(t, file)
	for what, secret := range map[string]string{
		"root secret key": testserver.SecretKey, "new user's secret key": aws.ToString(key.AccessKey.SecretAccessKey),
		"session secret": aws.ToString(sess.Credentials.SecretAccessKey), "session token": aws.ToString(sess.Credentials.SessionToken),
		"SSE-C key": ssec.key, "KMS plaintext": base64.StdEncoding.EncodeToString(plaintext),
	} {
		if strings.Contains(raw, secret) || strings.Contains(raw, string(plaintext)) {
			t.Errorf("the audit log holds the %s", what)
		}
	}

	cu := findEvent(recs, "iam.amazonaws.com", "CreateUser")
	if cu == nil || cu.RequestParameters["userName"] != "alice" || cu.UserIdentity.Type != "Root" ||
		cu.UserIdentity.AccessKeyID != testserver.AccessKey || cu.UserIdentity.ARN != "arn:aws:iam::000000000000:root" ||
		cu.EventCategory != "Management" || !cu.ManagementEvent || cu.ReadOnly || cu.EventType != "AwsApiCall" ||
		cu.EventVersion != "1.09" || cu.AWSRegion != "us-east-1" || cu.SourceIP != "127.0.0.1" || cu.RecipientAccountID != "000000000000" ||
		len(cu.EventID) != 36 || cu.RequestID == "" || !strings.Contains(cu.UserAgent, "aws-sdk-go-v2") {
		t.Errorf("CreateUser record %+v", cu)
	}
	// responseElements as CloudTrail fills them: the created user, the
	// new key without its secret, the new KMS key's metadata.
	if u, _ := cu.ResponseElements["user"].(map[string]any); u["userName"] != "alice" || u["arn"] != "arn:aws:iam::000000000000:user/alice" ||
		u["userId"] == "" || u["path"] != "/" {
		t.Errorf("CreateUser responseElements %v", cu.ResponseElements)
	}
	if r := findEvent(recs, "iam.amazonaws.com", "CreateAccessKey"); r == nil {
		t.Error("no CreateAccessKey record")
	} else if k, _ := r.ResponseElements["accessKey"].(map[string]any); k["accessKeyId"] != aws.ToString(key.AccessKey.AccessKeyId) ||
		k["userName"] != "alice" || k["status"] != "Active" || k["secretAccessKey"] != nil {
		t.Errorf("CreateAccessKey responseElements %v", r.ResponseElements)
	}
	if r := findEvent(recs, "kms.amazonaws.com", "CreateKey"); r == nil {
		t.Error("no CreateKey record")
	} else if m, _ := r.ResponseElements["keyMetadata"].(map[string]any); m["keyId"] != aws.ToString(k.KeyMetadata.KeyId) || m["description"] != "audit test" {
		t.Errorf("CreateKey responseElements %v", r.ResponseElements)
	}
	if r := findEvent(recs, "kms.amazonaws.com", "Encrypt"); r == nil || r.ResponseElements != nil {
		t.Errorf("Encrypt responseElements %+v", r)
	}
	if r := findEvent(recs, "sts.amazonaws.com", "GetSessionToken"); r == nil || r.ErrorCode != "" {
		t.Errorf("GetSessionToken record %+v", r)
	} else if c, _ := r.ResponseElements["credentials"].(map[string]any); c["accessKeyId"] != aws.ToString(sess.Credentials.AccessKeyId) ||
		c["expiration"] == nil || len(c) != 2 {
		t.Errorf("GetSessionToken responseElements %v", r.ResponseElements)
	}
	if r := findEvent(recs, "kms.amazonaws.com", "Encrypt"); r == nil || r.RequestParameters["keyId"] != aws.ToString(k.KeyMetadata.KeyId) || !r.ReadOnly {
		t.Errorf("Encrypt record %+v", r)
	}
	if r := findEvent(recs, "kms.amazonaws.com", "CreateKey"); r == nil || r.RequestParameters["description"] != "audit test" || r.ReadOnly {
		t.Errorf("CreateKey record %+v", r)
	}
	if r := findEvent(recs, "s3.amazonaws.com", "CreateBucket"); r == nil || r.RequestParameters["bucketName"] != e.bucket || r.EventCategory != "Management" {
		t.Errorf("CreateBucket record %+v", r)
	}
	var plain, sealed *auditRecord
	for i := range recs {
		if recs[i].EventName == "PutObject" {
			switch recs[i].RequestParameters["key"] {
			case "plain.txt":
				plain = &recs[i]
			case "secret.txt":
				sealed = &recs[i]
			}
		}
	}
	if plain == nil || plain.EventCategory != "Data" || plain.ManagementEvent || plain.AdditionalEventData["SSEApplied"] != "Default_SSE_S3" ||
		plain.ResponseElements["x-amz-server-side-encryption"] != "AES256" || len(plain.Resources) != 2 ||
		plain.Resources[0].ARN != "arn:aws:s3:::"+e.bucket+"/plain.txt" || plain.AdditionalEventData["bytesTransferredIn"] != 4.0 {
		t.Errorf("PutObject record %+v", plain)
	}
	if sealed == nil || sealed.AdditionalEventData["SSEApplied"] != "SSE_C" {
		t.Errorf("SSE-C PutObject record %+v", sealed)
	}
	if r := findEvent(recs, "s3.amazonaws.com", "ListBuckets"); r == nil || r.ErrorCode != "AccessDenied" ||
		r.UserIdentity.Type != "IAMUser" || r.UserIdentity.UserName != "alice" || r.UserIdentity.ARN != "arn:aws:iam::000000000000:user/alice" {
		t.Errorf("refused ListBuckets record %+v", r)
	}

	// The bucket gets the same records as CloudTrail log files.
	if err := srv.Server().FlushLogs(e.ctx); err != nil {
		t.Fatal(err)
	}
	out, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("trail"), Prefix: aws.String("ops/AWSLogs/000000000000/CloudTrail/us-east-1/")})
	if err != nil || len(out.Contents) != 1 || !strings.HasSuffix(aws.ToString(out.Contents[0].Key), ".json.gz") ||
		!strings.Contains(aws.ToString(out.Contents[0].Key), "/000000000000_CloudTrail_us-east-1_") {
		t.Fatalf("trail objects %+v, %v", out, err)
	}
	g, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String("trail"), Key: out.Contents[0].Key})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Body.Close()
	zr, err := gzip.NewReader(g.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	var doc struct{ Records []auditRecord }
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.Records) != len(recs) {
		t.Fatalf("trail file: %d records (%v), the file has %d", len(doc.Records), err, len(recs))
	}
}

func TestAuditTrailManagementOnly(t *testing.T) {
	file := filepath.Join(t.TempDir(), "audit.log")
	e := newEnv(t, testserver.WithAudit(server.AuditConfig{File: file}))
	e.put("k", "v")
	if _, _, err := e.get("k"); err != nil {
		t.Fatal(err)
	}
	recs, _ := readAuditFile(t, file)
	if findEvent(recs, "s3.amazonaws.com", "CreateBucket") == nil {
		t.Fatal("no CreateBucket record")
	}
	for _, r := range recs {
		if r.EventCategory == "Data" {
			t.Fatalf("data event %s recorded with data events off", r.EventName)
		}
	}
}
