package object

import (
	"bytes"
	"testing"
)

// An upload keeps who started it and whose object it makes, lists them,
// and attaches its ACL to the object it completes into.
func TestUploadParties(t *testing.T) {
	e := newMPEnv(t)
	parties := UploadParties{Owner: "alt-canonical", InitiatorID: "arn:aws:iam::222233334444:user/ann", InitiatorName: "ann", ACL: []byte(`{"o":"alt-canonical"}`)}
	up, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: "k", Parties: parties})
	if err != nil {
		t.Fatal(err)
	}
	plain := e.create(t, "plain", "", "")
	res, err := e.ListMultipartUploads(ctx, ListUploadsInput{Bucket: "bkt", MaxUploads: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploads) != 2 {
		t.Fatalf("uploads %+v", res.Uploads)
	}
	for _, u := range res.Uploads {
		want := UploadParties{}
		if u.UploadID == up.UploadID {
			want = parties
		} else if u.UploadID != plain {
			t.Fatalf("upload %+v", u)
		}
		if u.Owner != want.Owner || u.InitiatorID != want.InitiatorID || u.InitiatorName != want.InitiatorName {
			t.Fatalf("upload %s parties %q %q %q, want %+v", u.Key, u.Owner, u.InitiatorID, u.InitiatorName, want)
		}
	}
	lp, err := e.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: up.UploadID})
	if err != nil {
		t.Fatal(err)
	}
	if lp.Upload.Owner != parties.Owner || lp.Upload.InitiatorID != parties.InitiatorID || lp.Upload.InitiatorName != "ann" {
		t.Fatalf("ListParts upload %+v", lp.Upload)
	}
	p := e.part(t, "k", up.UploadID, 1, []byte("body"))
	e.complete(t, "k", up.UploadID, p)
	doc, err := e.ObjectACL(ctx, "bkt", "k", "")
	if err != nil || !bytes.Equal(doc, parties.ACL) {
		t.Fatalf("ACL after complete %q, %v", doc, err)
	}
	e.complete(t, "plain", plain, e.part(t, "plain", plain, 1, []byte("x")))
	if doc, err := e.ObjectACL(ctx, "bkt", "plain", ""); err != nil || doc != nil {
		t.Fatalf("plain upload's object ACL %q, %v", doc, err)
	}
}
