package iam

import (
	"fmt"
	"testing"
)

func TestGroups(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	g := must[*Group](t)(f.svc.CreateGroup(c, "Admins", "/ops/"))
	if g.ARN != "arn:aws:iam::000000000000:group/ops/Admins" || len(g.GroupID) != 21 || g.GroupID[:4] != "AGPA" {
		t.Fatalf("group = %+v", g)
	}
	_, err := f.svc.CreateGroup(c, "admins", "")
	wantErr(t, err, ErrEntityAlreadyExists)
	must[*User](t)(f.svc.CreateUser(c, "u1", ""))
	must[*User](t)(f.svc.CreateUser(c, "u2", ""))
	wantErr(t, f.svc.AddUserToGroup(c, "Admins", "nobody"), ErrNoSuchEntity)
	wantErr(t, f.svc.AddUserToGroup(c, "nogroup", "u1"), ErrNoSuchEntity)
	for _, u := range []string{"u1", "u2", "u1"} {
		if err := f.svc.AddUserToGroup(c, "admins", u); err != nil {
			t.Fatal(err)
		}
	}
	_, users, next, err := f.svc.GetGroup(c, "ADMINS", Page{})
	if err != nil || len(users) != 2 || users[0].UserName != "u1" || next != "" {
		t.Fatalf("GetGroup = %+v %q %v", users, next, err)
	}
	_, users, next, err = f.svc.GetGroup(c, "admins", Page{MaxItems: 1})
	if err != nil || len(users) != 1 || next == "" {
		t.Fatalf("GetGroup page = %+v %q %v", users, next, err)
	}
	groups, _, err := f.svc.ListGroupsForUser(c, "u2", Page{})
	if err != nil || len(groups) != 1 || groups[0].GroupName != "Admins" {
		t.Fatalf("ListGroupsForUser = %+v, %v", groups, err)
	}
	must[*Group](t)(f.svc.CreateGroup(c, "dev", "/dev/"))
	groups, _, err = f.svc.ListGroups(c, "/ops", Page{})
	if err != nil || len(groups) != 1 {
		t.Fatalf("ListGroups = %+v, %v", groups, err)
	}
	wantErr(t, f.svc.DeleteGroup(c, "admins"), ErrDeleteConflict)
	wantErr(t, f.svc.RemoveUserFromGroup(c, "dev", "u1"), ErrNoSuchEntity)
	for _, u := range []string{"u1", "u2"} {
		if err := f.svc.RemoveUserFromGroup(c, "admins", u); err != nil {
			t.Fatal(err)
		}
	}
	must[struct{}](t)(struct{}{}, f.svc.PutGroupPolicy(c, "admins", "p", allowAll("s3:*")))
	wantErr(t, f.svc.DeleteGroup(c, "admins"), ErrDeleteConflict)
	must[struct{}](t)(struct{}{}, f.svc.DeleteGroupPolicy(c, "admins", "p"))
	if err := f.svc.DeleteGroup(c, "admins"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, f.svc.DeleteGroup(c, "admins"), ErrNoSuchEntity)
	_, _, _, err = f.svc.GetGroup(c, "admins", Page{})
	wantErr(t, err, ErrNoSuchEntity)
}

func TestGroupsPerUserLimit(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	must[*User](t)(f.svc.CreateUser(c, "u", ""))
	for i := 0; i <= MaxGroupsPerUser; i++ {
		name := fmt.Sprintf("g%02d", i)
		must[*Group](t)(f.svc.CreateGroup(c, name, ""))
		err := f.svc.AddUserToGroup(c, name, "u")
		if i < MaxGroupsPerUser && err != nil {
			t.Fatal(err)
		}
		if i == MaxGroupsPerUser {
			wantErr(t, err, ErrLimitExceeded)
		}
	}
}
