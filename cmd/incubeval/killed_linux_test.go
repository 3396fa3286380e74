//go:build linux

package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// SPEC §10: a killed process leaves the database as it was, and the next
// command works. For a database that did not exist yet, "as it was" is
// either no database or a whole one: `ingest` of the demo inbox into a new
// database is killed (SIGKILL) at each stage of its life — while the
// database is built and migrated beside its path, once it is built but not
// yet in place, once the run is recorded in it, with files committed, and
// as it closes — and the next `ingest` must open (or make) the database
// and leave it holding every file and every row of the inbox, each row
// accepted or rejected, as an ingest never interrupted does.
func TestKilledWhileMakingANewDatabase(t *testing.T) {
	inbox := filepath.Join(demoDatabase(t), "inbox")
	ref := filepath.Join(t.TempDir(), store.DefaultPath)
	if code, out := incubeval(t, "--db", ref, "ingest", inbox); code != exitOK {
		t.Fatalf("ingest on a new database: exit %d\n%s", code, out)
	}
	want := accounted(t, ref)
	// A new database's migrations are its first commits: 0001 … 0005,
	// 0007, 0008 (the ENUMs), 0009 … and the rest, then its views.
	built := len(sqlfiles.Migrations()) + 1
	for _, c := range []struct {
		name, point string
		made        bool // the database is at its path after the kill
	}{
		{"migrating, before the enums", "commit:3", false},
		{"migrating, after the enums", "commit:7", false},
		{"built, not yet in place", "create", false},
		{"the run recorded", fmt.Sprintf("commit:%d", built+1), true},
		{"files committed", fmt.Sprintf("commit:%d", built+3), true},
		{"closing", "close", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, store.DefaultPath)
			p := startPaused(t, c.point, "--db", db, "ingest", inbox)
			if err := p.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			<-p.done
			if _, err := os.Stat(db); (err == nil) != c.made {
				t.Fatalf("after the kill at %s: database there %v, want %v", c.point, err == nil, c.made)
			}
			code, out := incubeval(t, "--db", db, "ingest", inbox)
			if code != exitOK {
				t.Fatalf("the next ingest: exit %d\n%s", code, out)
			}
			if said := strings.Contains(out, "created a new database at"); said == c.made {
				t.Errorf("the next ingest says it created the database: %v, want %v\n%s", said, !c.made, out)
			}
			if got := accounted(t, db); got != want {
				t.Errorf("after the kill and the next ingest:\n%s\nwant, as an ingest never interrupted:\n%s", got, want)
			}
			for _, r := range ledger(t, db) {
				if strings.Contains(r, " running ") {
					t.Errorf("a row is left running: %q", r)
				}
			}
			if sn, err := store.ReadSnapshot(db); err != nil || !sn.Current(db) {
				t.Errorf("no current snapshot after the next ingest: %v", err)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".creating") {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}

// accounted is what an ingest of the inbox must leave, whatever
// interrupted it: the rows of every table but the run ledger, and each
// file's rows read, accepted and rejected (read = accepted + rejected).
func accounted(t *testing.T, db string) string {
	t.Helper()
	ctx := context.Background()
	st, lines := openCounted(t, db)
	defer st.Close()
	rows, err := st.DB.QueryContext(ctx, "SELECT file_name, rows_read, rows_accepted, rows_rejected FROM ingest_log ORDER BY ALL")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var read, accepted, rejected int
		if err := rows.Scan(&name, &read, &accepted, &rejected); err != nil {
			t.Fatal(err)
		}
		if read != accepted+rejected {
			t.Errorf("%s: %d rows read, %d accepted + %d rejected", name, read, accepted, rejected)
		}
		lines = append(lines, fmt.Sprintf("%s: %d = %d + %d", name, read, accepted, rejected))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// A database whose write-ahead log DuckDB cannot replay (here: a schema
// and a type in it, which DuckDB 1.1.2 fails on) is not damaged: a writer
// says so in plain words with what to do, `sql` reads the last snapshot
// meanwhile, and once the log is set aside as told, the next command works.
func TestUnreplayableLogIsExplained(t *testing.T) {
	db := copyDemo(t, t.TempDir())
	raw, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PRAGMA disable_checkpoint_on_shutdown", "CREATE SCHEMA s", "CREATE TYPE s.e AS ENUM ('a')"} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	inbox := filepath.Join(demoDatabase(t), "inbox")
	code, out := incubeval(t, "--db", db, "ingest", inbox)
	advice := "mv " + db + ".wal " + db + ".wal.unreplayable"
	if code != exitFail || !strings.Contains(out, "预写日志") || !strings.Contains(out, "cannot replay its write-ahead log") ||
		!strings.Contains(out, advice) || strings.Contains(out, "damaged") {
		t.Fatalf("ingest: exit %d\n%s", code, out)
	}
	code, stdout, stderr := incubeval3(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM ingest_log")
	if code != exitOK || lastLine(stdout) != "17" || !strings.Contains(stderr, "the database cannot be opened; reading the snapshot") {
		t.Fatalf("sql: exit %d %s%s", code, stdout, stderr)
	}
	if err := os.Rename(db+".wal", db+".wal.unreplayable"); err != nil {
		t.Fatal(err)
	}
	if code, out := incubeval(t, "--db", db, "ingest", inbox); code != exitOK || !strings.Contains(out, "17 already ingested") {
		t.Fatalf("ingest after the log was set aside: exit %d\n%s", code, out)
	}
	t.Logf("%s", firstLine(errorLine(out), 400))
}
