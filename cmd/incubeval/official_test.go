package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/store"
)

// Official actions must be hard to get wrong (SPEC §10).

// csvValue runs a one-value query through `sql --live`.
func csvValue(t *testing.T, db, q string) string {
	t.Helper()
	code, out, stderr := runCLI(t, "--db", db, "sql", "--live", "--format", "csv", q)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != exitOK || err != nil || len(recs) != 2 || len(recs[1]) != 1 {
		t.Fatalf("sql %q: exit %d %v\n%s\n%s", q, code, err, out, stderr)
	}
	return recs[1][0]
}

// The years after the one whose window ended last: never assessed,
// published or run (sep ends 30 September Y, calendar 31 December Y).
func TestFutureYearsAreRefusedWithExit2(t *testing.T) {
	db := demoDB(t)
	today := assess.Today()
	next := today.Year() + 1 // its sep window ends on 30 September next year: after today
	ledger := csvValue(t, db, "SELECT count(*) FROM runs")
	results := csvValue(t, db, "SELECT count(*) || '/' || max(year) FROM assessments")
	out := filepath.Join(t.TempDir(), "out")
	for _, c := range []struct {
		args []string
		ends string
	}{
		{[]string{"assess", "--year", strconv.Itoa(next)}, strconv.Itoa(next) + "-09-30"},
		{[]string{"assess", "--year", "2031"}, "2031-09-30"},
		{[]string{"assess", "--year", strconv.Itoa(today.Year()), "--window", "calendar"}, strconv.Itoa(today.Year()) + "-12-31"},
		{[]string{"publish", "--year", strconv.Itoa(next), "--yes"}, strconv.Itoa(next) + "-09-30"},
		{[]string{"publish", "--year", strconv.Itoa(next)}, strconv.Itoa(next) + "-09-30"},
		{[]string{"run", "--year", strconv.Itoa(next), "--inbox", filepath.Join(filepath.Dir(db), "inbox"), "--out", out}, strconv.Itoa(next) + "-09-30"},
	} {
		code, _, stderr := runCLI(t, append([]string{"--db", db}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, "it ends on "+c.ends) || !strings.Contains(stderr, "尚未结束") {
			t.Errorf("%v: exit %d, want 2 saying the window ends on %s (bilingual)\n%s", c.args, code, c.ends, stderr)
		}
	}
	if got := csvValue(t, db, "SELECT count(*) || '/' || max(year) FROM assessments"); got != results {
		t.Errorf("results changed: %s, were %s", got, results)
	}
	if got := csvValue(t, db, "SELECT count(*) FROM runs"); got != ledger {
		t.Errorf("ledger rows %s, were %s: a refused command opened the database", got, ledger)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("run made its --out folder before refusing: %v", err)
	}
	// report --final of an unpublished year: a state of the database (exit 1), not usage.
	code, _, stderr := runCLI(t, "--db", db, "report", "--year", "2025", "--out", t.TempDir(), "--final")
	if code != exitFail || !strings.Contains(stderr, "2025 is not published") || strings.Contains(stderr, "--help") {
		t.Errorf("report --final of an unpublished year: exit %d, want 1\n%s", code, stderr)
	}
}

// publish shows what it freezes and needs a confirmation: --yes in a
// script; without a terminal and without --yes it does nothing (exit 2).
func TestPublishShowsWhatItFreezesAndNeedsConfirmation(t *testing.T) {
	db := demoDB(t)
	code, out, stderr := runCLI(t, "--db", db, "publish", "--year", "2025")
	if code != exitUsage || !strings.Contains(stderr, "--yes") || !strings.Contains(stderr, "终端") {
		t.Fatalf("publish without a terminal and without --yes: exit %d\n%s%s", code, out, stderr)
	}
	// /dev/null, cron's standard input, is a character device but no terminal.
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	var o, e strings.Builder
	if code := run(context.Background(), []string{"--db", db, "publish", "--year", "2025"}, null, &o, &e); code != exitUsage || !strings.Contains(e.String(), "add --yes") {
		t.Fatalf("publish with /dev/null as standard input: exit %d\n%s%s", code, o.String(), e.String())
	}
	if n := csvValue(t, db, "SELECT count(*) FROM published_years"); n != "0" {
		t.Fatalf("%s years published without confirmation", n)
	}
	code, out, stderr = runCLI(t, "--db", db, "publish", "--year", "2025", "--yes")
	if code != exitOK {
		t.Fatalf("publish --yes: exit %d\n%s%s", code, out, stderr)
	}
	sum := csvValue(t, db, `SELECT count(*) FILTER (WHERE outcome = 'graded') || ' graded (优秀 excellent ' || count(*) FILTER (WHERE grade = 'excellent')
		|| ', 良好 good ' || count(*) FILTER (WHERE grade = 'good') FROM assessments WHERE year = 2025`)
	rectify := csvValue(t, db, "SELECT '限期整改 rectify ' || count(*) FROM decisions WHERE year = 2025 AND action = 'rectify'")
	for _, want := range []string{"To publish (freeze): 2025, window 2024-10-01 to 2025-09-30 (sep)", sum, rectify, "funding ", "Published 2025"} {
		if !strings.Contains(out, want) {
			t.Errorf("publish output lacks %q:\n%s", want, out)
		}
	}
	args := csvValue(t, db, "SELECT args FROM runs WHERE job = 'publish' AND status = 'ok'")
	if !strings.Contains(args, `"year":2025`) || !strings.Contains(args, `"grades":{`) || !strings.Contains(args, `"funding_yuan":`) {
		t.Errorf("the ledger row's args do not say what was frozen: %s", args)
	}
	code, out, _ = runCLI(t, "--db", db, "publish", "--year", "2025", "--yes")
	if code != exitOK || !strings.Contains(out, "already published") {
		t.Errorf("publish twice: exit %d\n%s", code, out)
	}
	// The confirmation's reading.
	for answer, want := range map[string]bool{"y\n": true, "Y\n": true, " yes \n": true, "是\n": true, "是\r\n": true,
		"\n": false, "n\n": false, "no\n": false, "否\n": false, "": false, "yy\n": false, "publish\n": false} {
		if got := confirmed(answer); got != want {
			t.Errorf("answer %q: confirmed %v, want %v", answer, got, want)
		}
	}
}

// unpublish needs a reason, which the run ledger keeps (runs view, jobs
// history); discard removes an unpublished year and the years after it.
func TestUnpublishKeepsTheReasonAndDiscardRemovesAnUnpublishedYear(t *testing.T) {
	db := demoDB(t)
	if code, out, stderr := runCLI(t, "--db", db, "publish", "--year", "2025", "--yes"); code != exitOK {
		t.Fatalf("publish: exit %d\n%s%s", code, out, stderr)
	}
	for _, args := range [][]string{{"unpublish", "--year", "2025"}, {"unpublish", "--year", "2025", "--reason", "  "}, {"unpublish", "--reason", "x"}} {
		if code, _, stderr := runCLI(t, append([]string{"--db", db}, args...)...); code != exitUsage || !strings.Contains(stderr, "--") {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr)
		}
	}
	// A published year cannot be removed.
	code, _, stderr := runCLI(t, "--db", db, "discard", "--year", "2025", "--yes")
	if code != exitFail || !strings.Contains(stderr, "unpublish it first") || !strings.Contains(stderr, "已发布") {
		t.Fatalf("discard of a published year: exit %d\n%s", code, stderr)
	}
	const reason = "2025年第三季度数据更正 / Q3 figures corrected"
	code, out, stderr := runCLI(t, "--db", db, "unpublish", "--year", "2025", "--reason", reason)
	if code != exitOK || !strings.Contains(out, "Unpublished 2025") {
		t.Fatalf("unpublish: exit %d\n%s%s", code, out, stderr)
	}
	if got := csvValue(t, db, "SELECT json_extract_string(args, '$.reason') || '|' || status FROM runs WHERE job = 'unpublish' AND status = 'ok'"); got != reason+"|ok" {
		t.Errorf("runs: reason %q", got)
	}
	if code, out, _ := runCLI(t, "--db", db, "jobs", "history", "--job", "unpublish"); code != exitOK || !strings.Contains(out, "reason=2025年第三季度数据更正") {
		t.Errorf("jobs history does not show the reason: exit %d\n%s", code, out)
	}
	if code, _, stderr := runCLI(t, "--db", db, "unpublish", "--year", "2025", "--reason", reason); code != exitFail || !strings.Contains(stderr, "not published") {
		t.Errorf("unpublish of a year not published: exit %d\n%s", code, stderr)
	}

	// discard asks: without a terminal and without --yes, nothing happens.
	if code, _, stderr := runCLI(t, "--db", db, "discard", "--year", "2024"); code != exitUsage || !strings.Contains(stderr, "--yes") {
		t.Fatalf("discard without --yes: exit %d\n%s", code, stderr)
	}
	kept := csvValue(t, db, "SELECT count(*) FROM assessments WHERE year < 2024")
	code, out, stderr = runCLI(t, "--db", db, "discard", "--year", "2024", "--yes")
	if code != exitOK || !strings.Contains(out, "the stored results of 2024–2025") || !strings.Contains(out, "Removed the stored results of 2024–2025") {
		t.Fatalf("discard 2024: exit %d\n%s%s", code, out, stderr)
	}
	if got := csvValue(t, db, "SELECT count(*) FROM assessments WHERE year >= 2024"); got != "0" {
		t.Errorf("%s rows of 2024–2025 left", got)
	}
	if got := csvValue(t, db, "SELECT count(*) FROM assessments WHERE year < 2024"); got != kept {
		t.Errorf("earlier years: %s rows, were %s", got, kept)
	}
	if got := csvValue(t, db, "SELECT args FROM runs WHERE job = 'discard' AND status = 'ok'"); !strings.Contains(got, `"years_removed":[2024,2025]`) {
		t.Errorf("discard's ledger row: %s", got)
	}
	if code, _, stderr := runCLI(t, "--db", db, "discard", "--year", "2024", "--yes"); code != exitFail || !strings.Contains(stderr, "no results are stored for 2024") {
		t.Errorf("discard again: exit %d\n%s", code, stderr)
	}
	// Assessing again stores what the demo stored.
	if code, out, _ := runCLI(t, "--db", db, "assess", "--year", "2025"); code != exitOK || !strings.Contains(out, "computed 2019–2025") {
		t.Errorf("assess after the discard: exit %d\n%s", code, out)
	}
}

// A database that an older version filled with future years (the issue:
// assess --year 2031 on the demo, 2027 published) is cleaned with
// unpublish and discard; until then assess says what blocks it.
func TestADatabaseHoldingFutureYearsIsCleanedUp(t *testing.T) {
	db := demoDB(t)
	// What the old code did: assess 2027 as if its window had ended, and publish it.
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	late := time.Date(2031, 10, 5, 0, 0, 0, 0, time.UTC)
	if _, err := assess.Run(ctx, st, assess.Options{Year: 2027, Today: late}); err != nil {
		t.Fatal(err)
	}
	if _, err := assess.Publish(ctx, st, 2027, late); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if got := csvValue(t, db, "SELECT count(*) FROM bans WHERE year > 2025"); got == "0" {
		t.Fatal("the future years banned no operator; the test needs them to")
	}

	code, _, stderr := runCLI(t, "--db", db, "assess", "--year", "2025")
	if code != exitFail || !strings.Contains(stderr, "discard --year 2026") {
		t.Fatalf("assess 2025 with 2026–2027 stored: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "--db", db, "discard", "--year", "2026", "--yes")
	if code != exitFail || !strings.Contains(stderr, "2027 is published") {
		t.Fatalf("discard 2026 with 2027 published: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "--db", db, "unpublish", "--year", "2027", "--reason", "stored before its window ended"); code != exitOK {
		t.Fatalf("unpublish 2027: exit %d\n%s", code, stderr)
	}
	code, out, stderr := runCLI(t, "--db", db, "discard", "--year", "2026", "--yes")
	if code != exitOK || !strings.Contains(out, "2026–2027") {
		t.Fatalf("discard 2026: exit %d\n%s%s", code, out, stderr)
	}
	if got := csvValue(t, db, "SELECT count(*) FROM bans WHERE year > 2025"); got != "0" {
		t.Errorf("%s bans of the removed years left", got)
	}
	code, out, stderr = runCLI(t, "--db", db, "assess", "--year", "2025")
	if code != exitOK || !strings.Contains(out, "computed 2019–2025;") || strings.Contains(stderr, "warning") {
		t.Errorf("assess 2025 after the clean-up: exit %d\n%s%s", code, out, stderr)
	}
	if got := csvValue(t, db, "SELECT coalesce(max(year), 0) FROM assessments"); got != "2025" {
		t.Errorf("latest stored year %s, want 2025", got)
	}
}

// A deferred carrier that gave false data is revoked (SPEC §4.7): explain
// shows the decision, and the workbook of the year is written.
func TestExplainShowsTheRevocationOfADeferredCarrier(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	var q strings.Builder
	q.WriteString("carrier_id,year,quarter,submitted_on,incubating,filed,new_entrants,graduated,exited,trainings,trainees,events,jobs,revenue,ip_granted,financing,financed\n")
	for _, id := range []string{"LZ-ZC-0001", "LZ-ZC-0002"} {
		for _, yq := range [][2]int{{2023, 4}, {2024, 1}, {2024, 2}, {2024, 3}, {2024, 4}, {2025, 1}, {2025, 2}, {2025, 3}} {
			end := time.Date(yq[0], time.Month(yq[1]*3)+1, 0, 0, 0, 0, 0, time.UTC)
			fmt.Fprintf(&q, "%s,%d,%d,%s,20,18,0,1,0,3,75,3,100,500,0,75,0\n", id, yq[0], yq[1], end.AddDate(0, 0, 10).Format("2006-01-02"))
		}
	}
	files := map[string]string{
		"registry.csv":  registryCSV + "LZ-ZC-0002,安宁众创空间,91620102MA0000023L,安宁创业服务有限公司,安宁区,众创空间,综合,市级,2019-03-31\n",
		"quarterly.csv": q.String(),
		"deferrals.csv": "carrier_id,year,reason\nLZ-ZC-0001,2025,场地改造\n",
		"incidents.csv": "carrier_id,occurred_on,type,note\nLZ-ZC-0001,2025-04-02,false_data,虚报营收\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, stderr := runCLI(t, "--db", db, "ingest", dir)
	if code != exitOK || !strings.Contains(out, "+ 0 rejected") {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "--db", db, "assess", "--year", "2025")
	if code != exitOK || !strings.Contains(out, "撤销 revoke 1") || !strings.Contains(out, "to recover 追回 160,000 yuan") {
		t.Fatalf("assess: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "--db", db, "explain", "--carrier", "LZ-ZC-0001", "--year", "2025")
	if code != exitOK || !strings.Contains(out, "outcome: 缓评 deferred") || !strings.Contains(out, "revoke (false_data)") ||
		!strings.Contains(out, "operator banned until 2028-12-31") || !strings.Contains(out, "to recover 160,000 元 yuan") {
		t.Fatalf("explain: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, stderr := runCLI(t, "--db", db, "report", "--year", "2025", "--out", filepath.Join(dir, "out")); code != exitOK {
		t.Fatalf("report: exit %d\n%s%s", code, out, stderr)
	}
}
