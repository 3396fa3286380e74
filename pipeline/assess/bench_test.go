package assess_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
)

// BenchmarkAssess: nine assessment years (2017–2025) over the generated
// national data, at 1/4, 1 and 4 times the national 13,000 carriers — the
// ratio of the times shows how the assessment grows with carriers.
func BenchmarkAssess(b *testing.B) {
	for _, n := range []int{3250, 13000, 52000} {
		b.Run(fmt.Sprintf("carriers=%d", n), func(b *testing.B) {
			benchAssess(b, nationalStore(b, n), nil)
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "carriers/s")
		})
	}
}

// BenchmarkAssessNationalShape: the same nine years of the national 13,000
// carriers, with a rubric in the shape of the national three-part system
// (benchRubric: three schemes of 20 indicators, every scoring function,
// bonus items, registry values) against the default rubric's eleven.
func BenchmarkAssessNationalShape(b *testing.B) {
	st := nationalStore(b, 13000)
	for _, c := range []struct {
		name string
		r    *rubric.Normalized
	}{{"default", nil}, {"three-schemes-60-indicators", benchRubric(b)}, {"deploy-national-three-part", deployRubric(b, "national-three-part.yaml")}} {
		b.Run(c.name, func(b *testing.B) { benchAssess(b, st, c.r) })
	}
}

func benchAssess(b *testing.B, st *store.Store, r *rubric.Normalized) {
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := assess.Run(context.Background(), st, assess.Options{Year: 2025, Rubric: r})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Computed) != 9 {
			b.Fatalf("computed %v, want 2017–2025", res.Computed)
		}
	}
}

// deployRubric is a rubric shipped in deploy/rubrics.
func deployRubric(b *testing.B, name string) *rubric.Normalized {
	b.Helper()
	r, err := rubric.LoadNormalizedFile(filepath.Join("..", "..", "deploy", "rubrics", name))
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// nationalStore is a store of the generated national data for 2016–2025
// with n carriers, checkpointed as the command line leaves it.
func nationalStore(b *testing.B, n int) *store.Store {
	b.Helper()
	dir := b.TempDir()
	reg, q, err := sample.National(dir, n, 2016, 4, 2025, 3)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "b.duckdb"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := ingest.Ingest(context.Background(), st, []string{reg, q}, ingest.Options{}); err != nil {
		b.Fatal(err)
	}
	if _, err := st.DB.Exec("CHECKPOINT"); err != nil {
		b.Fatal(err)
	}
	return st
}

// benchRubric writes a version 2 rubric of three schemes (maker spaces,
// specialized carriers, the rest) of 20 indicators each: 17 that count,
// weights summing to 100, and 3 bonus items, cycling through the value
// expressions and the five scoring functions.
func benchRubric(b *testing.B) *rubric.Normalized {
	b.Helper()
	values := []string{"sum(trainings)", "sum(trainees)", "avg(incubating)", "sum(graduated)",
		"sum(exited) / avg(incubating)", "avg(jobs)", "sum(revenue)", "sum(financing)", "reporting()",
		"sum(filed) / sum(incubating)", "sum(ip_granted)", "sum(financed)", "avg(utilization)",
		"last(incubating)", "max(jobs) - min(jobs)", "sum(revenue) / greatest(avg(incubating), 1)",
		"workstations / coalesce(staff, 1)", "sum(new_entrants)", "on_time() / quarters()", "sum(events) * 2"}
	scorings := []string{
		"score: linear\n        target: {municipal: 10, provincial: 20, national: 40}",
		"score: band\n        full_at: 0.1\n        zero_at: 0.6",
		"score: steps\n        steps: [[1, 1], [5, 2], [20, 3]]",
		"score: per_unit\n        per: 0.3\n        points: 1",
		"score: relative",
	}
	var sb strings.Builder
	sb.WriteString("version: 2\nquota: {share: 0.3, scope: scheme}\nschemes:\n")
	for k, s := range []struct{ code, applies string }{
		{"maker", "{kind: [maker_space]}"}, {"specialized", "{track: [specialized]}"}, {"other", "{}"},
	} {
		fmt.Fprintf(&sb, "  - code: %s\n    name_zh: 方案%d\n    applies_to: %s\n    bonus_cap: 5\n    indicators:\n", s.code, k+1, s.applies)
		for i, v := range values {
			weight, bonus := "6", ""
			switch {
			case i >= 17:
				weight, bonus = "3", "\n        bonus: true"
			case i < 15:
				weight = "6" // 15 × 6 = 90
			default:
				weight = "5" // + 2 × 5 = 100
			}
			fmt.Fprintf(&sb, "      - code: i%d\n        name_zh: 指标%d\n        section: 第%d部分\n        value: %s\n        weight: %s\n        %s%s\n",
				i+1, i+1, i%3+1, v, weight, scorings[(i+k)%len(scorings)], bonus)
		}
	}
	r, err := rubric.LoadNormalized([]byte(sb.String()), "bench.yaml")
	if err != nil {
		b.Fatalf("%v\n%s", err, sb.String())
	}
	return r
}
