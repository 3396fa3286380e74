package reports_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/reports"
)

// One number format per kind of quantity, whatever the sheet or workbook.
var wantIndicatorFormat = map[string]string{
	"filed_ratio": "0.0%", "exit_rate": "0.0%",
	"trainings": "#,##0", "trainees": "#,##0", "events": "#,##0", "graduated": "#,##0",
	"incubating_avg": "#,##0.00", "jobs_avg": "#,##0.00", "revenue": "#,##0.00", "financing": "#,##0.00",
	"reporting": "#,##0.0",
}

// numFmt is a cell's number format code, without a "≥"/"≤" in front.
func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	code := "General"
	if st.CustomNumFmt != nil {
		code = *st.CustomNumFmt
	} else if st.NumFmt != 0 {
		code = map[int]string{1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 14: "mm-dd-yy"}[st.NumFmt]
	}
	return strings.TrimPrefix(strings.TrimPrefix(code, `"≥"`), `"≤"`)
}

// An indicator's values, targets and group medians have its format on
// every sheet and in every letter: 指标明细, 说明 and the feedback letters
// agree (a count is never 1241 on one sheet and 1,241 on another).
func TestNumberFormatsAreOnePerQuantity(t *testing.T) {
	st := demoStore(t)
	_, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	seen := map[string]map[string]string{} // indicator → format → where
	note := func(code, format, where string) {
		if seen[code] == nil {
			seen[code] = map[string]string{}
		}
		seen[code][format] = where
	}
	// 指标明细: rows in rank, carrier and indicator order.
	rows, err := st.DB.Query(`SELECT s.indicator FROM indicator_scores s JOIN assessments a USING (year, carrier_id)
		WHERE s.year = ? ORDER BY a.rank_overall, s.carrier_id, s.ord`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	for r := 4; rows.Next(); r++ {
		var code string
		rows.Scan(&code)
		if r > 200 {
			continue // enough rows to see every indicator many times
		}
		for _, col := range []string{"F", "G"} {
			cell := col + strconv.Itoa(r)
			note(code, numFmt(t, f, "指标明细", cell), "指标明细!"+cell)
		}
	}
	rows.Close()
	// 说明: the targets of each indicator, in rubric order.
	def := rubric.Default()
	method, _ := f.GetRows("说明")
	for i, r := range method {
		for _, ind := range def.Indicators {
			if len(r) > 0 && r[0] == ind.NameZH && ind.Targets != nil {
				for _, col := range []string{"E", "F", "G"} {
					cell := col + strconv.Itoa(i+1)
					note(ind.Code, numFmt(t, f, "说明", cell), "说明!"+cell)
				}
			}
		}
	}
	// Feedback letters: value, target and median of each indicator row.
	dir := t.TempDir()
	if _, err := reports.WriteFeedback(context.Background(), st.DB, demoYear, dir, reports.FeedbackOptions{}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	for _, p := range files[:5] {
		fb, err := excelize.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines, _ := fb.GetRows(feedbackSheet)
		for i, r := range lines {
			if len(r) < 2 {
				continue
			}
			for _, ind := range def.Indicators {
				if strings.HasPrefix(r[1], ind.NameZH) {
					for _, col := range []string{"D", "E", "H"} {
						cell := col + strconv.Itoa(i+1)
						if v, _ := fb.GetCellValue(feedbackSheet, cell); v == "—" {
							continue
						}
						note(ind.Code, numFmt(t, fb, feedbackSheet, cell), filepath.Base(p)+"!"+cell)
					}
				}
			}
		}
		fb.Close()
	}
	for code, want := range wantIndicatorFormat {
		formats := seen[code]
		if len(formats) == 0 {
			t.Errorf("%s: no cell seen", code)
		}
		for got, where := range formats {
			if got != want {
				t.Errorf("%s shown as %q at %s, want %q", code, got, where, want)
			}
		}
	}
	// Counts with separators, money in yuan without decimals, scores with two.
	for _, c := range []struct{ sheet, cell, want string }{
		{"排名", "A4", "#,##0"}, {"排名", "H4", "0.00"}, {"资助", "I4", "#,##0"}, {"资助", "L4", "#,##0"},
		{"数据报送", "H4", "#,##0"}, {"数据报送", "K4", "0.00"},
	} {
		if got := numFmt(t, f, c.sheet, c.cell); got != c.want {
			t.Errorf("%s!%s shown as %q, want %q", c.sheet, c.cell, got, c.want)
		}
	}
}
