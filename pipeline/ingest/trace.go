package ingest

import (
	"fmt"
	"os"
	"time"
)

// traceOn (INCUBEVAL_TRACE=1) prints the time of each step of loading a
// group of files on stderr, for measuring.
var traceOn = os.Getenv("INCUBEVAL_TRACE") != ""

// tracer times the steps of one load; a nil tracer does nothing.
type tracer struct {
	what string
	last time.Time
}

func newTracer(what string) *tracer {
	if !traceOn {
		return nil
	}
	return &tracer{what: what, last: time.Now()}
}

// step prints the time since the previous step (or the start).
func (t *tracer) step(name string) {
	if t == nil {
		return
	}
	now := time.Now()
	fmt.Fprintf(os.Stderr, "%s: %s %d ms\n", t.what, name, now.Sub(t.last).Milliseconds())
	t.last = now
}
