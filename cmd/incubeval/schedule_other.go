//go:build !linux

package main

import "syscall"

// childProcAttr: elsewhere than Linux the child shares the daemon's
// process group (a Ctrl-C at a terminal reaches both).
func childProcAttr() *syscall.SysProcAttr { return nil }
