package console

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/notify"
)

// The notifications card: a bucket's rules, read with the user's own
// credentials (GetBucketNotificationConfiguration, so S3 authorization
// applies), and, for the account root only, the health of the server's
// targets, which are the operator's and not any bucket's.

// notifyRuleJSON is one rule as the page shows it.
type notifyRuleJSON struct {
	ID     string   `json:"id"`
	Type   string   `json:"type"` // Queue, Topic, Lambda
	ARN    string   `json:"arn"`
	Events []string `json:"events"`
	Prefix string   `json:"prefix,omitempty"`
	Suffix string   `json:"suffix,omitempty"`
}

type notificationsJSON struct {
	Rules   []notifyRuleJSON `json:"rules"`
	Targets []notify.Status  `json:"targets"` // nil unless root
}

func (c *Console) getNotifications(w http.ResponseWriter, r *http.Request, s *session) {
	bucket := r.URL.Query().Get("bucket")
	if !plausibleBucket(bucket) {
		writeError(w, http.StatusBadRequest, "InvalidBucketName", "That is not a bucket name.")
		return
	}
	rules, err := bucketRules(r.Context(), c.s3Client(s), bucket)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	out := notificationsJSON{Rules: rules}
	if s.root && c.cfg.NotifyStatus != nil {
		if out.Targets, err = c.cfg.NotifyStatus(r.Context()); err != nil {
			c.log.Error("notification targets", "err", err)
			writeError(w, http.StatusInternalServerError, "InternalError", "The targets' status could not be read.")
			return
		}
		for i := range out.Targets {
			out.Targets[i].Endpoint = "" // operator configuration, not for the page
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func bucketRules(ctx context.Context, cl *s3.Client, bucket string) ([]notifyRuleJSON, error) {
	cfg, err := cl.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: &bucket})
	if err != nil {
		return nil, err
	}
	rules := []notifyRuleJSON{}
	add := func(typ string, id, arn *string, events []string, f filterRules) {
		r := notifyRuleJSON{Type: typ, ID: deref(id), ARN: deref(arn), Events: events}
		r.Prefix, r.Suffix = f.prefix, f.suffix
		rules = append(rules, r)
	}
	for _, q := range cfg.QueueConfigurations {
		add("Queue", q.Id, q.QueueArn, eventNames(q.Events), filterOf(q.Filter))
	}
	for _, t := range cfg.TopicConfigurations {
		add("Topic", t.Id, t.TopicArn, eventNames(t.Events), filterOf(t.Filter))
	}
	for _, l := range cfg.LambdaFunctionConfigurations {
		add("Lambda", l.Id, l.LambdaFunctionArn, eventNames(l.Events), filterOf(l.Filter))
	}
	return rules, nil
}
