package replication

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/sites"
)

const unsignedPayload = "UNSIGNED-PAYLOAD"

// objectURL is the path-style URL of a key at a site.
func objectURL(site sites.Credentials, bucket, key string) string {
	u := site.Endpoint + "/" + bucket
	if key != "" {
		u += "/" + (&url.URL{Path: key}).EscapedPath()
	}
	return u
}

// do signs req with the site's key pair (SigV4, service s3, the site's
// region) and sends it.
func (r *Replicator) do(ctx context.Context, site sites.Credentials, req *http.Request) (*http.Response, error) {
	req.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
	creds := aws.Credentials{AccessKeyID: site.AccessKey, SecretAccessKey: site.SecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, unsignedPayload, "s3", site.Region, time.Now()); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return r.cfg.HTTP.Do(req)
}

// answer turns a non-2xx answer into an error carrying S3's code.
func answer(resp *http.Response) error {
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	code := ""
	if i := strings.Index(string(body), "<Code>"); i >= 0 {
		if j := strings.Index(string(body[i:]), "</Code>"); j > 0 {
			code = string(body[i+6 : i+j])
		}
	}
	return fmt.Errorf("destination answered %d %s", resp.StatusCode, code)
}

func (r *Replicator) hasBucket(ctx context.Context, site sites.Credentials, bucket string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, objectURL(site, bucket, ""), nil)
	if err != nil {
		return false, err
	}
	resp, err := r.do(ctx, site, req)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, fmt.Errorf("HEAD bucket %s answered %d", bucket, resp.StatusCode)
}

func (r *Replicator) sendMarker(ctx context.Context, site sites.Credentials, rule *object.ReplicationRule, task object.ReplicationTask) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, objectURL(site, rule.Destination.DestinationBucket(), task.Key), nil)
	if err != nil {
		return err
	}
	req.Header.Set(s3api.HdrReplicaVersion, task.VersionID)
	req.Header.Set(s3api.HdrReplicaModified, time.Unix(0, task.Written).UTC().Format(time.RFC3339Nano))
	return r.send(ctx, site, rule, req)
}

func (r *Replicator) send(ctx context.Context, site sites.Credentials, rule *object.ReplicationRule, req *http.Request) error {
	resp, err := r.do(ctx, site, req)
	if err == nil {
		err = answer(resp)
	}
	if err != nil {
		r.forget(rule.Destination.DestinationBucket())
		return fmt.Errorf("site %s: %w", site.Name, err)
	}
	return nil
}

// sendVersion sends one version with its data, metadata, tags and lock;
// done is false when the version is gone (deleted since it was queued),
// which leaves nothing to do.
func (r *Replicator) sendVersion(ctx context.Context, site sites.Credentials, rule *object.ReplicationRule, task object.ReplicationTask) (bool, error) {
	svc := r.cfg.Service
	head, err := svc.GetObject(ctx, object.GetInput{Bucket: task.Bucket, Key: task.Key, VersionID: task.VersionID, HeadOnly: true})
	if err == nil {
		ctx = keyOwnerCaller(ctx, head.Info.SSE)
	}
	rd, err := svc.GetObject(ctx, object.GetInput{Bucket: task.Bucket, Key: task.Key, VersionID: task.VersionID})
	var dm *object.DeleteMarkerError
	if errors.Is(err, object.ErrNoSuchVersion) || errors.Is(err, object.ErrNoSuchKey) || errors.As(err, &dm) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read source: %w", err)
	}
	defer rd.Body.Close()
	tags, _, err := svc.GetObjectTagging(ctx, task.Bucket, task.Key, task.VersionID)
	if err != nil {
		return false, fmt.Errorf("read source tags: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, objectURL(site, rule.Destination.DestinationBucket(), task.Key), rd.Body)
	if err != nil {
		return false, err
	}
	req.ContentLength = rd.Info.Size
	if rd.Info.Size == 0 {
		req.Body = http.NoBody
	}
	versionHeaders(req.Header, &rd.Info, tags, rule)
	return true, r.send(ctx, site, rule, req)
}

// versionHeaders describes a version as a PutObject would.
func versionHeaders(h http.Header, info *object.ObjectInfo, tags []object.Tag, rule *object.ReplicationRule) {
	h.Set(s3api.HdrReplicaVersion, info.VersionID)
	h.Set(s3api.HdrReplicaModified, info.LastModified.UTC().Format(time.RFC3339Nano))
	md := info.Metadata
	for name, v := range map[string]string{"Content-Type": md.ContentType, "Content-Encoding": md.ContentEncoding,
		"Content-Disposition": md.ContentDisposition, "Content-Language": md.ContentLanguage,
		"Cache-Control": md.CacheControl, "Expires": md.Expires} {
		if v != "" {
			h.Set(name, v)
		}
	}
	for k, v := range md.User {
		h.Set("X-Amz-Meta-"+k, v)
	}
	if len(tags) > 0 {
		q := url.Values{}
		for _, t := range tags {
			q.Add(t.Key, t.Value)
		}
		h.Set("X-Amz-Tagging", q.Encode())
	}
	class := rule.Destination.StorageClass
	if class == "" && info.StorageClass != "STANDARD" {
		class = info.StorageClass
	}
	if class != "" {
		h.Set("X-Amz-Storage-Class", class)
	}
	if l := info.Lock; l.Mode != object.LockNone && !l.RetainUntil.IsZero() {
		h.Set("X-Amz-Object-Lock-Mode", l.Mode.String())
		h.Set("X-Amz-Object-Lock-Retain-Until-Date", l.RetainUntil.UTC().Format(time.RFC3339))
	}
	if info.Lock.LegalHoldSet {
		h.Set("X-Amz-Object-Lock-Legal-Hold", map[bool]string{true: "ON", false: "OFF"}[info.Lock.LegalHold])
	}
	switch info.SSE.Type {
	case object.SSETypeS3:
		h.Set("X-Amz-Server-Side-Encryption", "AES256")
	case object.SSETypeKMS:
		h.Set("X-Amz-Server-Side-Encryption", "aws:kms")
		if k := rule.Destination.ReplicaKMSKey; k != "" {
			h.Set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", k)
		}
	}
	// The source's full-object checksum, verified by the destination: the
	// data arrives as it was written.
	if c := info.Checksum; c.Algorithm != checksum.None && info.ChecksumType == object.ChecksumFullObject && !strings.Contains(c.Encoded, "-") {
		h.Set(c.Algorithm.Header(), c.Encoded)
	}
}

// keyOwnerCaller lets the replicator decrypt an SSE-KMS version: it reads
// as the root of the account that owns the key (whose key policy allows
// it), through S3, as S3's replication role would.
func keyOwnerCaller(ctx context.Context, enc object.SSEInfo) context.Context {
	if enc.Type != object.SSETypeKMS {
		return ctx
	}
	parts := strings.SplitN(enc.KMSKeyARN, ":", 6)
	if len(parts) < 6 {
		return ctx
	}
	acct := parts[4]
	return kms.WithCaller(ctx, &kms.Caller{
		Principal:  policy.Principal{Type: policy.PrincipalRoot, ARN: "arn:aws:iam::" + acct + ":root", Account: acct, UserID: acct},
		ViaService: "s3." + parts[3] + ".amazonaws.com",
	})
}
