package s3api

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
)

// S3 Intelligent-Tiering configurations (?intelligent-tiering&id=…): the
// object service validates and keeps them, the lifecycle worker applies
// them; this file speaks their XML.

var (
	opGetBucketIT    = operation{"GetBucketIntelligentTieringConfiguration", (*handler).getBucketIT}
	opListBucketIT   = operation{"ListBucketIntelligentTieringConfigurations", (*handler).listBucketIT}
	opPutBucketIT    = operation{"PutBucketIntelligentTieringConfiguration", (*handler).putBucketIT}
	opDeleteBucketIT = operation{"DeleteBucketIntelligentTieringConfiguration", (*handler).deleteBucketIT}

	errNoSuchConfiguration = newErr("NoSuchConfiguration", 404, "The specified configuration does not exist.")
	errTooManyConfigs      = newErr("TooManyConfigurations", 400,
		"You are attempting to create a new configuration but have already reached the 1,000-configuration limit.")
	errBadContinuation = newErr("InvalidArgument", 400, "The continuation token provided is incorrect")
)

// itOp picks the operation of an ?intelligent-tiering request: with an
// id it names one configuration, without one GET lists them.
func itOp(method string, hasID bool) operation {
	switch {
	case method == http.MethodGet && hasID:
		return opGetBucketIT
	case method == http.MethodGet:
		return opListBucketIT
	case method == http.MethodPut:
		return opPutBucketIT
	case method == http.MethodDelete:
		return opDeleteBucketIT
	}
	return unsupported(method, "intelligent-tiering")
}

const maxITConfigXML = 64 << 10

type itConfigXML struct {
	XMLName  xml.Name      `xml:"IntelligentTieringConfiguration"`
	NS       string        `xml:"xmlns,attr,omitempty"`
	ID       string        `xml:"Id"`
	Filter   *itFilterXML  `xml:"Filter"`
	Status   string        `xml:"Status"`
	Tierings []itTierXML   `xml:"Tiering"`
	Unknown  []unknownElem `xml:",any"`
}

type itFilterXML struct {
	Prefix  *string       `xml:"Prefix"`
	Tag     *tagXML       `xml:"Tag"`
	And     *itAndXML     `xml:"And"`
	Unknown []unknownElem `xml:",any"`
}

type itAndXML struct {
	Prefix  *string       `xml:"Prefix"`
	Tags    []tagXML      `xml:"Tag"`
	Unknown []unknownElem `xml:",any"`
}

type itTierXML struct {
	AccessTier string `xml:"AccessTier"`
	Days       int    `xml:"Days"`
}

// unknownElem catches elements outside S3's schema (MalformedXML).
type unknownElem struct {
	XMLName xml.Name
}

type listITXML struct {
	XMLName           xml.Name      `xml:"ListBucketIntelligentTieringConfigurationsResult"`
	NS                string        `xml:"xmlns,attr"`
	IsTruncated       bool          `xml:"IsTruncated"`
	ContinuationToken string        `xml:"ContinuationToken,omitempty"`
	NextToken         string        `xml:"NextContinuationToken,omitempty"`
	Configs           []itConfigXML `xml:"IntelligentTieringConfiguration"`
}

func itFromXML(x *itConfigXML) (*object.ITConfiguration, error) {
	c := &object.ITConfiguration{ID: x.ID}
	switch x.Status {
	case "Enabled":
		c.Enabled = true
	case "Disabled":
	default:
		return nil, object.ErrLifecycleMalformed
	}
	if len(x.Unknown) > 0 {
		return nil, object.ErrLifecycleMalformed
	}
	if f := x.Filter; f != nil {
		if len(f.Unknown) > 0 || f.And != nil && (f.Prefix != nil || f.Tag != nil) || f.Prefix != nil && f.Tag != nil {
			return nil, object.ErrLifecycleMalformed
		}
		switch {
		case f.And != nil:
			if len(f.And.Unknown) > 0 || len(f.And.Tags)+btoi(f.And.Prefix != nil) < 2 {
				return nil, object.ErrLifecycleMalformed
			}
			c.Filter.And = true
			if f.And.Prefix != nil {
				c.Filter.Prefix = *f.And.Prefix
			}
			for _, t := range f.And.Tags {
				c.Filter.Tags = append(c.Filter.Tags, object.Tag{Key: t.Key, Value: t.Value})
			}
		case f.Prefix != nil:
			c.Filter.Prefix = *f.Prefix
		case f.Tag != nil:
			c.Filter.Tags = []object.Tag{{Key: f.Tag.Key, Value: f.Tag.Value}}
		}
	}
	for _, t := range x.Tierings {
		c.Tierings = append(c.Tierings, object.ITTiering{AccessTier: t.AccessTier, Days: t.Days})
	}
	return c, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func itToXML(c *object.ITConfiguration) itConfigXML {
	x := itConfigXML{ID: c.ID, Status: "Disabled"}
	if c.Enabled {
		x.Status = "Enabled"
	}
	f := c.Filter
	switch {
	case f.And:
		and := &itAndXML{}
		if f.Prefix != "" {
			and.Prefix = &f.Prefix
		}
		for _, t := range f.Tags {
			and.Tags = append(and.Tags, tagXML{Key: t.Key, Value: t.Value})
		}
		x.Filter = &itFilterXML{And: and}
	case len(f.Tags) == 1:
		x.Filter = &itFilterXML{Tag: &tagXML{Key: f.Tags[0].Key, Value: f.Tags[0].Value}}
	case f.Prefix != "":
		x.Filter = &itFilterXML{Prefix: &f.Prefix}
	}
	for _, t := range c.Tierings {
		x.Tierings = append(x.Tierings, itTierXML{AccessTier: t.AccessTier, Days: t.Days})
	}
	return x
}

// itID is the id query parameter S3 requires on Get, Put and Delete.
func itID(req *request) (string, error) {
	id := req.query.Get("id")
	if id == "" {
		return "", errInvalidArgument.withMessage("Missing required parameter: id")
	}
	return id, nil
}

func itAPIError(err error) error {
	switch {
	case errors.Is(err, object.ErrNoSuchBucketConfig):
		return errNoSuchConfiguration
	case errors.Is(err, object.ErrTooManyITConfigs):
		return errTooManyConfigs
	}
	return lifecycleAPIError(err)
}

func (h *handler) putBucketIT(req *request) (*response, error) {
	id, err := itID(req)
	if err != nil {
		return nil, err
	}
	body, err := readVerifiedBody(req, maxITConfigXML, false)
	if err != nil {
		return nil, err
	}
	var doc itConfigXML
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	c, err := itFromXML(&doc)
	if err != nil {
		return nil, lifecycleAPIError(err)
	}
	if c.ID != id {
		return nil, errInvalidArgument.withMessage("The configuration ID in the request body does not match the id query parameter")
	}
	if err := h.svc.PutBucketIntelligentTiering(req.ctx, req.bucket, c); err != nil {
		return nil, itAPIError(err)
	}
	return newResponse(http.StatusOK), nil
}

func (h *handler) getBucketIT(req *request) (*response, error) {
	id, err := itID(req)
	if err != nil {
		return nil, err
	}
	c, err := h.svc.GetBucketIntelligentTiering(req.ctx, req.bucket, id)
	if err != nil {
		return nil, itAPIError(err)
	}
	x := itToXML(c)
	x.NS = s3NS
	return xmlResponse(x), nil
}

func (h *handler) listBucketIT(req *request) (*response, error) {
	token := req.query.Get("continuation-token")
	start := ""
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(b) == 0 {
			return nil, errBadContinuation
		}
		start = string(b)
	}
	page, err := h.svc.ListBucketIntelligentTiering(req.ctx, req.bucket, start)
	if err != nil {
		return nil, itAPIError(err)
	}
	out := listITXML{NS: s3NS, ContinuationToken: token, IsTruncated: page.Next != ""}
	if page.Next != "" {
		out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(page.Next))
	}
	for i := range page.Configs {
		out.Configs = append(out.Configs, itToXML(&page.Configs[i]))
	}
	return xmlResponse(out), nil
}

func (h *handler) deleteBucketIT(req *request) (*response, error) {
	id, err := itID(req)
	if err != nil {
		return nil, err
	}
	if err := h.svc.DeleteBucketIntelligentTiering(req.ctx, req.bucket, id); err != nil {
		return nil, itAPIError(err)
	}
	return newResponse(http.StatusNoContent), nil
}
