package usage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Price is what one storage class costs, in US dollars.
type Price struct {
	// StorageGBMonth is the price of storing one GB (2^30 bytes, as S3
	// bills) for a month.
	StorageGBMonth float64 `json:"storageGBMonth"`
	// PutPer1000 and GetPer1000 are the prices of 1,000 PUT, COPY, POST
	// or LIST requests and of 1,000 GET or SELECT requests.
	PutPer1000 float64 `json:"putPer1000"`
	GetPer1000 float64 `json:"getPer1000"`
	// RetrievalPerGB is the price of reading (or restoring, for archive
	// classes with the Standard tier) one GB.
	RetrievalPerGB float64 `json:"retrievalPerGB"`
}

// PriceTable maps storage classes to their prices.
type PriceTable map[string]Price

// GB is the unit S3 prices storage in.
const GB = 1 << 30

// DefaultPrices are Amazon S3's us-east-1 list prices (first tier of
// storage; Standard retrieval tier for the archive classes; Intelligent-
// Tiering at its Frequent Access tier, without its monitoring fee).
func DefaultPrices() PriceTable {
	return PriceTable{
		"STANDARD":            {StorageGBMonth: 0.023, PutPer1000: 0.005, GetPer1000: 0.0004},
		"REDUCED_REDUNDANCY":  {StorageGBMonth: 0.024, PutPer1000: 0.005, GetPer1000: 0.0004},
		"STANDARD_IA":         {StorageGBMonth: 0.0125, PutPer1000: 0.01, GetPer1000: 0.001, RetrievalPerGB: 0.01},
		"ONEZONE_IA":          {StorageGBMonth: 0.01, PutPer1000: 0.01, GetPer1000: 0.001, RetrievalPerGB: 0.01},
		"INTELLIGENT_TIERING": {StorageGBMonth: 0.023, PutPer1000: 0.005, GetPer1000: 0.0004},
		"GLACIER_IR":          {StorageGBMonth: 0.004, PutPer1000: 0.02, GetPer1000: 0.01, RetrievalPerGB: 0.03},
		"GLACIER":             {StorageGBMonth: 0.0036, PutPer1000: 0.03, GetPer1000: 0.0004, RetrievalPerGB: 0.01},
		"DEEP_ARCHIVE":        {StorageGBMonth: 0.00099, PutPer1000: 0.05, GetPer1000: 0.0004, RetrievalPerGB: 0.02},
	}
}

// LoadPrices reads an operator's price file: a JSON object from storage
// class to prices, each field optional. Classes and fields it does not
// name keep the defaults; an unknown class or field is an error, so a
// typo does not silently price at the default.
func LoadPrices(path string) (PriceTable, error) {
	t := DefaultPrices()
	if path == "" {
		return t, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("price file: %w", err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("price file %s: %w", path, err)
	}
	for class, body := range doc {
		p, ok := t[class]
		if !ok {
			return nil, fmt.Errorf("price file %s: unknown storage class %q", path, class)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("price file %s: class %s: %w", path, class, err)
		}
		if p.StorageGBMonth < 0 || p.PutPer1000 < 0 || p.GetPer1000 < 0 || p.RetrievalPerGB < 0 {
			return nil, fmt.Errorf("price file %s: class %s: negative price", path, class)
		}
		t[class] = p
	}
	return t, nil
}

// Cost is the monthly storage cost of some usage.
type Cost struct {
	// Monthly is the cost of keeping what is stored now for a month.
	Monthly float64 `json:"monthly"`
	// ByClass splits Monthly by storage class; parts of uploads in
	// progress and restored copies of archived objects are billed as
	// STANDARD, as S3 does.
	ByClass map[string]float64 `json:"byClass,omitempty"`
}

// CostOf prices c with t.
func (t PriceTable) CostOf(c *Counters) Cost {
	out := Cost{ByClass: map[string]float64{}}
	add := func(class string, bytes int64) {
		if bytes <= 0 {
			return
		}
		v := float64(bytes) / GB * t[class].StorageGBMonth
		out.ByClass[class] += v
		out.Monthly += v
	}
	names := make([]string, 0, len(c.Classes))
	for n := range c.Classes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		x := c.Classes[n]
		add(n, x.Bytes+x.NoncurrentBytes)
	}
	add("STANDARD", c.UploadBytes+c.RestoredBytes)
	return out
}
