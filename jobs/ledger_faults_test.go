package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// ingestRow adds a store.ingests row, as an ingest that committed it.
func ingestRow(t *testing.T, st *store.Store, id, batch int64, rows int, at time.Time) {
	t.Helper()
	if err := st.Exec(context.Background(), `INSERT INTO store.ingests (ingest_id, batch_id, file_name, source_path, archive_path, sha256, size_bytes, kind, format,
		encoding, sheets, rows_read, rows_accepted, rows_rejected, rows_warned, ingested_at, status, notes) VALUES (?, ?, 'f.csv', 'f.csv', 'archive/f', 'sha'||?::VARCHAR, 1, 'quarterly', 'csv',
		NULL, NULL, ?, ?, 0, 0, ?, 'loaded', NULL)`, id, batch, id, rows, rows, wall(at)); err != nil {
		t.Fatal(err)
	}
}

func openTestStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "x.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func runRow(t *testing.T, st *store.Store, id int64) (status, msg string, rows *int64) {
	t.Helper()
	var m, s string
	var n *int64
	if err := st.DB.QueryRow("SELECT status, coalesce(error, ''), rows_ingested FROM store.runs WHERE run_id = ?", id).Scan(&s, &m, &n); err != nil {
		t.Fatal(err)
	}
	return s, m, n
}

// A run killed after committing part of its work is marked failed by the
// next writer with what it had committed (the files, rows and batch it
// ingested, the assessment run it stored), counted from its start up to
// the next run's start, not "everything was rolled back".
func TestInterruptedRunSaysWhatItHadCommitted(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	start := time.Now().Add(-time.Hour)
	ingestRow(t, st, 1, 1, 50, start.Add(-time.Minute)) // before it: someone else's
	killed := &Entry{Job: "quarterly-sweep", Started: start}
	if err := recordStart(ctx, st, killed); err != nil {
		t.Fatal(err)
	}
	ingestRow(t, st, 2, 2, 30, start.Add(time.Second))
	ingestRow(t, st, 3, 2, 12, start.Add(2*time.Second))
	// A second run, killed too, after an assessment: its window is its own.
	next := &Entry{Job: "yearly-assessment", Started: start.Add(10 * time.Second)}
	if err := recordStart(ctx, st, next); err != nil {
		t.Fatal(err)
	}
	if err := st.Exec(ctx, `INSERT INTO store.assessment_runs VALUES (7, ?, 2025, 2019, 2025, 'sep', 'x', 'y', NULL, NULL, false)`, wall(start.Add(11*time.Second))); err != nil {
		t.Fatal(err)
	}
	// A run that had not committed anything.
	quiet := &Entry{Job: "publish", Started: start.Add(20 * time.Second)}
	if err := recordStart(ctx, st, quiet); err != nil {
		t.Fatal(err)
	}
	n, err := markInterrupted(ctx, st, time.Now())
	if err != nil || n != 3 {
		t.Fatalf("marked %d, %v", n, err)
	}
	for _, c := range []struct {
		e    *Entry
		want string
		rows int64 // 0: NULL
	}{
		{killed, "before that it had committed 2 files (42 rows, ingest batch 2) / 此前已提交：2 个文件（42 行，导入批次 2）", 42},
		{next, "before that it had committed assessment run 7 / 此前已提交：评价运行 7", 0},
		{quiet, "it had committed nothing before / 此前未提交任何内容", 0},
	} {
		status, msg, rows := runRow(t, st, c.e.RunID)
		if status != StatusFailed || msg != interruptedMessage+"; "+c.want || (rows == nil) != (c.rows == 0) || (rows != nil && *rows != c.rows) {
			t.Errorf("%s: %s %q %v\nwant %q, %d rows", c.e.Job, status, msg, rows, c.want, c.rows)
		}
	}
}

// The daemon's word on a child it killed becomes the outcome of the
// child's row (matched by its pid), with what the run had committed.
func TestKilledChildRowSaysKilled(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	daemonStarted := time.Now().Add(-time.Minute)
	child := &Entry{Job: "quarterly-sweep", Started: daemonStarted.Add(time.Second), Args: map[string]any{"trigger": "schedule"}}
	if err := recordStart(ctx, st, child); err != nil {
		t.Fatal(err)
	}
	ingestRow(t, st, 1, 1, 5, daemonStarted.Add(2*time.Second))
	kill := &Entry{Job: "quarterly-sweep", Started: daemonStarted, Finished: time.Now(), Status: StatusFailed,
		Error: "killed: … SIGKILL", ChildPID: os.Getpid(), Args: map[string]any{"trigger": "schedule"}}
	if err := AppendPending(st.Path, kill); err != nil {
		t.Fatal(err)
	}
	if n, err := FlushPending(ctx, st); err != nil || n != 1 {
		t.Fatalf("flush: %d %v", n, err)
	}
	status, msg, rows := runRow(t, st, child.RunID)
	if status != StatusFailed || !strings.HasPrefix(msg, "killed: … SIGKILL; before that it had committed 1 file (5 rows, ingest batch 1)") || rows == nil || *rows != 5 {
		t.Fatalf("child row: %s %q %v", status, msg, rows)
	}
	var n int
	st.DB.QueryRow("SELECT count(*) FROM store.runs").Scan(&n)
	if n != 1 {
		t.Fatalf("%d rows, want the child's only", n)
	}
}

// An outcome that could not be written through the database waits in the
// pending file with its run_id, and updates that row when flushed.
func TestPendingOutcomeUpdatesItsRunningRow(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	e := &Entry{Job: "assess", Started: time.Now()}
	if err := recordStart(ctx, st, e); err != nil {
		t.Fatal(err)
	}
	e.Status, e.Error, e.Finished = StatusOK, "a note", time.Now()
	if err := AppendPending(st.Path, e); err != nil {
		t.Fatal(err)
	}
	if n, err := FlushPending(ctx, st); err != nil || n != 1 {
		t.Fatalf("flush: %d %v", n, err)
	}
	if status, msg, _ := runRow(t, st, e.RunID); status != StatusOK || msg != "a note" {
		t.Fatalf("row: %s %q", status, msg)
	}
}
