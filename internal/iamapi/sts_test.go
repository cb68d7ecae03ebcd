package iamapi_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	hiam "github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/iamapi"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/sse"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// setupRole creates user dave with a key and the role "app" that trusts him.
func setupRole(t *testing.T, root *iam.Client) creds {
	c := ctx(t)
	must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("dave")}))
	k := must[*iam.CreateAccessKeyOutput](t)(root.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("dave")})).AccessKey
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/dave"},"Action":"sts:AssumeRole"}]}`
	must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trust)}))
	must[*iam.PutRolePolicyOutput](t)(root.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("list"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)}))
	return creds{aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), ""}
}

func TestAssumeRoleAndCallerIdentity(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	dave := setupRole(t, root)
	roleARN := "arn:aws:iam::" + acct + ":role/app"

	// The root is not named by the trust policy.
	_, err := stsClient(srv.URL, hc, rootCreds).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
	wantCode(t, err, "AccessDenied", 403)
	_, err = stsClient(srv.URL, hc, dave).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(600)})
	wantCode(t, err, "ValidationError", 400)
	_, err = stsClient(srv.URL, hc, dave).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)})
	wantCode(t, err, "ValidationError", 400) // over the role's MaxSessionDuration

	ar := must[*sts.AssumeRoleOutput](t)(stsClient(srv.URL, hc, dave).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("build-42")}))
	if d := time.Until(aws.ToTime(ar.Credentials.Expiration)); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("session lasts %v", d)
	}
	if aws.ToString(ar.AssumedRoleUser.Arn) != "arn:aws:sts::"+acct+":assumed-role/app/build-42" {
		t.Fatalf("assumed role user = %+v", ar.AssumedRoleUser)
	}
	sess := creds{aws.ToString(ar.Credentials.AccessKeyId), aws.ToString(ar.Credentials.SecretAccessKey), aws.ToString(ar.Credentials.SessionToken)}
	if _, err := s3Client(srv.URL, hc, sess).ListBuckets(c, &s3.ListBucketsInput{}); err != nil {
		t.Fatal(err)
	}
	// A session policy narrows the session: this one does not allow listing.
	nar := must[*sts.AssumeRoleOutput](t)(stsClient(srv.URL, hc, dave).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("narrow"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}))
	narrow := creds{aws.ToString(nar.Credentials.AccessKeyId), aws.ToString(nar.Credentials.SecretAccessKey), aws.ToString(nar.Credentials.SessionToken)}
	_, err = s3Client(srv.URL, hc, narrow).ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied", 403)
	gs := must[*sts.GetSessionTokenOutput](t)(stsClient(srv.URL, hc, dave).GetSessionToken(c, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)}))
	daveSess := creds{aws.ToString(gs.Credentials.AccessKeyId), aws.ToString(gs.Credentials.SecretAccessKey), aws.ToString(gs.Credentials.SessionToken)}
	_, err = stsClient(srv.URL, hc, daveSess).GetSessionToken(c, &sts.GetSessionTokenInput{})
	wantCode(t, err, "AccessDenied", 403)

	for _, tc := range []struct {
		name    string
		creds   creds
		arn, id string
	}{
		{"root", rootCreds, "arn:aws:iam::" + acct + ":root", acct},
		{"user", dave, "arn:aws:iam::" + acct + ":user/dave", "AIDA"},
		{"user session", daveSess, "arn:aws:iam::" + acct + ":user/dave", "AIDA"},
		{"assumed role", sess, "arn:aws:sts::" + acct + ":assumed-role/app/build-42", aws.ToString(ar.AssumedRoleUser.AssumedRoleId)},
	} {
		id, err := stsClient(srv.URL, hc, tc.creds).GetCallerIdentity(c, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if aws.ToString(id.Arn) != tc.arn || !strings.HasPrefix(aws.ToString(id.UserId), tc.id) || aws.ToString(id.Account) != acct {
			t.Errorf("%s: identity = %s %s %s", tc.name, aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
		}
	}

	// A session's token cannot be dropped, altered or borrowed.
	bad := sess
	bad.token = bad.token[:len(bad.token)-2] + "AA"
	_, err = s3Client(srv.URL, hc, bad).ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "InvalidToken", 400)
	_, err = stsClient(srv.URL, hc, bad).GetCallerIdentity(c, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId", 403)
	bad.token = ""
	_, err = s3Client(srv.URL, hc, bad).ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "InvalidToken", 400)
	bad.token = daveSess.token
	_, err = s3Client(srv.URL, hc, bad).ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "InvalidToken", 400)

	// Deleting the role ends its sessions.
	must[*iam.DeleteRolePolicyOutput](t)(root.DeleteRolePolicy(c, &iam.DeleteRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("list")}))
	must[*iam.DeleteRoleOutput](t)(root.DeleteRole(c, &iam.DeleteRoleInput{RoleName: aws.String("app")}))
	_, err = s3Client(srv.URL, hc, sess).ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "InvalidAccessKeyId", 403)
	_, err = stsClient(srv.URL, hc, sess).GetCallerIdentity(c, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId", 403)
}

// stepClock is a clock tests move forward.
type stepClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (s *stepClock) now() time.Time { s.mu.Lock(); defer s.mu.Unlock(); return time.Now().Add(s.off) }
func (s *stepClock) add(d time.Duration) {
	s.mu.Lock()
	s.off += d
	s.mu.Unlock()
}

// TestExpiredToken runs the IAM API on an identity service whose clock the
// test moves past a session's expiry (the signature clock stays real).
func TestExpiredToken(t *testing.T) {
	store, err := pebblemeta.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	kr, err := sse.NewKeyring()
	if err != nil {
		t.Fatal(err)
	}
	clock := &stepClock{}
	svc := hiam.New(store, kr, hiam.Config{Root: sigv4.Credential{AccessKey: rootCreds.ak, Secret: rootCreds.secret}, Now: clock.now})
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	hs := httptest.NewServer(s3api.New(s3api.Config{Verifier: sigv4.NewVerifier(region, svc), IAM: iamapi.New(svc, logger), Logger: logger}))
	defer hs.Close()
	c, hc := ctx(t), hs.Client()

	gs := must[*sts.GetSessionTokenOutput](t)(stsClient(hs.URL, hc, rootCreds).GetSessionToken(c, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)}))
	sess := creds{aws.ToString(gs.Credentials.AccessKeyId), aws.ToString(gs.Credentials.SecretAccessKey), aws.ToString(gs.Credentials.SessionToken)}
	must[*sts.GetCallerIdentityOutput](t)(stsClient(hs.URL, hc, sess).GetCallerIdentity(c, &sts.GetCallerIdentityInput{}))
	clock.add(901 * time.Second)
	_, err = stsClient(hs.URL, hc, sess).GetCallerIdentity(c, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "ExpiredToken", 400)
	_, err = iamClient(hs.URL, hc, sess).ListUsers(c, &iam.ListUsersInput{})
	wantCode(t, err, "ExpiredToken", 400)
	// S3 refuses it the same way, before anything else happens.
	_, err = s3Client(hs.URL, hc, sess).ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "ExpiredToken", 400)
}
