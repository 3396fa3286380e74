//go:build !linux

package main

import (
	"errors"
	"os"
	"syscall"
)

func openPTY() (master, slave *os.File, err error) {
	return nil, nil, errors.New("pseudo-terminal test: Linux only")
}

func ptyAttr() *syscall.SysProcAttr { return nil }
