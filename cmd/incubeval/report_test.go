package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsxtest"
)

// run prints the assessment workbook's SHA-256 under its path and keeps it
// in the run's ledger row (args.sha256, keyed by the path that
// files_written lists).
func TestRunRecordsTheWorkbookHash(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("INCUBEVAL_DB", "")
	if code, out, _ := runCLI(t, "demo", "--out", filepath.Join(dir, "d")); code != exitOK {
		t.Fatalf("demo: %s", out)
	}
	db, out := filepath.Join(dir, "run.duckdb"), filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "--db", db, "run", "--year", "2025", "--inbox", filepath.Join(dir, "d", "inbox"), "--out", out)
	if code != exitOK {
		t.Fatalf("run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	book := filepath.Join(out, "assessment-2025.xlsx")
	data, err := os.ReadFile(book)
	if err != nil {
		t.Fatal(err)
	}
	sum := fmt.Sprintf("%x", sha256.Sum256(data))
	if !regexp.MustCompile(`Assessment workbook: .*assessment-2025\.xlsx .*\n  SHA-256 ` + sum + `\n`).MatchString(stdout) {
		t.Errorf("run does not print the workbook's SHA-256 %s:\n%s", sum, stdout)
	}
	code, csv, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", fmt.Sprintf(
		`SELECT json_extract_string(args, '$.sha256."%s"'), list_contains(from_json(files_written, '["VARCHAR"]'), '%s')
		 FROM runs WHERE job = 'run'`, book, book))
	if code != exitOK || strings.TrimSpace(strings.Split(csv, "\n")[1]) != sum+",true" {
		t.Errorf("the run's ledger row: exit %d %q %s, want %s recorded for %s", code, csv, stderr, sum, book)
	}
	// The rejects workbook too, read back.
	rejects, _ := filepath.Glob(filepath.Join(out, "rejects-batch-*.xlsx"))
	if len(rejects) != 1 {
		t.Fatalf("rejects workbooks %v", rejects)
	}
	rdata, _ := os.ReadFile(rejects[0])
	code, csv, _ = runCLI(t, "--db", db, "sql", "--format", "csv", fmt.Sprintf(
		`SELECT json_extract_string(args, '$.sha256."%s"') FROM runs WHERE job = 'run'`, rejects[0]))
	if want := fmt.Sprintf("%x", sha256.Sum256(rdata)); code != exitOK || strings.TrimSpace(strings.Split(csv, "\n")[1]) != want {
		t.Errorf("the run's ledger row has %q for %s, want %s", csv, rejects[0], want)
	}
	// The same database, reported again: the same bytes.
	again := filepath.Join(dir, "again")
	if code, _, stderr := runCLI(t, "--db", db, "report", "--year", "2025", "--out", again); code != exitOK {
		t.Fatalf("report: %s", stderr)
	}
	if b, err := os.ReadFile(filepath.Join(again, "assessment-2025.xlsx")); err != nil || fmt.Sprintf("%x", sha256.Sum256(b)) != sum {
		t.Errorf("report of the same database wrote other bytes (%v)", err)
	}
}

// report --feedback writes letters marked 草稿 while the year is not
// published, with their SHA256SUMS.
func TestReportFeedbackIsDraftUntilPublished(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("INCUBEVAL_DB", "")
	if code, out, _ := runCLI(t, "demo", "--out", filepath.Join(dir, "d")); code != exitOK {
		t.Fatalf("demo: %s", out)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "--db", filepath.Join(dir, "d", "incubeval.duckdb"), "report", "--year", "2025", "--out", out, "--feedback")
	if code != exitOK || !strings.Contains(stdout, "Checksums: "+filepath.Join(out, "feedback-2025", "SHA256SUMS")) {
		t.Fatalf("report: exit %d\n%s\n%s", code, stdout, stderr)
	}
	f, err := excelize.OpenFile(filepath.Join(out, "feedback-2025", "LZ-ZC-0007.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if title, _ := f.GetCellValue("评价反馈表", "A1"); !strings.Contains(title, "草稿") {
		t.Errorf("an unpublished year's letter is titled %q", title)
	}
	if p, _ := f.GetDocProps(); !strings.Contains(p.ContentStatus, "草稿") {
		t.Errorf("an unpublished year's letter has status %q", p.ContentStatus)
	}
}

// sql -o x.xlsx declares the result sheet's used range: a reader that
// trusts it (openpyxl read_only) sees every row.
func TestSQLXLSXDeclaresItsUsedRange(t *testing.T) {
	db := mustSQLDB(t)
	out := filepath.Join(t.TempDir(), "sample.xlsx")
	if code, _, stderr := runCLI(t, "--db", db, "sql", "-o", out, sampleQuery); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if err := xlsxtest.CheckDimensions(out); err != nil {
		t.Fatal(err)
	}
	b, err := xlsxtest.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	want := wantText(t, db)
	if dim, _ := b.Dimension("result"); dim != fmt.Sprintf("A1:H%d", len(want)) {
		t.Errorf("result declares %q, want A1:H%d (the header and %d rows)", dim, len(want), len(want)-1)
	}
}
