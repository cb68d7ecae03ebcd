package notify

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	descDelivered = prometheus.NewDesc("hoard_notify_delivered_total", "Events the target acknowledged.", []string{"target", "scheme"}, nil)
	descFailed    = prometheus.NewDesc("hoard_notify_failed_total", "Delivery attempts that failed (each is retried).", []string{"target", "scheme"}, nil)
	descRetried   = prometheus.NewDesc("hoard_notify_retried_total", "Delivery attempts that repeated a failed one.", []string{"target", "scheme"}, nil)
	descDropped   = prometheus.NewDesc("hoard_notify_dropped_total", "Events not queued because the outbox was full.", []string{"target", "scheme"}, nil)
	descDepth     = prometheus.NewDesc("hoard_notify_outbox_depth", "Events waiting in the outbox for the target (all gateways).", []string{"target", "scheme"}, nil)
	descBytes     = prometheus.NewDesc("hoard_notify_outbox_bytes", "Bytes of the events waiting for the target.", []string{"target", "scheme"}, nil)
	descOldest    = prometheus.NewDesc("hoard_notify_oldest_undelivered_age_seconds", "Age of the oldest event waiting for the target (0 when none waits).", []string{"target", "scheme"}, nil)
	descUp        = prometheus.NewDesc("hoard_notify_target_up", "1 when the last send to the target succeeded (or none was tried), else 0.", []string{"target", "scheme"}, nil)
	descFull      = prometheus.NewDesc("hoard_outbox_full", "1 while the outbox is full and new records are dropped.", nil, nil)
)

// Collector exposes the targets' delivery metrics, read at each scrape.
func (n *Notifier) Collector() prometheus.Collector { return collector{n} }

type collector struct{ n *Notifier }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDelivered, descFailed, descRetried, descDropped, descDepth, descBytes, descOldest, descUp, descFull} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	full := 0.0
	if c.n.ob.Full() {
		full = 1
	}
	ch <- prometheus.MustNewConstMetric(descFull, prometheus.GaugeValue, full)
	st, err := c.n.Status(ctx)
	if err != nil {
		c.n.log.Warn("notify metrics", "err", err)
		return
	}
	for _, s := range st {
		l := []string{s.Name, s.Scheme}
		ch <- prometheus.MustNewConstMetric(descDelivered, prometheus.CounterValue, float64(s.Delivered), l...)
		ch <- prometheus.MustNewConstMetric(descFailed, prometheus.CounterValue, float64(s.Failed), l...)
		ch <- prometheus.MustNewConstMetric(descRetried, prometheus.CounterValue, float64(s.Retried), l...)
		ch <- prometheus.MustNewConstMetric(descDropped, prometheus.CounterValue, float64(s.Dropped), l...)
		ch <- prometheus.MustNewConstMetric(descDepth, prometheus.GaugeValue, float64(s.Queued), l...)
		ch <- prometheus.MustNewConstMetric(descBytes, prometheus.GaugeValue, float64(s.QueuedSize), l...)
		age := 0.0
		if !s.Oldest.IsZero() {
			age = time.Since(s.Oldest).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, age, l...)
		up := 0.0
		if s.Healthy {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up, l...)
	}
}
