package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incubeval/incubeval/jobs"
	"github.com/incubeval/incubeval/pipeline/store"
)

// demoDB runs the demo into a fresh folder and returns the database path.
func demoDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("INCUBEVAL_DB", "")
	if code, out, stderr := runCLI(t, "demo", "--out", dir); code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, stderr)
	}
	return filepath.Join(dir, "incubeval.duckdb")
}

// tree lists every file and folder under dir with its size, and the
// target of each link.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		line := rel
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			line += " -> " + target
		case fi.Mode().IsRegular():
			line += fmt.Sprintf(" %d", fi.Size())
		}
		out = append(out, line)
		return nil
	})
	sort.Strings(out)
	return out
}

// dbState is what no sql may change: the bytes of the database, its
// snapshot and sidecar, and the rows of store.quarterly.
type dbState struct {
	hashes    map[string][32]byte
	quarterly int64
}

func stateOf(t *testing.T, db string) dbState {
	t.Helper()
	s := dbState{hashes: map[string][32]byte{}}
	for _, p := range []string{db, db + ".wal", store.SnapshotPath(db), store.SnapshotInfoPath(db), db + ".lock"} {
		if b, err := os.ReadFile(p); err == nil {
			s.hashes[filepath.Base(p)] = sha256.Sum256(b)
		}
	}
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.DB.QueryRow("SELECT count(*) FROM store.quarterly").Scan(&s.quarterly); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s dbState) same(o dbState) string {
	if s.quarterly != o.quarterly {
		return fmt.Sprintf("store.quarterly has %d rows, had %d", o.quarterly, s.quarterly)
	}
	for name, h := range s.hashes {
		if o.hashes[name] != h {
			return name + " changed"
		}
	}
	if len(o.hashes) != len(s.hashes) {
		return fmt.Sprintf("files %d, were %d", len(o.hashes), len(s.hashes))
	}
	return ""
}

// /etc files whose text must never come out of sql.
var etcMarkers = []string{"root:x:0:0", "root:*:", "root:!", "/etc/hosts", "/etc/passwd\n", "localhost"}

// Every way of making `sql` write, read outside the database or change a
// setting is refused with a message, in every format, with and without
// --live and from a -f file: the exit is not 0, no file appears anywhere
// in the folder (also not the --output), the database, its snapshot and
// store.quarterly are as before, and nothing of /etc comes out.
func TestSQLFailsClosedOnEveryPayload(t *testing.T) {
	db := demoDB(t)
	dir := filepath.Dir(db)
	snap := store.SnapshotPath(db)
	t.Chdir(dir) // a relative 'pwn.csv' lands where the check looks
	outDir := filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	pwn := filepath.Join(dir, "pwn.csv")
	payloads := []struct{ name, sql string }{
		{"breakout COPY", "SELECT 1) TO 'pwn.csv' (FORMAT csv); COPY (SELECT 1"},
		{"breakout COPY absolute", "SELECT 1) TO '" + pwn + "' (FORMAT csv); COPY (SELECT 1"},
		{"breakout ATTACH DELETE", "SELECT 1) TO '" + pwn + "' (FORMAT csv); ATTACH '" + db + "' AS real (READ_WRITE); DELETE FROM real.store.quarterly WHERE true; COPY (SELECT 1"},
		{"breakout onto the database", "SELECT 1) TO '" + db + "' (FORMAT csv); COPY (SELECT 1"},
		{"breakout ATTACH snapshot UPDATE", "SELECT 1) TO '" + pwn + "'; ATTACH '" + snap + "' AS s (READ_WRITE); UPDATE s.store.quarterly SET graduated = 0 WHERE true; COPY (SELECT 1"},
		{"breakout arrow CTAS", "SELECT 1); ATTACH '" + db + "' AS real (READ_WRITE); DELETE FROM real.store.quarterly WHERE true; SELECT * FROM (SELECT 1"},
		{"ATTACH READ_WRITE", "ATTACH '" + db + "' AS real (READ_WRITE)"},
		{"ATTACH snapshot UPDATE", "ATTACH '" + snap + "' AS s (READ_WRITE); UPDATE s.store.quarterly SET graduated = 0"},
		{"DELETE", "DELETE FROM store.quarterly"},
		{"CREATE TEMP", "CREATE TEMP TABLE t AS SELECT 1"},
		{"COPY TO", "COPY (SELECT 1) TO '" + pwn + "'"},
		{"COPY onto the database", "COPY store.quarterly TO '" + db + "'"},
		{"EXPORT DATABASE", "EXPORT DATABASE '" + filepath.Join(dir, "export") + "'"},
		{"read_text", "SELECT * FROM read_text('/etc/passwd')"},
		{"read_text shadow", "SELECT content FROM read_text('/etc/shadow')"},
		{"glob", "SELECT * FROM glob('/etc/*')"},
		{"read_csv", "SELECT * FROM read_csv('/etc/passwd')"},
		{"replacement scan", "FROM '/etc/passwd'"},
		{"read_blob", "SELECT * FROM read_blob('/etc/hosts')"},
		{"query() of a write", "SELECT * FROM query('ATTACH ''" + db + "'' AS real (READ_WRITE)')"},
		{"SET", "SET enable_external_access = true"},
		{"SET memory", "SET memory_limit = '100GB'"},
		{"RESET", "RESET ALL"},
		{"PRAGMA", "PRAGMA enable_profiling"},
		{"PRAGMA read", "PRAGMA database_list"},
		{"INSTALL", "INSTALL httpfs"},
		{"LOAD", "LOAD httpfs"},
		{"LOAD a file", "LOAD '" + filepath.Join(dir, "evil.duckdb_extension") + "'"},
		{"CALL", "CALL checkpoint()"},
		{"CHECKPOINT", "CHECKPOINT"},
		{"comment hides a DELETE", "SELECT 1 -- nothing here\n; DELETE FROM store.quarterly"},
		{"block comment hides a DROP", "SELECT 1 /* ; */; DROP TABLE store.quarterly"},
		{"script ends with a write", "SELECT 1; SELECT 2; CREATE TABLE x AS SELECT 1"},
		{"script reads /etc", "SELECT 1; SELECT * FROM read_text('/etc/passwd')"},
		{"unbalanced quote", "SELECT 'abc"},
		{"unbalanced double quote", "SELECT \"abc FROM carriers"},
		{"unbalanced paren", "SELECT (1"},
		{"extra paren", "SELECT 1)"},
		{"unterminated comment", "SELECT 1 /* and then"},
		{"unterminated dollar", "SELECT $$x"},
		{"NUL byte", "SELECT 1\x00; DROP TABLE store.quarterly"},
		{"PIVOT creates a type", "PIVOT carriers ON district USING count(*)"},
	}
	formats := map[string]string{"table": "txt", "csv": "csv", "json": "json", "ndjson": "ndjson", "parquet": "parquet", "arrow": "arrows", "xlsx": "xlsx"}
	before := stateOf(t, db)
	files := tree(t, dir)
	for i, p := range payloads {
		script := filepath.Join(t.TempDir(), "payload.sql")
		if err := os.WriteFile(script, []byte(p.sql), 0o644); err != nil {
			t.Fatal(err)
		}
		// The 21 runs of a payload go three at a time: each opens its own
		// DuckDB reader, as separate processes would.
		var wg sync.WaitGroup
		sem := make(chan struct{}, 3)
		for format, ext := range formats {
			for _, mode := range []string{"", "--live", "-f"} {
				args := []string{"--db", db, "sql", "--format", format, "-o", filepath.Join(outDir, fmt.Sprintf("r%d.%s", i, ext))}
				switch mode {
				case "--live":
					args = append(args, "--live", p.sql)
				case "-f":
					args = append(args, "-f", script)
				default:
					args = append(args, p.sql)
				}
				what := fmt.Sprintf("%s, %s %s", p.name, format, mode)
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					code, out, stderr := runCLI(t, args...)
					if code == exitOK {
						t.Errorf("%s: ran (exit 0)\n%s", what, stderr)
					}
					if !strings.Contains(stderr, "incubeval: ") {
						t.Errorf("%s: no message: %q", what, stderr)
					}
					for _, m := range etcMarkers {
						if strings.Contains(out, m) || strings.Contains(stderr, m) && !strings.Contains(p.sql, m) {
							t.Errorf("%s: %q from /etc came out:\n%s\n%s", what, m, out, stderr)
						}
					}
				}()
			}
		}
		wg.Wait()
		if got := tree(t, dir); strings.Join(got, "\n") != strings.Join(files, "\n") {
			t.Fatalf("%s: files changed\nbefore %q\nafter  %q", p.name, files, got)
		}
		if diff := before.same(stateOf(t, db)); diff != "" {
			t.Fatalf("%s: %s", p.name, diff)
		}
	}
}

// A parse error is DuckDB's message with a caret under the position, and
// the text is not run.
func TestSQLParseErrorIsShownNotRun(t *testing.T) {
	db := mustSQLDB(t)
	code, _, stderr := runCLI(t, "--db", db, "sql", "SELECT 1) TO 'pwn.csv' (FORMAT csv); COPY (SELECT 1")
	want := "LINE 1: SELECT 1) TO 'pwn.csv' (FORMAT csv); COPY (SELECT 1\n                ^"
	if code != exitFail || !strings.Contains(stderr, `Parser Error: syntax error at or near ")"`) || !strings.Contains(stderr, want) ||
		!strings.Contains(stderr, "the query was not run") {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "--db", db, "sql", "SELECT 1,\n  '城关区' AS 区 FROM samples WHERE\n  id = = 2")
	want = "LINE 3:   id = = 2\n               ^"
	if code != exitFail || !strings.Contains(stderr, want) {
		t.Fatalf("line 3: exit %d:\n%s", code, stderr)
	}
}

// Queries that DuckDB's printer writes back differently still run in
// arrow and parquet when the syntax tree is the same (named parameters,
// ORDER BY, ORDER BY ALL, GROUP BY ALL, FROM-first, DESCRIBE, SUMMARIZE,
// a CTE); one whose tree would change is refused, not run differently.
func TestSQLArrowAndParquetRunTheParsedQuery(t *testing.T) {
	db := mustSQLDB(t)
	dir := t.TempDir()
	for i, q := range []struct {
		args []string
		rows int64
	}{
		{[]string{"--param", "min=2", "SELECT id, name FROM samples WHERE id >= $min ORDER BY id DESC"}, 4},
		{[]string{"SELECT ok, count(*) AS n FROM samples GROUP BY ALL ORDER BY ALL"}, 3},
		{[]string{"FROM samples SELECT name ORDER BY score DESC NULLS LAST LIMIT 2"}, 2},
		{[]string{"DESCRIBE samples"}, 8},
		{[]string{"WITH a AS (SELECT * FROM samples) SELECT count(*) FROM a"}, 1},
		{[]string{"SUMMARIZE samples"}, 8},
		{[]string{"SELECT '1e10'::DOUBLE AS x"}, 1},
	} {
		for _, ext := range []string{"parquet", "arrows"} {
			out := filepath.Join(dir, fmt.Sprintf("q%d.%s", i, ext))
			args := append([]string{"--db", db, "sql", "-o", out}, q.args...)
			if code, _, stderr := runCLI(t, args...); code != exitOK {
				t.Errorf("%v: exit %d: %s", q.args, code, stderr)
			}
		}
		st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		err = st.DB.QueryRow("SELECT count(*) FROM read_parquet('" + filepath.Join(dir, fmt.Sprintf("q%d.parquet", i)) + "')").Scan(&n)
		st.Close()
		if err != nil || n != q.rows {
			t.Errorf("%v: %d rows, want %d (%v)", q.args, n, q.rows, err)
		}
	}
	// 1e10 is a DOUBLE to the parser but prints back as a DECIMAL: the
	// tree would change, so arrow and parquet refuse it; csv runs it.
	for _, ext := range []string{"parquet", "arrows"} {
		out := filepath.Join(dir, "e."+ext)
		code, _, stderr := runCLI(t, "--db", db, "sql", "-o", out, "SELECT 1e10 AS x")
		if code != exitFail || !strings.Contains(stderr, "does not print this query back exactly") {
			t.Errorf("1e10 %s: exit %d %s", ext, code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("1e10 %s: %s written", ext, out)
		}
	}
	if code, out, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT 1e10 AS x"); code != exitOK || out != "x\n10000000000\n" {
		t.Errorf("1e10 csv: exit %d %q", code, out)
	}
}

// --output cannot name the database or any of its files, through links,
// "..", or a planted OUTPUT.tmp.
func TestSQLOutputCannotReachTheDatabase(t *testing.T) {
	db := mustSQLDB(t)
	dbDir := filepath.Dir(db)
	archive := filepath.Join(dbDir, "archive", "ab")
	if err := os.MkdirAll(archive, 0o755); err != nil {
		t.Fatal(err)
	}
	archived := filepath.Join(archive, "abcdef.csv")
	os.WriteFile(archived, []byte("a,b\n"), 0o444)
	os.WriteFile(jobs.DaemonLockPath(db), []byte("4242 incubeval schedule\n"), 0o644)
	os.WriteFile(jobs.PendingPath(db), []byte("{}\n"), 0o644)
	os.WriteFile(db+".lock", nil, 0o644)
	work := t.TempDir()
	t.Chdir(work)
	link := filepath.Join(work, "L")
	os.Symlink(dbDir, link)
	os.Symlink(db, filepath.Join(work, "out.csv"))
	os.Symlink(filepath.Join(dbDir, "archive"), filepath.Join(work, "A"))
	os.Mkdir(filepath.Join(dbDir, "sub"), 0o755)
	deep := filepath.Join(work, "deep", "er")
	os.MkdirAll(deep, 0o755)
	os.Symlink(archive, filepath.Join(work, "toArchive"))

	before := stateOf(t, db)
	hashes := map[string][32]byte{}
	for _, p := range []string{archived, jobs.DaemonLockPath(db), jobs.PendingPath(db)} {
		b, _ := os.ReadFile(p)
		hashes[p] = sha256.Sum256(b)
	}
	for _, out := range []string{
		db,
		"L/" + filepath.Base(db),
		"L/./" + filepath.Base(db) + ".wal",
		filepath.Join(dbDir, "sub", "..", filepath.Base(db)),
		"toArchive/../../" + filepath.Base(db), // ".." after the link: the database's folder
		"out.csv",                              // a link to the database
		db + ".wal",
		db + ".snapshot",
		db + ".snapshot.tmp",
		db + ".snapshot.json",
		db + ".lock",
		jobs.DaemonLockPath(db),
		jobs.PendingPath(db),
		db + ".tmp",
		archived,
		filepath.Join(archive, "new.csv"),
		"A/ab/abcdef.csv",
		"toArchive/x.parquet",
		filepath.Join(dbDir, "archive"),
		dbDir,
	} {
		for _, format := range []string{"csv", "parquet"} {
			code, _, stderr := runCLI(t, "--db", db, "sql", "--format", format, "-o", out, "SELECT 1 AS a")
			if code != exitUsage || !strings.Contains(stderr, "--output") {
				t.Errorf("-o %s (%s): exit %d: %s", out, format, code, stderr)
			}
		}
	}
	if diff := before.same(stateOf(t, db)); diff != "" {
		t.Fatal(diff)
	}
	for p, h := range hashes {
		if b, _ := os.ReadFile(p); sha256.Sum256(b) != h {
			t.Errorf("%s changed", p)
		}
	}
	if fi, err := os.Lstat(filepath.Join(work, "out.csv")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link out.csv was replaced")
	}

	// A link planted under the old temporary name (OUTPUT.tmp) is never
	// followed: the result goes to OUTPUT, the link and the database stay.
	os.Symlink(db, filepath.Join(work, "res.csv.tmp"))
	if code, _, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", "-o", "res.csv", "SELECT 1 AS a"); code != exitOK {
		t.Fatalf("res.csv: exit %d %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(work, "res.csv")); string(b) != "a\n1\n" {
		t.Errorf("res.csv = %q", b)
	}
	if target, err := os.Readlink(filepath.Join(work, "res.csv.tmp")); err != nil || target != db {
		t.Errorf("res.csv.tmp: %q %v", target, err)
	}
	// ".." is taken after the link before it, as the kernel does: deep/er
	// is not the database's folder, so deep/x.csv is written.
	os.Symlink(deep, filepath.Join(work, "D"))
	if code, _, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", "-o", "D/../x.csv", "SELECT 2 AS b"); code != exitOK {
		t.Fatalf("D/../x.csv: exit %d %s", code, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(work, "deep", "x.csv")); err != nil || string(b) != "b\n2\n" {
		t.Errorf("deep/x.csv = %q %v", b, err)
	}
	if diff := before.same(stateOf(t, db)); diff != "" {
		t.Fatal(diff)
	}

	// The REPL's .output goes through the same check.
	r, _, errb, _ := replFor(t, db)
	lr := &scriptReader{lines: []string{".output " + db + ".lock", ".output L/" + filepath.Base(db), "SELECT 1;"}}
	if err := r.loop(context.Background(), lr); err != nil {
		t.Fatal(err)
	}
	if strings.Count(errb.String(), "would overwrite the database") != 2 {
		t.Errorf("REPL .output: %s", errb)
	}
	if diff := before.same(stateOf(t, db)); diff != "" {
		t.Fatal(diff)
	}
}

// A lock file left with the pid of a live process that holds no lock (a
// killed writer's pid reused) is no writer: sql reads the current
// database, not "a newer one is being written".
func TestSQLStaleLockFileIsNoWriter(t *testing.T) {
	db := mustSQLDB(t)
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(db, later, later); err != nil { // the snapshot is older than the database
		t.Fatal(err)
	}
	for _, pid := range []int{os.Getpid(), 1} {
		os.WriteFile(db+".lock", []byte(fmt.Sprintf("%d incubeval assess\n", pid)), 0o644)
		code, _, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT 1")
		if code != exitOK || strings.Contains(stderr, "is writing a newer one") || !strings.Contains(stderr, "reading the database itself") {
			t.Errorf("pid %d: exit %d: %s", pid, code, stderr)
		}
	}
}

// A database that cannot be opened (its header overwritten) is not the
// end: sql reads the last published snapshot and says so, also with
// --live; a snapshot that cannot be opened gives way to the database.
func TestSQLReadsTheSnapshotWhenTheDatabaseIsDamaged(t *testing.T) {
	db := mustSQLDB(t)
	good, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	damage := func(path string) {
		t.Helper()
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteAt(bytes.Repeat([]byte{0xA5}, 8192), 0)
		f.Close()
	}
	damage(db)
	for _, live := range []bool{false, true} {
		args := []string{"--db", db, "sql", "--format", "csv", "SELECT count(*) AS n FROM samples"}
		if live {
			args = append(args, "--live")
		}
		code, out, stderr := runCLI(t, args...)
		if code != exitOK || out != "n\n5\n" || !strings.Contains(stderr, "the database cannot be opened") ||
			!strings.Contains(stderr, "reading the snapshot of ") || !strings.Contains(stderr, "数据库无法打开") {
			t.Errorf("live %v: exit %d %q\n%s", live, code, out, stderr)
		}
	}
	// Now the other way round: the snapshot is damaged, the database good.
	if err := os.WriteFile(db, good, 0o644); err != nil {
		t.Fatal(err)
	}
	sn, err := store.ReadSnapshot(db)
	if err != nil {
		t.Fatal(err)
	}
	// The sidecar still describes this database file: the snapshot is
	// "current", so it is what sql opens first.
	os.Chtimes(db, sn.Database.Modified, sn.Database.Modified)
	damage(store.SnapshotPath(db))
	code, out, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) AS n FROM samples")
	if code != exitOK || out != "n\n5\n" || !strings.Contains(stderr, "snapshot cannot be opened; reading the database itself") {
		t.Errorf("damaged snapshot: exit %d %q\n%s", code, out, stderr)
	}
	// Both damaged: a failure, with DuckDB's reason.
	damage(db)
	code, _, stderr = runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT 1")
	if code != exitFail || !strings.Contains(stderr, "incubeval: ") {
		t.Errorf("both damaged: exit %d %s", code, stderr)
	}
}

// Cell text in the table format (and so in the REPL) cannot move the
// cursor or fake a line: control characters come out escaped. CSV and
// JSON keep the bytes exact.
func TestSQLTableEscapesControlCharacters(t *testing.T) {
	db := mustSQLDB(t)
	q := "SELECT e'\\x1b[2J\\x1b[31mred\\nloaded x.csv: 999 read' AS \"col\x1b[0m\", chr(8238) || 'evil' AS b"
	code, out, stderr := runCLI(t, "--db", db, "sql", "--format", "table", q)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.ContainsAny(out, "\x1b\u202e") || strings.Contains(out, "\nloaded x.csv") || !strings.Contains(out, `\x1b[31mred\nloaded x.csv: 999 read`) {
		t.Errorf("table:\n%s", out)
	}
	_, out, _ = runCLI(t, "--db", db, "sql", "--format", "csv", q)
	if !strings.Contains(out, "\x1b[31mred\nloaded x.csv: 999 read") {
		t.Errorf("csv must keep the bytes: %q", out)
	}
	r, rout, _, _ := replFor(t, db)
	if err := r.loop(context.Background(), &scriptReader{lines: []string{q + ";"}}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(rout.String(), "\x1b\u202e") {
		t.Errorf("REPL table: %q", rout)
	}
}
