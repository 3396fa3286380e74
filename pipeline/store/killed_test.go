package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// A new database whose first writer is killed — while the database is
// being made, or once it was made and the writer had committed work —
// opens at the next attempt, holding every migration and what had been
// committed; nothing of the attempt is left beside it.
func TestNewDatabaseOpensAfterItsFirstWriterIsKilled(t *testing.T) {
	if db := os.Getenv("STORE_TEST_KILLED_CREATOR"); db != "" {
		killedCreatorChild(db)
		return
	}
	for _, c := range []struct {
		name  string
		pause string // the test hook's point the child is killed at; "": it kills itself after a commit
		// made: the database exists after the kill, holding the child's commit
		made bool
	}{
		{"after its first commit", "", true},
		{"while the database is made", "commit:3", false},
		{"once made, before it is put in place", "create", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "x.duckdb")
			said, err := runChild(t, "TestNewDatabaseOpensAfterItsFirstWriterIsKilled",
				[]string{"STORE_TEST_KILLED_CREATOR=" + db, "INCUBEVAL_TEST_PAUSE=" + c.pause},
				func(cmd *exec.Cmd, line string) {
					if c.pause != "" && strings.Contains(line, "test hook: paused at "+c.pause) {
						cmd.Process.Signal(syscall.SIGKILL)
					}
				})
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child: %v, want killed\n%s", err, strings.Join(said, "\n"))
			}

			ctx := context.Background()
			st, err := store.Open(ctx, db, store.Options{})
			if err != nil {
				t.Fatalf("the next open: %v", err)
			}
			if st.Created == c.made {
				t.Errorf("Created = %v after the kill", st.Created)
			}
			var migrations, committed int
			if err := st.DB.QueryRow("SELECT count(*) FROM store.schema_migrations").Scan(&migrations); err != nil {
				t.Fatal(err)
			}
			if err := st.DB.QueryRow("SELECT count(*) FROM store.meta WHERE key = 'killed-child'").Scan(&committed); err != nil {
				t.Fatal(err)
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			if migrations != len(sqlfiles.Migrations()) {
				t.Errorf("%d migrations recorded, want %d", migrations, len(sqlfiles.Migrations()))
			}
			if want := map[bool]int{true: 1, false: 0}[c.made]; committed != want {
				t.Errorf("the child's commit: %d rows, want %d", committed, want)
			}
			for _, name := range listDir(t, dir) {
				if strings.Contains(name, "creating") {
					t.Errorf("left behind: %s", name)
				}
			}
		})
	}
}

// killedCreatorChild makes the database at db, commits a row and kills
// itself, as SIGKILL would: no close, no checkpoint. With the test hook
// set, it is killed at the pause before that.
func killedCreatorChild(db string) {
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		os.Exit(1)
	}
	if err := st.Exec(ctx, "INSERT INTO store.meta VALUES ('killed-child', 'committed')"); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// A database that appears at the path while a new one is being built
// (put there by something that does not take the writer's lock: a copy
// restored by hand) is opened, never replaced by the new one.
func TestNewDatabaseNeverReplacesOneThatAppeared(t *testing.T) {
	if db := os.Getenv("STORE_TEST_RACED_CREATOR"); db != "" {
		ctx := context.Background()
		st, err := store.Open(ctx, db, store.Options{})
		if err == nil {
			err = st.Exec(ctx, "INSERT INTO store.meta VALUES ('raced-child', 'committed')")
			fmt.Fprintln(os.Stderr, "child: created", st.Created)
			err = errors.Join(err, st.Close())
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	other := filepath.Join(t.TempDir(), "other.duckdb")
	mustWrite(t, other, "CREATE TABLE appeared AS SELECT 42 AS i")
	release := filepath.Join(t.TempDir(), "release")
	said, err := runChild(t, "TestNewDatabaseNeverReplacesOneThatAppeared",
		[]string{"STORE_TEST_RACED_CREATOR=" + db, "INCUBEVAL_TEST_PAUSE=create", "INCUBEVAL_TEST_PAUSE_RELEASE=" + release},
		func(cmd *exec.Cmd, line string) {
			if !strings.Contains(line, "test hook: paused at create") {
				return
			}
			b, err := os.ReadFile(other)
			if err == nil {
				err = os.WriteFile(db, b, 0o644)
			}
			if err == nil {
				err = os.WriteFile(release, nil, 0o644)
			}
			if err != nil {
				cmd.Process.Kill()
				t.Fatal(err)
			}
		})
	if err != nil || !strings.Contains(strings.Join(said, "\n"), "child: created false") {
		t.Fatalf("child: %v\n%s", err, strings.Join(said, "\n"))
	}
	if n := count(t, db, "SELECT count(*) FROM appeared WHERE i = 42"); n != 1 {
		t.Fatalf("the database that appeared: %d rows, want 1", n)
	}
	if n := count(t, db, "SELECT count(*) FROM store.meta WHERE key = 'raced-child'"); n != 1 {
		t.Fatalf("the child's commit: %d rows, want 1", n)
	}
	for _, name := range listDir(t, dir) {
		if strings.Contains(name, "creating") {
			t.Errorf("left behind: %s", name)
		}
	}
}

// rawDuckDB runs stmts on the file at path with DuckDB alone and closes
// it, checkpointing it unless keepLog: then what the statements did stays
// in the write-ahead log, as after a kill.
func rawDuckDB(t *testing.T, path string, keepLog bool, stmts ...string) {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	if keepLog {
		stmts = append([]string{"PRAGMA disable_checkpoint_on_shutdown"}, stmts...)
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// DuckDB 1.1.2 cannot replay a log that creates a schema and then a type
// in it. Open says so in plain words, with what to do, rather than
// DuckDB's error alone; doing it opens the database as it was at its last
// checkpoint. A reader is told the same.
func TestUnreplayableLogIsExplained(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	rawDuckDB(t, db, false, "CREATE TABLE kept AS SELECT 1 AS i")
	rawDuckDB(t, db, true, "CREATE SCHEMA s", "CREATE TYPE s.e AS ENUM ('a', 'b')", "INSERT INTO kept VALUES (2)")
	ctx := context.Background()
	for _, opts := range []store.Options{{}, {ReadOnly: true}} {
		_, err := store.Open(ctx, db, opts)
		var le *store.LogReplayError
		if !errors.As(err, &le) || store.IsCorrupt(err) {
			t.Fatalf("open (read-only %v): %v, want a LogReplayError", opts.ReadOnly, err)
		}
		for _, w := range []string{"预写日志", "write-ahead log", "mv " + db + ".wal " + db + ".wal.unreplayable", "checks out", "Schema with name s does not exist"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("message lacks %q: %s", w, err)
			}
		}
	}
	if err := os.Rename(db+".wal", db+".wal.unreplayable"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "SELECT count(*) FROM kept"); n != 1 {
		t.Fatalf("after the log was set aside: %d rows, want the 1 checkpointed", n)
	}
}

// A database file that is damaged is reported as damaged even when its
// log does not replay either: the damage is what needs the restore.
func TestDamagedFileWithUnreplayableLogIsDamaged(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	rawDuckDB(t, db, false, "CREATE TABLE kept AS SELECT range AS x, md5(range::VARCHAR) AS s FROM range(200000)")
	var block int64
	if n := count(t, db, "SELECT max(block_id) FROM pragma_storage_info('kept') WHERE column_name = 's' AND block_id >= 0"); n > 0 {
		block = n
	} else {
		t.Fatal("no data block")
	}
	rawDuckDB(t, db, true, "CREATE SCHEMA s", "CREATE TYPE s.e AS ENUM ('a', 'b')")
	// A block of the table's data, which DuckDB reads only when a query
	// needs it: the open itself fails on the log.
	f, err := os.OpenFile(db, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("damaged damaged damaged"), 12288+block*262144+4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = store.Open(context.Background(), db, store.Options{})
	var ce *store.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("open: %v, want a CorruptError", err)
	}
}

// A database file that exists but holds nothing yet (an empty DuckDB
// file, or one whose unreplayable log was set aside) is migrated in
// place: its schema is checkpointed before any migration, so that the
// types the migrations create replay after a kill.
func TestMigratingAnEmptyFileSurvivesAKill(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	rawDuckDB(t, db, false)
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Created {
		t.Error("an existing file counted as created")
	}
	// Reopen closes without a checkpoint, as a kill would leave it, and
	// replays the log.
	if err := st.Reopen(ctx); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	st.Close()
}

// A write-ahead log left by a database that was removed is not replayed
// into the new database made at its path (DuckDB, making a file itself,
// deletes it).
func TestNewDatabaseIgnoresAnOrphanLog(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	rawDuckDB(t, db, true, "CREATE TABLE old AS SELECT 1 AS i")
	if err := os.Remove(db); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB.QueryRow("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'old'").Scan(&n); err != nil || n != 0 || !st.Created {
		t.Fatalf("the new database: old tables %d (%v), created %v", n, err, st.Created)
	}
}

// runChild runs this test binary's test named test as a child process
// with env added, calls onLine with each line it writes on standard error
// (where the test hooks say they have paused), and returns those lines
// and how it ended.
func runChild(t *testing.T, test string, env []string, onLine func(cmd *exec.Cmd, line string)) ([]string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var said []string
	for sc.Scan() {
		said = append(said, sc.Text())
		onLine(cmd, sc.Text())
	}
	return said, cmd.Wait()
}
