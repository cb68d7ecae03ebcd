package iamapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestListPaging pages inline and attached policy listings two at a time:
// every name once, in order, IsTruncated on every page but the last.
func TestListPaging(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
	must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}))
	must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("u")}))
	var want []string
	for i := 0; i < 5; i++ {
		name := fmt.Sprintf("p%d", i)
		want = append(want, name)
		must[*iam.PutRolePolicyOutput](t)(root.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String(name), PolicyDocument: aws.String(docListBuckets)}))
		must[*iam.PutUserPolicyOutput](t)(root.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String(name), PolicyDocument: aws.String(docListBuckets)}))
		p := must[*iam.CreatePolicyOutput](t)(root.CreatePolicy(c, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(docListBuckets)}))
		must[*iam.AttachRolePolicyOutput](t)(root.AttachRolePolicy(c, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: p.Policy.Arn}))
	}
	type page struct {
		names     []string
		truncated bool
		marker    *string
	}
	lists := map[string]func(marker *string) page{
		"ListRolePolicies": func(m *string) page {
			o := must[*iam.ListRolePoliciesOutput](t)(root.ListRolePolicies(c, &iam.ListRolePoliciesInput{RoleName: aws.String("r"), MaxItems: aws.Int32(2), Marker: m}))
			return page{o.PolicyNames, o.IsTruncated, o.Marker}
		},
		"ListUserPolicies": func(m *string) page {
			o := must[*iam.ListUserPoliciesOutput](t)(root.ListUserPolicies(c, &iam.ListUserPoliciesInput{UserName: aws.String("u"), MaxItems: aws.Int32(2), Marker: m}))
			return page{o.PolicyNames, o.IsTruncated, o.Marker}
		},
		"ListAttachedRolePolicies": func(m *string) page {
			o := must[*iam.ListAttachedRolePoliciesOutput](t)(root.ListAttachedRolePolicies(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("r"), MaxItems: aws.Int32(2), Marker: m}))
			var n []string
			for _, a := range o.AttachedPolicies {
				n = append(n, aws.ToString(a.PolicyName))
			}
			return page{n, o.IsTruncated, o.Marker}
		},
		"ListPolicies": func(m *string) page {
			o := must[*iam.ListPoliciesOutput](t)(root.ListPolicies(c, &iam.ListPoliciesInput{Scope: "Local", MaxItems: aws.Int32(2), Marker: m}))
			var n []string
			for _, p := range o.Policies {
				n = append(n, aws.ToString(p.PolicyName))
			}
			return page{n, o.IsTruncated, o.Marker}
		},
	}
	for name, list := range lists {
		var got []string
		var marker *string
		for pages := 0; ; pages++ {
			p := list(marker)
			got = append(got, p.names...)
			if !p.truncated {
				if pages != 2 || p.marker != nil {
					t.Errorf("%s: %d pages, last marker %v", name, pages+1, p.marker)
				}
				break
			}
			if len(p.names) != 2 || p.marker == nil {
				t.Fatalf("%s: truncated page %+v", name, p)
			}
			marker = p.marker
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	_, err := root.ListRolePolicies(c, &iam.ListRolePoliciesInput{RoleName: aws.String("r"), Marker: aws.String("../x")})
	wantCode(t, err, "InvalidInput", 400)
}
