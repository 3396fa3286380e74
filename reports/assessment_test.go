package reports_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

var assessmentSheets = []string{"概览", "排名", "限期整改", "摘牌与撤销", "资助", "数据报送", "指标明细", "说明"}

// writeDemoAssessment writes the demo year's workbook and opens it.
func writeDemoAssessment(t *testing.T, db *sql.DB, o reports.AssessmentOptions) (*reports.AssessmentInfo, *excelize.File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("assessment-%d.xlsx", demoYear))
	info, err := reports.WriteAssessment(context.Background(), db, demoYear, path, o)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return info, f
}

// sheetRows reads a sheet's rows with the iterator (values as displayed).
func asmShown(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cols)
	}
	return out
}

// rawRows reads a sheet's raw cell values (numbers unformatted).
func asmRaw(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cols)
	}
	return out
}

func asmCell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func asmCount(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// dataRows are a list sheet's rows below the three top rows (title, note,
// header), without trailing totals rows that start empty.
func asmData(rows [][]string) [][]string {
	if len(rows) <= 3 {
		return nil
	}
	return rows[3:]
}

func TestAssessmentWorkbookHasTheSheetsInOrder(t *testing.T) {
	st := demoStore(t)
	info, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	if got := f.GetSheetList(); !slices.Equal(got, assessmentSheets) {
		t.Fatalf("sheets %q, want %q", got, assessmentSheets)
	}
	if !slices.Equal(info.Sheets, assessmentSheets) || !slices.Equal(reports.AssessmentSheets(), assessmentSheets) {
		t.Fatalf("info sheets %q", info.Sheets)
	}
	for _, sh := range assessmentSheets {
		rows := asmShown(t, f, sh)
		if len(rows) < 3 {
			t.Fatalf("%s: %d rows", sh, len(rows))
		}
		title := asmCell(rows[0], 0)
		if !strings.HasPrefix(title, fmt.Sprintf("%d年度双创载体绩效评价结果 · %s", demoYear, sh)) ||
			!strings.Contains(title, fmt.Sprintf("Assessment results %d", demoYear)) || !strings.Contains(title, "草稿") {
			t.Errorf("%s: title %q", sh, title)
		}
	}
}

// Every list sheet has a bilingual header in row 3: Chinese, a line break,
// English.
func TestAssessmentHeadersAreBilingual(t *testing.T) {
	st := demoStore(t)
	_, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	want := map[string][]string{
		"排名": {"名次\nRank", "载体编号\nCarrier ID", "载体名称\nName", "区县\nDistrict", "载体类型\nKind", "级别\nLevel",
			"类别\nTrack", "得分\nScore", "等级\nGrade"},
		"限期整改":  {"序号\nNo.", "载体编号\nCarrier ID", "载体名称\nName"},
		"摘牌与撤销": {"序号\nNo.", "处理\nAction", "载体编号\nCarrier ID"},
		"资助":    {"名次\nRank", "载体编号\nCarrier ID", "载体名称\nName"},
		"数据报送":  {"载体编号\nCarrier ID", "载体名称\nName", "区县\nDistrict"},
		"指标明细": {"名次\nRank", "载体编号\nCarrier ID", "载体名称\nName", "级别\nLevel", "指标（单位）\nIndicator (unit)",
			"实际值\nValue", "目标值\nTarget", "权重\nWeight", "得分\nPoints"},
	}
	for sh, prefix := range want {
		rows := asmShown(t, f, sh)
		hdr := rows[2]
		if !slices.Equal(hdr[:len(prefix)], prefix) {
			t.Errorf("%s: header %q, want it to start %q", sh, hdr, prefix)
		}
		for i, h := range hdr {
			zh, en, ok := strings.Cut(h, "\n")
			if !ok || zh == "" || en == "" {
				t.Errorf("%s: header cell %d %q is not 中文\\nEnglish", sh, i+1, h)
			}
		}
	}
	// 排名: the eleven indicators by the rubric's Chinese names, in order.
	rows, err := st.DB.Query(`SELECT DISTINCT indicator, ord FROM indicator_scores WHERE year = ? ORDER BY ord`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		var o int
		rows.Scan(&c, &o)
		codes = append(codes, c)
	}
	rows.Close()
	if len(codes) != 11 {
		t.Fatalf("%d indicators", len(codes))
	}
	// They follow the columns that print, which end with the reasons.
	hdr := asmShown(t, f, "排名")[2]
	if h := hdr[13]; h != "说明\nReasons" {
		t.Errorf("column before the indicators: %q", h)
	}
	if len(hdr) != 14+len(codes) {
		t.Errorf("排名 has %d columns, want 14 + %d indicators", len(hdr), len(codes))
	}
	for i, code := range codes {
		h := hdr[14+i]
		if code == "filed_ratio" && !strings.HasPrefix(h, "在孵企业备案率") || code == "reporting" && !strings.HasPrefix(h, "数据按时报送") {
			t.Errorf("indicator column %d (%s) header %q", 15+i, code, h)
		}
	}
}

func TestAssessmentRankingMatchesViews(t *testing.T) {
	st := demoStore(t)
	info, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	rows, err := st.DB.Query(`
		SELECT rank_overall, carrier_id, name, CAST(score AS DOUBLE), grade,
		       CAST(score_delta AS DOUBLE), rank_delta, rank_district, rank_group
		FROM assessments WHERE year = ? AND outcome = 'graded' ORDER BY rank_overall, carrier_id`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	grades := map[string]string{"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
	var want [][]string
	for rows.Next() {
		var rank, rankD, rankG int
		var id, name, grade string
		var score float64
		var sd sql.NullFloat64
		var rd sql.NullInt64
		if err := rows.Scan(&rank, &id, &name, &score, &grade, &sd, &rd, &rankD, &rankG); err != nil {
			t.Fatal(err)
		}
		sds, rds := "", ""
		if sd.Valid {
			sds = strconv.FormatFloat(sd.Float64, 'f', -1, 64)
		}
		if rd.Valid {
			rds = strconv.FormatInt(rd.Int64, 10)
		}
		want = append(want, []string{strconv.Itoa(rank), id, name, strconv.FormatFloat(score, 'f', -1, 64), grades[grade],
			sds, rds, strconv.Itoa(rankD), strconv.Itoa(rankG)})
	}
	rows.Close()
	got := asmData(asmRaw(t, f, "排名"))
	if len(got) != len(want) || info.RankedRows != len(want) {
		t.Fatalf("排名 has %d rows (info %d), view has %d graded carriers", len(got), info.RankedRows, len(want))
	}
	for i, g := range got {
		row := []string{asmCell(g, 0), asmCell(g, 1), asmCell(g, 2), asmCell(g, 7), asmCell(g, 8), asmCell(g, 9), asmCell(g, 10), asmCell(g, 11), asmCell(g, 12)}
		if !slices.Equal(row, want[i]) {
			t.Fatalf("排名 row %d: got %q, want %q", i+4, row, want[i])
		}
	}
	// The eleven points of every carrier equal indicator_scores.
	prow, err := st.DB.Query(`SELECT carrier_id, list(CAST(points AS DOUBLE) ORDER BY ord) FROM indicator_scores WHERE year = ? GROUP BY carrier_id`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	points := map[string][]string{}
	for prow.Next() {
		var id string
		var ps any
		if err := prow.Scan(&id, &ps); err != nil {
			t.Fatal(err)
		}
		for _, p := range ps.([]any) {
			points[id] = append(points[id], strconv.FormatFloat(p.(float64), 'f', -1, 64))
		}
	}
	prow.Close()
	for _, g := range got {
		if gotP := g[14:25]; !slices.Equal(gotP, points[g[1]]) {
			t.Fatalf("%s points %q, view %q", g[1], gotP, points[g[1]])
		}
	}
	// Scores are shown with two decimals.
	shown := asmData(asmShown(t, f, "排名"))
	for i, g := range shown {
		if s := asmCell(g, 7); len(s) < 4 || s[len(s)-3] != '.' {
			t.Fatalf("row %d score shown as %q, want two decimals", i+4, s)
		}
	}
}

func TestAssessmentFundingMatchesViews(t *testing.T) {
	st := demoStore(t)
	_, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	checkFunding(t, st.DB, f)
	if note := asmCell(asmShown(t, f, "资助")[1], 0); !strings.Contains(note, "未设年度资助预算") {
		t.Errorf("note without a budget: %q", note)
	}
}

// With a budget below the computed total, every amount is scaled; the
// workbook shows the view's scaled amounts and says so.
func TestAssessmentFundingUnderBudgetMatchesViews(t *testing.T) {
	st := demoStore(t)
	budget := int64(5_000_000)
	if _, err := assess.Run(context.Background(), st, assess.Options{Year: demoYear, BudgetYuan: &budget}); err != nil {
		t.Fatal(err)
	}
	if asmCount(t, st.DB, "SELECT count(*) FROM funding WHERE year = ? AND amount_yuan <> unscaled_yuan", demoYear) == 0 {
		t.Fatal("the budget should scale some amounts")
	}
	_, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	checkFunding(t, st.DB, f)
	if note := asmCell(asmShown(t, f, "资助")[1], 0); !strings.Contains(note, "5,000,000") || !strings.Contains(note, "压缩") {
		t.Errorf("note under a budget: %q", note)
	}
}

// checkFunding compares 资助 with the funding view, row by row and in total.
func checkFunding(t *testing.T, db *sql.DB, f *excelize.File) {
	t.Helper()
	rows, err := db.Query(`
		SELECT fu.carrier_id, fu.cap_yuan, CAST(fu.factor AS DOUBLE), fu.unscaled_yuan, fu.amount_yuan, fu.recovery_yuan
		FROM funding fu JOIN assessments a USING (year, carrier_id)
		WHERE fu.year = ? ORDER BY a.rank_overall, fu.carrier_id`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	var total, recovery int64
	for rows.Next() {
		var id string
		var capY, unscaled, amount, rec int64
		var factor float64
		if err := rows.Scan(&id, &capY, &factor, &unscaled, &amount, &rec); err != nil {
			t.Fatal(err)
		}
		want = append(want, []string{id, strconv.FormatInt(capY, 10), strconv.FormatFloat(factor, 'f', -1, 64),
			strconv.FormatInt(unscaled, 10), strconv.FormatInt(amount, 10), strconv.FormatInt(rec, 10)})
		total += amount
		recovery += rec
	}
	rows.Close()
	all := asmData(asmRaw(t, f, "资助"))
	if len(all) < len(want)+1 {
		t.Fatalf("资助 has %d rows, view has %d", len(all), len(want))
	}
	got, totals := all[:len(want)], all[len(want):]
	for i, g := range got {
		row := []string{asmCell(g, 1), asmCell(g, 8), asmCell(g, 9), asmCell(g, 10), asmCell(g, 11), asmCell(g, 12)}
		if !slices.Equal(row, want[i]) {
			t.Fatalf("资助 row %d: got %q, want %q", i+4, row, want[i])
		}
	}
	last := totals[len(totals)-1]
	if !strings.HasPrefix(asmCell(last, 2), "合计") || asmCell(last, 11) != strconv.FormatInt(total, 10) || asmCell(last, 12) != strconv.FormatInt(recovery, 10) {
		t.Fatalf("totals row %q, want amount %d, recovery %d", last, total, recovery)
	}
	// Money is shown with thousands separators.
	shown := asmData(asmShown(t, f, "资助"))
	if s := asmCell(shown[len(shown)-1], 11); !strings.Contains(s, ",") {
		t.Fatalf("total shown as %q", s)
	}
}

// The first assessed year has no year before it: 概览 has no comparison
// columns, and lists without rows say so.
func TestAssessmentFirstYearHasNoComparison(t *testing.T) {
	st := demoStore(t)
	var first int
	if err := st.DB.QueryRow("SELECT min(year) FROM assessments").Scan(&first); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "first.xlsx")
	info, err := reports.WriteAssessment(context.Background(), st.DB, first, path, reports.AssessmentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, r := range asmShown(t, f, "概览") {
		if strings.HasPrefix(asmCell(r, 0), "项目") && len(r) != 2 {
			t.Errorf("overview header %q, want item and %d only", r, first)
		}
	}
	if want := asmCount(t, st.DB, "SELECT count(*) FROM assessments WHERE year = ? AND outcome = 'graded'", first); info.RankedRows != want {
		t.Errorf("%d ranked rows, want %d", info.RankedRows, want)
	}
	if asmCount(t, st.DB, "SELECT count(*) FROM decisions WHERE year = ? AND action = 'rectify'", first) == 0 {
		rows := asmData(asmShown(t, f, "限期整改"))
		if len(rows) != 1 || !strings.Contains(asmCell(rows[0], 0), "没有") {
			t.Errorf("empty 限期整改: %q", rows)
		}
	}
}

// Each list sheet holds exactly the rows of its view.
func TestAssessmentRowCountsMatchViews(t *testing.T) {
	st := demoStore(t)
	info, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	graded := asmCount(t, st.DB, "SELECT count(*) FROM assessments WHERE year = ? AND outcome = 'graded'", demoYear)
	cases := []struct {
		sheet string
		want  int
	}{
		{"排名", graded},
		{"限期整改", asmCount(t, st.DB, "SELECT count(*) FROM decisions WHERE year = ? AND action = 'rectify'", demoYear)},
		{"摘牌与撤销", asmCount(t, st.DB, "SELECT count(*) FROM decisions WHERE year = ? AND action IN ('delist', 'revoke')", demoYear)},
		{"数据报送", graded},
		{"指标明细", asmCount(t, st.DB, "SELECT count(*) FROM indicator_scores WHERE year = ?", demoYear)},
	}
	for _, c := range cases {
		if c.want == 0 {
			t.Fatalf("%s: the demo year should have rows", c.sheet)
		}
		if got := len(asmData(asmShown(t, f, c.sheet))); got != c.want {
			t.Errorf("%s: %d rows, view has %d", c.sheet, got, c.want)
		}
	}
	if info.IndicatorRows != cases[4].want {
		t.Errorf("info.IndicatorRows %d, want %d", info.IndicatorRows, cases[4].want)
	}
	// 限期整改: ids, reasons in Chinese and deadlines equal decisions.
	rows, err := st.DB.Query(`
		SELECT d.carrier_id, strftime(d.deadline, '%Y-%m-%d')
		FROM decisions d JOIN assessments a USING (year, carrier_id)
		WHERE d.year = ? AND d.action = 'rectify' ORDER BY a.rank_overall, d.carrier_id`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	rect := asmData(asmShown(t, f, "限期整改"))
	for i := 0; rows.Next(); i++ {
		var id, deadline string
		rows.Scan(&id, &deadline)
		if asmCell(rect[i], 1) != id || asmCell(rect[i], 11) != deadline {
			t.Errorf("限期整改 row %d: %q, want %s due %s", i+4, rect[i], id, deadline)
		}
		if why := asmCell(rect[i], 9); why == "" || strings.ContainsAny(why, "abcdefghijklmnopqrstuvwxyz_") {
			t.Errorf("限期整改 row %d: reasons %q not in Chinese", i+4, why)
		}
	}
	rows.Close()
	// 摘牌与撤销: operator USCC, ban end and recovery equal the views.
	rows, err = st.DB.Query(`
		SELECT d.carrier_id, d.operator_uscc, strftime(d.banned_until, '%Y-%m-%d'), fu.recovery_yuan
		FROM decisions d JOIN assessments a USING (year, carrier_id) JOIN funding fu USING (year, carrier_id)
		WHERE d.year = ? AND d.action IN ('delist', 'revoke') ORDER BY d.action, a.rank_overall, d.carrier_id`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	del := asmData(asmRaw(t, f, "摘牌与撤销"))
	delShown := asmData(asmShown(t, f, "摘牌与撤销"))
	for i := 0; rows.Next(); i++ {
		var id, uscc, banned string
		var rec int64
		rows.Scan(&id, &uscc, &banned, &rec)
		if asmCell(del[i], 2) != id || asmCell(del[i], 6) != uscc || asmCell(delShown[i], 8) != banned || asmCell(del[i], 9) != strconv.FormatInt(rec, 10) {
			t.Errorf("摘牌与撤销 row %d: %q, want %s %s %s %d", i+4, del[i], id, uscc, banned, rec)
		}
	}
	rows.Close()
}

// 数据报送 shows, per window quarter, on time, late with days, or missing,
// as quarterly_reports has it.
func TestAssessmentComplianceMatchesQuarterlyReports(t *testing.T) {
	st := demoStore(t)
	_, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	rows, err := st.DB.Query(`
		WITH g AS (SELECT carrier_id, rank_overall, window_start FROM assessments WHERE year = ? AND outcome = 'graded'),
		w AS (SELECT g.*, k, CAST(year(window_start + k * INTERVAL 3 MONTH) AS INTEGER) AS y,
		             CAST(quarter(window_start + k * INTERVAL 3 MONTH) AS INTEGER) AS q
		      FROM g, range(0, 4) t(k))
		SELECT w.carrier_id, CASE WHEN r.on_time IS NULL THEN '未报送' WHEN r.on_time THEN '按时'
		                          ELSE '逾期' || r.days_late || '天' END
		FROM w LEFT JOIN quarterly_reports r ON r.carrier_id = w.carrier_id AND r.year = w.y AND r.quarter = w.q
		ORDER BY w.rank_overall, w.carrier_id, w.k`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for rows.Next() {
		var id, s string
		rows.Scan(&id, &s)
		want[id] = append(want[id], s)
	}
	rows.Close()
	seen := map[string]bool{}
	for _, r := range asmData(asmShown(t, f, "数据报送")) {
		got := []string{asmCell(r, 3), asmCell(r, 4), asmCell(r, 5), asmCell(r, 6)}
		if !slices.Equal(got, want[r[0]]) {
			t.Errorf("%s: %q, want %q", r[0], got, want[r[0]])
		}
		for _, s := range got {
			seen[strings.TrimRight(s, "0123456789天")] = true
		}
	}
	if !seen["按时"] || !seen["逾期"] || !seen["未报送"] {
		t.Errorf("the demo should show every status, saw %v", seen)
	}
}

func TestAssessmentIndicatorDetailMatchesView(t *testing.T) {
	st := demoStore(t)
	_, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	rows, err := st.DB.Query(`
		SELECT s.carrier_id, CAST(s.value AS DOUBLE), CAST(s.target AS DOUBLE), CAST(s.weight AS DOUBLE), CAST(s.points AS DOUBLE)
		FROM indicator_scores s JOIN assessments a USING (year, carrier_id)
		WHERE s.year = ? ORDER BY a.rank_overall, s.carrier_id, s.ord`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	got := asmData(asmRaw(t, f, "指标明细"))
	ff := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	n := 0
	for i := 0; rows.Next(); i++ {
		var id string
		var v sql.NullFloat64 // blank where undefined (SPEC §7): an empty cell
		var tg, w, p float64
		if err := rows.Scan(&id, &v, &tg, &w, &p); err != nil {
			t.Fatal(err)
		}
		want := []string{id, "", ff(tg), ff(w), ff(p)}
		if v.Valid {
			want[1] = ff(v.Float64)
		}
		if i >= len(got) {
			t.Fatalf("指标明细 has %d rows; the view has more", len(got))
		}
		g := got[i]
		if row := []string{asmCell(g, 1), asmCell(g, 5), asmCell(g, 6), asmCell(g, 7), asmCell(g, 8)}; !slices.Equal(row, want) {
			t.Fatalf("指标明细 row %d: %q, want %q", i+4, row, want)
		}
		n = i + 1
	}
	rows.Close()
	if n != len(got) || n < 100 {
		t.Fatalf("指标明细 has %d rows, the view %d", len(got), n)
	}
}

// The same database gives the same cell values on every sheet.
func TestAssessmentIsDeterministic(t *testing.T) {
	st := demoStore(t)
	_, a := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	_, b := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	for _, sh := range assessmentSheets {
		ra, rb := asmRaw(t, a, sh), asmRaw(t, b, sh)
		if !reflect.DeepEqual(ra, rb) {
			for i := range min(len(ra), len(rb)) {
				if !slices.Equal(ra[i], rb[i]) {
					t.Fatalf("%s row %d differs:\n%q\n%q", sh, i+1, ra[i], rb[i])
				}
			}
			t.Fatalf("%s: %d rows vs %d", sh, len(ra), len(rb))
		}
	}
	pa, _ := a.GetDocProps()
	pb, _ := b.GetDocProps()
	if !reflect.DeepEqual(pa, pb) {
		t.Fatalf("document properties differ: %+v vs %+v", pa, pb)
	}
}

// Final marks the titles and the properties 定稿, dated by the data cut-off.
func TestAssessmentFinalIsMarked(t *testing.T) {
	st := demoStore(t)
	_, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{Final: true})
	for _, sh := range assessmentSheets {
		if title := asmCell(asmShown(t, f, sh)[0], 0); !strings.Contains(title, "定稿") || strings.Contains(title, "草稿") {
			t.Errorf("%s: title %q", sh, title)
		}
	}
	p, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	var cutoff time.Time
	if err := st.DB.QueryRow(`SELECT r.data_cutoff FROM assessment_runs r
		WHERE r.run_id = (SELECT max(run_id) FROM assessments WHERE year = ?)`, demoYear).Scan(&cutoff); err != nil {
		t.Fatal(err)
	}
	// data_cutoff is an Asia/Shanghai wall time: 23:37 there is 15:37 UTC.
	at := time.Date(cutoff.Year(), cutoff.Month(), cutoff.Day(), cutoff.Hour(), cutoff.Minute(), cutoff.Second(), 0, store.Location)
	if !strings.Contains(p.Title, "定稿") || !strings.Contains(p.ContentStatus, "定稿") || p.Created != at.UTC().Format(time.RFC3339) {
		t.Fatalf("properties %+v, want 定稿 dated %v", p, cutoff)
	}
}

// 概览 has the year-on-year table and three charts; 说明 lists every input
// file with its SHA-256 and the rubric hash.
func TestAssessmentSummaryAndMethod(t *testing.T) {
	st := demoStore(t)
	_, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	sum := asmShown(t, f, "概览")
	var overview []string
	for _, r := range sum {
		if strings.HasPrefix(asmCell(r, 0), "参评 ") {
			overview = r
		}
	}
	graded := asmCount(t, st.DB, "SELECT count(*) FROM assessments WHERE year = ? AND outcome = 'graded'", demoYear)
	gradedPrev := asmCount(t, st.DB, "SELECT count(*) FROM assessments WHERE year = ? AND outcome = 'graded'", demoYear-1)
	if asmCell(overview, 1) != strconv.Itoa(graded) || asmCell(overview, 2) != strconv.Itoa(gradedPrev) ||
		asmCell(overview, 3) != fmt.Sprintf("%+d", graded-gradedPrev) {
		t.Fatalf("overview graded row %q, want %d, %d", overview, graded, gradedPrev)
	}
	charts := 0
	for path := range asmParts(t, f) {
		if strings.HasPrefix(path, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 3 {
		t.Errorf("%d charts, want 3", charts)
	}
	method := asmShown(t, f, "说明")
	text := fmt.Sprint(method)
	rows, err := st.DB.Query("SELECT file_name, sha256 FROM ingest_log ORDER BY ingest_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, sha string
		rows.Scan(&name, &sha)
		if !strings.Contains(text, name) || !strings.Contains(text, sha) {
			t.Errorf("说明 lacks input %s %s", name, sha)
		}
	}
	rows.Close()
	var hash string
	st.DB.QueryRow(`SELECT rubric_sha256 FROM assessment_runs WHERE run_id = (SELECT max(run_id) FROM assessments WHERE year = ?)`, demoYear).Scan(&hash)
	if !strings.Contains(text, hash) {
		t.Errorf("说明 lacks the rubric hash %s", hash)
	}
}

// filesIn lists the package parts of a workbook.
func asmParts(t *testing.T, f *excelize.File) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	f.Pkg.Range(func(k, v any) bool {
		out[k.(string)] = true
		return true
	})
	return out
}

func TestAssessmentOfAYearNotAssessed(t *testing.T) {
	st := demoStore(t)
	_, err := reports.WriteAssessment(context.Background(), st.DB, 1999, filepath.Join(t.TempDir(), "a.xlsx"), reports.AssessmentOptions{})
	if !errors.Is(err, reports.ErrNotAssessed) {
		t.Fatalf("err = %v, want ErrNotAssessed", err)
	}
}

// An independent reader: LibreOffice converts the workbook to PDF, and the
// page count is what an official prints: the indicator detail (1,595
// rows) its heading only, every list at most a few pages. With
// INCUBEVAL_RENDER_DIR set, the workbook and PDF are kept there to look at
// (pdftoppm -png -r 60 assessment-2025.pdf page).
func TestAssessmentRendersInLibreOffice(t *testing.T) {
	office := soffice(t)
	if office == "" {
		t.Skip("LibreOffice is not installed (no soffice or libreoffice on PATH): the PDF rendering check is skipped")
	}
	st := demoStore(t)
	dir := os.Getenv("INCUBEVAL_RENDER_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("assessment-%d.xlsx", demoYear))
	if _, err := reports.WriteAssessment(context.Background(), st.DB, demoYear, path, reports.AssessmentOptions{}); err != nil {
		t.Fatal(err)
	}
	pdf := renderPDF(t, office, path, dir)
	pages := pagesBySheet(t, pdf, assessmentSheets)
	if pages == nil {
		return
	}
	// 145 graded carriers: about 35 rows a page.
	most := map[string]int{"概览": 4, "排名": 5, "限期整改": 1, "摘牌与撤销": 1, "资助": 7, "数据报送": 7, "指标明细": 1, "说明": 5}
	total := 0
	for _, sh := range assessmentSheets {
		total += pages[sh]
		if pages[sh] < 1 || pages[sh] > most[sh] {
			t.Errorf("%s prints on %d pages, want 1 to %d", sh, pages[sh], most[sh])
		}
	}
	t.Logf("%d pages: %v", total, pages)
}

// A feedback letter prints on two pages of A4, its smallest text 8 points
// or more (TestWorkbooksPrintAtLeast8pt); LibreOffice agrees on the pages.
func TestFeedbackRendersOnTwoPages(t *testing.T) {
	office := soffice(t)
	if office == "" {
		t.Skip("LibreOffice is not installed (no soffice or libreoffice on PATH): the PDF rendering check is skipped")
	}
	st := demoStore(t)
	dir := t.TempDir()
	if _, err := reports.WriteFeedback(context.Background(), st.DB, demoYear, dir, reports.FeedbackOptions{}); err != nil {
		t.Fatal(err)
	}
	// A revoked carrier's letter: the longest decision text of the demo.
	pdf := renderPDF(t, office, filepath.Join(dir, "LZ-ZC-0050.xlsx"), t.TempDir())
	out, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Logf("pdfinfo (poppler-utils) is not installed: the pages are not counted")
		return
	}
	if !regexp.MustCompile(`(?m)^Pages:\s+2$`).Match(out) {
		t.Errorf("the letter prints on other than 2 pages:\n%s", out)
	}
}
