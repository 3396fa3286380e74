package jobs

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/incubeval/incubeval/pipeline/store"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// Statuses of a ledger row (store.runs.status).
const (
	StatusOK       = "ok"        // done; an ok row may carry a note in error (a file rejected whole)
	StatusFailed   = "failed"    // the job's own write was rolled back; error says why
	StatusSkipped  = "skipped"   // not run: database held too long, previous run still going, daemon stopping
	StatusCaughtUp = "caught_up" // a missed occurrence run once at start-up, successfully
	StatusRunning  = "running"   // in progress; a leftover one is marked failed by the next writer
)

// Trigger says why a run happened (args.trigger in the ledger).
type Trigger string

const (
	TriggerSchedule Trigger = "schedule" // the daemon, on time
	TriggerCatchUp  Trigger = "catch_up" // the daemon, at start, for a missed occurrence
	TriggerManual   Trigger = "manual"   // incubeval jobs run J
	TriggerCommand  Trigger = "command"  // a manual incubeval command that writes (ingest, assess, publish, unpublish, discard, run, demo)
)

// Entry is one row of the run ledger.
type Entry struct {
	// RunID is the row's run_id; in the pending file, an entry with one is
	// the outcome of a row already inserted as running.
	RunID        int64          `json:"run_id,omitempty"`
	Job          string         `json:"job"`
	Scheduled    time.Time      `json:"scheduled_at,omitzero"`
	Started      time.Time      `json:"started_at"`
	Finished     time.Time      `json:"finished_at,omitzero"`
	Status       string         `json:"status"`
	Error        string         `json:"error,omitempty"`
	RowsIngested *int64         `json:"rows_ingested,omitempty"`
	Files        []string       `json:"files_written,omitempty"`
	Args         map[string]any `json:"args,omitempty"`
	// CountRows fills rows_ingested, when the entry reaches the database,
	// from the files ingested between Started and Finished (a manual
	// command, whose counts the ledger does not see).
	CountRows bool `json:"count_rows,omitempty"`
	// ChildPID, in the pending file, says the entry is about the run of
	// the daemon's child process with that pid (one it had to kill): it
	// becomes the outcome of that run's row (args.pid), or a row of its
	// own if the child never recorded its start.
	ChildPID int  `json:"child_pid,omitempty"`
	Pending  bool `json:"-"` // read from the pending file, not yet in the database
}

// wall is t as the Asia/Shanghai wall time the database stores (TIMESTAMP
// without zone, microseconds), like store.Now.
func wall(t time.Time) time.Time {
	t = t.In(store.Location).Truncate(time.Microsecond)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// fromWall reads a stored wall time back as an instant.
func fromWall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), store.Location)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return wall(t)
}

func (e *Entry) argsJSON() any {
	if len(e.Args) == 0 {
		return nil
	}
	b, err := json.Marshal(e.Args)
	if err != nil {
		return fmt.Sprintf("%v", e.Args)
	}
	return string(b)
}

func (e *Entry) filesJSON() any {
	if len(e.Files) == 0 {
		return nil
	}
	b, _ := json.Marshal(e.Files)
	return string(b)
}

func (e *Entry) rows() any {
	if e.RowsIngested == nil {
		return nil
	}
	return *e.RowsIngested
}

// execer is a *sql.DB or a *sql.Conn.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	sqlfiles.Querier
}

// insertEntry adds e to store.runs with the next run_id and sets e.RunID.
func insertEntry(ctx context.Context, db execer, e *Entry) error {
	return sqlfiles.Row(ctx, db, "ledger_insert", sql.Named("job", e.Job), sql.Named("scheduled_at", nullTime(e.Scheduled)),
		sql.Named("started_at", wall(e.Started)), sql.Named("finished_at", nullTime(e.Finished)), sql.Named("status", e.Status),
		sql.Named("error", nullString(e.Error)), sql.Named("rows_ingested", e.rows()), sql.Named("files_written", e.filesJSON()),
		sql.Named("args", e.argsJSON())).Scan(&e.RunID)
}

// updateEntry writes the outcome of a run inserted as running.
func updateEntry(ctx context.Context, db execer, e *Entry) error {
	_, err := sqlfiles.Exec(ctx, db, "ledger_update", sql.Named("finished_at", nullTime(e.Finished)), sql.Named("status", e.Status),
		sql.Named("error", nullString(e.Error)), sql.Named("rows_ingested", e.rows()), sql.Named("files_written", e.filesJSON()),
		sql.Named("args", e.argsJSON()), sql.Named("run_id", e.RunID))
	return err
}

// recordStart inserts e (status running) in its own transaction, committed
// at once: a run killed from now on still has its row.
func recordStart(ctx context.Context, st *store.Store, e *Entry) error {
	if e.Args == nil {
		e.Args = map[string]any{}
	}
	e.Args["pid"] = os.Getpid()
	e.Status = StatusRunning
	err := st.InTx(ctx, func(conn *sql.Conn) error { return insertEntry(ctx, conn, e) })
	if err != nil {
		e.RunID = 0 // the id RETURNING gave was not committed
	}
	return err
}

// recordOutcome writes the outcome of e, inserted by recordStart. If the
// database will not take it, the outcome waits in the pending file (with
// the row's run_id) for the next writer; if that fails too, the row stays
// running and the next writer says the run was interrupted.
//
// When st has seen the database damaged, the run failed, whatever it did:
// the row says so and how to restore the last good snapshot; it goes to
// the pending file, which outlives a restore (the row moves into the
// restored database as a row of its own), and into the damaged file's
// write-ahead log as well if that still takes it.
func recordOutcome(ctx context.Context, st *store.Store, e *Entry) error {
	ctx = context.WithoutCancel(ctx)
	if dmg := st.Damaged(); dmg != nil {
		e.Status = StatusFailed
		if msg := dmg.Error(); !strings.Contains(e.Error, msg) {
			e.Error = strings.TrimSpace(strings.Join([]string{e.Error, msg}, "\n"))
		}
		perr := AppendPending(st.Path, e)
		werr := errors.New("the database could not be reopened")
		if st.Failed() == nil && st.DB != nil {
			werr = st.InTx(ctx, func(conn *sql.Conn) error { return updateEntry(ctx, conn, e) })
		}
		if perr != nil && werr != nil {
			return fmt.Errorf("record the outcome of run %d: %w", e.RunID, errors.Join(perr, werr))
		}
		return nil
	}
	if st.Failed() != nil {
		// The instance that saw a failed commit writes nothing more; a new
		// one holds exactly what was committed.
		if err := st.Reopen(ctx); err != nil {
			return errors.Join(err, AppendPending(st.Path, e))
		}
	}
	err := st.InTx(ctx, func(conn *sql.Conn) error { return updateEntry(ctx, conn, e) })
	if err != nil && st.Damaged() != nil {
		return recordOutcome(ctx, st, e) // the update found the damage
	}
	if err != nil {
		return errors.Join(fmt.Errorf("record the outcome of run %d: %w", e.RunID, err), AppendPending(st.Path, e))
	}
	return nil
}

// amendEntry adds note to the error of e, already recorded, through st.
func amendEntry(ctx context.Context, st *store.Store, e *Entry, note string) error {
	e.Error = strings.TrimSpace(strings.Join([]string{e.Error, note}, "\n"))
	return recordOutcome(ctx, st, e)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// interruptedMessage is the error of a run whose process ended mid-run; the
// next writer adds what the run had committed (committedText).
const interruptedMessage = "interrupted: the run ended without recording its outcome (its process was killed or crashed, the machine stopped, or the disk was full); its unfinished transaction was rolled back / 运行中断（进程终止或无法记录结果），未完成的事务已回滚"

// markInterrupted turns leftover running rows into failed ones, saying what
// each had committed before it ended. It is called by whoever holds the
// writer's lock, so no run of them can still be going.
func markInterrupted(ctx context.Context, st *store.Store, now time.Time) (int64, error) {
	var n int64
	if err := sqlfiles.Row(ctx, st.DB, "ledger_running_count").Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	n = 0
	err := st.InTx(ctx, func(conn *sql.Conn) error {
		stale, err := runningRows(ctx, conn, "")
		if err != nil {
			return err
		}
		for _, r := range stale {
			c, err := committedSince(ctx, conn, r)
			if err != nil {
				return err
			}
			if err := finishRow(ctx, conn, r.id, now, interruptedMessage+"; "+c.text(), c); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("mark interrupted runs: %w", err)
	}
	return n, nil
}

// lateUnpublishedNote is what the next writer adds to the row of a run
// that closed the database without publishing the readers' snapshot and
// could not record it (markUnpublished).
const lateUnpublishedNote = "the readers' snapshot was not published when this run closed the database (its command exited 1), and the run could not record it then: not even this note could be written (a full disk, a file-size limit or an I/O error); added by the next writer / 关闭数据库时只读快照未发布，且当时无法记录（磁盘已满、文件大小受限或读写错误），由下一次写入补记"

// markUnpublished adds lateUnpublishedNote to the rows of runs that ended
// without publishing the readers' snapshot and without saying so. Every
// run writes its row into the database, so its close publishes a snapshot
// holding that row, and the snapshot's sidecar names the latest run it
// holds: a finished ok or caught_up row after that one, whose note does
// not say the snapshot was not published, is such a run. It is called by
// whoever holds the writer's lock, before publishing anything, and before
// its own row is inserted.
func markUnpublished(ctx context.Context, st *store.Store) (int64, error) {
	sn, err := store.ReadSnapshot(st.Path)
	if err != nil {
		return 0, nil // no snapshot to compare with
	}
	var n int64
	if err := sqlfiles.Row(ctx, st.DB, "ledger_not_published", sql.Named("run", sn.Run)).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	err = st.InTx(ctx, func(conn *sql.Conn) error {
		_, err := sqlfiles.Exec(ctx, conn, "ledger_note_not_published", sql.Named("note", lateUnpublishedNote), sql.Named("run", sn.Run))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("note runs that did not publish the snapshot: %w", err)
	}
	return n, nil
}

// staleRun is a row left running.
type staleRun struct {
	id      int64
	started time.Time // stored wall time
	until   sql.NullTime
	pid     int64
}

// runningRows lists the rows left running (of job, if not ""), each with
// the start of the next run recorded after it, which bounds what it can
// have committed.
func runningRows(ctx context.Context, conn *sql.Conn, job string) ([]staleRun, error) {
	rows, err := sqlfiles.Rows(ctx, conn, "ledger_running", sql.Named("job", job))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []staleRun
	for rows.Next() {
		var r staleRun
		if err := rows.Scan(&r.id, &r.started, &r.until, &r.pid); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// finishRow ends a row left running as failed with msg, counting the rows
// it had ingested.
func finishRow(ctx context.Context, conn *sql.Conn, id int64, at time.Time, msg string, c committed) error {
	var rows any
	if c.files > 0 {
		rows = c.rows
	}
	_, err := sqlfiles.Exec(ctx, conn, "ledger_fail_running", sql.Named("finished_at", wall(at)), sql.Named("error", msg),
		sql.Named("rows_ingested", rows), sql.Named("run_id", id))
	return err
}

// committed is what a run had committed: files ingested, assessment runs,
// years published.
type committed struct {
	files, rows int64
	batches     string // "7" or "7, 8"
	assessments string // assessment run ids
	published   string // years
}

// committedSince reads what was committed from r's start until the next
// run began: the writer's lock kept everyone else out meanwhile.
func committedSince(ctx context.Context, conn *sql.Conn, r staleRun) (committed, error) {
	var c committed
	var batches, assessments, published sql.NullString
	until := any(nil)
	if r.until.Valid {
		until = r.until.Time
	}
	err := sqlfiles.Row(ctx, conn, "ledger_committed_since", sql.Named("from", r.started), sql.Named("until", until)).Scan(&c.files, &c.rows, &batches, &assessments, &published)
	c.batches, c.assessments, c.published = batches.String, assessments.String, published.String
	return c, err
}

// text says what was committed, in English and Chinese.
func (c committed) text() string {
	var en, zh []string
	if c.files > 0 {
		en = append(en, fmt.Sprintf("%s (%s, ingest batch %s)", store.Plural(c.files, "file", "files"), store.Plural(c.rows, "row", "rows"), c.batches))
		zh = append(zh, fmt.Sprintf("%d 个文件（%d 行，导入批次 %s）", c.files, c.rows, c.batches))
	}
	if c.assessments != "" {
		en = append(en, "assessment run "+c.assessments)
		zh = append(zh, "评价运行 "+c.assessments)
	}
	if c.published != "" {
		en = append(en, "the publication of "+c.published)
		zh = append(zh, "发布 "+c.published+" 年结果")
	}
	if len(en) == 0 {
		return "it had committed nothing before / 此前未提交任何内容"
	}
	return "before that it had committed " + strings.Join(en, " and ") + " / 此前已提交：" + strings.Join(zh, "，")
}

// PendingPath is the append-only file beside the database that holds ledger
// rows written while the database could not be opened (held by another
// writer); the next writer moves them into store.runs.
func PendingPath(db string) string { return db + ".runs-pending.jsonl" }

// AppendPending adds e to the pending ledger file of the database at db.
// One line per entry, written under the file's lock with one write.
func AppendPending(db string, e *Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	path := PendingPath(db)
	lk := flock.New(path)
	if err := lk.Lock(); err != nil {
		return fmt.Errorf("lock %s: %w", path, err)
	}
	defer lk.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// ReadPending returns the entries waiting in the pending file (none if
// there is no file).
func ReadPending(db string) ([]Entry, error) {
	b, err := os.ReadFile(PendingPath(db))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parsePending(b)
}

func parsePending(b []byte) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			// A torn last line (the machine stopped mid-write) is dropped,
			// never the rest.
			continue
		}
		e.Pending = true
		out = append(out, e)
	}
	return out, sc.Err()
}

// FlushPending moves the pending entries into store.runs, in one
// transaction; the lines it moved leave the file once st has published
// the snapshot holding them (store.Store.OnPublish), so that a database
// that turns out damaged, restored from its snapshot, still gets them.
// An entry already there (same job and start, e.g. after a crash between
// the commit and the truncation, or moved in at a run's start and again
// at its end) is not added twice. The caller holds the writer's lock. A
// database seen damaged takes nothing: the entries wait for the restored
// one.
func FlushPending(ctx context.Context, st *store.Store) (int, error) {
	return flushPending(ctx, st, false)
}

// copyPending is FlushPending at the start of a run: the entries go into
// store.runs (markInterrupted and the catch-up check read them) and stay
// in the file, which the run's FlushPending at its end empties.
func copyPending(ctx context.Context, st *store.Store) (int, error) {
	return flushPending(ctx, st, true)
}

func flushPending(ctx context.Context, st *store.Store, keep bool) (int, error) {
	if st.Damaged() != nil {
		return 0, nil
	}
	path := PendingPath(st.Path)
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return 0, nil
	}
	lk := flock.New(path)
	if err := lk.Lock(); err != nil {
		return 0, fmt.Errorf("lock %s: %w", path, err)
	}
	defer lk.Unlock()
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	entries, err := parsePending(b)
	if err != nil {
		return 0, err
	}
	n := 0
	err = st.InTx(ctx, func(conn *sql.Conn) error {
		for i := range entries {
			e := &entries[i]
			done, err := applyPending(ctx, conn, e)
			if err != nil {
				return err
			}
			if done {
				n++
				continue
			}
			var have int
			if err := sqlfiles.Row(ctx, conn, "ledger_started_rows", sql.Named("job", e.Job), sql.Named("started_at", wall(e.Started))).Scan(&have); err != nil {
				return err
			}
			if have > 0 {
				continue
			}
			if e.CountRows && e.RowsIngested == nil && !e.Finished.IsZero() {
				var rows sql.NullInt64
				if err := sqlfiles.Row(ctx, conn, "ledger_rows_ingested", sql.Named("from", wall(e.Started)),
					sql.Named("until", wall(e.Finished))).Scan(&rows); err != nil {
					return err
				}
				v := rows.Int64
				e.RowsIngested = &v
			}
			if err := insertEntry(ctx, conn, e); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("flush pending ledger %s: %w", path, err)
	}
	if !keep {
		st.OnPublish(func() { dropPending(path, b) })
	}
	return n, nil
}

// dropPending removes moved, the lines FlushPending moved into the
// database, from the front of the pending file, keeping what was appended
// since (a run skipped meanwhile). Emptied by truncation, not removed: a
// writer waiting for the file's lock holds this inode open and appends to
// it next.
func dropPending(path string, moved []byte) {
	lk := flock.New(path)
	if err := lk.Lock(); err != nil {
		return
	}
	defer lk.Unlock()
	now, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(now, moved) {
		return // already emptied: the lines are applied at most once more
	}
	rest := now[len(moved):]
	if len(rest) == 0 {
		_ = os.Truncate(path, 0)
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer f.Close()
	// In place: the file only shrinks, so no room on the disk is needed.
	if _, err := f.WriteAt(rest, 0); err == nil {
		_ = f.Truncate(int64(len(rest)))
	}
}

// applyPending applies a pending entry that is the outcome of a row
// already in store.runs: one with its run_id (its process could not write
// it), or the daemon's word on a child it killed (ChildPID). It reports
// false for an entry that is a row of its own.
func applyPending(ctx context.Context, conn *sql.Conn, e *Entry) (bool, error) {
	switch {
	case e.RunID > 0:
		// Its own row: the same job and start, under its run_id or, after
		// a restore from the snapshot, as a row of its own under another
		// (the run_id may then be another run's).
		var id int64
		err := sqlfiles.Row(ctx, conn, "ledger_started_run", sql.Named("job", e.Job), sql.Named("started_at", wall(e.Started)),
			sql.Named("run_id", e.RunID)).Scan(&id)
		e.RunID = id
		if errors.Is(err, sql.ErrNoRows) {
			e.RunID = 0 // not there: a row of its own
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return true, updateEntry(ctx, conn, e)
	case e.ChildPID > 0:
		stale, err := runningRows(ctx, conn, e.Job)
		if err != nil {
			return false, err
		}
		for _, r := range stale {
			if r.pid != int64(e.ChildPID) || r.started.Before(wall(e.Started)) {
				continue
			}
			c, err := committedSince(ctx, conn, r)
			if err != nil {
				return false, err
			}
			return true, finishRow(ctx, conn, r.id, e.Finished, e.Error+"; "+c.text(), c)
		}
		// The child had not recorded its start, or had recorded its end.
		var ended int
		if err := sqlfiles.Row(ctx, conn, "ledger_child_rows", sql.Named("job", e.Job), sql.Named("started_at", wall(e.Started)),
			sql.Named("pid", e.ChildPID)).Scan(&ended); err != nil {
			return false, err
		}
		return ended > 0, nil
	}
	return false, nil
}

// sinceKey is the store.meta key holding when the daemon first ran a job
// on this database; catch-up never looks back before it.
func sinceKey(job string) string { return "schedule.since:" + job }

// jobSince returns when the daemon first watched job, recording start if
// it never did.
func jobSince(ctx context.Context, st *store.Store, job string, start time.Time) (time.Time, error) {
	var v string
	err := sqlfiles.Row(ctx, st.DB, "ledger_since", sql.Named("key", sinceKey(job))).Scan(&v)
	if err == nil {
		t, perr := time.Parse(time.RFC3339Nano, v)
		if perr == nil {
			return t, nil
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, err
	}
	q, args, err := sqlfiles.Bind("ledger_set_since", sql.Named("key", sinceKey(job)), sql.Named("value", start.UTC().Format(time.RFC3339Nano)))
	if err != nil {
		return time.Time{}, err
	}
	if err := st.Exec(ctx, q, args...); err != nil {
		return time.Time{}, err
	}
	return start, nil
}

// covered reports whether an occurrence at p was done: an ok or caught_up
// row of the job scheduled at or after p (a manual `jobs run` counts from
// when it started).
func covered(ctx context.Context, db execer, job string, p time.Time) (bool, error) {
	var n int
	err := sqlfiles.Row(ctx, db, "ledger_covered", sql.Named("job", job), sql.Named("at", wall(p))).Scan(&n)
	return n > 0, err
}

// History reads the ledger, newest first; job "" means every job.
func History(ctx context.Context, db *sql.DB, job string, limit int) ([]Entry, error) {
	var n any // no limit
	if limit > 0 {
		n = int64(limit)
	}
	rows, err := sqlfiles.Rows(ctx, db, "ledger_history", sql.Named("job", job), sql.Named("limit", n))
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var sched, fin sql.NullTime
		var errText, files, args sql.NullString
		var n sql.NullInt64
		if err := rows.Scan(&e.RunID, &e.Job, &sched, &e.Started, &fin, &e.Status, &errText, &n, &files, &args); err != nil {
			return nil, err
		}
		e.Started = fromWall(e.Started)
		if sched.Valid {
			e.Scheduled = fromWall(sched.Time)
		}
		if fin.Valid {
			e.Finished = fromWall(fin.Time)
		}
		e.Error = errText.String
		if n.Valid {
			v := n.Int64
			e.RowsIngested = &v
		}
		if files.Valid {
			if json.Unmarshal([]byte(files.String), &e.Files) != nil {
				e.Files = strings.Split(files.String, "\n")
			}
		}
		if args.Valid {
			_ = json.Unmarshal([]byte(args.String), &e.Args)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
