// Command incubeval is the annual evaluation pipeline for a city's
// innovation and entrepreneurship carriers. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit on the Go heap: collect harder before growing past
		// it, so that a national-scale ingest stays well under 500 MiB
		// together with DuckDB's own memory.
		debug.SetMemoryLimit(256 << 20)
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
