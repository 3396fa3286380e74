package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAssessPublishExplainCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("INCUBEVAL_DB", "")
	code, out, stderr := runCLI(t, "demo", "--out", dir)
	if code != exitOK || !strings.Contains(out, "评价 Assessed 2025") || !strings.Contains(out, "前十名 Top ten of 2025") {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, stderr)
	}
	db := filepath.Join(dir, "incubeval.duckdb")

	// A delisted story carrier: the chain and its source rows.
	code, out, _ = runCLI(t, "--db", db, "explain", "--carrier", "LZ-ZC-0007", "--year", "2025")
	if code != exitOK || !strings.Contains(out, "delist") || !strings.Contains(out, "Quarters used") || !strings.Contains(out, "季度报表") {
		t.Fatalf("explain: exit %d\n%s", code, out)
	}
	code, _, stderr = runCLI(t, "--db", db, "explain", "--carrier", "NO-SUCH", "--year", "2025")
	if code != exitFail || !strings.Contains(stderr, "NO-SUCH has no result") {
		t.Fatalf("explain unknown: exit %d %s", code, stderr)
	}

	code, out, _ = runCLI(t, "--db", db, "publish", "--year", "2025", "--yes")
	if code != exitOK || !strings.Contains(out, "Published 2025") {
		t.Fatalf("publish: exit %d %s", code, out)
	}
	code, out, _ = runCLI(t, "--db", db, "publish", "--year", "2025", "--yes")
	if code != exitOK || !strings.Contains(out, "already published") {
		t.Fatalf("publish twice: exit %d %s", code, out)
	}
	code, out, _ = runCLI(t, "--db", db, "assess", "--year", "2025")
	if code != exitOK || !strings.Contains(out, "computed 2019–2024") || !strings.Contains(out, "published, kept as they are: 2025") {
		t.Fatalf("assess after publish: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "--db", db, "assess", "--year", "2025", "--force")
	if code != exitOK || !strings.Contains(out, "computed 2019–2025") {
		t.Fatalf("assess --force: exit %d\n%s", code, out)
	}
	code, _, stderr = runCLI(t, "--db", db, "publish", "--year", "2010", "--yes")
	if code != exitFail || !strings.Contains(stderr, "no results are stored for 2010") {
		t.Fatalf("publishing an unassessed year: exit %d %s", code, stderr)
	}

	// A rubric with a typo is refused with its line.
	bad := filepath.Join(dir, "rubric.yaml")
	os.WriteFile(bad, []byte("indicators: []\ngrades:\n  excelent: 85\n"), 0o644)
	code, _, stderr = runCLI(t, "--db", db, "assess", "--year", "2025", "--rubric", bad)
	if code != exitFail || !strings.Contains(stderr, "rubric.yaml:") {
		t.Fatalf("bad rubric: exit %d %s", code, stderr)
	}
	code, _, _ = runCLI(t, "--db", db, "assess")
	if code != exitUsage {
		t.Fatalf("assess without --year: exit %d", code)
	}
	code, _, _ = runCLI(t, "--db", db, "assess", "--year", "2025", "--window", "fiscal")
	if code != exitUsage {
		t.Fatalf("bad window: exit %d", code)
	}
}

func TestAssessWithoutDataSaysSo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.duckdb")
	code, _, stderr := runCLI(t, "--db", db, "assess", "--year", "2025")
	if code != exitFail || !strings.Contains(stderr, "load data with `incubeval ingest` first") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestRunIngestsAndAssesses(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("INCUBEVAL_DB", "")
	// The demo's inbox, written by a first demo run into another folder.
	if code, out, _ := runCLI(t, "demo", "--out", filepath.Join(dir, "d")); code != exitOK {
		t.Fatalf("demo: %s", out)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "--db", filepath.Join(dir, "run.duckdb"), "run", "--year", "2025",
		"--inbox", filepath.Join(dir, "d", "inbox"), "--out", out)
	if code != exitOK || !strings.Contains(stdout, "评价 Assessed 2025") {
		t.Fatalf("run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if m, _ := filepath.Glob(filepath.Join(out, "rejects-batch-*.xlsx")); len(m) != 1 {
		t.Fatalf("run wrote %v, want one rejects workbook", m)
	}
}
