package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gofrs/flock"

	"github.com/incubeval/incubeval/pipeline/sample"
)

// runCLI runs the command line in-process.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"ingest"},
		{"ingest", "--kind", "nonsense", "x.csv"},
		{"sql"},
		{"sql", "--format", "yaml", "SELECT 1"},
		{"--no-such-flag"},
		{"demo"},
	} {
		code, _, stderr := runCLI(t, append([]string{"--db", filepath.Join(t.TempDir(), "x.duckdb")}, args...)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, stderr)
		}
	}
}

func TestIngestMissingPathFails(t *testing.T) {
	code, _, stderr := runCLI(t, "--db", filepath.Join(t.TempDir(), "x.duckdb"), "ingest", "/no/such/file.csv")
	if code != exitFail || !strings.Contains(stderr, "/no/such/file.csv") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// TestDemoEndToEnd runs `incubeval demo` in-process and checks every row of
// the sample is accounted for, the planted bad rows are rejected, the
// rejects workbook exists and `sql` reads the result.
func TestDemoEndToEnd(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("INCUBEVAL_DB", "")
	code, out, stderr := runCLI(t, "demo", "--out", dir)
	if code != exitOK {
		t.Fatalf("demo exit %d\n%s\n%s", code, out, stderr)
	}
	db := filepath.Join(dir, "incubeval.duckdb")
	if _, err := os.Stat(filepath.Join(dir, "rejects-batch-1.xlsx")); err != nil {
		t.Fatalf("no rejects workbook: %v", err)
	}
	m := regexp.MustCompile(`rows (\d+) read = (\d+) accepted \+ (\d+) rejected`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no total line in:\n%s", out)
	}
	read, _ := strconv.Atoi(m[1])
	acc, _ := strconv.Atoi(m[2])
	rej, _ := strconv.Atoi(m[3])
	// Every planted bad row is rejected; a duplicated quarter rejects both
	// of its rows, so one more row than planted.
	if read != acc+rej || rej != sample.DemoRejectedRows+1 {
		t.Fatalf("read %d accepted %d rejected %d; want rejected = %d", read, acc, rej, sample.DemoRejectedRows+1)
	}
	code, csv, stderr := runCLI(t, "--db", db, "sql", "--format", "csv",
		"SELECT sum(rows_read), sum(rows_accepted), sum(rows_rejected) FROM ingest_log")
	if code != exitOK || strings.TrimSpace(strings.Split(csv, "\n")[1]) != m[1]+","+m[2]+","+m[3] {
		t.Fatalf("sql exit %d: %q %s", code, csv, stderr)
	}
	bad, err := sample.DemoBadRows()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		q := "SELECT count(*) FROM rejects WHERE file_name = '" + filepath.Base(b.File) + "' AND coalesce(sheet, '') = '" + b.Sheet + "' AND row_no = " + strconv.Itoa(b.Row)
		_, n, _ := runCLI(t, "--db", db, "sql", "--format", "csv", q)
		if strings.TrimSpace(strings.Split(n, "\n")[1]) == "0" {
			t.Errorf("planted bad row not rejected: %+v", b)
		}
	}
	// The table format aligns and counts rows.
	_, table, _ := runCLI(t, "--db", db, "sql", "--format", "table", "SELECT district, count(*) AS n FROM carriers GROUP BY 1 ORDER BY 1")
	if !strings.Contains(table, "城关区") || !strings.Contains(table, "(9 rows)") {
		t.Fatalf("table output:\n%s", table)
	}
	// Running the demo again over the same folder is a no-op for the data.
	code, out, _ = runCLI(t, "demo", "--out", dir)
	if code != exitOK || !strings.Contains(out, "17 already ingested") {
		t.Fatalf("second demo: exit %d\n%s", code, out)
	}
}

// TestBinary builds the real binary and runs it as a user would: the demo,
// a pipe (no progress bar in the output), and a database held by another
// process (exit 75 with a readable message).
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "incubeval")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "demo", "--out", dir)
	cmd.Env = append(os.Environ(), "INCUBEVAL_DB=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("\x1b[")) || bytes.Contains(out, []byte("\r")) {
		t.Fatalf("piped output holds terminal control codes:\n%q", out)
	}
	db := filepath.Join(dir, "incubeval.duckdb")

	// Another process holds the writer's lock: exit 75, a sentence a person reads.
	lock := flock.New(db + ".lock")
	if ok, err := lock.TryLock(); !ok || err != nil {
		t.Fatalf("lock: %v", err)
	}
	os.WriteFile(db+".lock", []byte("4242\n"), 0o644)
	cmd = exec.Command(bin, "--db", db, "ingest", filepath.Join(dir, "inbox"))
	out, err = cmd.CombinedOutput()
	lock.Unlock()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitBusy {
		t.Fatalf("want exit 75, got %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "in use by another incubeval process (pid 4242)") {
		t.Fatalf("message: %s", out)
	}
	// A malformed file in a batch: exit 1, the rest loaded.
	bad := filepath.Join(t.TempDir(), "bad.xlsx")
	os.WriteFile(bad, []byte("not a workbook"), 0o644)
	cmd = exec.Command(bin, "--db", db, "ingest", bad)
	out, err = cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFail || !strings.Contains(string(out), "REJECTED") {
		t.Fatalf("want exit 1 with REJECTED, got %v\n%s", err, out)
	}
}

// TestDemoNeverWritesIntoTheBureausDatabase: with INCUBEVAL_DB exported (as
// the README suggests for analysts), demo still makes its own database in
// --out; a --db naming a database that holds other data is refused and
// left as it was.
func TestDemoNeverWritesIntoTheBureausDatabase(t *testing.T) {
	dir := t.TempDir()
	prod := filepath.Join(dir, "prod", "incubeval.duckdb")
	os.MkdirAll(filepath.Dir(prod), 0o755)
	reg := filepath.Join(dir, "registry.csv")
	if err := os.WriteFile(reg, []byte(registryCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "--db", prod, "ingest", reg); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, stderr)
	}
	carriers := func() string {
		_, out, _ := runCLI(t, "--db", prod, "sql", "--live", "--format", "csv", "SELECT count(*), min(name) FROM carriers")
		return out
	}
	before := carriers()

	t.Setenv("INCUBEVAL_DB", prod)
	code, out, stderr := runCLI(t, "demo", "--out", filepath.Join(dir, "try"))
	if code != exitOK || !strings.Contains(out, filepath.Join(dir, "try", "incubeval.duckdb")) {
		t.Fatalf("demo with INCUBEVAL_DB set: exit %d\n%s\n%s", code, out, stderr)
	}
	if got := carriers(); got != before {
		t.Fatalf("demo wrote into $INCUBEVAL_DB: carriers %q, were %q", got, before)
	}

	code, out, stderr = runCLI(t, "--db", prod, "demo", "--out", filepath.Join(dir, "try2"))
	if code != exitFail || !strings.Contains(stderr, "not a demo database") {
		t.Fatalf("demo --db <the bureau's database>: exit %d\n%s\n%s", code, out, stderr)
	}
	if got := carriers(); got != before {
		t.Fatalf("demo --db wrote into the bureau's database: carriers %q, were %q", got, before)
	}
}
