package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

func mustWrite(t *testing.T, path string, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{Holder: "test writer"})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := st.DB.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

func count(t *testing.T, path, q string) int64 {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int64
	if err := st.DB.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCloseAfterWritePublishesSnapshot(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	mustWrite(t, db, "CREATE TABLE t AS SELECT range AS i FROM range(1000)")
	snap := store.SnapshotPath(db)
	sn, err := store.ReadSnapshot(db)
	if err != nil {
		t.Fatalf("no snapshot after a write: %v", err)
	}
	if !sn.Current(db) || sn.By == "" || sn.Published.IsZero() {
		t.Fatalf("snapshot info %+v", sn)
	}
	if n := count(t, snap, "SELECT count(*) FROM t"); n != 1000 {
		t.Fatalf("snapshot holds %d rows, want 1000", n)
	}
	// The views are in the snapshot too.
	if n := count(t, snap, "SELECT count(*) FROM ingest_log"); n != 0 {
		t.Fatalf("ingest_log in snapshot: %d", n)
	}
	if _, err := os.Stat(snap + ".tmp"); err == nil {
		t.Fatal("temporary copy left behind")
	}

	// A writer that changed nothing leaves the snapshot as it was.
	before, _ := os.Stat(snap)
	mustWrite(t, db)
	after, _ := os.Stat(snap)
	if !os.SameFile(before, after) {
		t.Fatal("snapshot re-published though nothing was written")
	}

	// The next write is in the next snapshot.
	mustWrite(t, db, "INSERT INTO t VALUES (1000)")
	if n := count(t, snap, "SELECT count(*) FROM t"); n != 1001 {
		t.Fatalf("snapshot holds %d rows after the second write, want 1001", n)
	}
}

func TestSnapshotReadableWhileWriterHoldsDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	mustWrite(t, db, "CREATE TABLE t AS SELECT 1 AS i")
	ctx := context.Background()
	w, err := store.Open(ctx, db, store.Options{Holder: "incubeval assess"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.DB.Exec("INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	pid, holder, ok := store.Writer(db)
	if !ok || pid != os.Getpid() || holder != "incubeval assess" {
		t.Fatalf("Writer = %d %q %v", pid, holder, ok)
	}
	// A second process cannot open the live file while we write, but the
	// snapshot opens, with what was there before this writer began.
	if n := count(t, store.SnapshotPath(db), "SELECT count(*) FROM t"); n != 1 {
		t.Fatalf("snapshot during a write: %d rows, want 1", n)
	}
	if _, err := os.Stat(store.SnapshotPath(db) + ".lock"); err == nil {
		t.Fatal("reading the snapshot created a lock file")
	}
	w.Close()
	if _, _, ok := store.Writer(db); ok {
		t.Fatal("Writer reports a writer after Close")
	}
	if n := count(t, store.SnapshotPath(db), "SELECT count(*) FROM t"); n != 2 {
		t.Fatalf("snapshot after the write: %d rows, want 2", n)
	}
}

func TestSnapshotLabel(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	mustWrite(t, db, `INSERT INTO store.runs (run_id, job, started_at, status) VALUES (42, 'assess', now()::TIMESTAMP, 'ok')`)
	sn, err := store.ReadSnapshot(db)
	if err != nil {
		t.Fatal(err)
	}
	want := "snapshot of " + sn.Published.In(store.Location).Format("2006-01-02 15:04") + ", run 42 (assess)"
	if sn.Run != 42 || sn.Label() != want {
		t.Fatalf("label %q, want %q (%+v)", sn.Label(), want, sn)
	}
}
