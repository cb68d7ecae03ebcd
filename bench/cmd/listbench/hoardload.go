package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/server"
)

// Loading a large listing bucket through HTTP PUTs takes minutes, most of
// it spent in request handling on both ends. loadHoard writes the same
// empty objects through the object service of a server opened on the data
// directory in this process (before the real server starts on it), so
// every key goes through the ordinary write path and group commit, only
// without HTTP.

// loadHoard creates o.bucket in the Hoard data directory o.data and PUTs
// o.keys empty objects with o.concurrency workers, then closes the stores.
func loadHoard(ctx context.Context, o options) (loadStats, error) {
	root, _, err := server.LoadRootCredentials(o.data, o.accessKey, o.secretKey)
	if err != nil {
		return loadStats{}, fmt.Errorf("root credentials: %w", err)
	}
	srv, err := server.Open(server.Config{
		DataDir: o.data,
		Address: "127.0.0.1:0",
		Region:  o.region,
		Root:    root,
		Logger:  slog.Default(),
	})
	if err != nil {
		return loadStats{}, fmt.Errorf("open %s: %w", o.data, err)
	}
	// The bucket is created over the API, so that it is stored exactly as
	// a CreateBucket request makes it (owner included); the keys then go
	// straight to the object service.
	go srv.Serve()
	api := o
	api.endpoint = "http://" + srv.Addr()
	err = createBucket(ctx, newClient(api), o.bucket)
	if err == nil && o.versions > 1 {
		err = enableVersioning(ctx, newClient(api), o.bucket)
	}
	var st loadStats
	if err == nil {
		st, err = fillHoard(ctx, srv.Service(), o)
	}
	if cerr := srv.Shutdown(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close %s: %w", o.data, cerr))
	}
	return st, err
}

// fillHoard PUTs o.keys empty objects into o.bucket through svc.
func fillHoard(ctx context.Context, svc *object.Service, o options) (loadStats, error) {
	var done atomic.Int64
	stop := progress(o, &done)
	defer stop()
	start := time.Now()
	err := forEachKey(ctx, o, 0, func(_, i int) error {
		for range max(o.versions, 1) {
			_, err := svc.PutObject(ctx, object.PutInput{
				Bucket: o.bucket, Key: key(i), Body: bytes.NewReader(nil), Size: 0,
			})
			if err != nil {
				return fmt.Errorf("put %s: %w", key(i), err)
			}
			done.Add(1)
		}
		return nil
	})
	if err != nil {
		return loadStats{}, err
	}
	return loadStats{keys: o.keys, versions: max(o.versions, 1), elapsed: time.Since(start)}, nil
}

// loadStats is what a fast load reports: keys with versions each.
type loadStats struct {
	keys     int
	versions int
	elapsed  time.Duration
}

// rate is in keys per second, or versions per second for versioned loads.
func (s loadStats) rate() float64 {
	return float64(s.keys*max(s.versions, 1)) / s.elapsed.Seconds()
}

// progress logs the count every 10 s so a long load shows it is moving;
// the returned function stops it.
func progress(o options, done *atomic.Int64) func() {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				slog.Info("loading", "mode", o.mode, "done", done.Load(), "of", o.keys)
			}
		}
	})
	return func() { close(quit); wg.Wait() }
}
