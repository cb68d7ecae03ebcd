package console

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Archived objects (GLACIER, DEEP_ARCHIVE, and INTELLIGENT_TIERING ones
// in an archive tier): the details pane shows their restore state
// (x-amz-restore, x-amz-archive-status) and asks for a restore through
// RestoreObject, as the S3 console does.

type archiveRestoreInput struct {
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	VersionID string `json:"versionId"`
	Days      int32  `json:"days"`
	Tier      string `json:"tier"`
}

// maxConsoleRestoreDays bounds what the form may ask; S3 has no lower
// maximum that a console user would meet.
const maxConsoleRestoreDays = 3650

func (c *Console) restoreArchived(w http.ResponseWriter, r *http.Request, s *session) {
	var in archiveRestoreInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !plausibleBucket(in.Bucket) || !validKey(in.Key, false) || in.VersionID != "" && !validVersionID(in.VersionID) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Bad bucket, key or version id.")
		return
	}
	// Days 0 asks for a restore without Days: that of an
	// INTELLIGENT_TIERING object in an archive tier, which moves back to
	// the frequent tier for good (S3 refuses it for other classes).
	if in.Days < 0 || in.Days > maxConsoleRestoreDays {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Days must be between 1 and 3650.")
		return
	}
	tier := types.Tier(in.Tier)
	switch tier {
	case "":
		tier = types.TierStandard
	case types.TierExpedited, types.TierStandard, types.TierBulk:
	default:
		writeError(w, http.StatusBadRequest, "InvalidInput", "Tier must be Expedited, Standard or Bulk.")
		return
	}
	req := &s3.RestoreObjectInput{Bucket: &in.Bucket, Key: &in.Key,
		RestoreRequest: &types.RestoreRequest{GlacierJobParameters: &types.GlacierJobParameters{Tier: tier}}}
	if in.Days > 0 {
		req.RestoreRequest.Days = &in.Days
	}
	if in.VersionID != "" {
		req.VersionId = &in.VersionID
	}
	if _, err := c.s3Client(s).RestoreObject(r.Context(), req); err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"key": in.Key})
}
