//go:build unix

package ingest_test

import (
	"syscall"
	"time"
)

// cpuTime is the user and system time of this process so far, every
// thread (DuckDB's included).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
