package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

func TestJobsCommands(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // no incubeval.yaml here: built-in defaults
	db := filepath.Join(dir, "x.duckdb")

	code, out, stderr := runCLI(t, "--db", db, "jobs", "list")
	if code != exitOK || !strings.Contains(out, "CRON_TZ=Asia/Shanghai 0 2 16 1,4,7,10 *") || !strings.Contains(out, "deadline-reminder") {
		t.Fatalf("jobs list: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, args := range [][]string{
		{"jobs", "run", "no-such-job"},
		{"jobs", "run"},
		{"jobs", "frobnicate"},
		{"jobs", "history", "--log-format", "xml"},
		{"schedule", "extra"},
	} {
		if code, _, stderr := runCLI(t, append([]string{"--db", db}, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, stderr)
		}
	}

	// The reminder needs a database: with none it fails and makes none.
	code, out, stderr = runCLI(t, "--db", db, "jobs", "run", "deadline-reminder")
	if _, err := os.Stat(db); code != exitFail || !strings.Contains(stderr, "no database") || err == nil {
		t.Fatalf("jobs run without a database: exit %d (database there: %v)\n%s\n%s", code, err == nil, out, stderr)
	}
	// A command that writes is in the ledger too, with the rows it loaded.
	csv := filepath.Join(dir, "registry.csv")
	os.WriteFile(csv, []byte("载体编号,载体名称,运营主体统一社会信用代码,运营主体名称,区县,载体类型,类别,级别,认定日期\n"+
		"LZ-ZC-0001,兰州青创众创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31\n"), 0o644)
	if code, out, _ := runCLI(t, "--db", db, "ingest", csv); code != exitOK {
		t.Fatalf("ingest: %s", out)
	}
	code, out, stderr = runCLI(t, "--db", db, "jobs", "run", "deadline-reminder")
	if code != exitOK || !strings.Contains(out, "deadline-reminder: ok (run 3") || !strings.Contains(stderr, "deadline-reminder") {
		t.Fatalf("jobs run: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, "--db", db, "jobs", "history")
	if code != exitOK || !strings.Contains(out, "(3 runs)") {
		t.Fatalf("history: exit %d\n%s", code, out)
	}
	lines := strings.Split(out, "\n")
	if !strings.Contains(strings.Join(lines[:4], "\n"), "deadline-reminder") || !strings.Contains(out, "command") || !strings.Contains(out, "manual") {
		t.Fatalf("history, newest first:\n%s", out)
	}
	code, out, _ = runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT job, status, rows_ingested, json_extract_string(args, '$.trigger') FROM runs ORDER BY run_id")
	if code != exitOK || !strings.Contains(out, "deadline-reminder,failed,,manual") || !strings.Contains(out, "deadline-reminder,ok,,manual") || !strings.Contains(out, "ingest,ok,1,command") {
		t.Fatalf("runs view: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "--db", db, "jobs", "history", "--job", "quarterly-sweep")
	if code != exitOK || !strings.Contains(out, "(0 runs)") {
		t.Fatalf("history --job: exit %d\n%s", code, out)
	}

	// A configuration with a typo is refused with its line.
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("database: x.duckdb\njobs:\n  publish:\n    shedule: \"0 18 30 11 *\"\n"), 0o644)
	code, _, stderr = runCLI(t, "jobs", "list", "--config", bad)
	if code != exitFail || !strings.Contains(stderr, "bad.yaml:4:5") {
		t.Fatalf("bad config: exit %d %s", code, stderr)
	}
}

// A manual command that finds the scheduler's job holding the database
// says whose job it is and exits 75.
func TestCommandFindsTheSchedulersJob(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	st, err := store.Open(context.Background(), db, store.Options{Holder: "incubeval schedule, job yearly-assessment / 调度任务 yearly-assessment"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, _, stderr := runCLI(t, "--db", db, "assess", "--year", "2025")
	if code != exitBusy || !strings.Contains(stderr, "incubeval schedule, job yearly-assessment") || !strings.Contains(stderr, "try again") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, out, stderr := runCLI(t, "--db", db, "jobs", "run", "publish")
	if code != exitBusy || !strings.Contains(out, "publish: skipped") || !strings.Contains(stderr, "job yearly-assessment") {
		t.Fatalf("jobs run on a held database: exit %d\n%s\n%s", code, out, stderr)
	}
}
