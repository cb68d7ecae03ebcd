package object

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Inventory configurations are typed configurations, one document per
// configuration id, under a sub-prefix of the bucket's configurations:
//
//	c/<bucket>/inventory/<id>
//
// Configuration names are [a-z0-9-] (no '/'), so nothing else lives under
// "inventory/", and DeleteBucket drops the documents with the rest. The
// service validates them (inventoryvalid.go); the wire layer speaks their
// XML; package inventory writes the reports.
const inventoryDir = "inventory/"

// MaxInventoryConfigs is S3's limit of inventory configurations a bucket.
const MaxInventoryConfigs = 1000

// InventoryListPage is the number of configurations S3 returns a page.
const InventoryListPage = 100

// Inventory report formats.
const (
	InventoryCSV     = "CSV"
	InventoryORC     = "ORC"
	InventoryParquet = "Parquet"
)

// Included object versions and schedules.
const (
	InventoryAll     = "All"
	InventoryCurrent = "Current"
	InventoryDaily   = "Daily"
	InventoryWeekly  = "Weekly"
)

// InventoryFields are S3's optional fields in the order its reports
// place their columns, whatever order the configuration names them in.
var InventoryFields = []string{
	"Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
	"ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate",
	"ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
	"BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner",
}

// InventoryConfiguration is one inventory of a bucket.
type InventoryConfiguration struct {
	ID      string
	Enabled bool
	// Destination is where the reports go.
	Destination InventoryDestination
	// Prefix is the Filter's prefix; HasFilter says a Filter was given.
	Prefix    string `json:",omitempty"`
	HasFilter bool   `json:",omitempty"`
	// Versions is InventoryAll or InventoryCurrent.
	Versions string
	// Frequency is InventoryDaily or InventoryWeekly.
	Frequency string
	// Fields are optional fields, as given (reports order them by
	// InventoryFields).
	Fields []string `json:",omitempty"`
}

// InventoryDestination is S3BucketDestination.
type InventoryDestination struct {
	// BucketARN is as given (arn:aws:s3:::NAME); Bucket is NAME.
	BucketARN string
	Bucket    string
	Format    string
	Prefix    string `json:",omitempty"`
	AccountID string `json:",omitempty"`
	// Encryption is "" (none), "SSE-S3" or "SSE-KMS" (with KMSKeyID).
	Encryption string `json:",omitempty"`
	KMSKeyID   string `json:",omitempty"`
}

// Report encryption of an inventory destination.
const (
	InventorySSES3  = "SSE-S3"
	InventorySSEKMS = "SSE-KMS"
)

func inventoryName(id string) string { return inventoryDir + id }

// PutBucketInventory validates and stores a configuration under c.ID,
// which must be id (the id the request named). The destination bucket
// must exist; a bucket may hold at most MaxInventoryConfigs of them.
func (s *Service) PutBucketInventory(ctx context.Context, bucket, id string, c *InventoryConfiguration) error {
	if err := validInventory(id, c); err != nil {
		return fmt.Errorf("inventory %q of %q: %w", id, bucket, err)
	}
	dest, err := s.bucket(ctx, s.meta, c.Destination.Bucket)
	if errors.Is(err, ErrNoSuchBucket) {
		return fmt.Errorf("inventory %q of %q: %w", id, bucket, invDest("The destination bucket does not exist."))
	} else if err != nil {
		return err
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode inventory %q of %q: %w", id, bucket, err)
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		src, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		// Reports are written without a bucket policy to grant it, so
		// only into the source owner's own buckets.
		if src.Owner != dest.Owner {
			return invDest("The destination bucket must belong to the owner of the source bucket.")
		}
		key := configKey(bucket, inventoryName(id))
		if _, err := tx.Get(ctx, key); errors.Is(err, meta.ErrNotFound) {
			if err := checkInventoryCount(ctx, tx, bucket); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		return tx.Set(key, doc)
	})
	if err != nil {
		return fmt.Errorf("put inventory %q of %q: %w", id, bucket, err)
	}
	return nil
}

// checkInventoryCount refuses a new configuration past the limit. It
// counts keys only, so it costs at most a thousand steps.
func checkInventoryCount(ctx context.Context, tx meta.Txn, bucket string) error {
	base := configKey(bucket, inventoryDir)
	it, err := tx.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return err
	}
	defer it.Close()
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		if n++; n >= MaxInventoryConfigs {
			return &InventoryError{Code: "TooManyConfigurations",
				Msg: "You are attempting to create a new configuration but have already reached the 1,000-configuration limit."}
		}
	}
	return it.Error()
}

// GetBucketInventory returns one configuration, or ErrNoSuchBucketConfig.
func (s *Service) GetBucketInventory(ctx context.Context, bucket, id string) (*InventoryConfiguration, error) {
	if err := validInventoryID(id); err != nil {
		return nil, fmt.Errorf("inventory %q of %q: %w", id, bucket, err)
	}
	if _, err := s.bucket(ctx, s.meta, bucket); err != nil {
		return nil, err
	}
	doc, err := s.meta.Get(ctx, configKey(bucket, inventoryName(id)))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, fmt.Errorf("inventory %q of %q: %w", id, bucket, ErrNoSuchBucketConfig)
	}
	if err != nil {
		return nil, fmt.Errorf("read inventory %q of %q: %w", id, bucket, err)
	}
	return decodeInventory(doc)
}

func decodeInventory(doc []byte) (*InventoryConfiguration, error) {
	var c InventoryConfiguration
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, fmt.Errorf("decode inventory configuration: %w", err)
	}
	return &c, nil
}

// InventoryPage is one page of ListBucketInventoryConfigurations; Next,
// when set, is the id the next page starts after.
type InventoryPage struct {
	Configs []*InventoryConfiguration
	Next    string
}

// ListBucketInventories returns up to max configurations (at most
// InventoryListPage) in id order, after the id after.
func (s *Service) ListBucketInventories(ctx context.Context, bucket, after string, max int) (*InventoryPage, error) {
	if max <= 0 || max > InventoryListPage {
		max = InventoryListPage
	}
	if _, err := s.bucket(ctx, s.meta, bucket); err != nil {
		return nil, err
	}
	base := configKey(bucket, inventoryDir)
	it, err := s.meta.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return nil, fmt.Errorf("list inventories of %q: %w", bucket, err)
	}
	defer it.Close()
	page := &InventoryPage{}
	ok := it.First()
	if after != "" {
		ok = it.SeekGE(append(append([]byte(nil), base...), after+"\x00"...))
	}
	for ; ok; ok = it.Next() {
		if len(page.Configs) == max {
			page.Next = page.Configs[max-1].ID
			break
		}
		v, err := it.Value()
		if err != nil {
			return nil, fmt.Errorf("list inventories of %q: %w", bucket, err)
		}
		c, err := decodeInventory(v)
		if err != nil {
			return nil, err
		}
		page.Configs = append(page.Configs, c)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("list inventories of %q: %w", bucket, err)
	}
	return page, nil
}

// DeleteBucketInventory removes a configuration: S3 answers
// NoSuchConfiguration for one that does not exist.
func (s *Service) DeleteBucketInventory(ctx context.Context, bucket, id string) error {
	if err := validInventoryID(id); err != nil {
		return fmt.Errorf("inventory %q of %q: %w", id, bucket, err)
	}
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		key := configKey(bucket, inventoryName(id))
		if _, err := tx.Get(ctx, key); errors.Is(err, meta.ErrNotFound) {
			return ErrNoSuchBucketConfig
		} else if err != nil {
			return err
		}
		return tx.Delete(key)
	})
	if err != nil {
		return fmt.Errorf("delete inventory %q of %q: %w", id, bucket, err)
	}
	return nil
}
