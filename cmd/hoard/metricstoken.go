package main

import (
	"fmt"
	"os"
	"strings"
)

// loadMetricsToken reads the /metrics bearer token from file, or else from
// $HOARD_METRICS_TOKEN. No token leaves the endpoint closed (403).
func loadMetricsToken(file string, getenv func(string) string) (string, error) {
	if file == "" {
		return strings.TrimSpace(getenv("HOARD_METRICS_TOKEN")), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read metrics token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("metrics token file %s is empty", file)
	}
	return tok, nil
}
