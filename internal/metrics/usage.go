package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hoard-s3/hoard/internal/usage"
)

// UsageSource reads the usage counters (*object.Service).
type UsageSource interface {
	BucketNames(ctx context.Context) ([]string, error)
	BucketUsage(ctx context.Context, bucket string) (*usage.Counters, error)
}

// usageCollector reads every bucket's counters at scrape time: they are
// exact and cheap to read (folded records plus a few recent deltas).
type usageCollector struct {
	src    UsageSource
	prices usage.PriceTable
}

var usageDescs = struct {
	bytes, objects, cost, markers, uploads, uploadBytes, restored, errors *prometheus.Desc
}{
	bytes: prometheus.NewDesc(namespace+"_usage_bytes", "Bytes stored, by bucket, storage class and whether the versions are current.",
		[]string{"bucket", "storage_class", "version"}, nil),
	objects: prometheus.NewDesc(namespace+"_usage_objects", "Object versions stored, by bucket, storage class and whether they are current.",
		[]string{"bucket", "storage_class", "version"}, nil),
	cost: prometheus.NewDesc(namespace+"_usage_monthly_cost_dollars", "Estimated monthly storage cost at the configured prices, by bucket and storage class.",
		[]string{"bucket", "storage_class"}, nil),
	markers:     prometheus.NewDesc(namespace+"_usage_delete_markers", "Delete markers, by bucket.", []string{"bucket"}, nil),
	uploads:     prometheus.NewDesc(namespace+"_usage_uploads", "Multipart uploads in progress, by bucket.", []string{"bucket"}, nil),
	uploadBytes: prometheus.NewDesc(namespace+"_usage_upload_bytes", "Bytes of the parts of multipart uploads in progress, by bucket.", []string{"bucket"}, nil),
	restored:    prometheus.NewDesc(namespace+"_usage_restored_bytes", "Bytes of restored copies of archived objects, by bucket.", []string{"bucket"}, nil),
	errors:      prometheus.NewDesc(namespace+"_usage_scrape_errors", "1 when the last scrape could not read every bucket's usage.", nil, nil),
}

// WatchUsage publishes the usage counters of every bucket, priced.
func (m *Metrics) WatchUsage(src UsageSource, prices usage.PriceTable) {
	m.reg.MustRegister(&usageCollector{src: src, prices: prices})
}

func (c *usageCollector) Describe(ch chan<- *prometheus.Desc) {
	d := usageDescs
	for _, x := range []*prometheus.Desc{d.bytes, d.objects, d.cost, d.markers, d.uploads, d.uploadBytes, d.restored, d.errors} {
		ch <- x
	}
}

func (c *usageCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	failed := 0.0
	names, err := c.src.BucketNames(ctx)
	if err != nil {
		failed = 1
	}
	for _, b := range names {
		t, err := c.src.BucketUsage(ctx, b)
		if err != nil {
			failed = 1
			continue
		}
		c.bucket(ch, b, t)
	}
	ch <- prometheus.MustNewConstMetric(usageDescs.errors, prometheus.GaugeValue, failed)
}

func (c *usageCollector) bucket(ch chan<- prometheus.Metric, b string, t *usage.Counters) {
	d := usageDescs
	g := func(desc *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(v), labels...)
	}
	cost := c.prices.CostOf(t)
	for class, x := range t.Classes {
		g(d.bytes, x.Bytes, b, class, "current")
		g(d.bytes, x.NoncurrentBytes, b, class, "noncurrent")
		g(d.objects, x.Objects, b, class, "current")
		g(d.objects, x.NoncurrentObjects, b, class, "noncurrent")
	}
	for class, v := range cost.ByClass {
		ch <- prometheus.MustNewConstMetric(d.cost, prometheus.GaugeValue, v, b, class)
	}
	g(d.markers, t.DeleteMarkers, b)
	g(d.uploads, t.Uploads, b)
	g(d.uploadBytes, t.UploadBytes, b)
	g(d.restored, t.RestoredBytes, b)
}
