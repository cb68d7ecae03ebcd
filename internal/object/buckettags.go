package object

import (
	"context"
	"encoding/json"
	"fmt"
)

// MaxBucketTags is S3's limit of user tags on one bucket.
const MaxBucketTags = 50

// cfgBucketTags names the bucket's tag set in the configuration store. It
// is a typed configuration: the service validates and encodes it, so the
// opaque PutBucketConfig refuses the name (see typedConfigs).
const cfgBucketTags = "tagging"

// typedConfigs are configuration names the service owns; the wire layer's
// opaque documents may not use them.
var typedConfigs = map[string]bool{cfgBucketTags: true, cfgNotification: true, cfgLogging: true}

// PutBucketTagging replaces a bucket's tag set. The rules are those of
// object tags with S3's bucket limit of 50 tags; an empty set removes the
// tags, as DeleteBucketTagging does.
func (s *Service) PutBucketTagging(ctx context.Context, bucket string, tags []Tag) error {
	if err := validTagSet(tags, MaxBucketTags); err != nil {
		return fmt.Errorf("tag bucket %q: %w", bucket, err)
	}
	if len(tags) == 0 {
		return s.DeleteBucketTagging(ctx, bucket)
	}
	doc, err := json.Marshal(tags)
	if err != nil {
		return fmt.Errorf("tag bucket %q: %w", bucket, err)
	}
	return s.putConfig(ctx, bucket, cfgBucketTags, doc)
}

// GetBucketTagging returns a bucket's tags, ErrNoSuchBucketConfig when it
// has none.
func (s *Service) GetBucketTagging(ctx context.Context, bucket string) ([]Tag, error) {
	doc, err := s.GetBucketConfig(ctx, bucket, cfgBucketTags)
	if err != nil {
		return nil, err
	}
	var tags []Tag
	if err := json.Unmarshal(doc, &tags); err != nil {
		return nil, fmt.Errorf("tags of bucket %q: %w", bucket, errCorrupt)
	}
	return sortedTags(tags), nil
}

// DeleteBucketTagging removes a bucket's tags; a bucket without tags is
// left as it is.
func (s *Service) DeleteBucketTagging(ctx context.Context, bucket string) error {
	return s.deleteConfig(ctx, bucket, cfgBucketTags)
}
