package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/sample"
)

// TestStrayReadmeInTheInbox: a README.txt (or any .txt without a recognised
// header) in the inbox is skipped with a note, and ingest and run exit 0;
// the skip lines name the real reason of each file skipped by name.
func TestStrayReadmeInTheInbox(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	os.MkdirAll(inbox, 0o755)
	for name, content := range map[string]string{
		"registry.csv":  registryCSV,
		"q.csv":         quarterlyCSV,
		"README.txt":    "请把季度报表放在这个文件夹里。\nPut the quarterly reports in this folder.\n",
		".hidden.csv":   quarterlyCSV,
		"~$季度报表.xlsx":   "lock",
		"说明.docx":       "not an input",
		"quarterly.txt": strings.Replace(quarterlyCSV, "LZ-ZC-0001,2025,3,2025-10-10", "LZ-ZC-0001,2025,2,2025-07-10", 1),
	} {
		if err := os.WriteFile(filepath.Join(inbox, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	code, out, stderr := runCLI(t, "--db", "a.duckdb", "ingest", "inbox")
	if code != exitOK {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{
		"skip      inbox/README.txt: 不是报表",
		"not a report: this .txt file holds no recognised header",
		"skip      inbox/.hidden.csv: 隐藏文件 / a hidden file",
		"skip      inbox/~$季度报表.xlsx: Excel 的锁定文件",
		"close the workbook in Excel",
		"skip      inbox/说明.docx: 不是 .csv/.tsv/.txt/.xlsx/.xlsm/.parquet 文件",
		"loaded    inbox/quarterly.txt [quarterly",
		"0 rejected whole",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "not .csv/.xlsx/.parquet)") {
		t.Errorf("a skip note gives the old catch-all reason:\n%s", out)
	}
	code, out, stderr = runCLI(t, "--db", "b.duckdb", "run", "--year", "2025", "--inbox", "inbox", "--out", "out")
	if code != exitOK || !strings.Contains(out, "skip      inbox/README.txt") {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, stderr)
	}
}

// TestRejectsByDistrict: `ingest --rejects-out DIR --rejects-by district`
// writes one rejects workbook per submitting district, and one for a file
// rejected whole, which also has its ingest_log row; a bad --rejects-by, or
// one without --rejects-out, is a usage error.
func TestRejectsByDistrict(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	bad := strings.Replace(quarterlyCSV, "LZ-ZC-0001,2025,3,2025-10-10,20,18", "LZ-ZC-0001,2025,3,2025-10-10,20,28", 1)
	for name, content := range map[string]string{"registry.csv": registryCSV, "q.csv": bad, "broken.xlsx": "not a workbook"} {
		os.WriteFile(name, []byte(content), 0o644)
	}
	for _, args := range [][]string{
		{"ingest", "q.csv", "--rejects-out", "out", "--rejects-by", "county"},
		{"ingest", "q.csv", "--rejects-by", "district"},
	} {
		if code, _, stderr := runCLI(t, append([]string{"--db", "t.duckdb"}, args...)...); code != exitUsage || !strings.Contains(stderr, "--rejects-by") {
			t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	code, out, stderr := runCLI(t, "--db", "t.duckdb", "ingest", "registry.csv", "q.csv", "broken.xlsx", "--rejects-out", "out", "--rejects-by", "district")
	if code != exitFail { // a file was rejected whole
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{"REJECTED  broken.xlsx [#3]", "Rejects workbooks: out (2 workbooks, one per district; 2 issues)", "out/退回清单-城关区.xlsx (1)", "out/退回清单-文件3-broken.xlsx (1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, csv, _ := runCLI(t, "--db", "t.duckdb", "sql", "--format", "csv", "SELECT file_name, status, rule FROM ingest_log WHERE status = 'rejected'")
	if code != exitOK || !strings.Contains(csv, "broken.xlsx,rejected,damaged") {
		t.Fatalf("ingest_log: %s", csv)
	}
}

// TestLoadedInTheWrongOrder (issue 12): the quarterly reports ingested
// before the registry have every row rejected (unknown_carrier); once the
// registry is in, the same files ingested again — no flag — are retried,
// and the database holds what loading in the right order gives: the same
// winning reports, the same rows rejected, every row accounted for.
func TestLoadedInTheWrongOrder(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if _, err := sample.Demo(inbox); err != nil {
		t.Fatal(err)
	}
	quarterly, registry := filepath.Join(inbox, "quarterly"), filepath.Join(inbox, "registry")
	wrong, right := filepath.Join(dir, "wrong.duckdb"), filepath.Join(dir, "right.duckdb")

	code, out, stderr := runCLI(t, "--db", wrong, "ingest", quarterly)
	if code != exitOK || !strings.Contains(out, " 0 accepted + ") {
		t.Fatalf("quarterly first: exit %d\n%s\n%s", code, out, stderr)
	}
	if code, out, _ := runCLI(t, "--db", wrong, "ingest", quarterly); code != exitOK || !strings.Contains(out, "already ingested") ||
		!strings.Contains(out, "rejected for unknown_carrier still cannot be accepted") {
		t.Fatalf("again before the registry: exit %d\n%s", code, out)
	}
	runCLI(t, "--db", wrong, "ingest", registry)
	code, out, stderr = runCLI(t, "--db", wrong, "ingest", quarterly)
	if code != exitOK || !strings.Contains(out, "重试 retried ") || !strings.Contains(out, "rows rejected earlier for unknown_carrier: ") ||
		strings.Contains(out, "already ingested as") {
		t.Fatalf("after the registry: exit %d\n%s\n%s", code, out, stderr)
	}
	if m := regexp.MustCompile(`\d+ files: 0 loaded, (\d+) retried, 0 already ingested`).FindStringSubmatch(out); m == nil {
		t.Fatalf("total line:\n%s", out)
	}

	runCLI(t, "--db", right, "ingest", registry)
	runCLI(t, "--db", right, "ingest", quarterly)
	for _, q := range []string{
		"SELECT carrier_id, year, quarter, submitted_on, incubating, revenue, revisions, on_time FROM quarterly_reports ORDER BY ALL",
		"SELECT file_name, coalesce(sheet, ''), row_no FROM rejects WHERE kind = 'quarterly' GROUP BY ALL ORDER BY ALL",
		"SELECT count(*) FROM store.quarterly",
		// each row of each file once: accepted, or still rejected
		"SELECT sum(rows_read) FILTER (WHERE retry_of IS NULL), sum(rows_accepted) + sum(rows_rejected - rows_retried) FROM ingest_log WHERE kind = 'quarterly'",
	} {
		_, w, _ := runCLI(t, "--db", wrong, "sql", "--format", "csv", q)
		_, r, _ := runCLI(t, "--db", right, "sql", "--format", "csv", q)
		if w != r || strings.Count(w, "\n") < 2 {
			t.Fatalf("%s\nwrong order then retried:\n%s\nright order:\n%s", q, firstLines(w, 8), firstLines(r, 8))
		}
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
