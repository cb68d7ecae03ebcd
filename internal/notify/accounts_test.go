package notify_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/accounts"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestEventsSeveralAccounts: the events of another account's bucket name
// that account, not the operator's, as the requester and the bucket owner.
func TestEventsSeveralAccounts(t *testing.T) {
	r := newReceiver(t)
	srv := testserver.Start(t, testserver.WithNotifyTargets(r.spec(t, "hook")))
	ctx := testserver.Context(t)
	second, err := srv.Server().Accounts().Create(ctx, accounts.CreateInput{Name: "second", ID: "222222222222"})
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client(func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(second.RootAccessKey, second.RootSecretKey, "")
	})
	createBucket(t, c, "second-events")
	if err := putNotification(ctx, c, "second-events", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		queueRule("all", "hook", []string{"s3:ObjectCreated:*"}, "", ""),
	}}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "second-events", "k", "v")
	waitUntil(t, "the event", func() bool { return keysArrived(r, []string{"k"}) })
	got, _ := r.snapshot()
	for _, ev := range got {
		if ev.UserIdentity.PrincipalID != "222222222222" || ev.S3.Bucket.OwnerIdentity.PrincipalID != "222222222222" {
			t.Errorf("event identity %+v, bucket owner %+v; want account 222222222222", ev.UserIdentity, ev.S3.Bucket.OwnerIdentity)
		}
	}
}
