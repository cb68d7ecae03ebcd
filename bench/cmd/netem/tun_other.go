//go:build !linux

package main

import (
	"errors"
	"os"
)

// openTUN is Linux-only: the experiment needs Linux network namespaces.
func openTUN(name string) (*os.File, error) {
	return nil, errors.New("netem needs Linux TUN devices")
}
