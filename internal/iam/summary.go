package iam

import "context"

// AccountSummary counts the account's identities beside AWS's quotas, as
// GetAccountSummary reports them.
func (s *Service) AccountSummary(ctx context.Context) (map[string]int, error) {
	out := map[string]int{
		"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000,
		"AccessKeysPerUserQuota": MaxAccessKeys, "GroupsPerUserQuota": MaxGroupsPerUser,
		"UserPolicySizeQuota": userEntity.maxPolicy, "GroupPolicySizeQuota": groupEntity.maxPolicy,
		"RolePolicySizeQuota": roleEntity.maxPolicy, "AssumeRolePolicySizeQuota": maxTrustPolicy,
		"AccountAccessKeysPresent": 1, "AccountMFAEnabled": 0,
	}
	for name, prefix := range map[string]string{"Users": pUser, "Groups": pGroup, "Roles": pRole} {
		n, err := count(ctx, s.store, prefix, 1<<30)
		if err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, nil
}
