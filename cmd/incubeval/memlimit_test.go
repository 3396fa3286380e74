package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// A heap held live above the soft limit lifts the limit above it (a
// province's history: the collector would otherwise run without end),
// and the limit comes back to its base once the heap is let go.
func TestLiftMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	const base = 16 << 20
	debug.SetMemoryLimit(base)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { liftMemoryLimit(base, 5*time.Millisecond, stop); close(done) }()
	defer func() { close(stop); <-done }()

	live := make([]byte, 96<<20)
	for i := range live {
		live[i] = byte(i)
	}
	waitFor := func(what string, ok func(int64) bool) {
		t.Helper()
		for range 1000 {
			runtime.GC()
			if ok(debug.SetMemoryLimit(-1)) {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("the soft limit stayed %d MiB: %s", debug.SetMemoryLimit(-1)>>20, what)
	}
	waitFor("it should rise above the 96 MiB held live", func(l int64) bool { return l >= 96<<20 })
	runtime.KeepAlive(live)
	live = nil
	waitFor("it should come back to its base of 16 MiB", func(l int64) bool { return l == base })
}
