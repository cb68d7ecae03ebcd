package object

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// A bucket's S3 Intelligent-Tiering configurations say when objects of
// the INTELLIGENT_TIERING class that nobody read move to its archive
// tiers. Each configuration is its own document under the bucket's
// configurations, keyed by its Id, so that listing pages through them in
// Id order and DeleteBucket removes them with the rest:
//
//	c/<bucket>/intelligent-tiering/<id>
const itConfigDir = "intelligent-tiering/"

// Access tiers of the INTELLIGENT_TIERING class. The first three are
// derived from the last read; the archive tiers are where the data is.
const (
	TierFrequent       = "FREQUENT"
	TierInfrequent     = "INFREQUENT"
	TierArchiveInstant = "ARCHIVE_INSTANT"
	TierArchive        = "ARCHIVE_ACCESS"
	TierDeepArchive    = "DEEP_ARCHIVE_ACCESS"
)

// Limits of S3's Intelligent-Tiering configurations.
const (
	MaxITConfigs      = 1000
	MaxITConfigID     = 64
	MinITArchiveDays  = 90
	MinITDeepDays     = 180
	MaxITTieringDays  = 730
	ITConfigsPageSize = 100
)

// ITConfiguration is one Intelligent-Tiering configuration.
type ITConfiguration struct {
	ID      string
	Enabled bool
	Filter  ITFilter
	// Tierings gives the days without a read after which objects move
	// to an archive tier (TierArchive, TierDeepArchive).
	Tierings []ITTiering
}

// ITFilter selects objects by prefix and tags; all must hold. And
// records that the conditions came in an And element (to echo it).
type ITFilter struct {
	Prefix string `json:",omitempty"`
	Tags   []Tag  `json:",omitempty"`
	And    bool   `json:",omitempty"`
}

// ITTiering is one archive tier of a configuration.
type ITTiering struct {
	AccessTier string
	Days       int
}

// ITConfigPage is one page of ListBucketIntelligentTieringConfigurations.
type ITConfigPage struct {
	Configs []ITConfiguration
	// Next is the Id the next page starts at; "" on the last page.
	Next string
}

// itError is a refusal with S3's code and message (the wire layer sends
// LifecycleError's Code and Msg unchanged).
func itError(code, format string, args ...any) error {
	return &LifecycleError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// ErrTooManyITConfigs is a 1,001st configuration.
var ErrTooManyITConfigs = errors.New("too many intelligent-tiering configurations")

func validITConfig(c *ITConfiguration) error {
	if err := validITConfigID(c.ID); err != nil {
		return err
	}
	if len(c.Filter.Tags) > 0 {
		if err := validTags(c.Filter.Tags); err != nil {
			return itError("InvalidArgument", "Invalid tag in the filter: %v", err)
		}
	}
	if len(c.Tierings) == 0 || len(c.Tierings) > 2 {
		return errLCMalformed
	}
	days := map[string]int{}
	for _, t := range c.Tierings {
		min := 0
		switch t.AccessTier {
		case TierArchive:
			min = MinITArchiveDays
		case TierDeepArchive:
			min = MinITDeepDays
		default:
			return errLCMalformed
		}
		if _, dup := days[t.AccessTier]; dup {
			return itError("InvalidArgument", "The access tier %s is given more than once", t.AccessTier)
		}
		if t.Days < min || t.Days > MaxITTieringDays {
			return itError("InvalidArgument", "The days for %s must be between %d and %d", t.AccessTier, min, MaxITTieringDays)
		}
		days[t.AccessTier] = t.Days
	}
	a, hasA := days[TierArchive]
	d, hasD := days[TierDeepArchive]
	if hasA && hasD && d <= a {
		return itError("InvalidArgument", "The days for DEEP_ARCHIVE_ACCESS must be greater than the days for ARCHIVE_ACCESS")
	}
	return nil
}

// validITConfigID applies S3's rule for configuration ids: 1 to 64
// letters, digits, '-', '_' or '.'.
func validITConfigID(id string) error {
	if id == "" || len(id) > MaxITConfigID {
		return itError("InvalidArgument", "The configuration ID must be 1 to %d characters long", MaxITConfigID)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return itError("InvalidArgument", "The configuration ID may contain only letters, digits, '-', '_' and '.'")
		}
	}
	return nil
}

func itConfigBase(bucket string) []byte { return configKey(bucket, itConfigDir) }

func itConfigKey(bucket, id string) []byte { return append(itConfigBase(bucket), id...) }

// PutBucketIntelligentTiering stores (or replaces) the configuration of
// its Id.
func (s *Service) PutBucketIntelligentTiering(ctx context.Context, bucket string, c *ITConfiguration) error {
	if err := validITConfig(c); err != nil {
		return fmt.Errorf("intelligent-tiering configuration of %q: %w", bucket, err)
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("intelligent-tiering configuration of %q: %w", bucket, err)
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		key := itConfigKey(bucket, c.ID)
		if _, err := tx.Get(ctx, key); errors.Is(err, meta.ErrNotFound) {
			n, err := countPrefix(ctx, tx, itConfigBase(bucket), MaxITConfigs)
			if err != nil {
				return err
			}
			if n >= MaxITConfigs {
				return ErrTooManyITConfigs
			}
		} else if err != nil {
			return err
		}
		return tx.Set(key, doc)
	})
	if err != nil {
		return fmt.Errorf("put intelligent-tiering configuration of %q: %w", bucket, err)
	}
	return nil
}

// countPrefix counts the keys under base, stopping at max.
func countPrefix(ctx context.Context, r meta.Reader, base []byte, max int) (int, error) {
	it, err := r.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return 0, err
	}
	defer it.Close()
	n := 0
	for ok := it.First(); ok && n < max; ok = it.Next() {
		n++
	}
	return n, it.Error()
}

// GetBucketIntelligentTiering returns one configuration, or
// ErrNoSuchBucketConfig.
func (s *Service) GetBucketIntelligentTiering(ctx context.Context, bucket, id string) (*ITConfiguration, error) {
	if err := validITConfigID(id); err != nil {
		return nil, err
	}
	if _, err := s.bucket(ctx, s.meta, bucket); err != nil {
		return nil, err
	}
	doc, err := s.meta.Get(ctx, itConfigKey(bucket, id))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, fmt.Errorf("intelligent-tiering configuration %q of %q: %w", id, bucket, ErrNoSuchBucketConfig)
	}
	if err != nil {
		return nil, fmt.Errorf("read intelligent-tiering configuration of %q: %w", bucket, err)
	}
	return decodeITConfig(bucket, doc)
}

func decodeITConfig(bucket string, doc []byte) (*ITConfiguration, error) {
	var c ITConfiguration
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, fmt.Errorf("intelligent-tiering configuration of %q: %w", bucket, errCorrupt)
	}
	return &c, nil
}

// ListBucketIntelligentTiering returns the configurations in Id order
// from the Id start on, at most ITConfigsPageSize of them.
func (s *Service) ListBucketIntelligentTiering(ctx context.Context, bucket, start string) (*ITConfigPage, error) {
	if _, err := s.bucket(ctx, s.meta, bucket); err != nil {
		return nil, err
	}
	return s.itConfigs(ctx, s.meta, bucket, start, ITConfigsPageSize)
}

func (s *Service) itConfigs(ctx context.Context, r meta.Reader, bucket, start string, max int) (*ITConfigPage, error) {
	base := itConfigBase(bucket)
	it, err := r.NewIter(ctx, itConfigKey(bucket, start), meta.PrefixEnd(base))
	if err != nil {
		return nil, fmt.Errorf("list intelligent-tiering configurations of %q: %w", bucket, err)
	}
	defer it.Close()
	page := &ITConfigPage{}
	for ok := it.First(); ok; ok = it.Next() {
		if len(page.Configs) == max {
			page.Next = string(it.Key()[len(base):])
			break
		}
		doc, err := it.Value()
		if err != nil {
			return nil, err
		}
		c, err := decodeITConfig(bucket, doc)
		if err != nil {
			return nil, err
		}
		page.Configs = append(page.Configs, *c)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("list intelligent-tiering configurations of %q: %w", bucket, err)
	}
	return page, nil
}

// DeleteBucketIntelligentTiering removes a configuration; S3 answers
// NoSuchConfiguration for one that does not exist.
func (s *Service) DeleteBucketIntelligentTiering(ctx context.Context, bucket, id string) error {
	if err := validITConfigID(id); err != nil {
		return err
	}
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		key := itConfigKey(bucket, id)
		if _, err := tx.Get(ctx, key); err != nil {
			if errors.Is(err, meta.ErrNotFound) {
				return ErrNoSuchBucketConfig
			}
			return err
		}
		return tx.Delete(key)
	})
	if err != nil {
		return fmt.Errorf("delete intelligent-tiering configuration %q of %q: %w", id, bucket, err)
	}
	return nil
}

// Matches reports whether an object falls under the configuration.
func (c *ITConfiguration) Matches(key string, tags []Tag) bool {
	if !c.Enabled || len(key) < len(c.Filter.Prefix) || key[:len(c.Filter.Prefix)] != c.Filter.Prefix {
		return false
	}
	return hasTags(tags, c.Filter.Tags)
}

// EnabledITConfigs returns a bucket's enabled Intelligent-Tiering
// configurations (all of them: there are at most MaxITConfigs), for the
// lifecycle worker.
func (s *Service) EnabledITConfigs(ctx context.Context, bucket string) ([]ITConfiguration, error) {
	page, err := s.itConfigs(ctx, s.meta, bucket, "", MaxITConfigs)
	if err != nil {
		return nil, err
	}
	out := page.Configs[:0]
	for _, c := range page.Configs {
		if c.Enabled {
			out = append(out, c)
		}
	}
	return out, nil
}

// NeedsTags reports whether the configuration filters on tags.
func (c *ITConfiguration) NeedsTags() bool { return len(c.Filter.Tags) > 0 }
