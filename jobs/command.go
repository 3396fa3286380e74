package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Command records a manual command that writes (ingest, assess, publish,
// run, demo) in the run ledger, with job = the command's name.
//
// The row is written when the command's outcome is known: through the
// database the command still holds (FinishOpen), or else to the pending
// file, which Finish then moves into store.runs by opening the database
// once more if it is free (if not, the process holding it does, as every
// writer flushes the file when it opens the database). OpenCommand itself
// flushes rows left there by others.
type Command struct {
	db    string
	entry Entry
}

// OpenCommand opens the database for a manual command; holder goes into
// the lock file (e.g. "incubeval ingest").
func OpenCommand(ctx context.Context, db, name string, argv []string) (*store.Store, *Command, error) {
	st, err := store.Open(ctx, db, store.Options{Holder: "incubeval " + name})
	if err != nil {
		return nil, nil, err
	}
	_, _ = FlushPending(ctx, st)
	_, _ = markInterrupted(ctx, st.DB, time.Now())
	c := &Command{db: st.Path, entry: Entry{Job: name, Started: time.Now(), CountRows: true,
		Args: map[string]any{"trigger": string(TriggerCommand), "argv": argv}}}
	return st, c, nil
}

// Finish records the command's outcome: err from the command (nil on
// success), and note for a success a person should read (exit status 1
// after a file was rejected whole).
func (c *Command) Finish(ctx context.Context, err error, note string) error {
	ctx = context.WithoutCancel(ctx)
	e := c.outcome(err, note)
	if err := AppendPending(c.db, &e); err != nil {
		return err
	}
	return TryFlush(ctx, c.db)
}

// FinishOpen is Finish for a command that still holds the database: the
// row goes in through st before the caller closes it (so the snapshot
// published at close has it, and the database is not opened again).
func (c *Command) FinishOpen(ctx context.Context, st *store.Store, err error, note string) error {
	e := c.outcome(err, note)
	if err := AppendPending(c.db, &e); err != nil {
		return err
	}
	_, ferr := FlushPending(context.WithoutCancel(ctx), st)
	return ferr
}

// outcome is the command's ledger row once it has ended.
func (c *Command) outcome(err error, note string) Entry {
	e := c.entry
	e.Finished = time.Now()
	switch {
	case err != nil:
		e.Status, e.Error = StatusFailed, err.Error()
		if errors.Is(err, context.Canceled) {
			e.Error = "interrupted (SIGINT/SIGTERM); the unfinished transaction was rolled back / 已中断"
		}
	default:
		e.Status, e.Error = StatusOK, note
	}
	return e
}

// TryFlush moves the pending ledger rows into the database if no one holds
// it; if someone does, they stay for that writer to move.
func TryFlush(ctx context.Context, db string) error {
	st, err := store.Open(ctx, db, store.Options{Holder: "incubeval (writing the run ledger)"})
	var busy *store.BusyError
	if errors.As(err, &busy) {
		return nil
	}
	if err != nil {
		return err
	}
	_, ferr := FlushPending(ctx, st)
	cerr := st.Close()
	return errors.Join(ferr, cerr)
}
