package s3api

import (
	"encoding/xml"
	"net"
	"net/http"
	"strings"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/object"
)

// Bucket event notifications: the object service validates and keeps
// the configuration and raises the events; this file speaks its XML and
// tells the service who made each request.

var (
	opGetBucketNotificationConfig = operation{"GetBucketNotificationConfiguration", (*handler).getBucketNotification}
	opPutBucketNotificationConfig = operation{"PutBucketNotificationConfiguration", (*handler).putBucketNotification}
)

// maxNotificationXML bounds a configuration document.
const maxNotificationXML = 256 << 10

type notificationXML struct {
	XMLName     xml.Name            `xml:"NotificationConfiguration"`
	NS          string              `xml:"xmlns,attr,omitempty"`
	Topics      []destinationXML    `xml:"TopicConfiguration"`
	Queues      []destinationXML    `xml:"QueueConfiguration"`
	Lambdas     []destinationXML    `xml:"CloudFunctionConfiguration"`
	EventBridge *struct{}           `xml:"EventBridgeConfiguration"`
	Unknown     []xmlUnknownElement `xml:",any"`
}

// xmlUnknownElement catches elements S3's schema does not have.
type xmlUnknownElement struct {
	XMLName xml.Name
}

// destinationXML is one Topic, Queue or CloudFunction configuration; only
// the ARN element of its own kind is set.
type destinationXML struct {
	ID            string     `xml:"Id,omitempty"`
	Topic         string     `xml:"Topic,omitempty"`
	Queue         string     `xml:"Queue,omitempty"`
	CloudFunction string     `xml:"CloudFunction,omitempty"`
	Events        []string   `xml:"Event"`
	Filter        *filterXML `xml:"Filter,omitempty"`
}

type filterXML struct {
	Rules []filterRuleXML `xml:"S3Key>FilterRule"`
}

type filterRuleXML struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

func (h *handler) getBucketNotification(req *request) (*response, error) {
	cfg, err := h.svc.GetBucketNotification(req.ctx, req.bucket)
	if err != nil {
		return nil, err
	}
	doc := &notificationXML{NS: s3NS}
	for _, r := range cfg.Rules {
		d := destinationXML{ID: r.ID, Events: r.Events}
		var rules []filterRuleXML
		if r.Prefix != "" {
			rules = append(rules, filterRuleXML{Name: "Prefix", Value: r.Prefix})
		}
		if r.Suffix != "" {
			rules = append(rules, filterRuleXML{Name: "Suffix", Value: r.Suffix})
		}
		if rules != nil {
			d.Filter = &filterXML{Rules: rules}
		}
		switch r.Type {
		case object.DestTopic:
			d.Topic = r.ARN
			doc.Topics = append(doc.Topics, d)
		case object.DestQueue:
			d.Queue = r.ARN
			doc.Queues = append(doc.Queues, d)
		default:
			d.CloudFunction = r.ARN
			doc.Lambdas = append(doc.Lambdas, d)
		}
	}
	if cfg.EventBridge {
		doc.EventBridge = &struct{}{}
	}
	return xmlResponse(doc), nil
}

func (h *handler) putBucketNotification(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxNotificationXML, false)
	if err != nil {
		return nil, err
	}
	var doc notificationXML
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	if len(doc.Unknown) > 0 {
		return nil, errMalformedXML
	}
	cfg := object.NotificationConfig{EventBridge: doc.EventBridge != nil}
	for _, group := range []struct {
		typ  string
		list []destinationXML
		arn  func(destinationXML) string
	}{
		{object.DestTopic, doc.Topics, func(d destinationXML) string { return d.Topic }},
		{object.DestQueue, doc.Queues, func(d destinationXML) string { return d.Queue }},
		{object.DestLambda, doc.Lambdas, func(d destinationXML) string { return d.CloudFunction }},
	} {
		for _, d := range group.list {
			rule, err := notifyRuleFromXML(group.typ, group.arn(d), d)
			if err != nil {
				return nil, err
			}
			cfg.Rules = append(cfg.Rules, rule)
		}
	}
	if err := h.svc.PutBucketNotification(req.ctx, req.bucket, cfg); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

func notifyRuleFromXML(typ, arn string, d destinationXML) (object.NotificationRule, error) {
	r := object.NotificationRule{ID: d.ID, Type: typ, ARN: strings.TrimSpace(arn), Events: d.Events}
	if d.Filter == nil {
		return r, nil
	}
	seen := map[string]bool{}
	for _, f := range d.Filter.Rules {
		name := strings.ToLower(f.Name)
		if name != "prefix" && name != "suffix" {
			return r, errInvalidArgument.withMessage("filter rule name must be either prefix or suffix")
		}
		if seen[name] {
			return r, errInvalidArgument.withMessage("Cannot specify more than one %s rule in a filter.", name)
		}
		seen[name] = true
		if name == "prefix" {
			r.Prefix = f.Value
		} else {
			r.Suffix = f.Value
		}
	}
	return r, nil
}

// eventRequest is who made req, for the events it causes.
func eventRequest(req *request) event.Request {
	er := event.Request{RequestID: req.id, HostID: req.hostID}
	if host, _, err := net.SplitHostPort(req.r.RemoteAddr); err == nil {
		er.SourceIP = host
	} else {
		er.SourceIP = req.r.RemoteAddr
	}
	if req.authz != nil && req.authz.who != nil {
		p := req.authz.who.p
		switch {
		case p.UserID != "" && p.UserID != p.Account:
			er.PrincipalID = "AWS:" + p.UserID
		case p.Account != "":
			er.PrincipalID = p.Account
		}
	}
	if er.PrincipalID == "" {
		er.PrincipalID = "Anonymous"
		if req.auth != nil {
			er.PrincipalID = "AWS:" + req.auth.AccessKey
		}
	}
	return er
}
