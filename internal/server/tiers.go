package server

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/blob/s3tier"
	"github.com/hoard-s3/hoard/internal/object"
)

// TierConfig places storage classes on tiers.
type TierConfig struct {
	// Tiers maps a tier's name to where it is: "dir:/path" for a local
	// directory, or "s3://bucket/prefix?endpoint=URL&region=R&credentials=FILE&profile=P"
	// for an S3-compatible endpoint.
	Tiers map[string]string
	// Classes maps a storage class to a tier name; unnamed classes live
	// in the data directory.
	Classes map[string]string
	// RestoreDelays and RestoreDay: see object.Config.
	RestoreDelays map[string]time.Duration
	RestoreDay    time.Duration
	// RestoreEvery is how often restore work is looked for (1s if 0).
	RestoreEvery time.Duration
}

// openTiers opens the configured tiers; def is the data directory's store.
func openTiers(cfg TierConfig, dataDir string, grace time.Duration, def blob.Store) (*blob.Tiered, error) {
	stores := map[string]blob.Store{}
	for name, spec := range cfg.Tiers {
		if err := blob.ValidTierName(name); err != nil {
			return nil, err
		}
		s, err := openTier(name, spec, dataDir, grace)
		if err != nil {
			return nil, fmt.Errorf("tier %s: %w", name, err)
		}
		stores[name] = s
	}
	for class, tier := range cfg.Classes {
		if err := object.ValidStorageClass(class); err != nil || class == "" {
			return nil, fmt.Errorf("storage class %q is not one of %s", class, strings.Join(object.StorageClasses, ", "))
		}
		if _, ok := stores[tier]; !ok {
			return nil, fmt.Errorf("storage class %s: no tier named %q", class, tier)
		}
	}
	return blob.NewTiered(def, stores)
}

func openTier(name, spec, dataDir string, grace time.Duration) (blob.Store, error) {
	if path, ok := strings.CutPrefix(spec, "dir:"); ok {
		if !filepath.IsAbs(path) {
			return nil, fmt.Errorf("dir tier %q: want an absolute path", path)
		}
		d, err := blob.OpenDir(path, blob.OS)
		if err != nil {
			return nil, err
		}
		if grace > 0 {
			d.Grace = grace
		}
		return d, nil
	}
	u, err := url.Parse(spec)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("%q: want dir:/path or s3://bucket/prefix?endpoint=...&credentials=...", spec)
	}
	q := u.Query()
	key, secret, err := readCredentials(q.Get("credentials"), q.Get("profile"))
	if err != nil {
		return nil, err
	}
	return s3tier.Open(s3tier.Config{
		Endpoint: q.Get("endpoint"), Region: q.Get("region"), Bucket: u.Host, Prefix: strings.TrimPrefix(u.Path, "/"),
		AccessKey: key, SecretKey: secret, Grace: grace, Spool: filepath.Join(dataDir, "tier-spool", name),
	})
}

// readCredentials reads an access key pair from a file in the format of
// the AWS shared credentials file:
//
//	[default]
//	aws_access_key_id = ...
//	aws_secret_access_key = ...
func readCredentials(path, profile string) (key, secret string, err error) {
	if path == "" {
		return "", "", fmt.Errorf("no credentials= file")
	}
	if profile == "" {
		profile = "default"
	}
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("credentials: %w", err)
	}
	defer f.Close()
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section != profile {
			continue
		}
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			key = strings.TrimSpace(v)
		case "aws_secret_access_key":
			secret = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return "", "", fmt.Errorf("credentials %s: %w", path, err)
	}
	if key == "" || secret == "" {
		return "", "", fmt.Errorf("credentials %s: profile [%s] lacks aws_access_key_id or aws_secret_access_key", path, profile)
	}
	return key, secret, nil
}

// runRestores runs restore work (restores that are due, restored copies
// that expire) until ctx ends. Progress lives in the metadata, so a
// restart resumes it.
func (s *Server) runRestores(ctx context.Context) {
	defer s.bg.Done()
	every := s.cfg.Tiering.RestoreEvery
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.service.RunRestores(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Warn("restore work failed; retrying", "err", err)
		} else if n > 0 {
			s.cfg.Logger.Debug("restore work done", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
