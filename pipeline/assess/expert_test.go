package assess_test

import (
	"context"
	"errors"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
)

// expertRubric scores training sessions (70) and the judges' mark for
// quality (30, target 100).
const expertRubric = `version: 2
schemes:
  - code: all
    name_zh: 全部载体
    indicators:
      - code: trainings
        name_zh: 培训辅导次数
        value: sum(trainings)
        weight: 70
        score: linear
        target: 12
      - code: quality
        name_zh: 服务质量（专家评议）
        section: 服务能力
        value: expert(quality)
        weight: 30
        score: linear
        target: 100
`

func withV2(t *testing.T, yaml string) func(*assess.Options) {
	t.Helper()
	r, err := rubric.LoadNormalized([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return func(o *assess.Options) { o.Rubric = r }
}

// SPEC §7 "Expert scores": the mean of the judges' scores, after dropping
// the single highest and the single lowest when there are five judges or
// more, rounded to 2 decimals, is the value of expert(ITEM); a carrier
// without scores gets a blank value, 0 points and the reason
// missing_expert:<item>, not a forced fail; a later file replaces a judge's
// score.
func TestExpertScoresTrimmedMean(t *testing.T) {
	w := newWorld(t)
	for i, id := range []string{"A", "B", "C", "D"} {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
		w.window(id, 2025, full) // 12 training sessions: the full 70
	}
	w.expert("A", 2025, "quality", 80, 90, 70, 100)              // 4 judges: 85
	w.expert("B", 2025, "quality", 60, 100, 80, 80, 90)          // 5: drop 100 and 60, 250 / 3 = 83.33
	w.expert("C", 2025, "quality", 100, 100, 50, 50, 70, 80, 90) // 7: one 100 and one 50 go, 390 / 5 = 78
	w.expert("D", 2024, "quality", 99, 99, 99)                   // another year: not 2025's
	w.expert("A", 2025, "other_item", 10)                        // an item the scheme does not use
	w.assess(2025, withV2(t, expertRubric))

	w.wantIndicator(2025, "A", "quality", 85, "25.50")
	w.wantIndicator(2025, "B", "quality", 83.33, "25.00") // 30 × 0.8333 = 24.999
	w.wantIndicator(2025, "C", "quality", 78, "23.40")
	w.wantIndicator(2025, "D", "quality", blank, "0.00")
	// One excellent of four (quota 30%); 95.50 ≥ 95.00 ≥ 93.40 ≥ 85.
	w.wantRow(2025, "A", "excellent", "95.50", "")
	w.wantRow(2025, "B", "good", "95.00", "quota")
	w.wantRow(2025, "C", "good", "93.40", "quota")
	w.wantRow(2025, "D", "pass", "70.00", "missing_expert:quality")

	// A later file replaces judge 4's 100 for A: (80 + 90 + 70 + 60) / 4.
	w.expert("A", 2025, "quality", 80, 90, 70, 60)
	w.assess(2025, withV2(t, expertRubric))
	w.wantIndicator(2025, "A", "quality", 75, "22.50")
	w.wantRow(2025, "A", "good", "92.50", "quota")
	w.wantRow(2025, "B", "excellent", "95.00", "") // now the best
}

// Expert scores ingested after a run make its year stale when they are of
// that year or before (publish then refuses), never when they are later.
func TestExpertScoresAfterTheRunMakeTheYearStale(t *testing.T) {
	w := newWorld(t)
	w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
	w.window("A", 2025, full)
	w.assess(2025, withV2(t, expertRubric))
	current := func() error {
		t.Helper()
		sum, err := assess.Summarize(context.Background(), w.st.DB, 2025)
		if err != nil {
			t.Fatal(err)
		}
		return assess.CheckCurrent(context.Background(), w.st.DB, sum)
	}
	if err := current(); err != nil {
		t.Fatalf("just assessed: %v", err)
	}
	w.expert("A", 2026, "quality", 90)
	w.load()
	if err := current(); err != nil {
		t.Errorf("a 2026 score made 2025 stale: %v", err)
	}
	w.expert("A", 2025, "quality", 90)
	w.load()
	var stale *assess.StaleError
	if err := current(); !errors.As(err, &stale) {
		t.Errorf("a 2025 score after the run: %v, want a StaleError", err)
	}
}
