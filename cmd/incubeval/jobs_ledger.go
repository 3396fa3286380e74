package main

import (
	"context"
	"fmt"
	"io"

	"github.com/incubeval/incubeval/jobs"
	"github.com/incubeval/incubeval/pipeline/store"
)

// commandLedger puts a command that writes (ingest, assess, publish, run,
// demo) in the run ledger, job = the command's name, once its outcome is
// known (jobs.Command).
type commandLedger struct {
	argv []string // the command line, for the row's args
	name string   // the command, set before it runs
	rec  *jobs.Command
}

// open opens the database for writing, as the command's name in the lock
// file, and starts the command's ledger row.
func (l *commandLedger) open(ctx context.Context, db string) (*store.Store, error) {
	name := l.name
	if name == "" {
		name = "incubeval"
	}
	st, rec, err := jobs.OpenCommand(ctx, db, name, l.argv)
	if err != nil {
		return nil, err
	}
	if l.rec == nil {
		l.rec = rec
	}
	return st, nil
}

// finish records the outcome; a command that never opened the database
// for writing has no row.
func (l *commandLedger) finish(ctx context.Context, err error, failed bool, stderr io.Writer) {
	if l.rec == nil {
		return
	}
	note := ""
	if err == nil && failed {
		note = "exit status 1: a file was rejected whole (the others were loaded) / 有文件被整体退回"
	}
	if ferr := l.rec.Finish(ctx, err, note); ferr != nil {
		fmt.Fprintln(stderr, "incubeval: run ledger:", ferr)
	}
}
