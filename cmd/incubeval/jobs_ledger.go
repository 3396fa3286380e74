package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

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
	st   *store.Store // the database the command opened; closed by finish
}

// open opens the database for writing, as the command's name in the lock
// file, and starts the command's ledger row; only with create may it make
// a new database.
func (l *commandLedger) open(ctx context.Context, db string, create bool) (*store.Store, error) {
	name := l.name
	if name == "" {
		name = "incubeval"
	}
	st, rec, err := jobs.OpenCommand(ctx, db, name, l.argv, create)
	if err != nil {
		return nil, err
	}
	if l.rec == nil {
		l.rec = rec
	}
	if l.st == nil {
		l.st = st
	}
	return st, nil
}

// set records an argument or a result in the command's row (args).
func (l *commandLedger) set(key string, v any) {
	if l.rec != nil {
		l.rec.Set(key, v)
	}
}

// wrote records a file (a folder: ending in a separator) the command
// wrote in its ledger row (files_written), as an absolute path, with its
// SHA-256 when known (args.sha256); a command
// that has no row (one that only reads) records nothing.
func (l *commandLedger) wrote(path, sha256 string) {
	if l.rec == nil {
		return
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if strings.HasSuffix(path, string(filepath.Separator)) {
		abs += string(filepath.Separator)
	}
	l.rec.Wrote(abs, sha256)
}

// finish records the outcome; a command that never opened the database
// for writing has no row.
// The command's database is closed here, after its row is in, so that the
// snapshot published at close has it and nothing opens it again. When the
// snapshot cannot be published (a full disk), the work is committed but
// the command exits 1: the row, still ok, says why, written before the
// writer's lock is released (store.Store.CloseNoting).
func (l *commandLedger) finish(ctx context.Context, err error, failed bool, stderr io.Writer) error {
	if l.rec == nil {
		return nil
	}
	note := ""
	if err == nil && failed {
		note = "exit status 1: a file was rejected whole (the others were loaded) / 有文件被整体退回"
	}
	var ferr error
	if l.st != nil {
		ferr = l.rec.FinishOpen(ctx, l.st, err, note)
	} else {
		ferr = l.rec.Finish(ctx, err, note)
	}
	if ferr != nil {
		fmt.Fprintln(stderr, "incubeval: run ledger:", ferr)
	}
	if l.st == nil {
		return nil
	}
	st := l.st
	l.st = nil
	return st.CloseNoting(ctx, err, func(ctx context.Context, st *store.Store, why *store.UnpublishedError) error {
		return l.rec.Amend(ctx, st, why.Note())
	})
}
