//go:build !linux

package main

import "errors"

func setCongestion(fd int, cc string) error {
	return errors.New("choosing the congestion control needs Linux")
}
