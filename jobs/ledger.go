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
	TriggerCommand  Trigger = "command"  // a manual incubeval command that writes (ingest, assess, publish, run, demo)
)

// Entry is one row of the run ledger.
type Entry struct {
	RunID        int64          `json:"-"`
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
	Pending   bool `json:"-"` // read from the pending file, not yet in the database
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
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// insertEntry adds e to store.runs with the next run_id and sets e.RunID.
func insertEntry(ctx context.Context, db execer, e *Entry) error {
	return db.QueryRowContext(ctx, `
		INSERT INTO store.runs
		SELECT coalesce(max(run_id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM store.runs
		RETURNING run_id`,
		e.Job, nullTime(e.Scheduled), wall(e.Started), nullTime(e.Finished), e.Status,
		nullString(e.Error), e.rows(), e.filesJSON(), e.argsJSON()).Scan(&e.RunID)
}

// updateEntry writes the outcome of a run inserted as running.
func updateEntry(ctx context.Context, db execer, e *Entry) error {
	_, err := db.ExecContext(ctx, `
		UPDATE store.runs SET finished_at = ?, status = ?, error = ?, rows_ingested = ?, files_written = ?, args = ?
		WHERE run_id = ?`,
		nullTime(e.Finished), e.Status, nullString(e.Error), e.rows(), e.filesJSON(), e.argsJSON(), e.RunID)
	return err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// interruptedMessage is the error of a run whose process ended mid-run.
const interruptedMessage = "interrupted: the process ended during the run (killed, crashed or the machine stopped); the job's unfinished transaction was rolled back / 运行中断（进程终止），未完成的事务已回滚"

// markInterrupted turns leftover running rows into failed ones. It is called
// by whoever holds the writer's lock, so no run of them can still be going.
func markInterrupted(ctx context.Context, db execer, now time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `UPDATE store.runs SET status = 'failed', finished_at = coalesce(finished_at, ?), error = ?
		WHERE status = 'running'`, wall(now), interruptedMessage)
	if err != nil {
		return 0, fmt.Errorf("mark interrupted runs: %w", err)
	}
	return res.RowsAffected()
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
// transaction, and empties the file. An entry already there (same job and
// start, e.g. after a crash between the commit and the truncation) is not
// added twice. The caller holds the writer's lock.
func FlushPending(ctx context.Context, st *store.Store) (int, error) {
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
			var have int
			if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM store.runs WHERE job = ? AND started_at = ?", e.Job, wall(e.Started)).Scan(&have); err != nil {
				return err
			}
			if have > 0 {
				continue
			}
			if e.CountRows && e.RowsIngested == nil && !e.Finished.IsZero() {
				var rows sql.NullInt64
				if err := conn.QueryRowContext(ctx, "SELECT sum(rows_accepted) FROM store.ingests WHERE ingested_at BETWEEN ? AND ?",
					wall(e.Started), wall(e.Finished)).Scan(&rows); err != nil {
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
	// Truncated, not removed: a writer waiting for the file's lock holds
	// this inode open and appends to it next.
	if err := os.Truncate(path, 0); err != nil {
		return n, err
	}
	return n, nil
}

// sinceKey is the store.meta key holding when the daemon first ran a job
// on this database; catch-up never looks back before it.
func sinceKey(job string) string { return "schedule.since:" + job }

// jobSince returns when the daemon first watched job, recording start if
// it never did.
func jobSince(ctx context.Context, db execer, job string, start time.Time) (time.Time, error) {
	var v string
	err := db.QueryRowContext(ctx, "SELECT value FROM store.meta WHERE key = ?", sinceKey(job)).Scan(&v)
	if err == nil {
		t, perr := time.Parse(time.RFC3339Nano, v)
		if perr == nil {
			return t, nil
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, err
	}
	if _, err := db.ExecContext(ctx, "INSERT OR REPLACE INTO store.meta VALUES (?, ?)", sinceKey(job), start.UTC().Format(time.RFC3339Nano)); err != nil {
		return time.Time{}, err
	}
	return start, nil
}

// covered reports whether an occurrence at p was done: an ok or caught_up
// row of the job scheduled at or after p (a manual `jobs run` counts from
// when it started).
func covered(ctx context.Context, db execer, job string, p time.Time) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM store.runs
		WHERE job = ? AND status IN ('ok', 'caught_up') AND coalesce(scheduled_at, started_at) >= ?`, job, wall(p)).Scan(&n)
	return n > 0, err
}

// History reads the ledger, newest first; job "" means every job.
func History(ctx context.Context, db *sql.DB, job string, limit int) ([]Entry, error) {
	q := `SELECT run_id, job, scheduled_at, started_at, finished_at, status, error, rows_ingested, files_written, args
		FROM runs WHERE ? = '' OR job = ? ORDER BY started_at DESC, run_id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := db.QueryContext(ctx, q, job, job)
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
