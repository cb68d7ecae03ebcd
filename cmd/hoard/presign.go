package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// maxPresignExpiry is SigV4's limit on a presigned URL's lifetime.
const maxPresignExpiry = 7 * 24 * time.Hour

// presignOptions are the flags of `hoard presign`.
type presignOptions struct {
	endpoint, region string
	expires          time.Duration
	multipart        bool
	parts            int
}

func presignFlags(w io.Writer) (*flag.FlagSet, *presignOptions) {
	o := &presignOptions{}
	fs := flag.NewFlagSet("presign", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.endpoint, "endpoint", "http://127.0.0.1:9000", "`URL` of the Hoard server, as clients will reach it")
	fs.StringVar(&o.region, "region", "us-east-1", "region the server answers for")
	fs.DurationVar(&o.expires, "expires", time.Hour, "how long the URLs stay valid (at most 168h)")
	fs.BoolVar(&o.multipart, "multipart", false, "start a multipart upload and print one upload URL per part")
	fs.IntVar(&o.parts, "parts", 1, "number of parts with --multipart (1 to 10000)")
	fs.Usage = func() { presignUsage(w) }
	return fs, o
}

func presignUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: hoard presign [flags] BUCKET/KEY

Prints presigned URLs that let a client without credentials read or
write one object until they expire. Without --multipart it prints a GET
and a PUT URL. With --multipart --parts N it starts a multipart upload and
prints its id, one PUT URL per part, the URL that completes the upload
(POST the CompleteMultipartUpload document listing each part's ETag) and
the one that aborts it. Each line is: NAME, METHOD, URL, tab-separated.

Credentials come from HOARD_ROOT_ACCESS_KEY and HOARD_ROOT_SECRET_KEY, or
else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.

Flags:
`)
	fs, _ := presignFlags(w)
	fs.PrintDefaults()
}

func runPresign(a *app, args []string) int {
	fs, o := presignFlags(a.stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bucket, key, err := presignTarget(fs.Args())
	if err == nil {
		err = o.validate()
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard presign: %v\n", err)
		return 2
	}
	creds, err := presignCredentials(a.getenv)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard presign: %v\n", err)
		return 2
	}
	p := &presigner{o: o, bucket: bucket, key: key, creds: creds, out: a.stdout}
	p.client = s3.New(s3.Options{
		Region: o.region, BaseEndpoint: aws.String(o.endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken),
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if o.multipart {
		err = p.multipart(ctx)
	} else {
		err = p.single(ctx)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard presign: %v\n", err)
		return 1
	}
	return 0
}

// presignTarget reads the one BUCKET/KEY argument (an s3:// prefix is
// accepted).
func presignTarget(args []string) (bucket, key string, err error) {
	if len(args) != 1 {
		return "", "", errors.New("expected one BUCKET/KEY argument")
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(args[0], "s3://"), "/")
	if bucket == "" || key == "" {
		return "", "", fmt.Errorf("%q is not BUCKET/KEY", args[0])
	}
	return bucket, key, nil
}

func (o *presignOptions) validate() error {
	if o.expires <= 0 || o.expires > maxPresignExpiry {
		return fmt.Errorf("--expires %s: must be more than 0 and at most 168h (7 days)", o.expires)
	}
	if o.expires%time.Second != 0 {
		return fmt.Errorf("--expires %s: must be whole seconds", o.expires)
	}
	if o.parts < 1 || o.parts > 10000 {
		return fmt.Errorf("--parts %d: must be 1 to 10000", o.parts)
	}
	if !o.multipart && o.parts != 1 {
		return errors.New("--parts needs --multipart")
	}
	u, err := url.Parse(o.endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--endpoint %q: want http(s)://HOST[:PORT]", o.endpoint)
	}
	return nil
}

// presignCredentials prefers Hoard's root key variables, then the AWS ones.
func presignCredentials(getenv func(string) string) (aws.Credentials, error) {
	for _, names := range [][3]string{
		{"HOARD_ROOT_ACCESS_KEY", "HOARD_ROOT_SECRET_KEY", ""},
		{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"},
	} {
		ak, sk := getenv(names[0]), getenv(names[1])
		if ak != "" && sk != "" {
			c := aws.Credentials{AccessKeyID: ak, SecretAccessKey: sk}
			if names[2] != "" {
				c.SessionToken = getenv(names[2])
			}
			return c, nil
		}
	}
	return aws.Credentials{}, errors.New("no credentials: set HOARD_ROOT_ACCESS_KEY and HOARD_ROOT_SECRET_KEY, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
}

// presigner prints the URLs of one command run.
type presigner struct {
	o           *presignOptions
	bucket, key string
	creds       aws.Credentials
	client      *s3.Client
	out         io.Writer
}

func (p *presigner) presignClient() *s3.PresignClient {
	return s3.NewPresignClient(p.client, s3.WithPresignExpires(p.o.expires))
}

func (p *presigner) print(name string, r *v4.PresignedHTTPRequest) {
	fmt.Fprintf(p.out, "%s\t%s\t%s\n", name, r.Method, r.URL)
}

// single prints a GET and a PUT URL for the key.
func (p *presigner) single(ctx context.Context) error {
	ps := p.presignClient()
	get, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &p.bucket, Key: &p.key})
	if err != nil {
		return fmt.Errorf("presign GET: %w", err)
	}
	put, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: &p.bucket, Key: &p.key})
	if err != nil {
		return fmt.Errorf("presign PUT: %w", err)
	}
	p.print("get", get)
	p.print("put", put)
	return nil
}

// multipart starts an upload and prints the URLs that finish it.
func (p *presigner) multipart(ctx context.Context) error {
	up, err := p.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &p.bucket, Key: &p.key})
	if err != nil {
		return fmt.Errorf("start multipart upload: %w", err)
	}
	id := aws.ToString(up.UploadId)
	fmt.Fprintf(p.out, "upload-id\t%s\n", id)
	ps := p.presignClient()
	for n := 1; n <= p.o.parts; n++ {
		r, err := ps.PresignUploadPart(ctx, &s3.UploadPartInput{
			Bucket: &p.bucket, Key: &p.key, UploadId: &id, PartNumber: aws.Int32(int32(n)),
		})
		if err != nil {
			return fmt.Errorf("presign part %d: %w", n, err)
		}
		p.print("part-"+strconv.Itoa(n), r)
	}
	for _, op := range []struct{ name, method string }{{"complete", http.MethodPost}, {"abort", http.MethodDelete}} {
		r, err := p.presignUploadCall(ctx, op.method, id)
		if err != nil {
			return fmt.Errorf("presign %s: %w", op.name, err)
		}
		p.print(op.name, r)
	}
	return nil
}

// presignUploadCall presigns CompleteMultipartUpload or
// AbortMultipartUpload. The SDK's presign client does not cover them, so
// its SigV4 signer signs them directly, the payload left unsigned as in
// every presigned URL.
func (p *presigner) presignUploadCall(ctx context.Context, method, id string) (*v4.PresignedHTTPRequest, error) {
	u := strings.TrimSuffix(p.o.endpoint, "/") + "/" + p.bucket + "/" + escapeKey(p.key) +
		"?uploadId=" + url.QueryEscape(id) + "&X-Amz-Expires=" + strconv.Itoa(int(p.o.expires/time.Second))
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	signed, hdr, err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		PresignHTTP(ctx, p.creds, req, "UNSIGNED-PAYLOAD", "s3", p.o.region, time.Now())
	if err != nil {
		return nil, err
	}
	return &v4.PresignedHTTPRequest{URL: signed, Method: method, SignedHeader: hdr}, nil
}

// escapeKey escapes a key for a URL path as SigV4 canonicalizes it: every
// byte but the unreserved characters and '/' is percent-encoded.
func escapeKey(key string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
