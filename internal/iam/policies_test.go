package iam

import (
	"strings"
	"testing"
)

func TestInlinePolicies(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	must[*User](t)(f.svc.CreateUser(c, "u", ""))
	must[*Group](t)(f.svc.CreateGroup(c, "g", ""))
	must[*Role](t)(f.svc.CreateRole(c, CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: trustFor("*")}))
	type ops struct {
		name   string
		entity string
		limit  int
		put    func(e, p, d string) error
		get    func(e, p string) (string, error)
		list   func(e string) ([]string, error)
		del    func(e, p string) error
	}
	for _, o := range []ops{
		{"user", "u", 2048, func(e, p, d string) error { return f.svc.PutUserPolicy(c, e, p, d) },
			func(e, p string) (string, error) { return f.svc.GetUserPolicy(c, e, p) },
			func(e string) ([]string, error) { n, _, err := f.svc.ListUserPolicies(c, e, Page{}); return n, err },
			func(e, p string) error { return f.svc.DeleteUserPolicy(c, e, p) }},
		{"group", "g", 5120, func(e, p, d string) error { return f.svc.PutGroupPolicy(c, e, p, d) },
			func(e, p string) (string, error) { return f.svc.GetGroupPolicy(c, e, p) },
			func(e string) ([]string, error) { n, _, err := f.svc.ListGroupPolicies(c, e, Page{}); return n, err },
			func(e, p string) error { return f.svc.DeleteGroupPolicy(c, e, p) }},
		{"role", "r", 10240, func(e, p, d string) error { return f.svc.PutRolePolicy(c, e, p, d) },
			func(e, p string) (string, error) { return f.svc.GetRolePolicy(c, e, p) },
			func(e string) ([]string, error) { n, _, err := f.svc.ListRolePolicies(c, e, Page{}); return n, err },
			func(e, p string) error { return f.svc.DeleteRolePolicy(c, e, p) }},
	} {
		t.Run(o.name, func(t *testing.T) {
			doc := allowAll("s3:GetObject")
			if err := o.put(o.entity, "read", doc); err != nil {
				t.Fatal(err)
			}
			if err := o.put(o.entity, "all", allowAll("s3:*")); err != nil {
				t.Fatal(err)
			}
			if got, err := o.get(o.entity, "read"); err != nil || got != doc {
				t.Fatalf("get = %q, %v", got, err)
			}
			if names, err := o.list(o.entity); err != nil || strings.Join(names, ",") != "all,read" {
				t.Fatalf("list = %v, %v", names, err)
			}
			_, err := o.get(o.entity, "none")
			wantErr(t, err, ErrNoSuchEntity)
			_, err = o.get("missing", "read")
			wantErr(t, err, ErrNoSuchEntity)
			wantErr(t, o.put("missing", "p", doc), ErrNoSuchEntity)
			for _, bad := range []string{"", "{", "[]", `{"Statement":[]}`, `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}`, "\xff"} {
				wantErr(t, o.put(o.entity, "bad", bad), ErrMalformedPolicy)
			}
			big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::` + strings.Repeat("x", o.limit) + `"]}]}`
			wantErr(t, o.put(o.entity, "big", big), ErrLimitExceeded)
			wantErr(t, o.put(o.entity, "bad/name", doc), ErrValidation)
			wantErr(t, o.del(o.entity, "none"), ErrNoSuchEntity)
			for _, p := range []string{"read", "all"} {
				if err := o.del(o.entity, p); err != nil {
					t.Fatal(err)
				}
			}
			if names, err := o.list(o.entity); err != nil || len(names) != 0 {
				t.Fatalf("list after delete = %v, %v", names, err)
			}
		})
	}
}

func TestPrincipalPolicies(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	must[*User](t)(f.svc.CreateUser(c, "u", ""))
	k := must[*AccessKey](t)(f.svc.CreateAccessKey(c, "u"))
	must[*Group](t)(f.svc.CreateGroup(c, "g", ""))
	must[struct{}](t)(struct{}{}, f.svc.AddUserToGroup(c, "g", "u"))
	must[struct{}](t)(struct{}{}, f.svc.PutUserPolicy(c, "u", "p1", allowAll("s3:GetObject")))
	must[struct{}](t)(struct{}{}, f.svc.PutGroupPolicy(c, "g", "p2", allowAll("s3:PutObject")))
	p := must[Principal](t)(f.svc.Principal(c, k.AccessKeyID))
	if len(p.Policies) != 2 || !strings.Contains(p.Policies[0], "GetObject") || !strings.Contains(p.Policies[1], "PutObject") {
		t.Fatalf("policies = %v", p.Policies)
	}
}
