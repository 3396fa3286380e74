package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Command records a manual command that writes (ingest, assess, publish,
// run, demo) in the run ledger, with job = the command's name.
//
// Its row is inserted as running as soon as the command holds the
// database, committed at once, and updated with the outcome through the
// database the command still holds (FinishOpen), before it is closed, so
// that the snapshot published at close has it. A command killed meanwhile
// leaves the row running, and the next writer marks it failed with what it
// had committed. OpenCommand also moves in the rows others left in the
// pending file.
type Command struct {
	db    string
	entry Entry
}

// OpenCommand opens the database for a manual command; holder goes into
// the lock file (e.g. "incubeval ingest"). Only with create may it make a
// new database (store.Options.NoCreate). A command whose start cannot be
// recorded is not run.
func OpenCommand(ctx context.Context, db, name string, argv []string, create bool) (*store.Store, *Command, error) {
	st, err := store.Open(ctx, db, store.Options{Holder: "incubeval " + name, NoCreate: !create})
	if err != nil {
		return nil, nil, err
	}
	// Errors are shown to the Store: one saying the file is damaged keeps
	// it from being checkpointed and published (store.Store.Observe).
	_, err = copyPending(ctx, st) // emptied by FinishOpen's FlushPending
	st.Observe(err)
	_, err = markInterrupted(ctx, st, time.Now())
	st.Observe(err)
	_, err = markUnpublished(ctx, st)
	st.Observe(err)
	c := &Command{db: st.Path, entry: Entry{Job: name, Started: time.Now(), CountRows: true,
		Args: map[string]any{"trigger": string(TriggerCommand), "argv": argv}}}
	if err := recordStart(ctx, st, &c.entry); err != nil {
		_ = st.Close() // after a failed commit: no checkpoint, no snapshot
		e := c.outcome(fmt.Errorf("not run: its start could not be recorded in the run ledger: %w", err), "")
		_ = AppendPending(c.db, &e)
		return nil, nil, fmt.Errorf("%s was not run: its start could not be recorded in the run ledger: %w", name, err)
	}
	return st, c, nil
}

// RunID is the command's row in store.runs.
func (c *Command) RunID() int64 { return c.entry.RunID }

// Set records an argument or a result in the row's args (written with the
// outcome): the year a command acted on, the reason given for it.
func (c *Command) Set(key string, v any) { c.entry.Args[key] = v }

// Wrote records a file the command wrote (a folder: the path ending in a
// separator), for the row's files_written, as a job's Run.Wrote does, and
// its SHA-256 (if known) in args.sha256, keyed by the path.
func (c *Command) Wrote(path, sha256 string) {
	c.entry.Files = append(c.entry.Files, path)
	addSHA256(c.entry.Args, path, sha256)
}

// addSHA256 adds a file's hash to a ledger row's args.sha256 (none: none).
func addSHA256(args map[string]any, path, sum string) {
	if sum == "" {
		return
	}
	sums, _ := args["sha256"].(map[string]string)
	if sums == nil {
		sums = map[string]string{}
		args["sha256"] = sums
	}
	sums[path] = sum
}

// Finish records the command's outcome when it no longer holds the
// database: to the pending file, which Finish then moves into store.runs
// by opening the database once more if it is free (if not, the process
// holding it does, as every writer flushes the file when it opens the
// database).
func (c *Command) Finish(ctx context.Context, err error, note string) error {
	ctx = context.WithoutCancel(ctx)
	e := c.outcome(err, note)
	if err := AppendPending(c.db, &e); err != nil {
		return err
	}
	return TryFlush(ctx, c.db)
}

// FinishOpen records the command's outcome through st, which it still
// holds: err from the command (nil on success), and note for a success a
// person should read (exit status 1 after a file was rejected whole). After
// a failed commit st is reopened first (store.Store.Reopen). A failed
// command that had committed something says what. A command that met the
// database damaged failed, and its row says so in plain words and how to
// restore the last good snapshot (recordOutcome).
func (c *Command) FinishOpen(ctx context.Context, st *store.Store, err error, note string) error {
	ctx = context.WithoutCancel(ctx)
	if st.Observe(err) != nil && st.Damaged() != nil && store.IsCorrupt(err) {
		err = st.Damaged() // the same damage, in plain words
	}
	c.entry = c.outcome(err, note)
	if st.Failed() != nil {
		if rerr := st.Reopen(ctx); rerr != nil {
			return errors.Join(rerr, AppendPending(c.db, &c.entry))
		}
	}
	if c.entry.Status == StatusFailed || c.entry.CountRows {
		c.countCommitted(ctx, st)
	}
	werr := recordOutcome(ctx, st, &c.entry)
	_, ferr := FlushPending(ctx, st)
	return errors.Join(werr, ferr)
}

// countCommitted fills rows_ingested from the files the command ingested
// and, for a failed command, says in error what it had committed anyway.
func (c *Command) countCommitted(ctx context.Context, st *store.Store) {
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	cm, err := committedSince(ctx, conn, staleRun{id: c.entry.RunID, started: wall(c.entry.Started)})
	if err != nil {
		return
	}
	if c.entry.CountRows && c.entry.RowsIngested == nil {
		v := cm.rows
		c.entry.RowsIngested = &v
	}
	if c.entry.Status == StatusFailed && (cm.files > 0 || cm.assessments != "" || cm.published != "") {
		c.entry.Error += "\n" + cm.text()
	}
}

// Amend adds note to the command's recorded outcome, through st (reopened
// by store.Store.CloseNoting when the snapshot could not be published).
func (c *Command) Amend(ctx context.Context, st *store.Store, note string) error {
	return amendEntry(ctx, st, &c.entry, note)
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
	st, err := store.Open(ctx, db, store.Options{Holder: "incubeval (writing the run ledger)", NoCreate: true})
	var busy *store.BusyError
	if errors.As(err, &busy) {
		return nil
	}
	if err != nil {
		return err
	}
	_, ferr := FlushPending(ctx, st)
	_, uerr := markUnpublished(ctx, st)
	cerr := st.Close()
	return errors.Join(ferr, uerr, cerr)
}
