package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

// A COMMIT that fails (here: the write-ahead log may not grow, as on a
// full disk, by RLIMIT_FSIZE in a child process) is rolled back; the Store
// then refuses to write, closes without a checkpoint and publishes no
// snapshot; the next open holds exactly what was committed before, and
// takes writes again.
func TestFailedCommitLeavesTheDatabaseAsBefore(t *testing.T) {
	if os.Getenv("STORE_TEST_FAILED_COMMIT") != "" {
		failCommitInChild(os.Getenv("STORE_TEST_FAILED_COMMIT"))
		return
	}
	db := filepath.Join(t.TempDir(), "x.duckdb")
	mustWrite(t, db, "CREATE TABLE t AS SELECT range AS i FROM range(1000)")
	snap, err := os.Stat(store.SnapshotPath(db))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFailedCommitLeavesTheDatabaseAsBefore$")
	cmd.Env = append(os.Environ(), "STORE_TEST_FAILED_COMMIT="+db)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "child: ok") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if n := count(t, db, "SELECT count(*) FROM t"); n != 1000 {
		t.Fatalf("after the failed commit: %d rows, want the 1000 before it", n)
	}
	if again, err := os.Stat(store.SnapshotPath(db)); err != nil || !again.ModTime().Equal(snap.ModTime()) {
		t.Fatalf("the snapshot was published after a failed commit: %v", err)
	}
	mustWrite(t, db, "INSERT INTO t SELECT range FROM range(5)")
	if n := count(t, db, "SELECT count(*) FROM t"); n != 1005 {
		t.Fatalf("the next writer: %d rows, want 1005", n)
	}
	if n := count(t, store.SnapshotPath(db), "SELECT count(*) FROM t"); n != 1005 {
		t.Fatalf("the next writer's snapshot: %d rows, want 1005", n)
	}
}

func failCommitInChild(db string) {
	ctx := context.Background()
	fail := func(f string, a ...any) { fmt.Printf("child: "+f+"\n", a...); os.Exit(1) }
	signal.Ignore(syscall.SIGXFSZ) // as the command does: a write past the limit fails
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		fail("open: %v", err)
	}
	wal := int64(0)
	if fi, err := os.Stat(db + ".wal"); err == nil {
		wal = fi.Size()
	}
	// From now on no file may grow: the log cannot take the commit.
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: uint64(wal), Max: uint64(wal)}); err != nil {
		fail("setrlimit: %v", err)
	}
	err = st.InTx(ctx, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, "INSERT INTO t SELECT range FROM range(50000)")
		return err
	})
	var ce *store.CommitError
	if !errors.As(err, &ce) || st.Failed() == nil {
		fail("InTx: %v, want a CommitError", err)
	}
	if err := st.Exec(ctx, "INSERT INTO t VALUES (1)"); err == nil || !strings.Contains(err.Error(), "an earlier commit failed") {
		fail("a write after the failed commit: %v", err)
	}
	// Closed with the failed commit as the run's error: nothing more to say.
	if err := st.CloseNoting(ctx, ce, nil); err != nil {
		fail("close: %v", err)
	}
	fmt.Println("child: ok")
	os.Exit(0)
}

// When the snapshot cannot be published at close, the work stays
// committed, Close says so (UnpublishedError), and the note function runs
// on the reopened database before the lock is released; readers see the
// snapshot as stale.
func TestUnpublishedSnapshotIsNotedBeforeTheLockIsReleased(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	mustWrite(t, db, "CREATE TABLE t AS SELECT 1 AS i")
	// Something in the way of the snapshot's temporary copy.
	block := store.SnapshotPath(db) + ".tmp"
	if err := os.MkdirAll(filepath.Join(block, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Exec(ctx, "INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	noted := false
	err = st.CloseNoting(ctx, nil, func(ctx context.Context, st *store.Store, why *store.UnpublishedError) error {
		if _, _, held := store.Writer(db); !held {
			t.Error("the lock was released before the note")
		}
		noted = true
		return st.Exec(ctx, "INSERT INTO t VALUES (3)")
	})
	var un *store.UnpublishedError
	if !errors.As(err, &un) || !un.Checkpointed || !noted || !strings.Contains(err.Error(), "the work is committed, but the readers' snapshot") {
		t.Fatalf("close: %v (noted %v)", err, noted)
	}
	if n := count(t, db, "SELECT count(*) FROM t"); n != 3 {
		t.Fatalf("database: %d rows, want 3", n)
	}
	if sn, err := store.ReadSnapshot(db); err != nil || sn.Current(db) {
		t.Fatalf("the old snapshot must be stale: %v", err)
	}
	os.RemoveAll(block)
	mustWrite(t, db)
	if n := count(t, store.SnapshotPath(db), "SELECT count(*) FROM t"); n != 3 {
		t.Fatalf("the next writer's snapshot: %d rows, want 3", n)
	}
}
