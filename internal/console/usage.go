package console

import (
	"net/http"
	"strconv"
)

// The usage page: a bucket's largest prefixes by bytes and by cost, and
// their trend over the last days, read from the admin API as the
// signed-in principal (so only the operator account's root sees it).

// usageDays is how many daily snapshots the trend shows.
const usageDays = 14

func (c *Console) getUsage(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	bucket := q.Get("bucket")
	if bucket == "" {
		writeError(w, http.StatusBadRequest, "InvalidArgument", "Name a bucket.")
		return
	}
	depth := 1
	if d, err := strconv.Atoi(q.Get("depth")); err == nil && d > 0 {
		depth = d
	}
	cl := c.adminClient(s)
	rep, err := cl.Usage(r.Context(), bucket, q.Get("prefix"), depth)
	if err != nil {
		writeAdminError(w, err)
		return
	}
	days, err := cl.History(r.Context(), bucket, usageDays)
	if err != nil {
		writeAdminError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"report": rep, "history": days})
}
