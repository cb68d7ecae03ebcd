package metrics

import "github.com/prometheus/client_golang/prometheus"

// pebbleCollector reads Pebble's metrics at scrape time; Metrics() is a
// cheap snapshot of counters Pebble keeps anyway.
type pebbleCollector struct {
	src PebbleSource
}

var pebbleDescs = struct {
	disk, wal, memtable, compactions, flushes, readAmp, keys *prometheus.Desc
	cacheBytes, cacheHits, cacheMisses                       *prometheus.Desc
}{
	disk:        desc("meta_disk_bytes", "Bytes the metadata engine uses on disk (tables, WAL, manifests)."),
	wal:         desc("meta_wal_bytes", "Live bytes in the metadata write-ahead log."),
	memtable:    desc("meta_memtable_bytes", "Bytes held in metadata memtables."),
	compactions: desc("meta_compactions_total", "Metadata compactions run."),
	flushes:     desc("meta_flushes_total", "Metadata memtable flushes."),
	readAmp:     desc("meta_read_amplification", "Sorted runs a metadata read may have to consult."),
	keys:        desc("meta_table_bytes", "Bytes in metadata sstables across all levels."),
	cacheBytes:  desc("meta_block_cache_bytes", "Bytes of metadata blocks held in the block cache."),
	cacheHits:   desc("meta_block_cache_hits_total", "Metadata block reads served from the block cache."),
	cacheMisses: desc("meta_block_cache_misses_total", "Metadata block reads that went to the files."),
}

func desc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(namespace+"_"+name, help, nil, nil)
}

func (c *pebbleCollector) Describe(ch chan<- *prometheus.Desc) {
	d := pebbleDescs
	for _, x := range []*prometheus.Desc{d.disk, d.wal, d.memtable, d.compactions, d.flushes, d.readAmp, d.keys,
		d.cacheBytes, d.cacheHits, d.cacheMisses} {
		ch <- x
	}
}

func (c *pebbleCollector) Collect(ch chan<- prometheus.Metric) {
	pm := c.src.Metrics()
	if pm == nil {
		return
	}
	d := pebbleDescs
	var tables int64
	for _, l := range pm.Levels {
		tables += l.TablesSize
	}
	gauge := func(desc *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v)
	}
	counter := func(desc *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v)
	}
	gauge(d.disk, float64(pm.DiskSpaceUsage()))
	gauge(d.wal, float64(pm.WAL.Size))
	gauge(d.memtable, float64(pm.MemTable.Size))
	counter(d.compactions, float64(pm.Compact.Count))
	counter(d.flushes, float64(pm.Flush.Count))
	gauge(d.readAmp, float64(pm.ReadAmp()))
	gauge(d.keys, float64(tables))
	gauge(d.cacheBytes, float64(pm.BlockCache.Size))
	counter(d.cacheHits, float64(pm.BlockCache.Hits))
	counter(d.cacheMisses, float64(pm.BlockCache.Misses))
}
