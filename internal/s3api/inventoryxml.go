package s3api

import (
	"encoding/xml"

	"github.com/hoard-s3/hoard/internal/object"
)

// The XML of the bucket inventory configuration calls and its mapping
// onto the object service's typed configuration, which validates it.

type inventoryXML struct {
	XMLName     xml.Name              `xml:"InventoryConfiguration"`
	NS          string                `xml:"xmlns,attr,omitempty"`
	Destination *invDestinationXML    `xml:"Destination"`
	IsEnabled   *bool                 `xml:"IsEnabled"`
	Filter      *invFilterXML         `xml:"Filter"`
	ID          string                `xml:"Id"`
	Versions    string                `xml:"IncludedObjectVersions"`
	Fields      *invFieldsXML         `xml:"OptionalFields"`
	Schedule    *invScheduleXML       `xml:"Schedule"`
	Unknown     []lcUnknownElementXML `xml:",any"`
}

type invDestinationXML struct {
	S3 *invS3DestXML `xml:"S3BucketDestination"`
}

type invS3DestXML struct {
	AccountID  string            `xml:"AccountId,omitempty"`
	Bucket     string            `xml:"Bucket"`
	Encryption *invEncryptionXML `xml:"Encryption"`
	Format     string            `xml:"Format"`
	Prefix     string            `xml:"Prefix,omitempty"`
}

type invEncryptionXML struct {
	SSEKMS *invKMSXML `xml:"SSE-KMS"`
	SSES3  *struct{}  `xml:"SSE-S3"`
}

type invKMSXML struct {
	KeyID string `xml:"KeyId"`
}

type invFilterXML struct {
	Prefix string `xml:"Prefix"`
}

// invFieldsXML keeps OptionalFields present but empty apart from absent.
type invFieldsXML struct {
	Fields []string `xml:"Field"`
}

type invScheduleXML struct {
	Frequency string `xml:"Frequency"`
}

type listInventoryXML struct {
	XMLName     xml.Name        `xml:"ListInventoryConfigurationsResult"`
	NS          string          `xml:"xmlns,attr,omitempty"`
	Token       string          `xml:"ContinuationToken,omitempty"`
	Configs     []*inventoryXML `xml:"InventoryConfiguration"`
	IsTruncated bool            `xml:"IsTruncated"`
	Next        string          `xml:"NextContinuationToken,omitempty"`
}

// inventoryFromXML maps the document; required elements S3's schema has
// (Destination, IsEnabled, Id, IncludedObjectVersions, Schedule) make it
// MalformedXML when missing, as do elements the schema lacks.
func inventoryFromXML(d *inventoryXML) (*object.InventoryConfiguration, error) {
	if len(d.Unknown) > 0 || d.Destination == nil || d.Destination.S3 == nil || d.IsEnabled == nil ||
		d.ID == "" || d.Versions == "" || d.Schedule == nil {
		return nil, errMalformedXML
	}
	s3d := d.Destination.S3
	c := &object.InventoryConfiguration{
		ID: d.ID, Enabled: *d.IsEnabled, Versions: d.Versions, Frequency: d.Schedule.Frequency,
		Destination: object.InventoryDestination{BucketARN: s3d.Bucket, Format: s3d.Format,
			Prefix: s3d.Prefix, AccountID: s3d.AccountID},
	}
	if d.Filter != nil {
		c.HasFilter, c.Prefix = true, d.Filter.Prefix
	}
	if d.Fields != nil {
		c.Fields = d.Fields.Fields
	}
	if e := s3d.Encryption; e != nil {
		switch {
		case e.SSEKMS != nil && e.SSES3 != nil, e.SSEKMS == nil && e.SSES3 == nil:
			return nil, errMalformedXML
		case e.SSEKMS != nil:
			c.Destination.Encryption, c.Destination.KMSKeyID = object.InventorySSEKMS, e.SSEKMS.KeyID
		default:
			c.Destination.Encryption = object.InventorySSES3
		}
	}
	return c, nil
}

func inventoryToXML(c *object.InventoryConfiguration, ns string) *inventoryXML {
	d := c.Destination
	s3d := &invS3DestXML{AccountID: d.AccountID, Bucket: d.BucketARN, Format: d.Format, Prefix: d.Prefix}
	switch d.Encryption {
	case object.InventorySSES3:
		s3d.Encryption = &invEncryptionXML{SSES3: &struct{}{}}
	case object.InventorySSEKMS:
		s3d.Encryption = &invEncryptionXML{SSEKMS: &invKMSXML{KeyID: d.KMSKeyID}}
	}
	enabled := c.Enabled
	x := &inventoryXML{NS: ns, Destination: &invDestinationXML{S3: s3d}, IsEnabled: &enabled,
		ID: c.ID, Versions: c.Versions, Schedule: &invScheduleXML{Frequency: c.Frequency}}
	if c.HasFilter {
		x.Filter = &invFilterXML{Prefix: c.Prefix}
	}
	if len(c.Fields) > 0 {
		x.Fields = &invFieldsXML{Fields: c.Fields}
	}
	return x
}
