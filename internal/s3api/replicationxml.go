package s3api

import (
	"encoding/xml"

	"github.com/hoard-s3/hoard/internal/object"
)

// The XML of Put/GetBucketReplication and its mapping onto the object
// service's typed configuration, which validates it.

type replicationXML struct {
	XMLName xml.Name       `xml:"ReplicationConfiguration"`
	NS      string         `xml:"xmlns,attr,omitempty"`
	Role    string         `xml:"Role"`
	Rules   []replRuleXML  `xml:"Rule"`
	Unknown []unknownXMLEl `xml:",any"`
}

type unknownXMLEl struct{ XMLName xml.Name }

type statusXML struct {
	Status string `xml:"Status"`
}

type replRuleXML struct {
	ID                      string              `xml:"ID,omitempty"`
	Priority                *int                `xml:"Priority"`
	Prefix                  *string             `xml:"Prefix"`
	Filter                  *replFilterXML      `xml:"Filter"`
	Status                  string              `xml:"Status"`
	SourceSelectionCriteria *replSourceSelXML   `xml:"SourceSelectionCriteria"`
	ExistingObjects         *statusXML          `xml:"ExistingObjectReplication"`
	Destination             *replDestinationXML `xml:"Destination"`
	DeleteMarkerReplication *statusXML          `xml:"DeleteMarkerReplication"`
	Unknown                 []unknownXMLEl      `xml:",any"`
}

type replFilterXML struct {
	Prefix  *string        `xml:"Prefix"`
	Tag     *tagXML        `xml:"Tag"`
	And     *replAndXML    `xml:"And"`
	Unknown []unknownXMLEl `xml:",any"`
}

type replAndXML struct {
	Prefix *string  `xml:"Prefix"`
	Tags   []tagXML `xml:"Tag"`
}

type replSourceSelXML struct {
	SseKmsEncryptedObjects *statusXML `xml:"SseKmsEncryptedObjects"`
	ReplicaModifications   *statusXML `xml:"ReplicaModifications"`
}

type minutesXML struct {
	Minutes int `xml:"Minutes"`
}

type replTimeXML struct {
	Status string      `xml:"Status"`
	Time   *minutesXML `xml:"Time"`
}

type replMetricsXML struct {
	Status         string      `xml:"Status"`
	EventThreshold *minutesXML `xml:"EventThreshold"`
}

type replDestinationXML struct {
	Bucket                   string `xml:"Bucket"`
	Account                  string `xml:"Account,omitempty"`
	StorageClass             string `xml:"StorageClass,omitempty"`
	AccessControlTranslation *struct {
		Owner string `xml:"Owner"`
	} `xml:"AccessControlTranslation"`
	EncryptionConfiguration *struct {
		ReplicaKmsKeyID string `xml:"ReplicaKmsKeyID"`
	} `xml:"EncryptionConfiguration"`
	ReplicationTime *replTimeXML    `xml:"ReplicationTime"`
	Metrics         *replMetricsXML `xml:"Metrics"`
	Unknown         []unknownXMLEl  `xml:",any"`
}

// enabledStatus reads an Enabled/Disabled status; anything else is
// MalformedXML, as S3's schema says.
func enabledStatus(s string) (bool, error) {
	switch s {
	case "Enabled":
		return true, nil
	case "Disabled":
		return false, nil
	}
	return false, errMalformedXML
}

func optStatus(s *statusXML) (*bool, error) {
	if s == nil {
		return nil, nil
	}
	v, err := enabledStatus(s.Status)
	return &v, err
}

func replicationFromXML(doc *replicationXML) (*object.ReplicationConfig, error) {
	if len(doc.Unknown) > 0 {
		return nil, errMalformedXML
	}
	c := &object.ReplicationConfig{Role: doc.Role}
	for i := range doc.Rules {
		r, err := replRuleFromXML(&doc.Rules[i])
		if err != nil {
			return nil, err
		}
		c.Rules = append(c.Rules, r)
	}
	return c, nil
}

func replRuleFromXML(x *replRuleXML) (object.ReplicationRule, error) {
	var r object.ReplicationRule
	var err error
	if len(x.Unknown) > 0 || x.Destination == nil || (x.Prefix != nil && x.Filter != nil) {
		return r, errMalformedXML
	}
	r.ID = x.ID
	if r.Enabled, err = enabledStatus(x.Status); err != nil {
		return r, err
	}
	if x.Priority != nil {
		r.Priority, r.HasPriority = *x.Priority, true
	}
	if x.Prefix != nil {
		r.Prefix = *x.Prefix
	}
	if x.Filter != nil {
		if r.Filter, err = replFilterFromXML(x.Filter); err != nil {
			return r, err
		}
	}
	if x.DeleteMarkerReplication != nil {
		r.HasDeleteMarker = true
		if r.DeleteMarkers, err = enabledStatus(x.DeleteMarkerReplication.Status); err != nil {
			return r, err
		}
	}
	if s := x.SourceSelectionCriteria; s != nil {
		if r.SSEKMS, err = optStatus(s.SseKmsEncryptedObjects); err != nil {
			return r, err
		}
		if r.ReplicaModifies, err = optStatus(s.ReplicaModifications); err != nil {
			return r, err
		}
	}
	if r.ExistingObjects, err = optStatus(x.ExistingObjects); err != nil {
		return r, err
	}
	r.Destination, err = replDestFromXML(x.Destination)
	return r, err
}

func replFilterFromXML(x *replFilterXML) (*object.ReplicationFilter, error) {
	set := 0
	for _, p := range []bool{x.Prefix != nil, x.Tag != nil, x.And != nil} {
		if p {
			set++
		}
	}
	if len(x.Unknown) > 0 || set > 1 {
		return nil, errMalformedXML
	}
	f := &object.ReplicationFilter{}
	switch {
	case x.Prefix != nil:
		f.Prefix = *x.Prefix
	case x.Tag != nil:
		f.Tags = []object.Tag{{Key: x.Tag.Key, Value: x.Tag.Value}}
	case x.And != nil:
		f.And = true
		if x.And.Prefix != nil {
			f.Prefix = *x.And.Prefix
		}
		for _, t := range x.And.Tags {
			f.Tags = append(f.Tags, object.Tag{Key: t.Key, Value: t.Value})
		}
	}
	return f, nil
}

func replDestFromXML(x *replDestinationXML) (object.ReplicationDestination, error) {
	d := object.ReplicationDestination{Bucket: x.Bucket, Account: x.Account, StorageClass: x.StorageClass}
	if len(x.Unknown) > 0 {
		return d, errMalformedXML
	}
	if t := x.AccessControlTranslation; t != nil {
		if t.Owner != "Destination" {
			return d, errMalformedXML
		}
		d.OwnerOverride = true
	}
	if e := x.EncryptionConfiguration; e != nil {
		d.ReplicaKMSKey = e.ReplicaKmsKeyID
	}
	if t := x.ReplicationTime; t != nil {
		on, err := enabledStatus(t.Status)
		if err != nil || t.Time == nil {
			return d, errMalformedXML
		}
		d.RTC, d.RTCMinutes = &on, t.Time.Minutes
	}
	if m := x.Metrics; m != nil {
		on, err := enabledStatus(m.Status)
		if err != nil {
			return d, err
		}
		d.Metrics = &on
		if m.EventThreshold != nil {
			d.MetricsMinutes = m.EventThreshold.Minutes
		}
	}
	return d, nil
}

func statusOf(on bool) string {
	if on {
		return "Enabled"
	}
	return "Disabled"
}

func optStatusXML(v *bool) *statusXML {
	if v == nil {
		return nil
	}
	return &statusXML{Status: statusOf(*v)}
}

func replicationToXML(c *object.ReplicationConfig) *replicationXML {
	doc := &replicationXML{NS: s3NS, Role: c.Role}
	for _, r := range c.Rules {
		x := replRuleXML{ID: r.ID, Status: statusOf(r.Enabled), ExistingObjects: optStatusXML(r.ExistingObjects)}
		if r.HasPriority || r.V2() {
			p := r.Priority
			x.Priority = &p
		}
		if r.V2() {
			x.Filter = replFilterToXML(r.Filter)
		} else {
			p := r.Prefix
			x.Prefix = &p
		}
		if r.HasDeleteMarker {
			x.DeleteMarkerReplication = &statusXML{Status: statusOf(r.DeleteMarkers)}
		}
		if r.SSEKMS != nil || r.ReplicaModifies != nil {
			x.SourceSelectionCriteria = &replSourceSelXML{SseKmsEncryptedObjects: optStatusXML(r.SSEKMS), ReplicaModifications: optStatusXML(r.ReplicaModifies)}
		}
		x.Destination = replDestToXML(&r.Destination)
		doc.Rules = append(doc.Rules, x)
	}
	return doc
}

func replFilterToXML(f *object.ReplicationFilter) *replFilterXML {
	x := &replFilterXML{}
	switch {
	case f.And:
		x.And = &replAndXML{}
		if f.Prefix != "" {
			p := f.Prefix
			x.And.Prefix = &p
		}
		for _, t := range f.Tags {
			x.And.Tags = append(x.And.Tags, tagXML{Key: t.Key, Value: t.Value})
		}
	case len(f.Tags) == 1:
		x.Tag = &tagXML{Key: f.Tags[0].Key, Value: f.Tags[0].Value}
	default:
		p := f.Prefix
		x.Prefix = &p
	}
	return x
}

func replDestToXML(d *object.ReplicationDestination) *replDestinationXML {
	x := &replDestinationXML{Bucket: d.Bucket, Account: d.Account, StorageClass: d.StorageClass}
	if d.OwnerOverride {
		x.AccessControlTranslation = &struct {
			Owner string `xml:"Owner"`
		}{"Destination"}
	}
	if d.ReplicaKMSKey != "" {
		x.EncryptionConfiguration = &struct {
			ReplicaKmsKeyID string `xml:"ReplicaKmsKeyID"`
		}{d.ReplicaKMSKey}
	}
	if d.RTC != nil {
		x.ReplicationTime = &replTimeXML{Status: statusOf(*d.RTC), Time: &minutesXML{Minutes: d.RTCMinutes}}
	}
	if d.Metrics != nil {
		x.Metrics = &replMetricsXML{Status: statusOf(*d.Metrics)}
		if d.MetricsMinutes != 0 {
			x.Metrics.EventThreshold = &minutesXML{Minutes: d.MetricsMinutes}
		}
	}
	return x
}
