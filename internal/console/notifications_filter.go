package console

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

type filterRules struct{ prefix, suffix string }

func filterOf(f *types.NotificationConfigurationFilter) filterRules {
	var out filterRules
	if f == nil || f.Key == nil {
		return out
	}
	for _, r := range f.Key.FilterRules {
		switch strings.ToLower(string(r.Name)) {
		case "prefix":
			out.prefix = deref(r.Value)
		case "suffix":
			out.suffix = deref(r.Value)
		}
	}
	return out
}

func eventNames(evs []types.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = string(e)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
