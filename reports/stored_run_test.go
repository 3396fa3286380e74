package reports_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/reports"
)

// TestWorkbooksShowWhatTheRunStored: the workbooks label a run's results
// with what the run stored (rubric_indicators, rubric_params, below_pass),
// not with a rubric read again — here a rubric whose names, pass mark and
// decision constants differ from the default's, recorded as text that no
// longer reads (as an older version's could be). Before, the letters fell
// back to the default rubric's names and thresholds, and the assessment
// workbook to indicator codes and hard-coded 90 days and 3 years.
func TestWorkbooksShowWhatTheRunStored(t *testing.T) {
	st := demoStore(t)
	db := st.DB
	text := string(rubric.DefaultYAML())
	for _, r := range [][2]string{
		{"name_zh: 培训辅导次数", "name_zh: 辅导活动场次"},
		{"name_en: Training sessions", "name_en: Coaching sessions"},
		{"  pass: 60", "  pass: 62.5"},
		{"rectify_days: 90", "rectify_days: 45"},
		{"ban_years: 3", "ban_years: 2"},
	} {
		if !strings.Contains(text, r[0]) {
			t.Fatalf("default rubric has no %q", r[0])
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	rb, err := rubric.LoadNormalized([]byte(text), "custom")
	if err != nil {
		t.Fatal(err)
	}
	res, err := assess.Run(context.Background(), st, assess.Options{Year: demoYear, Rubric: rb})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Exec(context.Background(), "UPDATE store.assessment_runs SET rubric_yaml = 'indicators: [' WHERE run_id = ?", res.RunID); err != nil {
		t.Fatal(err)
	}
	// A carrier that failed on its score alone, and one that passed.
	var below, action, passed string
	if err := db.QueryRow(`SELECT carrier_id, action FROM assessments JOIN decisions USING (year, carrier_id)
		WHERE year = ? AND grade = 'fail' AND below_pass AND len(reasons) = 0
		ORDER BY carrier_id LIMIT 1`, demoYear).Scan(&below, &action); err != nil {
		t.Fatalf("a fail below the pass mark without a forced reason: %v", err)
	}
	if err := db.QueryRow(`SELECT carrier_id FROM assessments WHERE year = ? AND grade = 'pass' AND len(reasons) = 0
		ORDER BY carrier_id LIMIT 1`, demoYear).Scan(&passed); err != nil {
		t.Fatal(err)
	}

	dir, _ := writeDemoFeedback(t, db)
	for _, c := range []struct{ id, reason string }{
		{below, "低于合格线 62.5 分"},
		{passed, "达到合格线 62.5 分"},
	} {
		rows := feedbackCells(t, filepath.Join(dir, c.id+".xlsx"))
		header := slices.IndexFunc(rows, func(r []string) bool { return strings.HasPrefix(fbCell(r, 0), "序号") })
		if header < 0 || header+2 >= len(rows) {
			t.Fatalf("%s: no indicator table", c.id)
		}
		if got := fbCell(rows[header+2], 1); got != "辅导活动场次（次）\nCoaching sessions" {
			t.Errorf("%s: the second indicator is labelled %q, want the run's name", c.id, got)
		}
		found := false
		for _, r := range rows {
			if strings.Contains(fbCell(r, 0), c.reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no %q in the reasons", c.id, c.reason)
		}
	}

	_, f := writeDemoAssessment(t, db, reports.AssessmentOptions{})
	detail := asmRaw(t, f, "指标明细")
	labelled := false
	for _, r := range asmData(detail) {
		if asmCell(r, 4) == "辅导活动场次（次）" {
			labelled = true
			break
		}
	}
	if !labelled {
		t.Errorf("指标明细 never labels trainings with the run's name")
	}
	rect := asmRaw(t, f, "限期整改")
	if note := asmCell(rect[1], 0); !strings.Contains(note, "决定之日起45天") {
		t.Errorf("限期整改 note %q: want the run's 45 days", note)
	}
	// The fail on its score alone, in its sheet: its reason is the stored
	// below_pass with the run's pass mark.
	sheet, idCol, whyCol := "限期整改", 1, 9
	if action == "delist" {
		sheet, idCol, whyCol = "摘牌与撤销", 2, 7
	}
	var why string
	for _, r := range asmData(asmRaw(t, f, sheet)) {
		if asmCell(r, idCol) == below {
			why = asmCell(r, whyCol)
		}
	}
	if !strings.HasSuffix(why, "得分低于合格线（62.5分）") {
		t.Errorf("%s: %s's reason %q, want the run's pass mark", sheet, below, why)
	}
	delist := asmRaw(t, f, "摘牌与撤销")
	if note := asmCell(delist[1], 0); !strings.Contains(note, "2年内") || !strings.Contains(note, fmt.Sprintf("决定日期 %d-11-30", demoYear)) {
		t.Errorf("摘牌与撤销 note %q: want the run's 2 years and decision date", note)
	}
}
