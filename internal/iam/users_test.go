package iam

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestUsers(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	u := must[*User](t)(f.svc.CreateUser(c, "Alice", "/eng/"))
	if u.ARN != "arn:aws:iam::000000000000:user/eng/Alice" || !strings.HasPrefix(u.UserID, "AIDA") || len(u.UserID) != 21 {
		t.Fatalf("user = %+v", u)
	}
	_, err := f.svc.CreateUser(c, "alice", "")
	wantErr(t, err, ErrEntityAlreadyExists)
	got := must[*User](t)(f.svc.GetUser(c, "ALICE"))
	if !reflect.DeepEqual(got, u) {
		t.Fatalf("GetUser = %+v, want %+v", got, u)
	}
	_, err = f.svc.GetUser(c, "bob")
	wantErr(t, err, ErrNoSuchEntity)
	for _, bad := range []string{"", "a/b", "a b", strings.Repeat("x", 65), "nul\x00", "é"} {
		_, err := f.svc.CreateUser(c, bad, "")
		wantErr(t, err, ErrValidation)
	}
	for _, bad := range []string{"eng", "/eng", "/a b/", "/" + strings.Repeat("x", 512) + "/"} {
		_, err := f.svc.CreateUser(c, "carol", bad)
		wantErr(t, err, ErrValidation)
	}
	wantErr(t, f.svc.DeleteUser(c, "bob"), ErrNoSuchEntity)
	if err := f.svc.DeleteUser(c, "alice"); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.GetUser(c, "Alice")
	wantErr(t, err, ErrNoSuchEntity)
}

func TestListUsersPaging(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	for i := 0; i < 7; i++ {
		path := "/a/"
		if i%2 == 1 {
			path = "/b/"
		}
		must[*User](t)(f.svc.CreateUser(c, fmt.Sprintf("user%d", i), path))
	}
	var names []string
	page := Page{MaxItems: 2}
	for n := 0; ; n++ {
		users, next, err := f.svc.ListUsers(c, "", page)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			names = append(names, u.UserName)
		}
		if next == "" {
			break
		}
		if len(users) != 2 || n > 5 {
			t.Fatalf("page %d: %d users, next %q", n, len(users), next)
		}
		page.Marker = next
	}
	if strings.Join(names, ",") != "user0,user1,user2,user3,user4,user5,user6" {
		t.Fatalf("names = %v", names)
	}
	users, next, err := f.svc.ListUsers(c, "/b/", Page{MaxItems: 3})
	if err != nil || len(users) != 3 || next != "" {
		t.Fatalf("path prefix: %d users, next %q, %v", len(users), next, err)
	}
	_, _, err = f.svc.ListUsers(c, "", Page{MaxItems: 1001})
	wantErr(t, err, ErrValidation)
	_, _, err = f.svc.ListUsers(c, "", Page{Marker: "bad/marker"})
	wantErr(t, err, ErrInvalidInput)
}

func TestDeleteUserConflicts(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	must[*User](t)(f.svc.CreateUser(c, "dave", ""))
	k := must[*AccessKey](t)(f.svc.CreateAccessKey(c, "dave"))
	wantErr(t, f.svc.DeleteUser(c, "dave"), ErrDeleteConflict)
	must[struct{}](t)(struct{}{}, f.svc.DeleteAccessKey(c, "dave", k.AccessKeyID))
	must[struct{}](t)(struct{}{}, f.svc.PutUserPolicy(c, "dave", "p", allowAll("s3:*")))
	wantErr(t, f.svc.DeleteUser(c, "dave"), ErrDeleteConflict)
	must[struct{}](t)(struct{}{}, f.svc.DeleteUserPolicy(c, "dave", "p"))
	must[*Group](t)(f.svc.CreateGroup(c, "g", ""))
	must[struct{}](t)(struct{}{}, f.svc.AddUserToGroup(c, "g", "dave"))
	wantErr(t, f.svc.DeleteUser(c, "dave"), ErrDeleteConflict)
	must[struct{}](t)(struct{}{}, f.svc.RemoveUserFromGroup(c, "g", "dave"))
	if err := f.svc.DeleteUser(c, "dave"); err != nil {
		t.Fatal(err)
	}
}

func TestAccountSummary(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	must[*User](t)(f.svc.CreateUser(c, "a", ""))
	must[*User](t)(f.svc.CreateUser(c, "b", ""))
	must[*Group](t)(f.svc.CreateGroup(c, "g", ""))
	m, err := f.svc.AccountSummary(c)
	if err != nil || m["Users"] != 2 || m["Groups"] != 1 || m["Roles"] != 0 || m["AccessKeysPerUserQuota"] != 2 {
		t.Fatalf("AccountSummary = %v, %v", m, err)
	}
}
