package iam

import (
	"sort"
	"time"
)

// awsPolicy is an AWS-managed policy: every account has it, nobody can
// change it, and it is named arn:aws:iam::aws:policy/NAME. The documents
// are AWS's, cut to the services Hoard serves (S3, IAM, STS, KMS) where
// the original names others; statements about other services would
// never apply here.
type awsPolicy struct {
	name, id, version, description, doc string
	created, updated                    time.Time
}

const awsPolicyARNPrefix = "arn:aws:iam::aws:policy/"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var awsPolicies = map[string]*awsPolicy{}

func init() {
	for _, p := range []*awsPolicy{
		{name: "AdministratorAccess", id: "ANPAIWMBCKSKIEE64ZLYK", version: "v1",
			description: "Provides full access to AWS services and resources.",
			created:     day(2015, 2, 6), updated: day(2015, 2, 6),
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
		{name: "AmazonS3FullAccess", id: "ANPAIFIR6V6BVTRAHWINE", version: "v2",
			description: "Provides full access to all buckets via the AWS Management Console.",
			created:     day(2015, 2, 6), updated: day(2021, 9, 27),
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}`},
		{name: "AmazonS3ReadOnlyAccess", id: "ANPAIZTJ4DXE7G6AGAE6M", version: "v3",
			description: "Provides read only access to all buckets via the AWS Management Console.",
			created:     day(2015, 2, 6), updated: day(2023, 8, 10),
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`},
		{name: "IAMFullAccess", id: "ANPAI7XKCFMBPM3QQRRVQ", version: "v2",
			description: "Provides full access to IAM via the AWS Management Console.",
			created:     day(2015, 2, 6), updated: day(2019, 6, 21),
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`},
		{name: "IAMReadOnlyAccess", id: "ANPAJKSO7NDY4T57MWDSQ", version: "v4",
			description: "Provides read only access to IAM via the AWS Management Console.",
			created:     day(2015, 2, 6), updated: day(2018, 1, 25),
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}`},
		{name: "IAMUserChangePassword", id: "ANPAJ4L4MM2A7QIEB56MS", version: "v2",
			description: "Provides the ability for an IAM user to change their own password.",
			created:     day(2016, 11, 15), updated: day(2016, 11, 15),
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ChangePassword"],"Resource":["arn:aws:iam::*:user/${aws:username}"]},{"Effect":"Allow","Action":["iam:GetAccountPasswordPolicy"],"Resource":"*"}]}`},
		{name: "AWSKeyManagementServicePowerUser", id: "ANPAJNPP7PPPPMJRV2SA4", version: "v2",
			description: "Provides access to AWS Key Management Service (KMS).",
			created:     day(2015, 2, 6), updated: day(2017, 3, 7),
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:CreateAlias","kms:CreateKey","kms:DeleteAlias","kms:Describe*","kms:GenerateRandom","kms:Get*","kms:List*","kms:TagResource","kms:UntagResource","iam:ListGroups","iam:ListRoles","iam:ListUsers"],"Resource":"*"}]}`},
		{name: "PowerUserAccess", id: "ANPAJYRXTHIB4FOVS3ZXS", version: "v5",
			description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
			created:     day(2015, 2, 6), updated: day(2023, 7, 6),
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization","account:ListRegions","account:GetAccountInformation"],"Resource":"*"}]}`},
		{name: "ReadOnlyAccess", id: "ANPAILL3HVNFSB6DCOWYQ", version: "v110",
			description: "Provides read-only access to AWS services and resources.",
			created:     day(2015, 2, 6), updated: day(2024, 11, 1),
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Generate*","iam:Get*","iam:List*","iam:Simulate*","kms:Describe*","kms:Get*","kms:List*","s3:DescribeJob","s3:Get*","s3:List*","sts:GetCallerIdentity"],"Resource":"*"}]}`},
	} {
		awsPolicies[fold(p.name)] = p
	}
}

// awsPolicyNames lists the AWS-managed policies in name order.
func awsPolicyNames() []string {
	names := make([]string, 0, len(awsPolicies))
	for _, p := range awsPolicies {
		names = append(names, p.name)
	}
	sort.Strings(names)
	return names
}

func (p *awsPolicy) managed() *ManagedPolicy {
	return &ManagedPolicy{
		PolicyName: p.name, PolicyID: p.id, ARN: awsPolicyARNPrefix + p.name, Path: "/",
		DefaultVersionID: p.version, Description: p.description, IsAttachable: true,
		CreateDate: p.created, UpdateDate: p.updated, aws: true,
	}
}
