package main

import "syscall"

// childProcAttr puts a job's process in its own process group, so that a
// Ctrl-C at the terminal reaches only the daemon, which gives the run its
// grace period; and stops the child if the daemon dies.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
