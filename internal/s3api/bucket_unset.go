package s3api

// Reads of bucket configurations that are not built yet. No bucket can
// have one, so each read answers what S3 answers for a bucket without it
// (SDKs and tools such as Terraform read them all and expect exactly
// that); the writes still answer 501 NotImplemented.

var (
	opGetBucketWebsite     = operation{"GetBucketWebsite", unsetConfig(errNoSuchWebsite)}
	opGetBucketReplication = operation{"GetBucketReplication", (*handler).getBucketReplication}

	errNoSuchWebsite = newErr("NoSuchWebsiteConfiguration", 404, "The specified bucket does not have a website configuration")
	// errNoReplication is GetBucketReplication of a bucket without one
	// (replication.go).
	errNoReplication = newErr("ReplicationConfigurationNotFoundError", 404, "The replication configuration was not found")
)

// configBucketOps are the routes of the bucket configurations above and
// of bucket tagging, lifecycle, notifications and logging, consulted by
// the router.
var configBucketOps = map[string]operation{
	"GET tagging":        opGetBucketTagging,
	"PUT tagging":        opPutBucketTagging,
	"DELETE tagging":     opDeleteBucketTagging,
	"GET lifecycle":      opGetBucketLifecycle,
	"PUT lifecycle":      opPutBucketLifecycle,
	"DELETE lifecycle":   opDeleteBucketLifecycle,
	"GET website":        opGetBucketWebsite,
	"GET replication":    opGetBucketReplication,
	"PUT replication":    opPutBucketReplication,
	"DELETE replication": opDeleteBucketReplication,
	"GET notification":   opGetBucketNotificationConfig,
	"PUT notification":   opPutBucketNotificationConfig,
	"GET logging":        opGetBucketLogging,
	"PUT logging":        opPutBucketLogging,
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
