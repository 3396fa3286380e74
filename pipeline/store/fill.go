package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/incubeval/incubeval/pipeline/rubric"
)

// migrationFills complete a migration with what its SQL cannot compute
// (reading the YAML stored in a column): each runs after the migration's
// statements, in its transaction, and the migration is recorded only when
// both succeed.
var migrationFills = map[string]func(ctx context.Context, tx *sql.Conn) error{
	"0010_run_facts.sql": fillRunRubrics,
}

// fillRunRubrics stores, for every assessment run stored before migration
// 0010, what its results are shown with, read from the rubric the run
// recorded (assessment_runs.rubric_yaml): the indicators' names, units and
// zero_at (store.run_indicators) and the run's parameters
// (store.run_params). A rubric that no longer reads leaves its run without
// them — the views show NULL, the workbooks the indicator codes — rather
// than another rubric's names.
func fillRunRubrics(ctx context.Context, tx *sql.Conn) error {
	type run struct {
		id   int64
		yaml string
	}
	rows, err := tx.QueryContext(ctx, "SELECT run_id, rubric_yaml FROM store.assessment_runs ORDER BY run_id")
	if err != nil {
		return fmt.Errorf("read runs: %w", err)
	}
	var runs []run
	for rows.Next() {
		var r run
		if err := rows.Scan(&r.id, &r.yaml); err != nil {
			rows.Close()
			return err
		}
		runs = append(runs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, run := range runs {
		r, err := rubric.Load([]byte(run.yaml), fmt.Sprintf("run %d rubric", run.id))
		if err != nil {
			continue
		}
		var tuples []string
		var args []any
		for _, ind := range r.Indicators {
			var zero any
			if ind.ZeroAt != nil {
				zero = *ind.ZeroAt
			}
			tuples = append(tuples, "(?, ?, ?, ?, CAST(? AS DOUBLE))")
			args = append(args, ind.Code, ind.NameZH, ind.NameEN, ind.Unit, zero)
		}
		args = append(args, run.id)
		if _, err := tx.ExecContext(ctx, `
			UPDATE store.run_indicators i
			SET name_zh = v.name_zh, name_en = v.name_en, unit = v.unit, zero_at = v.zero_at
			FROM (VALUES `+strings.Join(tuples, ", ")+`) v(code, name_zh, name_en, unit, zero_at)
			WHERE i.code = v.code AND i.run_id = ?`, args...); err != nil {
			return fmt.Errorf("run %d indicators: %w", run.id, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO store.run_params VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			run.id, r.Grades.Excellent, r.Grades.Good, r.Grades.Pass, r.Quota.Share,
			r.Reporting.OnTime, r.Reporting.Late, r.Reporting.Missing,
			r.Decisions.DecisionDay, r.Decisions.RectifyDays, r.Decisions.BanYears, r.Funding.RoundDownTo); err != nil {
			return fmt.Errorf("run %d parameters: %w", run.id, err)
		}
	}
	return nil
}
