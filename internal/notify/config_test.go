package notify_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/testserver"
)

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %v, want %s %q", err, code, msg)
	}
}

// TestNotificationConfiguration: the configuration round-trips, unknown
// targets and overlapping rules are refused as S3 refuses them (and
// nothing changes), and saving sends s3:TestEvent to each target.
func TestNotificationConfiguration(t *testing.T) {
	a, b := newReceiver(t), newReceiver(t)
	srv := testserver.Start(t, testserver.WithNotifyTargets(a.spec(t, "alpha"), b.spec(t, "beta")))
	c := srv.Client()
	ctx := testserver.Context(t)
	createBucket(t, c, "cfg")

	got, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("cfg")})
	if err != nil || len(got.QueueConfigurations)+len(got.TopicConfigurations)+len(got.LambdaFunctionConfigurations) != 0 {
		t.Fatalf("empty configuration: %+v, %v", got, err)
	}
	cfg := types.NotificationConfiguration{
		QueueConfigurations: []types.QueueConfiguration{queueRule("images", "alpha", []string{"s3:ObjectCreated:*"}, "img/", ".jpg")},
		TopicConfigurations: []types.TopicConfiguration{{Id: aws.String("removals"), TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:beta"),
			Events: []types.Event{"s3:ObjectRemoved:*"}}},
		LambdaFunctionConfigurations: []types.LambdaFunctionConfiguration{{Id: aws.String("docs"),
			LambdaFunctionArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:alpha"),
			Events:            []types.Event{"s3:ObjectCreated:Put"}, Filter: queueRule("", "", nil, "doc/", "").Filter}},
	}
	if err := putNotification(ctx, c, "cfg", cfg); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("cfg")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.QueueConfigurations) != 1 || *got.QueueConfigurations[0].Id != "images" ||
		*got.QueueConfigurations[0].QueueArn != "arn:aws:sqs:us-east-1:123456789012:alpha" ||
		got.QueueConfigurations[0].Events[0] != "s3:ObjectCreated:*" ||
		len(got.QueueConfigurations[0].Filter.Key.FilterRules) != 2 ||
		*got.QueueConfigurations[0].Filter.Key.FilterRules[1].Value != ".jpg" {
		t.Fatalf("queue configurations %+v", got.QueueConfigurations)
	}
	if len(got.TopicConfigurations) != 1 || *got.TopicConfigurations[0].TopicArn != "arn:aws:sns:us-east-1:123456789012:beta" ||
		len(got.LambdaFunctionConfigurations) != 1 || *got.LambdaFunctionConfigurations[0].Id != "docs" {
		t.Fatalf("topic %+v lambda %+v", got.TopicConfigurations, got.LambdaFunctionConfigurations)
	}
	// One test event per target, though alpha has two rules.
	waitUntil(t, "test events", func() bool {
		_, ta := a.snapshot()
		_, tb := b.snapshot()
		return len(ta) == 1 && len(tb) == 1
	})
	_, ta := a.snapshot()
	if ta[0].Service != "Amazon S3" || ta[0].Event != "s3:TestEvent" || ta[0].Bucket != "cfg" || ta[0].RequestID == "" || ta[0].HostID == "" {
		t.Fatalf("test event %+v", ta[0])
	}

	bad := []struct {
		name string
		cfg  types.NotificationConfiguration
		msg  string
	}{
		{"unknown target", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			queueRule("x", "nosuch", []string{"s3:ObjectCreated:*"}, "", "")}}, "Unable to validate the following destination configurations"},
		{"queue ARN of another service", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{{
			QueueArn: aws.String("arn:aws:sns:us-east-1:123456789012:alpha"), Events: []types.Event{"s3:ObjectCreated:*"}}}},
			"Unable to validate the following destination configurations"},
		{"unknown event", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			queueRule("x", "alpha", []string{"s3:ObjectCreated:Nope"}, "", "")}}, "The event is not supported for notifications"},
		{"overlapping prefixes and suffixes", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			queueRule("x", "alpha", []string{"s3:ObjectCreated:*"}, "img/", ""),
			queueRule("y", "beta", []string{"s3:ObjectCreated:Put"}, "img/2024/", ".png")}},
			"Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type."},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError(t, putNotification(ctx, c, "cfg", tc.cfg), "InvalidArgument", tc.msg)
		})
	}
	got, _ = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("cfg")})
	if len(got.QueueConfigurations) != 1 || len(got.TopicConfigurations) != 1 || len(got.LambdaFunctionConfigurations) != 1 {
		t.Fatalf("a refused configuration changed the stored one: %+v", got)
	}
	// Disjoint filters, or the same filter for different events, are fine.
	ok := types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		queueRule("x", "alpha", []string{"s3:ObjectCreated:*"}, "img/", ""),
		queueRule("y", "alpha", []string{"s3:ObjectCreated:*"}, "doc/", ""),
		queueRule("z", "beta", []string{"s3:ObjectRemoved:*"}, "img/", ""),
	}}
	if err := putNotification(ctx, c, "cfg", ok); err != nil {
		t.Fatal(err)
	}
	got, _ = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("cfg")})
	if len(got.QueueConfigurations) != 3 || len(got.TopicConfigurations) != 0 {
		t.Fatalf("after replace: %+v", got)
	}
	// An empty configuration turns notifications off.
	if err := putNotification(ctx, c, "cfg", types.NotificationConfiguration{}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("cfg")})
	if len(got.QueueConfigurations) != 0 {
		t.Fatalf("after clear: %+v", got)
	}
	_, err = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("nosuchbucket")})
	wantAPIError(t, err, "NoSuchBucket", "")
}
