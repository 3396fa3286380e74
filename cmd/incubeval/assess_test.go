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
	if code != exitOK || !strings.Contains(out, "computed none") || !strings.Contains(out, "published, kept as they are: 2025") ||
		!strings.Contains(out, "because the published 2025 builds on them: 2019–2024") {
		t.Fatalf("assess after publish: exit %d\n%s", code, out)
	}
	// A year the published 2025 builds on is not recomputed: its delisting
	// for "failing 2024 and 2025" must not stand beside a 2024 that passes.
	code, _, stderr = runCLI(t, "--db", db, "assess", "--year", "2024")
	if code != exitFail || !strings.Contains(stderr, "the published 2025 builds on") || !strings.Contains(stderr, "unpublish --year 2025") || !strings.Contains(stderr, "已发布的 2025 年") {
		t.Fatalf("assess 2024 under a published 2025: exit %d\n%s", code, stderr)
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

// publish refuses results that no longer follow from the database: a
// revision for the year's window accepted after the assessment would be
// frozen unseen (and explain would show it beside a score it did not
// make). A quarter after the window changes nothing and does not stop it.
func TestPublishRefusesResultsOlderThanTheirData(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	late := filepath.Join(dir, "late-q4.csv")
	os.WriteFile(late, []byte("载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收(万元),知识产权授权数,获得投融资金额(万元),获投融资企业数,场地使用率\n"+
		"LZ-ZC-0007,2025,4,2026-01-10,20,18,3,1,1,4,90,3,110,600,2,100,2,85%\n"), 0o644)
	if code, out, stderr := runCLI(t, "--db", db, "ingest", late); code != exitOK || !strings.Contains(out, "1 accepted") {
		t.Fatalf("ingest a later quarter: exit %d\n%s%s", code, out, stderr)
	}
	fix := filepath.Join(dir, "fix.csv")
	os.WriteFile(fix, []byte("载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收(万元),知识产权授权数,获得投融资金额(万元),获投融资企业数,场地使用率\n"+
		"LZ-ZC-0007,2025,3,2025-11-20,20,18,3,1,1,4,90,3,110,600,2,100,2,85%\n"), 0o644)
	if code, out, stderr := runCLI(t, "--db", db, "ingest", fix); code != exitOK || !strings.Contains(out, "1 accepted") {
		t.Fatalf("ingest a revision: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, _ := runCLI(t, "--db", db, "explain", "--carrier", "LZ-ZC-0007", "--year", "2025"); code != exitOK || !strings.Contains(out, "1 file that can change them came in since") {
		t.Errorf("explain says nothing of the data that came in after the score:\n%s", out)
	}
	code, out, stderr := runCLI(t, "--db", db, "publish", "--year", "2025", "--yes")
	if code != exitFail || !strings.Contains(stderr, "1 files with 1 accepted rows") || !strings.Contains(stderr, "assess --year 2025") || strings.Contains(out, "Published") {
		t.Fatalf("publish of stale results: exit %d\n%s%s", code, out, stderr)
	}
	if _, n, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM published_years"); !strings.Contains(n, "\n0") {
		t.Fatalf("published_years after the refusal:\n%s", n)
	}
	if code, out, stderr := runCLI(t, "--db", db, "assess", "--year", "2025"); code != exitOK {
		t.Fatalf("assess: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, stderr := runCLI(t, "--db", db, "publish", "--year", "2025", "--yes"); code != exitOK || !strings.Contains(out, "Published 2025") {
		t.Fatalf("publish after assessing again: exit %d\n%s%s", code, out, stderr)
	}
}

// A year built on an unpublished earlier year is as stale as that year:
// 2026 computed while 2025 was published, 2025 then unpublished and given
// a false-data incident, must not be published over a 2025 that no longer
// follows from the data. An incident after the window and a deferral of a
// later year change nothing and do not stop publish.
func TestPublishRefusesAYearBuiltOnAStaleEarlierYear(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	must := func(want int, args ...string) string {
		t.Helper()
		code, out, stderr := runCLI(t, append([]string{"--db", db}, args...)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d\n%s%s", args, code, want, out, stderr)
		}
		return out + stderr
	}
	// Neither can change 2025: an incident after its window, a deferral of 2026.
	must(exitOK, "ingest", write("after.csv", "载体编号,发生日期,类型,说明\nLZ-ZC-0001,2025-11-01,提供虚假材料,窗口之后\n"))
	must(exitOK, "ingest", write("def2026.csv", "载体编号,年度,原因\nLZ-FH-0001,2026,场地改造\n"))
	must(exitOK, "publish", "--year", "2025", "--yes")
	// A false-data incident inside 2025's window, after 2025 was published.
	must(exitOK, "ingest", write("false.csv", "载体编号,发生日期,类型,说明\nLZ-ZC-0001,2025-03-01,提供虚假材料,虚报营收\n"))
	must(exitOK, "assess", "--year", "2026")
	must(exitOK, "unpublish", "--year", "2025", "--reason", "data correction")
	out := must(exitFail, "publish", "--year", "2026", "--yes")
	if !strings.Contains(out, "2026 builds on the unpublished results of 2025") || !strings.Contains(out, "assess --year 2026") {
		t.Fatalf("publish 2026 on a stale 2025:\n%s", out)
	}
	must(exitOK, "assess", "--year", "2026")
	must(exitOK, "publish", "--year", "2026", "--yes")
	if _, n, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT action FROM decisions WHERE year = 2025 AND carrier_id = 'LZ-ZC-0001'"); !strings.Contains(n, "revoke") {
		t.Fatalf("2025 after assessing 2026 again: %s", n)
	}
}
