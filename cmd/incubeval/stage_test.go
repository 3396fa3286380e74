package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ledgerRow reads the latest ledger row of job: its files (relative to
// base), the hashes' paths (likewise) and the args the stage records.
func ledgerRow(t *testing.T, db, job, base string) (files, hashed []string, args map[string]any, rows string) {
	t.Helper()
	code, out, stderr := runCLI(t, "--db", db, "sql", "--format", "json",
		"SELECT files_written, args, rows_ingested::VARCHAR AS rows FROM runs WHERE job = '"+job+"' ORDER BY run_id DESC LIMIT 1")
	if code != exitOK {
		t.Fatalf("runs: exit %d %s", code, stderr)
	}
	var got []struct{ Files_written, Args, Rows string }
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 {
		t.Fatalf("runs %q: %v", out, err)
	}
	var abs []string
	if err := json.Unmarshal([]byte(got[0].Files_written), &abs); err != nil {
		t.Fatal(err)
	}
	rel := func(p string) string {
		r, err := filepath.Rel(base, p)
		if err != nil || strings.HasPrefix(r, "..") {
			t.Fatalf("%s is not under %s", p, base)
		}
		if strings.HasSuffix(p, "/") {
			r += "/"
		}
		return r
	}
	for _, p := range abs {
		files = append(files, rel(p))
	}
	if err := json.Unmarshal([]byte(got[0].Args), &args); err != nil {
		t.Fatal(err)
	}
	sums, _ := args["sha256"].(map[string]any)
	for p := range sums {
		hashed = append(hashed, rel(p))
	}
	slices.Sort(hashed)
	return files, hashed, args, got[0].Rows
}

// TestRunAndTheYearlyJobAgree: `run` and the scheduler's yearly-assessment
// job are one stage (stages.Year). On the same inbox they write the same
// files under the same names — the batch's rejects (one workbook, or one
// per district), the assessment workbook, the feedback letters — and
// their ledger rows list them in the same order with the same hashes
// recorded, the same year, batch, finality and rows ingested. (They used
// to differ: run had no rejects_by, hashed the rejects but the sweep did
// not, and recorded no year or batch.)
func TestRunAndTheYearlyJobAgree(t *testing.T) {
	for _, by := range []string{"", "district"} {
		t.Run("rejects_by="+by, func(t *testing.T) {
			dir := t.TempDir()
			for _, inbox := range []string{"inbox-run", "inbox-job"} {
				os.MkdirAll(filepath.Join(dir, inbox), 0o755)
				// Q3 accepted, Q2 rejected (filed > incubating).
				q2 := strings.Replace(strings.Split(quarterlyCSV, "\n")[1], "2025,3,2025-10-10,20,18", "2025,2,2025-07-10,20,28", 1)
				os.WriteFile(filepath.Join(dir, inbox, "registry.csv"), []byte(registryCSV), 0o644)
				os.WriteFile(filepath.Join(dir, inbox, "q.csv"), []byte(quarterlyCSV+q2+"\n"), 0o644)
			}
			runDB, runOut := filepath.Join(dir, "run.duckdb"), filepath.Join(dir, "out")
			args := []string{"--db", runDB, "run", "--year", "2025", "--inbox", filepath.Join(dir, "inbox-run"), "--out", runOut, "--feedback"}
			config := "database: job.duckdb\ninbox: inbox-job\noutbox: outbox\nassessment:\n  year: 2025\n"
			if by != "" {
				args = append(args, "--rejects-by", by)
				config += "rejects_by: " + by + "\n"
			}
			if code, out, stderr := runCLI(t, args...); code != exitOK {
				t.Fatalf("run: exit %d\n%s%s", code, out, stderr)
			}
			cfg := writeConfig(t, dir, config)
			if code, out, stderr := runCLI(t, "jobs", "run", "yearly-assessment", "--config", cfg); code != exitOK {
				t.Fatalf("jobs run: exit %d\n%s%s", code, out, stderr)
			}
			runFiles, runHashed, runArgs, runRows := ledgerRow(t, runDB, "run", runOut)
			jobFiles, jobHashed, jobArgs, jobRows := ledgerRow(t, filepath.Join(dir, "job.duckdb"), "yearly-assessment", filepath.Join(dir, "outbox", "2025"))
			want := []string{"rejects-batch-1.xlsx", "assessment-2025.xlsx", "feedback-2025/", "feedback-2025/SHA256SUMS"}
			if by != "" {
				want[0] = "rejects-batch-1/退回清单-城关区.xlsx"
			}
			if !slices.Equal(runFiles, want) || !slices.Equal(jobFiles, want) {
				t.Fatalf("files_written:\nrun %q\njob %q\nwant %q", runFiles, jobFiles, want)
			}
			if !slices.Equal(runHashed, jobHashed) || len(runHashed) != 3 {
				t.Fatalf("hashed:\nrun %q\njob %q", runHashed, jobHashed)
			}
			for _, k := range []string{"year", "batch", "final", "feedback_workbooks"} {
				if runArgs[k] == nil || runArgs[k] != jobArgs[k] {
					t.Errorf("args.%s: run %v, job %v", k, runArgs[k], jobArgs[k])
				}
			}
			if runArgs["assessment_run"] == nil || jobArgs["assessment_run"] == nil {
				t.Errorf("assessment_run: run %v, job %v", runArgs["assessment_run"], jobArgs["assessment_run"])
			}
			if runRows != "2" || jobRows != "2" {
				t.Errorf("rows_ingested: run %s, job %s, want 2 each", runRows, jobRows)
			}
		})
	}
}

// TestRunFinalIsRefusedBeforeAnything: run --final of a year not
// published does nothing — no database made where there was none, no
// batch loaded into one there is — where it used to ingest and assess,
// and fail only at the workbook.
func TestRunFinalIsRefusedBeforeAnything(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	os.MkdirAll(inbox, 0o755)
	os.WriteFile(filepath.Join(inbox, "registry.csv"), []byte(registryCSV), 0o644)
	db, out := filepath.Join(dir, "t.duckdb"), filepath.Join(dir, "out")
	args := []string{"--db", db, "run", "--year", "2025", "--inbox", inbox, "--out", out, "--final"}
	code, stdout, stderr := runCLI(t, args...)
	if _, err := os.Stat(db); code != exitFail || !strings.Contains(stderr, "2025 is not published") || err == nil {
		t.Fatalf("no database: exit %d (database made: %v)\n%s%s", code, err == nil, stdout, stderr)
	}
	if code, out, stderr := runCLI(t, "--db", db, "ingest", filepath.Join(inbox, "registry.csv")); code != exitOK {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, stderr)
	}
	os.WriteFile(filepath.Join(inbox, "q.csv"), []byte(quarterlyCSV), 0o644)
	code, stdout, stderr = runCLI(t, args...)
	if code != exitFail || !strings.Contains(stderr, "2025 is not published") || strings.Contains(stdout, "loaded") {
		t.Fatalf("unpublished: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, n, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM ingest_log"); strings.TrimSpace(strings.Split(n, "\n")[1]) != "1" {
		t.Fatalf("ingest_log after the refusal: %s", n)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatalf("%s was made", out)
	}
}
