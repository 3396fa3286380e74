package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/pipeline/store"
)

// Results stored before 0010 and 0011 get what they are shown with: their
// window's quarters from the window they carry, their indicators' names,
// unit and band and their run's parameters from the rubric they recorded
// (a rubric that no longer reads gives NULL, never another rubric's
// names), and below_pass against their run's pass mark (from the grade
// where there is none).
func TestMigration0010StoresWhatOldRunsAreShownWith(t *testing.T) {
	def := strings.ReplaceAll(rubric.Default().YAML(), "'", "''")
	path := oldDatabase(t, "0010",
		`INSERT INTO store.assessment_runs VALUES
			(1, TIMESTAMP '2025-11-20 10:00:00', 2025, 2025, 2025, 'sep', 'aa', '`+def+`', NULL, NULL, false),
			(2, TIMESTAMP '2025-11-21 10:00:00', 2024, 2024, 2024, 'calendar', 'bb', 'indicators: [', NULL, NULL, false)`,
		`INSERT INTO store.run_indicators VALUES (1, 'filed_ratio', 1, 1, 10), (1, 'exit_rate', 7, 2, 5),
			(2, 'filed_ratio', 1, 1, 10), (2, 'exit_rate', 7, 2, 5)`,
		`INSERT INTO store.run_targets VALUES (1, 'municipal', 1, 0.9), (1, 'national', 1, 0.95), (1, 'municipal', 7, 0.15), (1, 'national', 7, 0.15),
			(2, 'municipal', 1, 0.8), (2, 'municipal', 7, 0.2)`,
		`INSERT INTO store.assessments (year, carrier_id, level, outcome, score, grade, reasons, window_start, window_end, run_id) VALUES
			(2025, 'C1', 'municipal', 'graded', 55, 'fail', [], DATE '2024-10-01', DATE '2025-09-30', 1),
			(2025, 'C2', 'municipal', 'graded', 50, 'fail', ['missing_reports'], DATE '2024-10-01', DATE '2025-09-30', 1),
			(2025, 'C3', 'municipal', 'graded', 70, 'pass', [], DATE '2024-10-01', DATE '2025-09-30', 1),
			(2025, 'C4', 'municipal', 'not_assessed', NULL, NULL, NULL, DATE '2024-10-01', DATE '2025-09-30', 1),
			(2024, 'C1', 'municipal', 'graded', 40, 'fail', [], DATE '2024-01-01', DATE '2024-12-31', 2),
			(2024, 'C2', 'municipal', 'graded', 30, 'fail', ['veto:major_accident'], DATE '2024-01-01', DATE '2024-12-31', 2),
			(2024, 'C3', 'municipal', 'graded', 77, 'good', [], DATE '2024-01-01', DATE '2024-12-31', 2)`)
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows := func(q string) []string { t.Helper(); return cellRows(t, st.DB, q) }
	for _, c := range []struct {
		what, query string
		want        []string
	}{
		{"window_quarters", "SELECT year, quarter_year, quarter, due_on, run_id FROM window_quarters ORDER BY ALL", []string{
			"2024|2024|1|2024-04-15|2", "2024|2024|2|2024-07-15|2", "2024|2024|3|2024-10-15|2", "2024|2024|4|2025-01-15|2",
			"2025|2024|4|2025-01-15|1", "2025|2025|1|2025-04-15|1", "2025|2025|2|2025-07-15|1", "2025|2025|3|2025-10-15|1",
		}},
		{"rubric_indicators", `SELECT run_id, code, ord, coalesce(name_zh, '-'), coalesce(name_en, '-'), coalesce(unit, '-'), direction, weight,
				coalesce(target_municipal, -1), coalesce(target_national, -1), coalesce(full_at, -1), coalesce(zero_at, -1)
			FROM rubric_indicators ORDER BY run_id, ord`, []string{
			"1|filed_ratio|1|在孵企业备案率|Share of incubatees filed|ratio|higher|10.0|0.9|0.95|-1.0|-1.0",
			"1|exit_rate|2|在孵企业退出率|Exit rate|ratio|band_lower|5.0|-1.0|-1.0|0.15|0.5",
			"2|filed_ratio|1|-|-|-|higher|10.0|0.8|-1.0|-1.0|-1.0",
			"2|exit_rate|2|-|-|-|band_lower|5.0|-1.0|-1.0|0.2|-1.0",
		}},
		{"rubric_params", "SELECT * FROM rubric_params", []string{"1|85.00|75.00|60.00|0.300000|1.0|0.5|0.0|11-30|90|3|100|city"}},
		// 0012: every old run is one scheme, default, for every carrier.
		{"rubric_schemes", "SELECT run_id, code, ord, name_zh, coalesce(kinds, []), coalesce(CAST(pass AS VARCHAR), '-'), bonus_cap FROM rubric_schemes ORDER BY ALL", []string{
			"1|default|1|默认方案|[]|60.00|0.00", "2|default|1|默认方案|[]|-|0.00",
		}},
		{"scored indicators", "SELECT run_id, scheme, code, value_expr, score, bonus FROM rubric_indicators ORDER BY run_id, ord", []string{
			"1|default|filed_ratio|sum(filed) / sum(incubating)|linear|false",
			"1|default|exit_rate|sum(exited) / avg(incubating)|band|false",
			"2|default|filed_ratio|sum(filed) / sum(incubating)|linear|false",
			"2|default|exit_rate|sum(exited) / avg(incubating)|band|false",
		}},
		{"schemes of results", "SELECT year, carrier_id, coalesce(scheme, '-') FROM assessments ORDER BY ALL", []string{
			"2024|C1|default", "2024|C2|default", "2024|C3|default",
			"2025|C1|default", "2025|C2|default", "2025|C3|default", "2025|C4|-",
		}},
		{"below_pass", "SELECT year, carrier_id, coalesce(CAST(below_pass AS VARCHAR), 'NULL') FROM assessments ORDER BY ALL", []string{
			"2024|C1|true", "2024|C2|NULL", "2024|C3|false",
			"2025|C1|true", "2025|C2|true", "2025|C3|false", "2025|C4|NULL",
		}},
	} {
		if diff := cmp.Diff(c.want, rows(c.query)); diff != "" {
			t.Errorf("%s after the migration (-want +got):\n%s", c.what, diff)
		}
	}
}
