package main

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/usage"
)

// usageOptions are the server flags of the usage counters.
type usageOptions struct {
	depth  string
	prices string
}

func (o *usageOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.depth, "usage-depth", "", fmt.Sprintf("`levels` of '/'-separated key prefixes with usage counters of their own, 0 to %d (default $HOARD_USAGE_DEPTH, else %d); 0 counts bucket totals only", usage.MaxDepth, usage.DefaultDepth))
	fs.StringVar(&o.prices, "usage-prices", "", "JSON `file` of storage prices by class that override Amazon S3's us-east-1 list prices in usage costs (default $HOARD_USAGE_PRICES)")
}

func (o *usageOptions) config(getenv func(string) string) (server.UsageConfig, error) {
	var c server.UsageConfig
	d := o.depth
	if d == "" {
		d = getenv("HOARD_USAGE_DEPTH")
	}
	if d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > usage.MaxDepth {
			return c, fmt.Errorf("--usage-depth %q: want a whole number from 0 to %d", d, usage.MaxDepth)
		}
		c.Depth = n
		if n == 0 {
			c.Depth = -1 // bucket totals only
		}
	}
	p := o.prices
	if p == "" {
		p = getenv("HOARD_USAGE_PRICES")
	}
	prices, err := usage.LoadPrices(p)
	if err != nil {
		return c, fmt.Errorf("--usage-prices: %w", err)
	}
	c.Prices = prices
	return c, nil
}
