package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

// damagedDB is a database with a small table t and a large table u, its
// snapshot published, and then one block of u overwritten in the database
// file (not in the snapshot). It returns the database and the snapshot's
// bytes as published.
func damagedDB(t *testing.T) (string, []byte) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "x.duckdb")
	mustWrite(t, db, "CREATE TABLE t AS SELECT 1 AS i",
		"CREATE TABLE u AS SELECT range AS x, md5(range::VARCHAR) AS s FROM range(200000)")
	snap, err := os.ReadFile(store.SnapshotPath(db))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var block int64
	err = st.DB.QueryRow("SELECT max(block_id) FROM pragma_storage_info('u') WHERE column_name = 's' AND block_id >= 0").Scan(&block)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(db, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0x55}, 64), 12288+block*262144+8+4096+100); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return db, snap
}

// sameSnapshot fails the test if the published snapshot changed.
func sameSnapshot(t *testing.T, db string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(store.SnapshotPath(db))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the last good snapshot was replaced (%v)", err)
	}
}

// A Store that has seen its database damaged — in a transaction, in a
// query whose error the command returns, or only at close (the closing
// checkpoint, the check of every block of the copy) — is neither
// checkpointed nor published: the last good snapshot stays, and Close
// says the database is damaged and names that snapshot.
func TestDamagedDatabaseIsNeverPublished(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		// work does the command's work; it returns the command's error.
		work func(st *store.Store) error
		// atClose: the damage is found only as the Store closes.
		atClose bool
	}{
		{name: "in a transaction", work: func(st *store.Store) error {
			err := st.InTx(ctx, func(conn *sql.Conn) error {
				_, err := conn.ExecContext(ctx, "INSERT INTO t SELECT count(DISTINCT s) FROM u")
				return err
			})
			if err == nil || st.Damaged() == nil {
				t.Errorf("InTx: %v; damaged %v", err, st.Damaged())
			}
			return nil // even a command that goes on as if nothing happened
		}},
		{name: "in a query", work: func(st *store.Store) error {
			var n int64
			return st.DB.QueryRowContext(ctx, "SELECT count(DISTINCT s) FROM u").Scan(&n)
		}},
		{name: "at close", atClose: true, work: func(st *store.Store) error {
			return st.Exec(ctx, "INSERT INTO t VALUES (2)") // never reads u
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, snap := damagedDB(t)
			st, err := store.Open(ctx, db, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			runErr := c.work(st)
			if err := st.Exec(ctx, "INSERT INTO t VALUES (3)"); err != nil {
				t.Fatal(err) // the log still takes a ledger row
			}
			noted := false
			err = st.CloseNoting(ctx, runErr, func(ctx context.Context, st *store.Store, why *store.UnpublishedError) error {
				noted = true
				if !why.Damaged || st.Damaged() == nil {
					t.Errorf("note: %v", why)
				}
				return nil
			})
			var ce *store.CorruptError
			if !errors.As(err, &ce) || ce.Last == nil || !strings.Contains(err.Error(), "The last good snapshot is "+store.SnapshotPath(db)) {
				t.Fatalf("close: %v", err)
			}
			if noted != c.atClose {
				t.Errorf("note called %v, want %v", noted, c.atClose)
			}
			sameSnapshot(t, db, snap)
			if !c.atClose {
				// Not checkpointed: the work is in the log only.
				if fi, err := os.Stat(db + ".wal"); err != nil || fi.Size() == 0 {
					t.Errorf("no write-ahead log: the damaged database was checkpointed (%v)", err)
				}
			}
			// The next writer, meeting the damage only at close, does
			// not publish either.
			st, err = store.Open(ctx, db, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Exec(ctx, "INSERT INTO t VALUES (4)"); err != nil {
				t.Fatal(err)
			}
			if err := st.Close(); !errors.As(err, &ce) {
				t.Fatalf("the next writer's close: %v", err)
			}
			sameSnapshot(t, db, snap)
		})
	}
}
