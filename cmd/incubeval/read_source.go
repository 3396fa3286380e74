package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/incubeval/incubeval/pipeline/store"
)

// readStore runs read on what a reading command (report, explain,
// template, jobs list|history) reads: what `incubeval sql` reads
// (openSource), so that it never waits for a writer nor exits 75 while one
// works — the last published snapshot, or the database itself when there
// is none or it is stale and no writer is at work, or the snapshot when the
// database does not open. Standard error says which file and how old, as
// for sql. Both are opened read-only (store.OpenReader): a reading command
// writes nothing into either. A query that meets a damaged block runs read
// again on the other file (rereadOther) when nothing of its standard
// output has gone out yet.
func (a *app) readStore(ctx context.Context, db string, read func(st *store.Store) error) error {
	r, note, err := a.openSource(ctx, db, false, store.ReaderOptions{})
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(a.stderr, termSafeLines(note))
	}
	// Written by an older version: say so, rather than fail on a table
	// or column this version's queries need.
	if err := r.CheckVersion(ctx); err != nil {
		r.Close()
		var old *store.OutdatedError
		if errors.As(err, &old) {
			old.Path = db
		}
		return err
	}
	out := &countingWriter{w: a.stdout}
	saved := a.stdout
	a.stdout = out
	defer func() { a.stdout = saved }()
	err = read(r.Store)
	r.Close()
	if err == nil || !store.IsCorrupt(err) || ctx.Err() != nil {
		return err
	}
	r, err = a.rereadOther(ctx, db, r.Path, err, out.n > 0, store.ReaderOptions{})
	if err != nil {
		return err
	}
	defer r.Close()
	return read(r.Store)
}
