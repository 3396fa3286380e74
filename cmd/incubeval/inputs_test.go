package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports"
)

const registryCSV = "载体编号,载体名称,运营主体统一社会信用代码,运营主体名称,区县,载体类型,类别,级别,认定日期\n" +
	"LZ-ZC-0001,兰州青创众创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31\n"

const quarterlyCSV = "载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收(万元),知识产权授权数,获得投融资金额(万元),获投融资企业数,场地使用率\n" +
	"LZ-ZC-0001,2025,3,2025-10-10,20,18,3,1,1,4,90,3,110,600,2,100,2,85%\n"

// TestIngestPrintsFileNamesEscaped: a file name holding a line break and
// escape sequences (here, a fake "loaded … 999 read" line) prints escaped,
// on its own one line, whether the file is loaded, rejected whole or
// skipped, or named on the command line and missing.
func TestIngestPrintsFileNamesEscaped(t *testing.T) {
	dir := t.TempDir()
	fake := "\n  loaded    fake.csv [quarterly #9]: 999 read = 999 accepted + 0 rejected\x1b[2K\x1b[31m"
	inbox := filepath.Join(dir, "inbox")
	os.MkdirAll(inbox, 0o755)
	for name, content := range map[string]string{
		"q" + fake + ".csv":    quarterlyCSV,                                                 // read, rows rejected (no registry)
		"bad" + fake + ".xlsx": "not a workbook",                                             // rejected whole
		"note" + fake + ".doc": "a file that is not an input",                                // skipped
		"dup" + fake + ".csv":  quarterlyCSV + "\n\n\n",                                      // another file, loaded
		"w\u202e" + "vsc.csv":  strings.Replace(quarterlyCSV, "LZ-ZC-0001", "LZ-ZC-0002", 1), // a bidi override
	} {
		if err := os.WriteFile(filepath.Join(inbox, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "t.duckdb")
	code, out, stderr := runCLI(t, "--db", db, "ingest", inbox, filepath.Join(dir, "gone"+fake+".csv"))
	if code != exitFail {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, "--db", db, "ingest", inbox)
	if code != exitFail {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, text := range []string{out, stderr} {
		if strings.ContainsAny(text, "\x1b\u202e") {
			t.Fatalf("raw control characters printed:\n%q", text)
		}
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "loaded    fake.csv") {
				t.Fatalf("a file name faked a line of output:\n%s", text)
			}
		}
	}
	for _, want := range []string{`q\n  loaded    fake.csv [quarterly #9]: 999 read = 999 accepted + 0 rejected\x1b[2K\x1b[31m.csv [quarterly #`,
		`REJECTED  inbox/bad\n`, `skip      `, `w\u202evsc.csv`} {
		if !strings.Contains(out, want) && !strings.Contains(strings.ReplaceAll(out, dir+"/", ""), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, `gone\n  loaded`) {
		t.Errorf("the missing file's name is not escaped:\n%s", stderr)
	}
}

// TestIngestNamesNotUTF8: a folder holding a GBK-named file (from a zip
// made on Chinese Windows) and one with bytes that are no encoding, among
// normal files, is loaded whole (exit 0), each file printed under the name
// ingest_log stores: the GBK one decoded, the other escaped.
func TestIngestNamesNotUTF8(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	os.MkdirAll(inbox, 0o755)
	gbkName := "\xbc\xbe\xb6\xc8\xb1\xa8\xb1\xed.csv" // 季度报表.csv in GBK
	for name, content := range map[string]string{
		"a.csv":         registryCSV,
		gbkName:         quarterlyCSV,
		"c\xff\xfe.csv": "载体编号,年度,原因\nLZ-ZC-0001,2025,场地改造\n",
		"z.csv":         "载体编号,发生日期,类型,说明\nLZ-ZC-0001,2025-03-01,列入经营异常名录,年报未按时公示\n",
	} {
		if err := os.WriteFile(filepath.Join(inbox, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "t.duckdb")
	code, out, stderr := runCLI(t, "--db", db, "ingest", inbox)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{"/季度报表.csv [quarterly #", `/c\xff\xfe.csv [deferrals #`, "/z.csv [incidents #", "4 files: 4 loaded"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "--db", db, "sql", "SELECT file_name FROM ingest_log ORDER BY ingest_id")
	if code != exitOK || !strings.Contains(out, "季度报表.csv") || !strings.Contains(out, `c\xff\xfe.csv`) {
		t.Fatalf("ingest_log (exit %d):\n%s", code, out)
	}
}

// TestLongNameThroughAssessAndReport: a carrier name of 32,767 characters
// (Excel's most) is accepted, assessed, printed cut on one line by assess
// and explain, and written whole into the assessment and feedback
// workbooks, whose rows are at most 409 points high; one character more
// is rejected (too_long).
func TestLongNameThroughAssessAndReport(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("INCUBEVAL_DB", "")
	if code, out, stderr := runCLI(t, "demo", "--out", dir); code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, stderr)
	}
	db := filepath.Join(dir, "incubeval.duckdb")
	// The registry rows of the top two carriers, one given a name of the
	// most a cell holds, the other one character more.
	code, text, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", `SELECT c.carrier_id, name, operator_uscc, operator_name, district, kind, track, level,
		recognized_on, founded_on, area_m2, service_area_m2, workstations, lease_end, staff, virtual
		FROM carriers c JOIN (SELECT carrier_id, rank_overall FROM assessments WHERE year = 2025 AND rank_overall <= 2) a USING (carrier_id)
		ORDER BY rank_overall, c.carrier_id LIMIT 2`)
	if code != exitOK {
		t.Fatalf("sql: %s", stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("%v: %q", err, text)
	}
	long := strings.Repeat("兰", 32767)
	recs[1][1], recs[2][1] = long, long+"州"
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(recs)
	reg := filepath.Join(dir, "registry-update.csv")
	os.WriteFile(reg, []byte(b.String()), 0o644)
	code, out, stderr := runCLI(t, "--db", db, "ingest", reg)
	if code != exitOK || !strings.Contains(out, "2 read = 1 accepted + 1 rejected") {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, stderr)
	}
	_, rule, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT rule FROM rejects WHERE file_name = 'registry-update.csv'")
	if !strings.Contains(rule, "too_long") {
		t.Fatalf("rejects: %s", rule)
	}

	code, out, stderr = runCLI(t, "--db", db, "assess", "--year", "2025")
	if code != exitOK || len(out) > 20000 || !strings.Contains(out, "兰兰兰…(共 32767 字 / 32767 characters)") {
		t.Fatalf("assess: exit %d, %d bytes printed\n%.3000s\n%s", code, len(out), out, stderr)
	}
	code, out, stderr = runCLI(t, "--db", db, "explain", "--carrier", recs[1][0], "--year", "2025")
	if code != exitOK || len(out) > 20000 || !strings.Contains(out, "…(共 32767 字 / 32767 characters)") {
		t.Fatalf("explain: exit %d, %d bytes printed\n%.3000s\n%s", code, len(out), out, stderr)
	}
	outDir := filepath.Join(dir, "out")
	code, out, stderr = runCLI(t, "--db", db, "report", "--year", "2025", "--out", outDir, "--feedback")
	if code != exitOK {
		t.Fatalf("report: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, path := range []string{filepath.Join(outDir, "assessment-2025.xlsx"), filepath.Join(outDir, "feedback-2025", recs[1][0]+".xlsx")} {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, sheet := range f.GetSheetList() {
			rows, err := f.Rows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for n := 1; rows.Next(); n++ {
				cells, _ := rows.Columns()
				for _, c := range cells {
					if strings.Contains(c, long) {
						found = true
						if h, _ := f.GetRowHeight(sheet, n); h > excelize.MaxRowHeight {
							t.Errorf("%s %s row %d is %v points high", filepath.Base(path), sheet, n, h)
						}
					}
				}
			}
			rows.Close()
		}
		f.Close()
		if !found {
			t.Errorf("%s: the long name is not written whole", filepath.Base(path))
		}
	}
}

// TestLoadedBatchSurvivesRejectsWorkbookFailure: when the rejects workbook
// cannot be written after the batch was committed, ingest and run fail
// (exit 1) saying first that the batch was loaded and committed, with its
// counts; the rows stay loaded and the same files again are a no-op.
func TestLoadedBatchSurvivesRejectsWorkbookFailure(t *testing.T) {
	for _, command := range []string{"ingest", "run"} {
		t.Run(command, func(t *testing.T) {
			dir := t.TempDir()
			inbox := filepath.Join(dir, "inbox")
			os.MkdirAll(inbox, 0o755)
			os.WriteFile(filepath.Join(inbox, "registry.csv"), []byte(registryCSV), 0o644)
			// One row of a registered carrier, one of an unknown one (rejected).
			os.WriteFile(filepath.Join(inbox, "q.csv"), []byte(quarterlyCSV+strings.Split(quarterlyCSV, "\n")[1][:10]+"-NOPE"+strings.Split(quarterlyCSV, "\n")[1][10:]+"\n"), 0o644)
			db := filepath.Join(dir, "t.duckdb")
			out := filepath.Join(dir, "out")
			// A folder where run's workbook should go: it cannot be written.
			blocked := filepath.Join(out, "rejects-batch-1.xlsx")
			os.MkdirAll(blocked, 0o755)
			// ingest checks --rejects-out before loading (a folder is
			// refused then): its write fails afterwards, as on a disk that
			// fills up between the two.
			writeRejects = func(context.Context, *sql.DB, int64, string) (int, error) {
				return 0, errors.New("no space left on device")
			}
			defer func() { writeRejects = reports.WriteRejects }()
			args := []string{"--db", db, "ingest", "--rejects-out", filepath.Join(out, "rejects.xlsx"), inbox}
			if command == "run" {
				args = []string{"--db", db, "run", "--year", "2025", "--inbox", inbox, "--out", out}
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != exitFail || !strings.Contains(stderr, "batch 1 was loaded and committed (2 files; rows 3 read = 2 accepted + 1 rejected) and stays loaded; only writing the rejects workbook") ||
				!strings.Contains(stderr, "批次 1 已导入并提交") || !strings.Contains(stdout, "2 read = 1 accepted + 1 rejected") {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			_, n, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM rejects WHERE batch_id = 1")
			if strings.TrimSpace(strings.Split(n, "\n")[1]) != "1" {
				t.Fatalf("the batch is not in the database: %s", n)
			}
			// The ledger agrees with the exit status and counts what was
			// loaded (it once said "failed, 0 rows" for a loaded batch).
			_, ledger, _ := runCLI(t, "--db", db, "sql", "--format", "csv",
				"SELECT job, status, rows_ingested, error LIKE '%batch 1 was loaded and committed%' AS says FROM runs ORDER BY run_id")
			if want := "job,status,rows_ingested,says\n" + command + ",failed,2,true\n"; ledger != want {
				t.Fatalf("run ledger:\n%s\nwant:\n%s", ledger, want)
			}
			code, stdout, _ = runCLI(t, "--db", db, "ingest", inbox)
			if code != exitOK || !strings.Contains(stdout, "already ingested") {
				t.Fatalf("again: exit %d\n%s", code, stdout)
			}
		})
	}
}

// TestRejectsHintNamesTheDatabase: the command line printed for the
// rejected rows reaches the database this run used, quoted for the shell
// (run from the same folder, it must not open ./incubeval.duckdb).
func TestRejectsHintNamesTheDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "区 县's folder")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join(dir, "q.csv")
	if err := os.WriteFile(q, []byte(quarterlyCSV), 0o644); err != nil { // no registry: rejected rows
		t.Fatal(err)
	}
	db := filepath.Join(dir, "t.duckdb")
	code, out, stderr := runCLI(t, "--db", db, "ingest", q)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	want := " --db '" + strings.ReplaceAll(db, "'", `'\''`) + "' sql \"SELECT"
	if !strings.Contains(out, want) {
		t.Errorf("rejects hint does not name the database; want %q in\n%s", want, out)
	}
	if got := shellQuote("demo/incubeval.duckdb"); got != "demo/incubeval.duckdb" {
		t.Errorf("shellQuote of a plain path = %q", got)
	}
}
