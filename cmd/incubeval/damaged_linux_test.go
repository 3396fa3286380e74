//go:build linux

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
// restore. sql, reading the (newer) database, fails at query time on the
// block and reads the snapshot instead, saying so. After the restore the
// next command works and the ledger has the failed run.
func TestDamagedDatabaseKeepsTheLastGoodSnapshot(t *testing.T) {
	for _, c := range []struct{ name, table, query string }{
		// A block the assessment reads: the error comes mid-run.
		{"assess", "store.quarterly", "SELECT count(*) FROM quarterly_reports"},
		// A block the ingest does not read: found as it closes, by the
		// check of every block of the copy.
		{"ingest", "store.assessments", "SELECT count(*), sum(score) FROM assessments"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := copyDemo(t, t.TempDir())
			snap, err := os.ReadFile(store.SnapshotPath(db))
			if err != nil {
				t.Fatal(err)
			}
			sidecar, _ := os.ReadFile(store.SnapshotInfoPath(db))
			_, want, _ := incubeval3(t, "--db", db, "sql", "--format", "csv", c.query)
			damageBlockOf(t, db, c.table)
			// A row waiting in the pending file (a scheduled run skipped
			// while the database was held): the command moves it into the
			// damaged database, and it must outlive the restore too.
			at := time.Now().Add(-time.Hour)
			skipped := &jobs.Entry{Job: jobs.JobQuarterlySweep, Started: at, Finished: at, Status: jobs.StatusSkipped, Error: "held"}
			if err := jobs.AppendPending(db, skipped); err != nil {
				t.Fatal(err)
			}
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
			if err != nil || len(pending) != 2 || pending[0].Job != jobs.JobQuarterlySweep || pending[1].Status != jobs.StatusFailed || pending[1].Job != c.name ||
				!strings.Contains(pending[1].Error, "is damaged and cannot be read") || !strings.Contains(pending[1].Error, "cp "+store.SnapshotPath(db)+" "+db) {
				t.Fatalf("pending ledger: %v %+v", err, pending)
			}

			// jobs history lists the failed run once, though it is both in
			// the pending file and in the damaged file's log.
			if code, out := incubeval(t, "--db", db, "jobs", "history", "--config", os.DevNull); code != exitOK ||
				strings.Count(out, "failed") != 1 || !strings.Contains(out, "(3 runs)") {
				t.Errorf("jobs history: exit %d\n%s", code, out)
			}

			// sql reads the database (newer than the snapshot), meets the
			// block and reads the snapshot instead; also with --live.
			for _, live := range []bool{false, true} {
				args := []string{"--db", db, "sql", "--format", "csv", c.query}
				if live {
					args = append(args, "--live")
				}
				code, got, stderr := incubeval3(t, args...)
				if code != exitOK || got != want || !strings.Contains(stderr, "the database file "+db+" is damaged and cannot be read / 数据库文件已损坏") ||
					!strings.Contains(stderr, "reading the snapshot of ") || !strings.Contains(stderr, "改为读取") || !strings.Contains(stderr, "Corrupt database file") {
					t.Errorf("sql (live %v): exit %d %q, want %q\n%s", live, code, got, want, stderr)
				}
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
			if len(runs) != 4 || runs[1] != "quarterly-sweep skipped held" || !strings.HasPrefix(runs[2], c.name+" failed ") ||
				!strings.Contains(runs[2], "the database file "+db+" is damaged") || !strings.HasPrefix(runs[3], c.name+" ok") {
				t.Fatalf("ledger after the restore:\n%s", strings.Join(runs, "\n"))
			}
			if sn, err := store.ReadSnapshot(db); err != nil || !sn.Current(db) {
				t.Fatalf("no current snapshot after the restore: %v", err)
			}
		})
	}
}

// Without a good snapshot to fall back on, a query that meets a damaged
// block says so in plain words and how to restore (here: from a backup).
func TestSQLDamagedBlockWithoutSnapshot(t *testing.T) {
	db := copyDemo(t, t.TempDir())
	os.Remove(store.SnapshotPath(db))
	os.Remove(store.SnapshotInfoPath(db))
	damageBlockOf(t, db, "store.quarterly")
	code, out, stderr := incubeval3(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM quarterly_reports")
	if code != exitFail || out != "" || !strings.Contains(stderr, "the database file "+db+" is damaged and cannot be read / 数据库文件已损坏") ||
		!strings.Contains(stderr, "restore the database from a backup") {
		t.Fatalf("exit %d %q\n%s", code, out, stderr)
	}
}

// The prompt too: a statement that meets a damaged block of the database
// runs again on the last good snapshot, which the session then keeps.
func TestREPLDamagedBlockReadsTheSnapshot(t *testing.T) {
	db := copyDemo(t, t.TempDir())
	_, want, _ := incubeval3(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) AS n FROM quarterly_reports")
	damageBlockOf(t, db, "store.quarterly")
	later := time.Now().Add(time.Minute) // the snapshot is older than the database
	if err := os.Chtimes(db, later, later); err != nil {
		t.Fatal(err)
	}
	r, out, errb, _ := replFor(t, db)
	if r.st.Path != db {
		t.Fatalf("the session reads %s, want the database", r.st.Path)
	}
	lr := &scriptReader{lines: []string{".format csv", "SELECT count(*) AS n FROM quarterly_reports;", "SELECT count(*) AS n FROM quarterly_reports;"}}
	if err := r.loop(context.Background(), lr); err != nil {
		t.Fatal(err)
	}
	if out.String() != want+want || strings.Count(errb.String(), "is damaged and cannot be read / 数据库文件已损坏") != 1 ||
		r.st.Path != store.SnapshotPath(db) {
		t.Fatalf("stdout %q, want %q twice; reads %s\n%s", out, want, r.st.Path, errb)
	}
}

// The other way round: a damaged block of the snapshot, met at query time,
// gives way to the database itself, as a snapshot that does not open does.
func TestSQLDamagedSnapshotBlockReadsTheDatabase(t *testing.T) {
	db := copyDemo(t, t.TempDir())
	_, want, _ := incubeval3(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) AS n FROM quarterly_reports")
	damageBlockOf(t, store.SnapshotPath(db), "store.quarterly")
	code, got, stderr := incubeval3(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) AS n FROM quarterly_reports")
	if code != exitOK || got != want || !strings.Contains(stderr, "the published snapshot is damaged and cannot be read; reading the database itself / 快照文件已损坏") {
		t.Fatalf("exit %d %q, want %q\n%s", code, got, want, stderr)
	}
}
