package console

import (
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func (c *Console) credentials(s *session) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(s.creds.AccessKeyID, s.creds.SecretAccessKey, s.creds.SessionToken)
}

// s3Client calls the S3 endpoint as the session's principal.
func (c *Console) s3Client(s *session) *s3.Client {
	return s3.New(s3.Options{
		Region: c.cfg.Region, BaseEndpoint: aws.String(c.internalS3URL()), UsePathStyle: true,
		Credentials: c.credentials(s), HTTPClient: c.cfg.HTTPClient,
		RetryMaxAttempts: 2,
	})
}

// presigner signs URLs for the browser: the host is the one the browser
// reaches the S3 endpoint on. Checksums are left to the request (a browser
// sends none), so the URLs carry no checksum parameters.
func (c *Console) presigner(r *http.Request, s *session, expiry time.Duration) *s3.PresignClient {
	cl := s3.New(s3.Options{
		Region: c.cfg.Region, BaseEndpoint: aws.String(c.publicS3URL(r)), UsePathStyle: true,
		Credentials:                c.credentials(s),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
	})
	return s3.NewPresignClient(cl, s3.WithPresignExpires(expiry))
}

// iamClient calls the IAM API served at the same endpoint as S3.
func (c *Console) iamClient(s *session) *iam.Client {
	return iam.New(iam.Options{
		Region: c.cfg.Region, BaseEndpoint: aws.String(c.internalS3URL()),
		Credentials: c.credentials(s), HTTPClient: c.cfg.HTTPClient,
		RetryMaxAttempts: 1,
	})
}
