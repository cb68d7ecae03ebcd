package s3api

import (
	"encoding/xml"
)

// Reads of bucket configurations that are not built yet. No bucket can
// have one, so each read answers what S3 answers for a bucket without it
// (SDKs and tools such as Terraform read them all and expect exactly
// that); the writes still answer 501 NotImplemented.

var (
	opGetBucketWebsite      = operation{"GetBucketWebsite", unsetConfig(errNoSuchWebsite)}
	opGetBucketReplication  = operation{"GetBucketReplication", unsetConfig(errNoReplication)}
	opGetBucketNotification = operation{"GetBucketNotificationConfiguration", emptyConfig(&notificationConfiguration{NS: s3NS})}
	opGetBucketLogging      = operation{"GetBucketLogging", emptyConfig(&bucketLoggingStatus{NS: s3NS})}

	errNoSuchWebsite = newErr("NoSuchWebsiteConfiguration", 404, "The specified bucket does not have a website configuration")
	errNoReplication = newErr("ReplicationConfigurationNotFoundError", 404, "The replication configuration was not found")
)

// configBucketOps are the routes of the bucket configurations above, of
// bucket tagging and of lifecycle, consulted by the router.
var configBucketOps = map[string]operation{
	"GET tagging":      opGetBucketTagging,
	"PUT tagging":      opPutBucketTagging,
	"DELETE tagging":   opDeleteBucketTagging,
	"GET lifecycle":    opGetBucketLifecycle,
	"PUT lifecycle":    opPutBucketLifecycle,
	"DELETE lifecycle": opDeleteBucketLifecycle,
	"GET website":      opGetBucketWebsite,
	"GET replication":  opGetBucketReplication,
	"GET notification": opGetBucketNotification,
	"GET logging":      opGetBucketLogging,
}

type notificationConfiguration struct {
	XMLName xml.Name `xml:"NotificationConfiguration"`
	NS      string   `xml:"xmlns,attr"`
}

type bucketLoggingStatus struct {
	XMLName xml.Name `xml:"BucketLoggingStatus"`
	NS      string   `xml:"xmlns,attr"`
}

// unsetConfig answers S3's "no such configuration" error once the bucket
// is known to exist (a missing bucket is NoSuchBucket).
func unsetConfig(e *apiError) controller {
	return func(h *handler, req *request) (*response, error) {
		if _, err := h.svc.HeadBucket(req.ctx, req.bucket); err != nil {
			return nil, err
		}
		return nil, e
	}
}

// emptyConfig answers an empty document, as S3 does for configurations
// whose absence is an empty one (notifications, logging).
func emptyConfig(doc any) controller {
	return func(h *handler, req *request) (*response, error) {
		if _, err := h.svc.HeadBucket(req.ctx, req.bucket); err != nil {
			return nil, err
		}
		return xmlResponse(doc), nil
	}
}
