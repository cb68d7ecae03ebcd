package s3api

import (
	"encoding/xml"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
)

// The XML of Put/GetBucketLifecycleConfiguration and its mapping onto the
// object service's typed configuration, which validates it.

type lifecycleXML struct {
	XMLName xml.Name    `xml:"LifecycleConfiguration"`
	NS      string      `xml:"xmlns,attr,omitempty"`
	Rules   []lcRuleXML `xml:"Rule"`
}

type lcRuleXML struct {
	ID                    string                `xml:"ID,omitempty"`
	Prefix                *string               `xml:"Prefix"`
	Filter                *lcFilterXML          `xml:"Filter"`
	Status                string                `xml:"Status"`
	Transitions           []lcTransitionXML     `xml:"Transition"`
	NoncurrentTransitions []lcNoncurTransXML    `xml:"NoncurrentVersionTransition"`
	Expiration            *lcExpirationXML      `xml:"Expiration"`
	NoncurrentExpiration  *lcNoncurExpXML       `xml:"NoncurrentVersionExpiration"`
	Abort                 *lcAbortXML           `xml:"AbortIncompleteMultipartUpload"`
	Unknown               []lcUnknownElementXML `xml:",any"`
}

// lcUnknownElementXML catches elements S3's schema does not have, which
// make the document MalformedXML.
type lcUnknownElementXML struct {
	XMLName xml.Name
}

type lcFilterXML struct {
	Prefix          *string               `xml:"Prefix"`
	Tag             *tagXML               `xml:"Tag"`
	SizeGreaterThan *int64                `xml:"ObjectSizeGreaterThan"`
	SizeLessThan    *int64                `xml:"ObjectSizeLessThan"`
	And             *lcAndXML             `xml:"And"`
	Unknown         []lcUnknownElementXML `xml:",any"`
}

type lcAndXML struct {
	Prefix          *string  `xml:"Prefix"`
	Tags            []tagXML `xml:"Tag"`
	SizeGreaterThan *int64   `xml:"ObjectSizeGreaterThan"`
	SizeLessThan    *int64   `xml:"ObjectSizeLessThan"`
}

type lcExpirationXML struct {
	Days                      *int    `xml:"Days"`
	Date                      *string `xml:"Date"`
	ExpiredObjectDeleteMarker *bool   `xml:"ExpiredObjectDeleteMarker"`
}

type lcTransitionXML struct {
	Days         *int    `xml:"Days"`
	Date         *string `xml:"Date"`
	StorageClass string  `xml:"StorageClass"`
}

type lcNoncurrentDays struct {
	NoncurrentDays          *int `xml:"NoncurrentDays"`
	NewerNoncurrentVersions *int `xml:"NewerNoncurrentVersions"`
}

type lcNoncurTransXML struct {
	lcNoncurrentDays
	StorageClass string `xml:"StorageClass"`
}

type lcNoncurExpXML struct {
	lcNoncurrentDays
}

type lcAbortXML struct {
	DaysAfterInitiation *int `xml:"DaysAfterInitiation"`
}

// lifecycleFromXML maps a decoded document onto the typed configuration.
// What the schema refuses is MalformedXML here; the rules of S3 beyond
// the schema are the object service's.
func lifecycleFromXML(doc *lifecycleXML) (*object.LifecycleConfiguration, error) {
	c := &object.LifecycleConfiguration{}
	for i := range doc.Rules {
		r, err := lcRuleFromXML(&doc.Rules[i])
		if err != nil {
			return nil, err
		}
		c.Rules = append(c.Rules, r)
	}
	return c, nil
}

func lcRuleFromXML(x *lcRuleXML) (object.LifecycleRule, error) {
	r := object.LifecycleRule{ID: x.ID}
	switch x.Status {
	case "Enabled":
		r.Enabled = true
	case "Disabled":
	default:
		return r, object.ErrLifecycleMalformed
	}
	if len(x.Unknown) > 0 || x.Prefix != nil && x.Filter != nil {
		return r, object.ErrLifecycleMalformed
	}
	switch {
	case x.Prefix != nil:
		r.LegacyPrefix, r.Filter = true, object.LifecycleFilter{Prefix: *x.Prefix, HasPrefix: true}
	case x.Filter != nil:
		f, err := filterFromXML(x.Filter)
		if err != nil {
			return r, err
		}
		r.Filter = f
	default:
		r.NoFilter = true
	}
	if err := actionsFromXML(x, &r); err != nil {
		return r, err
	}
	return r, nil
}

// filterFromXML: a Filter holds at most one of its conditions (several
// go inside And), as S3's reference says.
func filterFromXML(x *lcFilterXML) (object.LifecycleFilter, error) {
	var f object.LifecycleFilter
	n := 0
	for _, set := range []bool{x.Prefix != nil, x.Tag != nil, x.SizeGreaterThan != nil, x.SizeLessThan != nil, x.And != nil} {
		if set {
			n++
		}
	}
	if n > 1 || len(x.Unknown) > 0 {
		return f, object.ErrLifecycleMalformed
	}
	switch {
	case x.Prefix != nil:
		f.Prefix, f.HasPrefix = *x.Prefix, true
	case x.Tag != nil:
		f.Tags = []object.Tag{{Key: x.Tag.Key, Value: x.Tag.Value}}
	case x.And != nil:
		a := x.And
		f.And = true
		if a.Prefix != nil {
			f.Prefix, f.HasPrefix = *a.Prefix, true
		}
		for _, t := range a.Tags {
			f.Tags = append(f.Tags, object.Tag{Key: t.Key, Value: t.Value})
		}
		f.SizeGreaterThan, f.SizeLessThan = a.SizeGreaterThan, a.SizeLessThan
	default:
		f.SizeGreaterThan, f.SizeLessThan = x.SizeGreaterThan, x.SizeLessThan
	}
	return f, nil
}

func actionsFromXML(x *lcRuleXML, r *object.LifecycleRule) error {
	if e := x.Expiration; e != nil {
		r.Expiration = &object.LifecycleExpiration{}
		if e.Days != nil {
			if err := object.ValidExpirationDays(*e.Days); err != nil {
				return err
			}
			r.Expiration.Days = *e.Days
		}
		if e.Date != nil {
			d, err := parseLifecycleDate(*e.Date)
			if err != nil {
				return err
			}
			r.Expiration.Date = d
		}
		if e.ExpiredObjectDeleteMarker != nil {
			r.Expiration.HasMarkerFlag, r.Expiration.ExpiredObjectDeleteMarker = true, *e.ExpiredObjectDeleteMarker
		}
	}
	for _, t := range x.Transitions {
		tr := object.LifecycleTransition{StorageClass: t.StorageClass}
		if t.Days != nil {
			tr.Days, tr.HasDays = *t.Days, true
		}
		if t.Date != nil {
			d, err := parseLifecycleDate(*t.Date)
			if err != nil {
				return err
			}
			tr.Date = d
		}
		r.Transitions = append(r.Transitions, tr)
	}
	for _, t := range x.NoncurrentTransitions {
		if t.NoncurrentDays == nil {
			return object.ErrLifecycleMalformed
		}
		r.NoncurrentTransitions = append(r.NoncurrentTransitions, object.NoncurrentTransition{
			NoncurrentDays: *t.NoncurrentDays, NewerNoncurrentVersions: deref(t.NewerNoncurrentVersions), StorageClass: t.StorageClass,
		})
	}
	if n := x.NoncurrentExpiration; n != nil {
		if n.NoncurrentDays == nil {
			return object.ErrLifecycleMalformed
		}
		r.NoncurrentExpiration = &object.NoncurrentExpiration{
			NoncurrentDays: *n.NoncurrentDays, NewerNoncurrentVersions: deref(n.NewerNoncurrentVersions),
		}
	}
	if a := x.Abort; a != nil {
		if a.DaysAfterInitiation == nil {
			return object.ErrLifecycleMalformed
		}
		if err := object.ValidAbortDays(*a.DaysAfterInitiation); err != nil {
			return err
		}
		r.AbortIncompleteDays = *a.DaysAfterInitiation
	}
	return nil
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// parseLifecycleDate reads an ISO 8601 date or date-time; the service
// then checks that it is midnight UTC.
func parseLifecycleDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, object.ErrLifecycleMalformed
}

// lifecycleToXML renders the configuration as S3 returns it: each rule in
// the shape it was given (legacy Prefix, Filter, And).
func lifecycleToXML(c *object.LifecycleConfiguration) *lifecycleXML {
	doc := &lifecycleXML{NS: s3NS, Rules: make([]lcRuleXML, 0, len(c.Rules))}
	for i := range c.Rules {
		doc.Rules = append(doc.Rules, ruleToXML(&c.Rules[i]))
	}
	return doc
}

func ruleToXML(r *object.LifecycleRule) lcRuleXML {
	x := lcRuleXML{ID: r.ID, Status: "Disabled"}
	if r.Enabled {
		x.Status = "Enabled"
	}
	switch {
	case r.LegacyPrefix:
		x.Prefix = &r.Filter.Prefix
	case !r.NoFilter:
		x.Filter = filterToXML(&r.Filter)
	}
	if e := r.Expiration; e != nil {
		x.Expiration = &lcExpirationXML{}
		if e.Days > 0 {
			x.Expiration.Days = &e.Days
		}
		if !e.Date.IsZero() {
			x.Expiration.Date = ptr(s3Time(e.Date))
		}
		if e.HasMarkerFlag {
			x.Expiration.ExpiredObjectDeleteMarker = &e.ExpiredObjectDeleteMarker
		}
	}
	for _, t := range r.Transitions {
		tx := lcTransitionXML{StorageClass: t.StorageClass}
		if t.HasDays {
			tx.Days = ptr(t.Days)
		} else {
			tx.Date = ptr(s3Time(t.Date))
		}
		x.Transitions = append(x.Transitions, tx)
	}
	for _, t := range r.NoncurrentTransitions {
		x.NoncurrentTransitions = append(x.NoncurrentTransitions, lcNoncurTransXML{
			lcNoncurrentDays: noncurrentDaysXML(t.NoncurrentDays, t.NewerNoncurrentVersions), StorageClass: t.StorageClass,
		})
	}
	if n := r.NoncurrentExpiration; n != nil {
		x.NoncurrentExpiration = &lcNoncurExpXML{noncurrentDaysXML(n.NoncurrentDays, n.NewerNoncurrentVersions)}
	}
	if r.AbortIncompleteDays > 0 {
		x.Abort = &lcAbortXML{DaysAfterInitiation: ptr(r.AbortIncompleteDays)}
	}
	return x
}

func noncurrentDaysXML(days, newer int) lcNoncurrentDays {
	d := lcNoncurrentDays{NoncurrentDays: ptr(days)}
	if newer > 0 {
		d.NewerNoncurrentVersions = ptr(newer)
	}
	return d
}

func filterToXML(f *object.LifecycleFilter) *lcFilterXML {
	x := &lcFilterXML{}
	var prefix *string
	if f.HasPrefix {
		prefix = ptr(f.Prefix)
	}
	if f.And {
		a := &lcAndXML{Prefix: prefix, SizeGreaterThan: f.SizeGreaterThan, SizeLessThan: f.SizeLessThan}
		for _, t := range f.Tags {
			a.Tags = append(a.Tags, tagXML{Key: t.Key, Value: t.Value})
		}
		x.And = a
		return x
	}
	x.Prefix, x.SizeGreaterThan, x.SizeLessThan = prefix, f.SizeGreaterThan, f.SizeLessThan
	if len(f.Tags) == 1 {
		x.Tag = &tagXML{Key: f.Tags[0].Key, Value: f.Tags[0].Value}
	}
	return x
}

func ptr[T any](v T) *T { return &v }
