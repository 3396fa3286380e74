//go:build linux

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/jobs"
	"github.com/incubeval/incubeval/pipeline/store"
)

// damageBlockOf overwrites 64 bytes in the middle of a block holding the
// quarterly reports, as a bad disk would: the database still opens, and
// DuckDB finds the block's checksum wrong when a query reads it.
func damageBlockOf(t *testing.T, db, table string) {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var block int64
	err = st.DB.QueryRow("SELECT max(block_id) FROM pragma_storage_info('" + table + "') WHERE block_id >= 0").Scan(&block)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(db, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0x55}, 64), 12288+block*262144+8+4096+100); err != nil {
		t.Fatal(err)
	}
}

// A writer that meets a damaged block (a bad checksum) while it runs, or
// only as it closes, keeps the last good snapshot as it was: it exits 1
// saying the database is damaged and how to restore that snapshot, and its
// ledger row says the same, in the pending file so that it outlives the
// restore. After the restore the next command works and the ledger has the
// failed run.
func TestDamagedDatabaseKeepsTheLastGoodSnapshot(t *testing.T) {
	for _, c := range []struct{ name, table string }{
		// A block the assessment reads: the error comes mid-run.
		{"assess", "store.quarterly"},
		// A block the ingest does not read: found as it closes, by the
		// check of every block of the copy.
		{"ingest", "store.assessments"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := copyDemo(t, t.TempDir())
			snap, err := os.ReadFile(store.SnapshotPath(db))
			if err != nil {
				t.Fatal(err)
			}
			sidecar, _ := os.ReadFile(store.SnapshotInfoPath(db))
			damageBlockOf(t, db, c.table)
			args := []string{"--db", db, "assess", "--year", "2025", "--force"}
			if c.name == "ingest" {
				// New bytes: the file loads again, as revisions.
				b, err := os.ReadFile(filepath.Join(demoDatabase(t), "inbox", "quarterly", "西固区季度报表.csv"))
				if err != nil {
					t.Fatal(err)
				}
				resub := filepath.Join(t.TempDir(), "更正.csv")
				os.WriteFile(resub, append(b, '\r', '\n'), 0o644)
				args = []string{"--db", db, "ingest", resub}
			}
			code, out := incubeval(t, args...)
			if code != exitFail || !strings.Contains(out, "the database file "+db+" is damaged") || !strings.Contains(out, "数据库文件已损坏") ||
				!strings.Contains(out, "The last good snapshot is "+store.SnapshotPath(db)+", published") || !strings.Contains(out, "run 1 (demo)") {
				t.Fatalf("%s: exit %d\n%s", c.name, code, out)
			}
			if got, _ := os.ReadFile(store.SnapshotPath(db)); !bytes.Equal(got, snap) {
				t.Fatal("the damaged database was published over the last good snapshot")
			}
			if got, _ := os.ReadFile(store.SnapshotInfoPath(db)); !bytes.Equal(got, sidecar) {
				t.Fatalf("the snapshot's sidecar changed:\n%s", got)
			}
			pending, err := jobs.ReadPending(db)
			if err != nil || len(pending) != 1 || pending[0].Status != jobs.StatusFailed || pending[0].Job != c.name ||
				!strings.Contains(pending[0].Error, "is damaged and cannot be read") || !strings.Contains(pending[0].Error, "cp "+store.SnapshotPath(db)+" "+db) {
				t.Fatalf("pending ledger: %v %+v", err, pending)
			}

			// The restore the message gives, then the same command again.
			if err := os.Rename(db, db+".damaged"); err != nil {
				t.Fatal(err)
			}
			os.Rename(db+".wal", db+".wal.damaged")
			copyFile(t, store.SnapshotPath(db), db)
			if code, out := incubeval(t, args...); code != exitOK {
				t.Fatalf("after the restore: exit %d\n%s", code, out)
			}
			runs := ledger(t, db)
			if len(runs) != 3 || !strings.HasPrefix(runs[1], c.name+" failed ") || !strings.Contains(runs[1], "the database file "+db+" is damaged") ||
				!strings.HasPrefix(runs[2], c.name+" ok") {
				t.Fatalf("ledger after the restore:\n%s", strings.Join(runs, "\n"))
			}
			if sn, err := store.ReadSnapshot(db); err != nil || !sn.Current(db) {
				t.Fatalf("no current snapshot after the restore: %v", err)
			}
		})
	}
}
