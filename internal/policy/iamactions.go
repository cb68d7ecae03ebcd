package policy

// iamActions are IAM's actions beyond those in identityActions: the
// managed-policy, tag, boundary and identity-provider calls Hoard serves
// and the rest of IAM's action list, so that policies written for AWS
// (IAMReadOnlyAccess names iam:GenerateCredentialReport) parse here.
var iamActions = []string{
	"iam:CreatePolicy", "iam:GetPolicy", "iam:ListPolicies", "iam:DeletePolicy",
	"iam:CreatePolicyVersion", "iam:GetPolicyVersion", "iam:ListPolicyVersions",
	"iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:ListEntitiesForPolicy",
	"iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:ListAttachedUserPolicies",
	"iam:AttachGroupPolicy", "iam:DetachGroupPolicy", "iam:ListAttachedGroupPolicies",
	"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies",
	"iam:ListUserTags", "iam:ListRoleTags", "iam:UpdateRole", "iam:UpdateRoleDescription",
	"iam:PutUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
	"iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
	"iam:CreateOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviders",
	"iam:DeleteOpenIDConnectProvider", "iam:AddClientIDToOpenIDConnectProvider",
	"iam:RemoveClientIDFromOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
	"iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider", "iam:ListOpenIDConnectProviderTags",
	"iam:TagPolicy", "iam:UntagPolicy", "iam:ListPolicyTags", "iam:UpdateGroup",
	"iam:ChangePassword", "iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy",
	"iam:DeleteAccountPasswordPolicy", "iam:CreateLoginProfile", "iam:GetLoginProfile",
	"iam:UpdateLoginProfile", "iam:DeleteLoginProfile", "iam:GetAccountAuthorizationDetails",
	"iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:GenerateServiceLastAccessedDetails",
	"iam:GetServiceLastAccessedDetails", "iam:GetServiceLastAccessedDetailsWithEntities",
	"iam:ListPoliciesGrantingServiceAccess", "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy",
	"iam:GetContextKeysForCustomPolicy", "iam:GetContextKeysForPrincipalPolicy",
	"iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus",
	"iam:CreateInstanceProfile", "iam:GetInstanceProfile", "iam:ListInstanceProfiles",
	"iam:ListInstanceProfilesForRole", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile",
	"iam:RemoveRoleFromInstanceProfile", "iam:CreateSAMLProvider", "iam:GetSAMLProvider",
	"iam:ListSAMLProviders", "iam:DeleteSAMLProvider", "iam:UpdateSAMLProvider",
	"iam:CreateAccountAlias", "iam:DeleteAccountAlias", "iam:ListAccountAliases",
	"iam:GetAccessKeyLastUsed", "iam:ListMFADevices", "iam:ListVirtualMFADevices",
	"iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice", "iam:EnableMFADevice",
	"iam:DeactivateMFADevice", "iam:ResyncMFADevice", "iam:ListSigningCertificates",
	"iam:ListSSHPublicKeys", "iam:ListServiceSpecificCredentials", "iam:ListServerCertificates",
	"iam:UploadServerCertificate", "iam:GetServerCertificate", "iam:DeleteServerCertificate",
	"iam:SetSecurityTokenServicePreferences", "iam:GetOrganizationsAccessReport",
	"iam:GenerateOrganizationsAccessReport",
	"sts:AssumeRoleWithSAML", "sts:DecodeAuthorizationMessage", "sts:GetAccessKeyInfo",
	"sts:SetSourceIdentity", "sts:GetServiceBearerToken",
}
