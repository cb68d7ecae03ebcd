package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// check confirms, through the running server, that a bucket filled outside
// the API holds what a PUT load would have left: keys spread over the
// range HEAD as empty objects, the key after the last one does not exist,
// and the bucket belongs to the bench credentials. The full listing of the
// list mode checks the count.
func check(ctx context.Context, c *s3.Client, o options) error {
	if o.keys < 1 {
		return errors.New("-keys must be at least 1")
	}
	for _, i := range []int{0, 1, o.keys / 3, o.keys / 2, 2 * o.keys / 3, o.keys - 1} {
		out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(o.bucket), Key: aws.String(key(i))})
		if err != nil {
			return fmt.Errorf("head %s: %w", key(i), err)
		}
		if n := aws.ToInt64(out.ContentLength); n != 0 {
			return fmt.Errorf("head %s: %d bytes, want 0", key(i), n)
		}
	}
	_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(o.bucket), Key: aws.String(key(o.keys))})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		return fmt.Errorf("head %s (past the last key): want not found, got %v", key(o.keys), err)
	}
	return checkOwner(ctx, c, o.bucket)
}

func checkOwner(ctx context.Context, c *s3.Client, bucket string) error {
	buckets, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		return fmt.Errorf("list buckets: %w", err)
	}
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
	if err != nil {
		return fmt.Errorf("bucket ACL of %s: %w", bucket, err)
	}
	// MinIO answers the ACL without an owner ID; there is nothing to compare.
	want, got := ownerID(buckets.Owner), ownerID(acl.Owner)
	if got != "" && want != got {
		return fmt.Errorf("bucket %s is owned by %q, the caller is %q", bucket, got, want)
	}
	return nil
}

func ownerID(o *types.Owner) string {
	if o == nil {
		return ""
	}
	return aws.ToString(o.ID)
}
