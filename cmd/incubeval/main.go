// Command incubeval is the annual evaluation pipeline for a city's
// innovation and entrepreneurship carriers. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"syscall"
	"time"

	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit on the Go heap: collect harder before growing past
		// it, so that a national-scale ingest stays well under 500 MiB
		// together with DuckDB's own memory.
		debug.SetMemoryLimit(baseMemoryLimit)
		go liftMemoryLimit(baseMemoryLimit, 250*time.Millisecond, nil)
	}
	// Past a file-size limit (ulimit -f, systemd's LimitFSIZE) a write
	// must fail with an error the command reports and rolls back, not kill
	// the process with SIGXFSZ on one of DuckDB's threads (Go ignores it
	// only on its own).
	signal.Ignore(syscall.SIGXFSZ)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// baseMemoryLimit is the soft limit on the Go heap of a national-scale run.
const baseMemoryLimit = 256 << 20

// liftMemoryLimit raises the soft limit above what the heap holds live
// when a larger run needs more (a province's history loaded at once: the
// checks keep a record of every row read): below the live heap, a soft
// limit makes the collector run without end, up to half the CPU, and the
// run super-linear (7.5 million rows took 37 times the national time
// instead of 16). The limit follows the live heap with a quarter to
// spare and never drops below base.
func liftMemoryLimit(base int64, every time.Duration, stop <-chan struct{}) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	limit := base
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-stop:
			return
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		want := max(base, int64(sample[0].Value.Uint64())*5/4)
		if want > limit || want < limit*3/4 {
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
}
