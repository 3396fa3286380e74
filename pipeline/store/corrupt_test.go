package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

// A damaged database says so in plain words and names the last good
// snapshot with its time and how to restore it; a damaged snapshot says
// the database is not concerned.
func TestCorruptDatabaseNamesItsLastSnapshot(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	mustWrite(t, db, "CREATE TABLE t AS SELECT 1 AS i",
		`INSERT INTO store.runs (run_id, job, started_at, status) VALUES (7, 'assess', now()::TIMESTAMP, 'ok')`)
	sn, err := store.ReadSnapshot(db)
	if err != nil {
		t.Fatal(err)
	}
	damage(t, db)
	for _, ro := range []bool{false, true} {
		_, err := store.Open(context.Background(), db, store.Options{ReadOnly: ro})
		var ce *store.CorruptError
		if !errors.As(err, &ce) || ce.Snapshot || ce.Last == nil {
			t.Fatalf("read-only %v: %v, want a CorruptError with the snapshot", ro, err)
		}
		for _, want := range []string{
			"the database file " + db + " is damaged", "数据库文件已损坏",
			"The last good snapshot is " + store.SnapshotPath(db) + ", published " + sn.Published.In(store.Location).Format("2006-01-02 15:04") + " (run 7 (assess))",
			"cp " + store.SnapshotPath(db) + " " + db,
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("read-only %v: message lacks %q:\n%s", ro, want, err)
			}
		}
	}
	// A damaged snapshot: the database's message says there is none to
	// restore, and opening the snapshot says what it is.
	damage(t, store.SnapshotPath(db))
	_, err = store.Open(context.Background(), db, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "Its snapshot "+store.SnapshotPath(db)+" cannot be used either") {
		t.Fatalf("both damaged: %v", err)
	}
	_, err = store.Open(context.Background(), store.SnapshotPath(db), store.Options{ReadOnly: true})
	var ce *store.CorruptError
	if !errors.As(err, &ce) || !ce.Snapshot || !strings.Contains(err.Error(), "the readers' snapshot "+store.SnapshotPath(db)+" is damaged") ||
		!strings.Contains(err.Error(), "只读快照文件已损坏") {
		t.Fatalf("damaged snapshot: %v", err)
	}
}

// damage overwrites the first 4 KiB of a file.
func damage(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(make([]byte, 4096), 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
}
