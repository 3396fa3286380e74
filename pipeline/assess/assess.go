// Package assess runs the yearly assessment of SPEC §4: the SQL steps in
// sql/assess, in one transaction on one connection, for every year from the
// first with data to the year asked for. It holds no rule of its own: the
// rules are the SQL, the numbers the rubric.
package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/pipeline/store"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// Window kinds (SPEC §4.1).
const (
	WindowSep      = "sep"      // Q4 of Y-1 and Q1–Q3 of Y
	WindowCalendar = "calendar" // Q1–Q4 of Y
)

// Options of a run.
type Options struct {
	Year       int
	Window     string             // WindowSep (default) or WindowCalendar
	Rubric     *rubric.Normalized // nil: the embedded default
	BudgetYuan *int64             // overrides the rubric's annual budget
	Force      bool               // recompute published years too
	// Threads, if above 0, fixes DuckDB's threads for every statement
	// (as INCUBEVAL_ASSESS_THREADS does); 0 leaves the choice to threadPlan.
	Threads int
	// Today decides whether Year's window has ended (SPEC §10); zero means
	// today in Asia/Shanghai (Today).
	Today time.Time
}

// Result of a run.
type Result struct {
	RunID       int64
	FirstYear   int
	LastYear    int
	Computed    []int // years recomputed
	Frozen      []int // published years read as they are
	Held        []int // unpublished years a later published year builds on, read as they are
	HeldBy      int   // that published year
	LaterKept   []int // published years after the requested one, left as they are
	OpenStored  []int // stored years whose window has not ended (stored before SPEC §10 was enforced)
	RubricSHA   string
	Window      string
	WindowStart time.Time // of the requested year
	WindowEnd   time.Time
}

// NoDataError says there is nothing to assess.
type NoDataError struct{ Year int }

func (e *NoDataError) Error() string {
	return fmt.Sprintf("no quarterly report falls in any assessment window up to %d; ingest reports first / 尚无可评价的季度报表", e.Year)
}

// Window returns the window of year y.
func Window(kind string, y int) (start, end time.Time, quarters [4][2]int) {
	if kind == WindowCalendar {
		return date(y, 1, 1), date(y, 12, 31), [4][2]int{{y, 1}, {y, 2}, {y, 3}, {y, 4}}
	}
	return date(y-1, 10, 1), date(y, 9, 30), [4][2]int{{y - 1, 4}, {y, 1}, {y, 2}, {y, 3}}
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// Today is the date in Asia/Shanghai, as midnight UTC (how dates compare
// with DuckDB DATE values and with Window).
func Today() time.Time {
	n := store.Now()
	return date(n.Year(), int(n.Month()), n.Day())
}

// OpenWindowError refuses a year whose window has not ended (SPEC §10: the
// window's end is on or after today): its quarters are not all in, so
// nothing of it may be assessed, stored or published.
type OpenWindowError struct {
	Year       int
	Window     string // sep | calendar
	Start, End time.Time
	Today      time.Time
}

func (e *OpenWindowError) Error() string {
	const f = "2006-01-02"
	from := e.End.AddDate(0, 0, 1).Format(f)
	return fmt.Sprintf("%d 年度评价期（%s 至 %s）尚未结束：%s 起才能评价或发布（今天是 %s）；未做任何更改 / "+
		"the %d assessment window (%s, %s to %s) has not ended: it ends on %s, so %d can be assessed or published from %s on (today is %s); nothing was changed",
		e.Year, e.Start.Format(f), e.End.Format(f), from, e.Today.Format(f),
		e.Year, e.Window, e.Start.Format(f), e.End.Format(f), e.End.Format(f), e.Year, from, e.Today.Format(f))
}

// CheckWindowEnded returns an *OpenWindowError unless year y's window of
// the kind ended before today (SPEC §10).
func CheckWindowEnded(kind string, y int, today time.Time) error {
	start, end, _ := Window(kind, y)
	return checkEnded(kind, y, start, end, today)
}

func checkEnded(kind string, y int, start, end, today time.Time) error {
	if end.Before(today) {
		return nil
	}
	return &OpenWindowError{Year: y, Window: kind, Start: start, End: end, Today: today}
}

// LaterYearsError refuses to assess a year when a later year's unpublished
// results are stored: they build on it through the chain (the previous
// graded year, the recovery of Y-1's grant, the deltas), so recomputing the
// earlier year alone would leave them inconsistent, and recomputing them
// would store years that were not asked for (SPEC §10).
type LaterYearsError struct {
	Year  int
	Later []int // unpublished stored years after Year
	// Ended: the latest of them has an ended window, so it can be assessed.
	Ended bool
}

func (e *LaterYearsError) Error() string {
	years := yearList(e.Later)
	last := e.Later[len(e.Later)-1]
	zh := fmt.Sprintf("已存储 %s 年度未发布的评价结果，它们经由连续不合格链依赖 %d 年度；单独重算 %d 年会使其不一致", years, e.Year, e.Year)
	en := fmt.Sprintf("the unpublished results of %s are stored and build on %d through the chain (previous graded year, recovery, deltas): recomputing %d alone would leave them inconsistent", years, e.Year, e.Year)
	if e.Ended {
		zh += fmt.Sprintf("。请运行 incubeval assess --year %d（重算截至 %d 年的所有年度），或先用 incubeval discard --year %d 删除之后年度的结果", last, last, e.Later[0])
		en += fmt.Sprintf(". Run 'incubeval assess --year %d', which recomputes every year up to %d, or remove the later results first with 'incubeval discard --year %d'", last, last, e.Later[0])
	} else {
		zh += fmt.Sprintf("。请先用 incubeval discard --year %d 删除之后年度的结果（其中有评价期尚未结束的年度）", e.Later[0])
		en += fmt.Sprintf(". Remove the later results first with 'incubeval discard --year %d' (some of their windows have not ended)", e.Later[0])
	}
	return zh + "；未做任何更改 / " + en + "; nothing was changed"
}

// HeldError says the requested year is what a published later year builds
// on (previous graded year, recovery, deltas): recomputing it would make
// the official record contradict itself (a published delisting for
// "failing 2024 and 2025" beside a stored 2024 that no longer fails).
type HeldError struct{ Year, By int }

func (e *HeldError) Error() string {
	return fmt.Sprintf("%d 年的结果是已发布的 %d 年评价的依据（上一参评年度、追回、变化），重新计算会使正式结果前后矛盾；如需更改，请先运行 incubeval unpublish --year %d --reason …，或用 --force 强制重算；未做任何更改 / "+
		"the results of %d are what the published %d builds on (previous graded year, recovery, deltas): recomputing them would make the official record contradict itself. "+
		"To change them, first run 'incubeval unpublish --year %d --reason …', or force it with --force; nothing was changed",
		e.Year, e.By, e.By, e.Year, e.By, e.By)
}

// WindowMismatchError says a year kept as it is (published, or built on by
// a published year) was assessed with another window than the one asked.
type WindowMismatchError struct {
	Year          int
	Stored, Asked string
}

func (e *WindowMismatchError) Error() string {
	return fmt.Sprintf("%d 年的结果按 %s 评价期存储且保持不变（已发布或为已发布年度的依据），不能在其上按 %s 评价期计算；请用 --window %s，或先撤回发布；未做任何更改 / "+
		"the results of %d were made with the %s window and are kept as they are (published, or built on by a published year): a %s run cannot build on them; use --window %s, or unpublish first; nothing was changed",
		e.Year, e.Stored, e.Asked, e.Stored, e.Year, e.Stored, e.Asked, e.Stored)
}

// yearList writes years as 2019–2025 when they run on, else 2019, 2021.
func yearList(ys []int) string {
	if len(ys) > 1 && ys[len(ys)-1]-ys[0] == len(ys)-1 {
		return fmt.Sprintf("%d–%d", ys[0], ys[len(ys)-1])
	}
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ", ")
}

// storedYear is a year with results in the store.
type storedYear struct {
	year      int
	published bool
	windowEnd time.Time
}

// storedYears lists the years with stored results, in order.
func storedYears(ctx context.Context, db *sql.DB) ([]storedYear, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT a.year, p.year IS NOT NULL, max(a.window_end)
		FROM store.assessments a LEFT JOIN store.published_years p USING (year)
		GROUP BY a.year, p.year ORDER BY a.year`)
	if err != nil {
		return nil, fmt.Errorf("stored years: %w", err)
	}
	defer rows.Close()
	var out []storedYear
	for rows.Next() {
		var y storedYear
		if err := rows.Scan(&y.year, &y.published, &y.windowEnd); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// Run computes the requested year and every year before it back to the
// first with data, leaving published years as they are unless forced. It
// stores no year after the requested one (SPEC §10): a year whose window
// has not ended is refused (*OpenWindowError), and so is a year after
// which unpublished results are stored (*LaterYearsError: they build on
// it); published later years stay as they are (Result.LaterKept).
func Run(ctx context.Context, st *store.Store, opts Options) (*Result, error) {
	if opts.Window == "" {
		opts.Window = WindowSep
	}
	if opts.Window != WindowSep && opts.Window != WindowCalendar {
		return nil, fmt.Errorf("window must be sep or calendar, not %q", opts.Window)
	}
	today := opts.Today
	if today.IsZero() {
		today = Today()
	}
	if err := CheckWindowEnded(opts.Window, opts.Year, today); err != nil {
		return nil, err
	}
	r := opts.Rubric
	if r == nil {
		r = rubric.DefaultNormalized()
	}
	compiled, err := Compile(r)
	if err != nil {
		return nil, fmt.Errorf("rubric: %w", err)
	}
	budget := r.Funding.BudgetYuan
	if opts.BudgetYuan != nil {
		budget = opts.BudgetYuan
	}
	t0 := time.Now()
	if trace {
		defer func() { fmt.Fprintf(os.Stderr, "assess total %37.0f ms\n", time.Since(t0).Seconds()*1000) }()
	}
	res := &Result{RubricSHA: r.Hash(), Window: opts.Window}
	res.WindowStart, res.WindowEnd, _ = Window(opts.Window, opts.Year)

	// The first year whose window holds an accepted report.
	firstQ := "min(CASE WHEN quarter = 4 THEN year + 1 ELSE year END)"
	if opts.Window == WindowCalendar {
		firstQ = "min(year)"
	}
	var first sql.NullInt64
	if err = st.DB.QueryRowContext(ctx, "SELECT "+firstQ+" FROM store.quarterly").Scan(&first); err != nil {
		return nil, fmt.Errorf("first year: %w", err)
	}
	if !first.Valid || int(first.Int64) > opts.Year {
		return nil, &NoDataError{Year: opts.Year}
	}
	res.FirstYear = int(first.Int64)
	res.LastYear = opts.Year
	stored, err := storedYears(ctx, st.DB)
	if err != nil {
		return nil, err
	}
	var later []storedYear
	for _, y := range stored {
		if !y.windowEnd.Before(today) {
			res.OpenStored = append(res.OpenStored, y.year)
		}
		switch {
		case y.year <= opts.Year:
		case y.published:
			res.LaterKept = append(res.LaterKept, y.year)
		default:
			later = append(later, y)
		}
	}
	if len(later) > 0 {
		e := &LaterYearsError{Year: opts.Year, Ended: later[len(later)-1].windowEnd.Before(today)}
		for _, y := range later {
			e.Later = append(e.Later, y.year)
		}
		return nil, e
	}
	published := map[int]bool{}
	rows, err := st.DB.QueryContext(ctx, "SELECT year FROM store.published_years")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var y int
		rows.Scan(&y)
		published[y] = true
	}
	rows.Close()
	// A stored year that a published later year builds on is read as it
	// is, as the published year is (unless forced): the published year's
	// decisions name it (README, Readings of the spec).
	held := map[int]bool{}
	if !opts.Force {
		latest := 0
		for y := range published {
			latest = max(latest, y)
		}
		for _, y := range stored {
			if y.year < latest && !published[y.year] {
				held[y.year] = true
				res.HeldBy = latest
			}
		}
		if held[opts.Year] {
			return nil, &HeldError{Year: opts.Year, By: latest}
		}
		// Years read as they are were made with their own window: a run
		// with the other window cannot build on them.
		for _, y := range stored {
			if (published[y.year] || held[y.year]) && y.year <= opts.Year {
				kind := WindowSep
				if y.windowEnd.Month() == time.December {
					kind = WindowCalendar
				}
				if kind != opts.Window {
					return nil, &WindowMismatchError{Year: y.year, Stored: kind, Asked: opts.Window}
				}
			}
		}
	}
	if err := st.DB.QueryRowContext(ctx, "SELECT coalesce(max(run_id), 0) + 1 FROM store.assessment_runs").Scan(&res.RunID); err != nil {
		return nil, err
	}

	// One pinned connection: the steps' TEMP tables belong to it. They are
	// computed first — reading the committed data, which no other writer
	// can change while we hold the lock — and the results replace the old
	// ones in one transaction (90_store.sql), so a failed run leaves the
	// database as it was. (DuckDB scans a transaction's own uncommitted rows
	// many times slower than committed ones, so the intermediate tables are
	// better built outside it.)
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer func() {
		t1 := time.Now()
		dropTemps(context.Background(), conn)
		if trace {
			fmt.Fprintf(os.Stderr, "assess drop temps %32.0f ms\n", time.Since(t1).Seconds()*1000)
		}
	}()
	plan := &threadPlan{fixed: opts.Threads}
	if plan.fixed <= 0 {
		plan.fixed = threads
	}
	defer plan.reset(conn)
	steps := sqlfiles.Assessment()
	if err := execFile(ctx, conn, steps[0], plan); err != nil {
		return nil, err
	}
	// The years and their window quarters, each in one statement.
	var years, quarters []string
	var yargs, qargs []any
	for y := res.FirstYear; y <= res.LastYear; y++ {
		frozen := (published[y] || held[y]) && !opts.Force
		switch {
		case frozen && held[y]:
			res.Held = append(res.Held, y)
		case frozen:
			res.Frozen = append(res.Frozen, y)
		default:
			res.Computed = append(res.Computed, y)
		}
		start, end, qs := Window(opts.Window, y)
		years = append(years, "(?, ?, ?, ?, ?)")
		yargs = append(yargs, y, start, end, r.Decisions.Date(y), frozen)
		for _, q := range qs {
			n := len(qargs)
			quarters = append(quarters, fmt.Sprintf("($%d, $%d, $%d, due_on($%d, $%d))", n+1, n+2, n+3, n+2, n+3))
			qargs = append(qargs, y, q[0], q[1])
		}
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO assess_years VALUES "+strings.Join(years, ", "), yargs...); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO assess_window_quarters VALUES "+strings.Join(quarters, ", "), qargs...); err != nil {
		return nil, err
	}
	if err := loadRubric(ctx, conn, r, budget, res.RunID); err != nil {
		return nil, fmt.Errorf("rubric: %w", err)
	}
	var carriers int
	if err := st.DB.QueryRowContext(ctx, "SELECT count(DISTINCT carrier_id) FROM store.registry").Scan(&carriers); err != nil {
		return nil, err
	}
	plan.serial = carriers*len(res.Computed) <= rowGroupRows
	if trace {
		fmt.Fprintf(os.Stderr, "assess prelude %35.0f ms\n", time.Since(t0).Seconds()*1000)
	}
	last := len(steps) - 1
	files := map[string]sqlfiles.File{}
	for _, f := range steps {
		files[f.Name] = f
	}
	for _, f := range steps[1:last] {
		for _, b := range f.Blocks {
			if err := execBlocks(ctx, conn, f.Name, []sqlfiles.Block{b}, plan); err != nil {
				return nil, err
			}
			// What the block's then= tag says runs after it (sql/embed.go).
			then, ok := b.Tag("then")
			if !ok {
				continue
			}
			var err error
			switch then {
			case "unmatched":
				err = unmatched(ctx, conn)
			case "sums":
				err = execBlocks(ctx, conn, f.Name, []sqlfiles.Block{{Name: "sums", SQL: compiled.Sums}}, plan)
			case "points":
				err = execBlocks(ctx, conn, f.Name, []sqlfiles.Block{{Name: "points", SQL: compiled.Points}}, plan)
			case "rescore":
				if compiled.Rescore != "" {
					err = rescore(ctx, conn, compiled, []sqlfiles.File{files["40_facts.sql"], f}, plan, len(res.Computed))
				}
			default:
				err = fmt.Errorf("assessment step %s, %s: then=%s is not something incubeval runs", f.Name, b.Name, then)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	err = st.ConnTx(ctx, conn, func(conn *sql.Conn) error {
		if err := execFile(ctx, conn, steps[last], plan); err != nil {
			return err
		}
		var budgetArg any
		if budget != nil {
			budgetArg = *budget
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO store.assessment_runs
			SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT max(ingested_at) FROM store.ingests), ?`,
			res.RunID, store.Now(), opts.Year, res.FirstYear, res.LastYear, opts.Window, res.RubricSHA, r.Text, budgetArg, opts.Force); err != nil {
			return fmt.Errorf("record run: %w", err)
		}
		if trace {
			fmt.Fprintf(os.Stderr, "assess before commit %29.0f ms\n", time.Since(t0).Seconds()*1000)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if trace {
		fmt.Fprintf(os.Stderr, "assess committed %33.0f ms\n", time.Since(t0).Seconds()*1000)
	}
	return res, nil
}

// NoSchemeError says a graded carrier matches no scheme of the rubric
// (SPEC §7 "Which scheme"): nothing is stored.
type NoSchemeError struct {
	Year                        int
	Carrier, Kind, Track, Level string
}

func (e *NoSchemeError) Error() string {
	return fmt.Sprintf("载体 %s（%s，%s，%s）%d 年参评，但评分细则中没有适用于它的评分方案；请在细则中为它增加方案或放宽 applies_to / carrier %s (%s, %s, %s) is graded in %d but no scheme of the rubric applies to it; add a scheme or widen an applies_to",
		e.Carrier, e.Kind, e.Track, e.Level, e.Year, e.Carrier, e.Kind, e.Track, e.Level, e.Year)
}

// unmatched reads a_unmatched (10_roster.sql): the first graded carrier no
// scheme scores, if any.
func unmatched(ctx context.Context, conn *sql.Conn) error {
	var e NoSchemeError
	err := conn.QueryRowContext(ctx, "SELECT year, carrier_id, kind, track, level FROM a_unmatched").
		Scan(&e.Year, &e.Carrier, &e.Kind, &e.Track, &e.Level)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return &e
}

// loadRubric fills the rubric_* input tables of 00_inputs.sql, one
// statement per table.
func loadRubric(ctx context.Context, conn *sql.Conn, r *rubric.Normalized, budget *int64, runID int64) error {
	var schemes, indicators [][]any
	for k, s := range r.Schemes {
		list := func(l []string) any {
			if len(l) == 0 {
				return nil
			}
			return "[" + strings.Join(l, ", ") + "]" // codes of fixed lists (validated), cast to VARCHAR[]
		}
		schemes = append(schemes, []any{s.Code, k + 1, s.NameZH, s.NameEN, list(s.AppliesTo.Kind), list(s.AppliesTo.Track),
			list(s.AppliesTo.Level), s.Grades.Excellent, s.Grades.Good, s.Grades.Pass, s.BonusCap})
		for i, ind := range s.Indicators {
			var mun, prov, nat, full, zero, steps, per, points any
			switch ind.Score {
			case rubric.ScoreLinear:
				mun, prov, nat = ind.Target.Municipal, ind.Target.Provincial, ind.Target.National
			case rubric.ScoreBand:
				full, zero = ind.FullAt, ind.ZeroAt
			case rubric.ScoreSteps:
				var parts []string
				for _, st := range ind.Steps {
					parts = append(parts, "["+lit(st[0])+", "+lit(st[1])+"]")
				}
				steps = "[" + strings.Join(parts, ", ") + "]"
			case rubric.ScorePerUnit:
				per, points = ind.Per, ind.Points
			}
			indicators = append(indicators, []any{s.Code, ind.Code, i + 1, nullable(ind.Section), ind.NameZH, ind.NameEN, ind.Unit,
				ind.Value.String(), ind.Score, ind.Weight, ind.Bonus, mun, prov, nat, full, zero, steps, per, points})
		}
	}
	var b any
	if budget != nil {
		b = *budget
	}
	params := [][]any{{r.Grades.Excellent, r.Grades.Good, r.Grades.Pass, r.Quota.Share, r.Quota.Scope,
		r.Reporting.OnTime, r.Reporting.Late, r.Reporting.Missing, r.Decisions.RectifyDays, r.Decisions.BanYears, b, r.Funding.RoundDownTo,
		r.Decisions.DecisionDay}}
	var vetoes, tiers, factors [][]any
	for t, action := range r.Vetoes {
		vetoes = append(vetoes, []any{t, action})
	}
	for _, t := range r.Funding.Tiers {
		tiers = append(tiers, []any{t.Code, t.CapYuan})
	}
	for g, f := range r.Funding.Factors {
		factors = append(factors, []any{g, f})
	}
	for _, t := range []struct {
		table string
		rows  [][]any
		casts map[int]string // columns bound as text and cast in SQL
	}{
		{"rubric_scheme", schemes, map[int]string{4: "VARCHAR[]", 5: "VARCHAR[]", 6: "VARCHAR[]"}},
		{"rubric_indicator", indicators, map[int]string{16: "DOUBLE[][]"}},
		{"rubric_param", params, nil},
		{"rubric_veto", vetoes, nil}, {"rubric_tier", tiers, nil}, {"rubric_factor", factors, nil},
		{"assess_run", [][]any{{runID}}, nil},
	} {
		if err := insertRows(ctx, conn, t.table, t.rows, t.casts); err != nil {
			return fmt.Errorf("%s: %w", t.table, err)
		}
	}
	return nil
}

// nullable is s, or NULL when empty.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insertRows inserts rows into table in one statement.
// A column listed in casts is bound as text and cast to its type.
func insertRows(ctx context.Context, conn *sql.Conn, table string, rows [][]any, casts map[int]string) error {
	if len(rows) == 0 {
		return nil
	}
	var tuples []string
	var args []any
	for _, row := range rows {
		marks := make([]string, len(row))
		for i := range row {
			marks[i] = fmt.Sprintf("$%d", len(args)+i+1)
			if t, ok := casts[i]; ok {
				marks[i] = fmt.Sprintf("CAST($%d AS %s)", len(args)+i+1, t)
			}
		}
		tuples = append(tuples, "("+strings.Join(marks, ", ")+")")
		args = append(args, row...)
	}
	_, err := conn.ExecContext(ctx, "INSERT INTO "+table+" VALUES "+strings.Join(tuples, ", "), args...)
	return err
}

// threads, when INCUBEVAL_ASSESS_THREADS sets it, fixes DuckDB's threads for
// every statement of the run (instead of threadPlan's choice).
var threads, _ = strconv.Atoi(os.Getenv("INCUBEVAL_ASSESS_THREADS"))

// rowGroupRows is DuckDB's row group: a table scan is split between threads
// one row group at a time.
const rowGroupRows = 122880

// threadPlan chooses DuckDB's threads statement by statement. While the
// carrier-years fit in one row group (the national 117,000 do), the step
// tables cannot be scanned by two threads at once, and a second thread only
// adds the cost of merging hash tables and keeping insertion order: those
// statements run on one thread (measured 10–40% faster each on 2 cores).
// Statements whose header says (parallel) keep all of DuckDB's threads, as
// does every statement of a run with more carrier-years. (None says it
// now: the windows that did — chain, ranks — measured faster on one thread
// too, the chain once it sorted only the carriers that can act.)
type threadPlan struct {
	fixed   int  // Options.Threads or INCUBEVAL_ASSESS_THREADS, if set
	serial  bool // the carrier-years fit in one row group
	current int  // the setting in force: 0 for DuckDB's default
}

func (p *threadPlan) set(ctx context.Context, conn *sql.Conn, parallel bool) error {
	want := p.fixed
	if want <= 0 {
		want = 0
		if p.serial && !parallel {
			want = 1
		}
	}
	if want == p.current {
		return nil
	}
	q := "RESET threads"
	if want > 0 {
		q = fmt.Sprintf("SET threads = %d", want)
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return err
	}
	p.current = want
	return nil
}

func (p *threadPlan) reset(conn *sql.Conn) {
	if p.current != 0 {
		conn.ExecContext(context.Background(), "RESET threads")
	}
}

// trace prints each statement's time to stderr (INCUBEVAL_TRACE=1).
var trace = os.Getenv("INCUBEVAL_TRACE") != ""

// profileDir, when set (INCUBEVAL_PROFILE=DIR), receives DuckDB's query tree
// of each step's last statement, one file per step.
var profileDir = os.Getenv("INCUBEVAL_PROFILE")

// removedNow is the carrier-years of a_points that the chain removes
// (an earlier year's delist or revoke).
const removedNow = `SELECT c.year, c.cid FROM a_chain c JOIN a_points p USING (year, cid) WHERE c.removed`

// rescore scores relative again — then the facts, and the chain when a
// fail changed — while the chain removes carrier-years that relative's
// best counted (a_removed, 30_points.sql). A year's removals depend on the
// earlier years only, so they hold after at most one round per year. Only
// the years and schemes whose best changed are scored again (a_rescore);
// when no best changed, neither did a point.
func rescore(ctx context.Context, conn *sql.Conn, c *Compiled, again []sqlfiles.File, plan *threadPlan, years int) error {
	facts, chain := again[0], again[1]
	exec := func(name, q string) error {
		return execBlocks(ctx, conn, "30_points.sql", []sqlfiles.Block{{Name: name, SQL: q}}, plan)
	}
	for round := 0; ; round++ {
		var changed bool
		err := conn.QueryRowContext(ctx, `SELECT EXISTS (
			(`+removedNow+` EXCEPT SELECT year, cid FROM a_removed)
			UNION ALL
			(SELECT year, cid FROM a_removed EXCEPT `+removedNow+`))`).Scan(&changed)
		if err != nil || !changed {
			return err
		}
		if round > years {
			return errors.New("the carriers removed from relative's best do not settle / 相对评分的比较范围无法确定")
		}
		if round == 0 { // the values, and the bests a_points was scored with
			if err := exec("relative", "CREATE OR REPLACE TEMP TABLE a_relative AS "+c.Relative+";\n"+bests("a_bests")); err != nil {
				return err
			}
		}
		if err := exec("removed", "CREATE OR REPLACE TEMP TABLE a_removed AS "+removedNow); err != nil {
			return err
		}
		// The years and schemes whose best changed (a group with every
		// carrier removed has no best: blank).
		if err := exec("bests", bests("a_bests_next")+`;
			CREATE OR REPLACE TEMP TABLE a_rescore AS
			SELECT year, sno, list(n.best ORDER BY j) AS best
			FROM a_bests o FULL JOIN a_bests_next n USING (year, sno, j)
			GROUP BY year, sno
			HAVING bool_or(o.best IS DISTINCT FROM n.best);
			CREATE OR REPLACE TEMP TABLE a_bests AS FROM a_bests_next`); err != nil {
			return err
		}
		var groups int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM a_rescore").Scan(&groups); err != nil {
			return err
		}
		if groups == 0 {
			continue // the removals hold: the next round's check says so
		}
		if err := exec("rescore", `CREATE OR REPLACE TEMP TABLE a_redo AS `+c.Rescore+`;
			DELETE FROM a_points p USING a_rescore r WHERE p.year = r.year AND p.sno = r.sno;
			INSERT INTO a_points FROM a_redo`); err != nil {
			return err
		}
		if err := execFile(ctx, conn, facts, plan); err != nil {
			return err
		}
		// The chain follows the fails; when none changed, only the scores
		// it carries did, and the removals hold.
		var failed bool
		if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM a_facts f JOIN a_chain c USING (year, cid)
			WHERE f.outcome = 'graded' AND f.failed IS DISTINCT FROM c.failed)`).Scan(&failed); err != nil {
			return err
		}
		if !failed {
			_, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE a_chain AS
				SELECT c.* REPLACE (coalesce(f.score, c.score) AS score) FROM a_chain c LEFT JOIN a_facts f USING (year, cid)`)
			return err
		}
		if err := execFile(ctx, conn, chain, plan); err != nil {
			return err
		}
	}
}

// bests writes table t: relative's best per year, scheme and j, over
// the carrier-years not in a_removed.
func bests(t string) string {
	return "CREATE OR REPLACE TEMP TABLE " + t + ` AS
		SELECT year, sno, j, max(v) AS best FROM a_relative ANTI JOIN a_removed USING (year, cid) GROUP BY year, sno, j`
}

// execFile runs a step file block by block (each under a `-- name:`
// header), so that an error names the step and the block.
func execFile(ctx context.Context, conn *sql.Conn, f sqlfiles.File, plan *threadPlan) error {
	return execBlocks(ctx, conn, f.Name, f.Blocks, plan)
}

// execBlocks runs blocks of the file named file in order.
func execBlocks(ctx context.Context, conn *sql.Conn, file string, blocks []sqlfiles.Block, plan *threadPlan) error {
	for _, b := range blocks {
		_, parallel := b.Tag("parallel")
		if err := plan.set(ctx, conn, parallel); err != nil {
			return err
		}
		t0 := time.Now()
		if profileDir != "" {
			out := filepath.Join(profileDir, strings.TrimSuffix(file, ".sql")+"_"+b.Name+".txt")
			if _, err := conn.ExecContext(ctx, "SET enable_profiling = 'query_tree'; SET profiling_output = '"+out+"'"); err != nil {
				return err
			}
			defer conn.ExecContext(context.Background(), "SET enable_profiling = 'no_output'")
		}
		if _, err := conn.ExecContext(ctx, b.SQL); err != nil {
			return fmt.Errorf("assessment step %s, %s: %w", file, b.Name, err)
		}
		if trace {
			fmt.Fprintf(os.Stderr, "assess %-18s %-20s %6.0f ms\n", file, b.Name, time.Since(t0).Seconds()*1000)
		}
	}
	return nil
}

// dropTemps drops the connection's TEMP tables and views — the steps' —
// so that a pooled connection does not keep a year's intermediate results
// in memory.
func dropTemps(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `
		SELECT 'VIEW', view_name FROM duckdb_views() WHERE temporary AND NOT internal
		UNION ALL
		SELECT 'TABLE', table_name FROM duckdb_tables() WHERE temporary
		ORDER BY 1 DESC`) // views first: a view may read a table
	if err != nil {
		return err
	}
	var drops []string
	for rows.Next() {
		var what, name string
		if err := rows.Scan(&what, &name); err != nil {
			rows.Close()
			return err
		}
		drops = append(drops, "DROP "+what+" IF EXISTS temp."+quoteIdent(name))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// What one depends on is dropped first; what still fails is tried
	// again once the rest is gone.
	var errs []error
	for pass := 0; pass < 2 && len(drops) > 0; pass++ {
		var failed []string
		errs = errs[:0]
		for _, q := range drops {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				failed = append(failed, q)
				errs = append(errs, err)
			}
		}
		drops = failed
	}
	return errors.Join(errs...)
}

// quoteIdent quotes a name for SQL.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// NotStoredError says a year has no stored results.
type NotStoredError struct{ Year int }

func (e *NotStoredError) Error() string {
	return fmt.Sprintf("%d 年尚无评价结果，请先运行 incubeval assess --year %d / no results are stored for %d; run 'incubeval assess --year %d' first",
		e.Year, e.Year, e.Year, e.Year)
}

// Publish freezes a computed year (SPEC §4.4): later runs read its results
// as they are. A year whose window has not ended on today (zero: Today) is
// refused with *OpenWindowError, whatever was stored for it.
func Publish(ctx context.Context, st *store.Store, year int, today time.Time) (already bool, err error) {
	if today.IsZero() {
		today = Today()
	}
	sum, err := Summarize(ctx, st.DB, year)
	if err != nil {
		return false, err
	}
	if sum.Published {
		return true, nil
	}
	if err := sum.CheckEnded(today); err != nil {
		return false, err
	}
	if err := CheckCurrent(ctx, st.DB, sum); err != nil {
		return false, err
	}
	return false, st.Exec(ctx, "INSERT INTO store.published_years VALUES (?, ?, ?)", year, store.Now(), sum.RunID)
}

// StaleError says data that can change a year's results was accepted after
// the assessment run that stored them: publishing would freeze results
// that no longer follow from the database.
type StaleError struct {
	Year, RunID int64
	Cutoff      time.Time // the run's data cut-off
	Files, Rows int64     // accepted since
	For         int64     // the year to publish, when Year is an unpublished year it builds on
}

func (e *StaleError) Error() string {
	cut := e.Cutoff.Format("2006-01-02 15:04")
	if e.For != 0 && e.For != e.Year {
		return fmt.Sprintf("%d 年的评价建立在未发布的 %d 年结果之上，而 %d 年的结果（第 %d 次评价，数据截至 %s）之后又导入了 %d 个文件、%d 行可改变结果的数据；请先重新运行 incubeval assess --year %d（一并重算 %d 年），再发布；未做任何更改 / "+
			"%d builds on the unpublished results of %d, and after assessment run %d stored those (data cut-off %s), %d files with %d accepted rows that can change them were ingested: run 'incubeval assess --year %d' again (it recomputes %d on the way), then publish; nothing was changed",
			e.For, e.Year, e.Year, e.RunID, cut, e.Files, e.Rows, e.For, e.Year,
			e.For, e.Year, e.RunID, cut, e.Files, e.Rows, e.For, e.Year)
	}
	return fmt.Sprintf("%d 年的评价结果（第 %d 次评价，数据截至 %s）之后又导入了 %d 个文件、%d 行可改变结果的数据；请先重新运行 incubeval assess --year %d，再发布；未做任何更改 / "+
		"after assessment run %d stored the results of %d (data cut-off %s), %d files with %d accepted rows that can change them were ingested: run 'incubeval assess --year %d' again, then publish; nothing was changed",
		e.Year, e.RunID, cut, e.Files, e.Rows, e.Year, e.RunID, e.Year, cut, e.Files, e.Rows, e.Year)
}

// NewerInputs counts the files, and their accepted rows, ingested after
// the data cut-off of the run that stored sum's year that can change its
// results (or those of a year before it, which it builds on);
// sql/reports/years.sql year_newer_inputs says which.
func NewerInputs(ctx context.Context, db *sql.DB, sum *YearSummary) (files, rows int64, cutoff time.Time, err error) {
	var cut sql.NullTime
	err = sqlfiles.Row(ctx, db, "year_newer_inputs", sql.Named("run_id", sum.RunID),
		sql.Named("window_end", sum.WindowEnd), sql.Named("year", sum.Year)).Scan(&cut, &files, &rows)
	return files, rows, cut.Time, err
}

// CheckCurrent refuses (*StaleError) to go on with a year's stored results
// when data that can change them arrived after they were computed — or
// after an unpublished stored year before it, which it builds on, was
// computed (that year may have been read as published when sum's year
// was computed, and unpublished since).
func CheckCurrent(ctx context.Context, db *sql.DB, sum *YearSummary) error {
	check := func(s *YearSummary) error {
		files, rows, cut, err := NewerInputs(ctx, db, s)
		if err != nil {
			return fmt.Errorf("newer inputs: %w", err)
		}
		if files == 0 {
			return nil
		}
		return &StaleError{Year: int64(s.Year), RunID: s.RunID, Cutoff: cut, Files: files, Rows: rows, For: int64(sum.Year)}
	}
	if err := check(sum); err != nil {
		return err
	}
	stored, err := storedYears(ctx, db)
	if err != nil {
		return err
	}
	// The years since the latest published one before it: a published
	// year and what it builds on are the official record, kept as they are.
	since := 0
	for _, y := range stored {
		if y.year < sum.Year && y.published {
			since = max(since, y.year)
		}
	}
	for _, y := range stored {
		if y.year >= sum.Year || y.year <= since || y.published {
			continue
		}
		s, err := Summarize(ctx, db, y.year)
		if err != nil {
			return err
		}
		if err := check(s); err != nil {
			return err
		}
	}
	return nil
}

// NotPublishedError says a year to unpublish is not published.
type NotPublishedError struct{ Year int }

func (e *NotPublishedError) Error() string {
	return fmt.Sprintf("%d 年未发布，无需撤回；未做任何更改 / %d is not published; nothing was changed", e.Year, e.Year)
}

// Unpublish unfreezes a published year (SPEC §10): later runs recompute it
// again. The reason is the caller's to record (the run ledger).
func Unpublish(ctx context.Context, st *store.Store, year int) error {
	var n int
	if err := st.DB.QueryRowContext(ctx, "SELECT count(*) FROM store.published_years WHERE year = ?", year).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return &NotPublishedError{Year: year}
	}
	return st.Exec(ctx, "DELETE FROM store.published_years WHERE year = ?", year)
}
