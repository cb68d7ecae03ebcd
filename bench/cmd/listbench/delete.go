package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/bench/internal/result"
)

// deleteAll removes the first o.keys loaded keys with DeleteObjects, 1,000
// keys a request (S3's maximum), from 4 workers, and records delete-N:
// keys/s, with latency and server CPU per request. It changes the bucket,
// so it runs once, after the listings.
func deleteAll(ctx context.Context, c *s3.Client, o options) error {
	const workers = 4
	batches := (o.keys + pageSize - 1) / pageSize
	return withMeasure(o, func(m *measure) error {
		var next atomic.Int64
		lat := make([][]time.Duration, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		m.begin()
		for w := range workers {
			wg.Go(func() {
				for {
					b := int(next.Add(1)) - 1
					if b >= batches || ctx.Err() != nil {
						return
					}
					ids := make([]types.ObjectIdentifier, 0, pageSize)
					for i := b * pageSize; i < min((b+1)*pageSize, o.keys); i++ {
						ids = append(ids, types.ObjectIdentifier{Key: aws.String(key(i))})
					}
					t := time.Now()
					out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(o.bucket),
						Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)}})
					if err == nil && len(out.Errors) > 0 {
						err = fmt.Errorf("%d keys not deleted, first: %s", len(out.Errors), aws.ToString(out.Errors[0].Message))
					}
					if err != nil {
						errs[w] = fmt.Errorf("delete batch %d: %w", b, err)
						return
					}
					lat[w] = append(lat[w], time.Since(t))
				}
			})
		}
		wg.Wait()
		m.finish()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		all := slices.Concat(lat...)
		return m.record(sized("delete", "-", o.keys), result.KeysPerSec, len(all), all, float64(o.keys))
	})
}
