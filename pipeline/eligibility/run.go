package eligibility

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/store"
)

// trace (INCUBEVAL_TRACE=1) prints each statement's time on stderr.
var trace = os.Getenv("INCUBEVAL_TRACE") != ""

// Options of a run.
type Options struct {
	Year int
	// Window is the assessment window kind the carriers' periods are read
	// in; empty: the one the stored assessment of Year used, else sep.
	Window string
	Today  time.Time // zero: assess.Today()
}

// Result is what a run stored and counted.
type Result struct {
	RunID    int64
	Profile  string
	Year     int
	Window   string
	End      time.Time // E
	Subjects int
	// Outcomes counts subjects by outcome; Reasons counts, per condition,
	// the subjects that did not meet it (unmet) and that must be reviewed.
	Outcomes map[string]int
	Unmet    []Count
	ToReview []Count
	// Warnings say what the reader should know of the run's footing: a
	// carrier profile run before the year is assessed.
	Warnings []string
}

// Count is a condition and how many subjects it names.
type Count struct {
	Condition, NameZH string
	N                 int
}

// NoSubjectsError says the year has nothing to check: no application
// dated in it, or no registered carrier the profile applies to.
type NoSubjectsError struct {
	Profile, Subjects string
	Year              int
}

func (e *NoSubjectsError) Error() string {
	if e.Subjects == Applications {
		return fmt.Sprintf("%s %d: no application dated in %d; ingest the applications (认定申请) first / %d 年没有认定申请，请先导入认定申请表", e.Profile, e.Year, e.Year, e.Year)
	}
	return fmt.Sprintf("%s %d: no registered carrier the profile applies to is active at the end of the year's window / %d 年没有符合范围的在册载体", e.Profile, e.Year, e.Year)
}

// Run checks the profile's subjects of opts.Year and stores the results
// as a new run (views eligibility, eligibility_checks): all of it, or
// nothing.
func Run(ctx context.Context, st *store.Store, p *Profile, opts Options) (*Result, error) {
	if opts.Year < 2000 || opts.Year > 2200 {
		return nil, fmt.Errorf("year %d: 2000 … 2200", opts.Year)
	}
	today := opts.Today
	if today.IsZero() {
		today = assess.Today()
	}
	window := opts.Window
	var assessed int
	if err := st.DB.QueryRowContext(ctx, `SELECT count(*) FROM assessment_runs WHERE ? BETWEEN first_year AND last_year`, opts.Year).Scan(&assessed); err != nil {
		return nil, err
	}
	var warnings []string
	if assessed == 0 && p.Subjects == Carriers {
		warnings = append(warnings, fmt.Sprintf("no assessment of %d is stored: carriers its decisions would delist or revoke are still checked, and the windows are read as %s; run incubeval assess --year %d first / %d 年尚未评价：当年的摘牌、撤销尚未计入",
			opts.Year, map[bool]string{true: opts.Window, false: assess.WindowSep}[opts.Window != ""], opts.Year, opts.Year))
	}
	if window == "" {
		var w sql.NullString
		err := st.DB.QueryRowContext(ctx, `SELECT window_kind FROM assessment_runs WHERE ? BETWEEN first_year AND last_year ORDER BY run_id DESC LIMIT 1`, opts.Year).Scan(&w)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		window = assess.WindowSep
		if w.Valid {
			window = w.String
		}
	}
	if window != assess.WindowSep && window != assess.WindowCalendar {
		return nil, fmt.Errorf("window must be sep or calendar, not %q", window)
	}
	fr := Frame{Year: opts.Year, Windows: map[int][2]time.Time{}}
	for y := opts.Year - 9; y <= opts.Year; y++ {
		s, e, _ := assess.Window(window, y)
		fr.Windows[y] = [2]time.Time{s, e}
	}
	fr.End = fr.Windows[opts.Year][1]
	switch p.Subjects {
	case Carriers:
		// The carriers are read as of E: the year's reports must be in.
		if err := assess.CheckWindowEnded(window, opts.Year, today); err != nil {
			return nil, err
		}
	case Applications:
		if opts.Year > today.Year() {
			return nil, fmt.Errorf("%d is a later year than today's (%s) / 申请年度晚于今天", opts.Year, today.Format("2006-01-02"))
		}
	}
	subjects, checks, err := Compile(p, fr)
	if err != nil {
		return nil, err
	}
	res := &Result{Profile: p.Code, Year: opts.Year, Window: window, End: fr.End, Outcomes: map[string]int{}, Warnings: warnings}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS e_subjects; DROP TABLE IF EXISTS e_checks; DROP TABLE IF EXISTS e_conds; DROP TABLE IF EXISTS e_outcomes")
	t0 := time.Now()
	step := func(name string) {
		if trace {
			fmt.Fprintf(os.Stderr, "eligibility %-12s %6.0f ms\n", name, time.Since(t0).Seconds()*1000)
		}
	}
	err = st.ConnTx(ctx, conn, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP MACRO snap(x) AS round(x, 10)"); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, subjects); err != nil {
			return fmt.Errorf("eligibility subjects: %w", err)
		}
		step("subjects")
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM e_subjects").Scan(&res.Subjects); err != nil {
			return err
		}
		if res.Subjects == 0 {
			return &NoSubjectsError{Profile: p.Code, Subjects: p.Subjects, Year: opts.Year}
		}
		if _, err := conn.ExecContext(ctx, checks); err != nil {
			return fmt.Errorf("eligibility checks: %w", err)
		}
		step("checks")
		if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(run_id), 0) + 1 FROM store.eligibility_runs").Scan(&res.RunID); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO store.eligibility_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			res.RunID, p.Code, opts.Year, store.Now(), p.Subjects, p.NameZH, p.NameEN, p.Source, p.SHA256, string(p.Text), window, fr.End); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE e_conds (ord INTEGER, condition VARCHAR, any_check BOOLEAN)"); err != nil {
			return err
		}
		for i, c := range p.Conditions {
			var unless any
			if c.Unless != "" {
				unless = c.Unless
			}
			if _, err := conn.ExecContext(ctx, `INSERT INTO store.eligibility_conditions VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				res.RunID, i+1, c.Code, c.NameZH, c.NameEN, c.Text, c.Any, unless); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, `INSERT INTO e_conds VALUES (?, ?, ?)`, i+1, c.Code, c.Any); err != nil {
				return err
			}
			if c.Unless != "" {
				if _, err := conn.ExecContext(ctx, `INSERT INTO store.eligibility_parts VALUES (?, ?, 0, 'unless', ?)`,
					res.RunID, i+1, c.Unless+" = true（为“是”时本条符合 met outright）"); err != nil {
					return err
				}
			}
			for k, ch := range c.Checks {
				if _, err := conn.ExecContext(ctx, `INSERT INTO store.eligibility_parts VALUES (?, ?, ?, ?, ?)`,
					res.RunID, i+1, k+1, ch.Kind, ch.Describe()); err != nil {
					return err
				}
			}
		}
		// A condition's outcome from its checks: met outright by its unless
		// declaration (part 0); else, with any, met if one check is, review if one
		// is to review, else not met; with all, not met if one check is
		// not, review if one is to review, else met.
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE e_outcomes AS
			SELECT k.subject_id, k.cond,
			       CASE WHEN bool_or(k.part = 0 AND k.outcome = 'met') THEN 'met'
			            WHEN any_value(c.any_check) THEN
			                 CASE WHEN bool_or(k.part > 0 AND k.outcome = 'met') THEN 'met'
			                      WHEN bool_or(k.part > 0 AND k.outcome = 'review') THEN 'review'
			                      ELSE 'not_met' END
			            ELSE CASE WHEN bool_or(k.part > 0 AND k.outcome = 'not_met') THEN 'not_met'
			                      WHEN bool_or(k.part > 0 AND k.outcome = 'review') THEN 'review'
			                      ELSE 'met' END END AS outcome
			FROM e_checks k JOIN e_conds c ON c.ord = k.cond
			GROUP BY k.subject_id, k.cond`); err != nil {
			return err
		}
		step("outcomes")
		if _, err := conn.ExecContext(ctx, `INSERT INTO store.eligibility_checks
			SELECT ?, k.subject_id, k.cond, k.part, k.period, k.value_number, k.value, k.threshold, k.outcome, o.outcome
			FROM e_checks k JOIN e_outcomes o USING (subject_id, cond)`, res.RunID); err != nil {
			return err
		}
		step("store checks")
		kind, top := "carrier", "'recommended'"
		if p.Subjects == Applications {
			kind, top = "application", "'eligible'"
			if p.Priority != "" {
				top = "CASE WHEN s." + p.Priority + " THEN 'priority' ELSE 'eligible' END"
			}
		}
		// The subject's outcome: not_met if a condition is not met; for
		// applications review if one is to review (carriers are
		// recommended, their review conditions listed for a person).
		reviewBlocks := "false"
		if p.Subjects == Applications {
			reviewBlocks = "true"
		}
		_, err := conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO store.eligibility_results
			SELECT ?, s.subject_id, '%s', s.name, s.district, s.operator_uscc, s.ref,
			       CASE WHEN len(o.unmet) > 0 THEN 'not_met'
			            WHEN %s AND len(o.to_review) > 0 THEN 'review'
			            ELSE %s END,
			       o.unmet, o.to_review
			FROM e_subjects s
			JOIN (SELECT subject_id,
			             coalesce(list(c.condition ORDER BY o.cond) FILTER (WHERE o.outcome = 'not_met'), []) AS unmet,
			             coalesce(list(c.condition ORDER BY o.cond) FILTER (WHERE o.outcome = 'review'), []) AS to_review
			      FROM e_outcomes o JOIN e_conds c ON c.ord = o.cond
			      GROUP BY subject_id) o USING (subject_id)
			ORDER BY s.subject_id`, kind, reviewBlocks, top), res.RunID)
		step("results")
		return err
	})
	step("commit")
	if err != nil {
		return nil, err
	}
	return res, summarize(ctx, st.DB, res)
}

// summarize fills the counts of a stored run.
func summarize(ctx context.Context, db *sql.DB, res *Result) error {
	rows, err := db.QueryContext(ctx, `SELECT outcome, count(*) FROM store.eligibility_results WHERE run_id = ? GROUP BY outcome`, res.RunID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var o string
		var n int
		if err := rows.Scan(&o, &n); err != nil {
			rows.Close()
			return err
		}
		res.Outcomes[o] = n
	}
	rows.Close()
	for _, l := range []struct {
		col string
		out *[]Count
	}{{"unmet", &res.Unmet}, {"to_review", &res.ToReview}} {
		rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT c.condition, coalesce(c.name_zh, ''), count(*)
			FROM (SELECT unnest(%s) AS condition FROM store.eligibility_results WHERE run_id = ?) u
			JOIN store.eligibility_conditions c ON c.run_id = ? AND c.condition = u.condition
			GROUP BY c.condition, c.name_zh, c.ord ORDER BY count(*) DESC, c.ord`, l.col), res.RunID, res.RunID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c Count
			if err := rows.Scan(&c.Condition, &c.NameZH, &c.N); err != nil {
				rows.Close()
				return err
			}
			*l.out = append(*l.out, c)
		}
		rows.Close()
	}
	sort.SliceStable(res.Unmet, func(i, j int) bool { return res.Unmet[i].N > res.Unmet[j].N })
	return nil
}
