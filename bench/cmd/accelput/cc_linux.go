package main

import "syscall"

func setCongestion(fd int, cc string) error {
	return syscall.SetsockoptString(fd, syscall.IPPROTO_TCP, syscall.TCP_CONGESTION, cc)
}
