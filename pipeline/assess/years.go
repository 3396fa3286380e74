package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// What officials act on, a year at a time: the summary of a year's stored
// results (what `publish` freezes and `discard` removes), and removing an
// unpublished year's results (SPEC §10).

// Grades and actions in the order they are shown.
var (
	Grades  = []string{"excellent", "good", "pass", "fail"}
	Actions = []string{"keep", "rectify", "delist", "revoke"}
)

// YearSummary is what a year's stored results hold, read from the views.
type YearSummary struct {
	Year         int
	RunID        int64  // the latest assessment run that stored the year
	Window       string // sep | calendar
	WindowStart  time.Time
	WindowEnd    time.Time
	Published    bool
	Carriers     int
	Graded       int
	NotAssessed  int
	Deferred     int
	ByGrade      map[string]int // excellent, good, pass, fail
	ByAction     map[string]int // keep, rectify, delist, revoke (decisions view)
	FundingYuan  int64          // total amount granted
	RecoveryYuan int64          // total listed for recovery
}

// Summarize reads year's stored results; a year without any is a
// *NotStoredError. It reads the base tables in one pass, as the views
// define them — a graded carrier without an acting decision is kept, the
// funding is the amounts on the year's rows — because the views' joins to
// the registry cost a national run 0.1 s for counts that need no names;
// TestSummaryAgreesWithTheViews holds it to the views.
func Summarize(ctx context.Context, db *sql.DB, year int) (*YearSummary, error) {
	s := &YearSummary{Year: year, ByGrade: map[string]int{}, ByAction: map[string]int{}}
	var runID sql.NullInt64
	var window sql.NullString
	var start, end sql.NullTime
	var byGrade, byAction [4]int
	err := db.QueryRowContext(ctx, `
		WITH s AS (
		    SELECT max(a.run_id) AS run_id, min(a.window_start) AS window_start, max(a.window_end) AS window_end,
		           count(*) AS carriers, count(*) FILTER (WHERE a.outcome = 'graded') AS graded,
		           count(*) FILTER (WHERE a.outcome = 'not_assessed') AS not_assessed,
		           count(*) FILTER (WHERE a.outcome = 'deferred') AS deferred,
		           count(*) FILTER (WHERE a.grade = 'excellent') AS excellent, count(*) FILTER (WHERE a.grade = 'good') AS good,
		           count(*) FILTER (WHERE a.grade = 'pass') AS pass, count(*) FILTER (WHERE a.grade = 'fail') AS fail,
		           count(*) FILTER (WHERE a.outcome = 'graded' AND d.action IS NULL) AS keep,
		           count(*) FILTER (WHERE d.action = 'rectify') AS rectify, count(*) FILTER (WHERE d.action = 'delist') AS delist,
		           count(*) FILTER (WHERE d.action = 'revoke') AS revoke,
		           CAST(coalesce(sum(a.amount_yuan), 0) AS BIGINT) AS funding,
		           CAST(coalesce(sum(a.recovery_yuan), 0) AS BIGINT) AS recovery
		    FROM store.assessments a
		    LEFT JOIN store.decisions d ON d.year = a.year AND d.carrier_id = a.carrier_id
		    WHERE a.year = $1
		)
		SELECT s.run_id, s.window_start, s.window_end,
		       (SELECT r.window_kind FROM store.assessment_runs r WHERE r.run_id = s.run_id),
		       (SELECT count(*) FROM store.published_years WHERE year = $1) > 0,
		       s.carriers, s.graded, s.not_assessed, s.deferred, s.excellent, s.good, s.pass, s.fail,
		       s.keep, s.rectify, s.delist, s.revoke, s.funding, s.recovery
		FROM s`, year).Scan(
		&runID, &start, &end, &window, &s.Published, &s.Carriers, &s.Graded, &s.NotAssessed, &s.Deferred,
		&byGrade[0], &byGrade[1], &byGrade[2], &byGrade[3],
		&byAction[0], &byAction[1], &byAction[2], &byAction[3], &s.FundingYuan, &s.RecoveryYuan)
	if err != nil {
		return nil, fmt.Errorf("summary of %d: %w", year, err)
	}
	if !runID.Valid {
		return nil, &NotStoredError{Year: year}
	}
	s.RunID, s.Window, s.WindowStart, s.WindowEnd = runID.Int64, window.String, start.Time, end.Time
	for i, g := range Grades {
		s.ByGrade[g] = byGrade[i]
	}
	for i, a := range Actions {
		s.ByAction[a] = byAction[i]
	}
	return s, nil
}

// CheckEnded returns an *OpenWindowError if the window the year was
// assessed with has not ended on today (SPEC §10).
func (s *YearSummary) CheckEnded(today time.Time) error {
	return checkEnded(s.Window, s.Year, s.WindowStart, s.WindowEnd, today)
}

// PublishedError refuses to discard a published (frozen) year.
type PublishedError struct {
	Year      int // the published year
	Requested int // the year asked to be discarded
}

func (e *PublishedError) Error() string {
	if e.Year == e.Requested {
		return fmt.Sprintf("%d 年已发布，结果已冻结，不能删除；如确需删除，请先运行 incubeval unpublish --year %d --reason \"…\"；未做任何更改 / "+
			"%d is published: its results are frozen and cannot be removed; unpublish it first ('incubeval unpublish --year %d --reason \"…\"'); nothing was changed",
			e.Year, e.Year, e.Year, e.Year)
	}
	return fmt.Sprintf("删除 %d 年的结果须同时删除依赖它的之后年度，但 %d 年已发布、结果已冻结；如确需删除，请先运行 incubeval unpublish --year %d --reason \"…\"；未做任何更改 / "+
		"removing %d also removes the later years that build on it, but %d is published: its results are frozen; unpublish it first ('incubeval unpublish --year %d --reason \"…\"'); nothing was changed",
		e.Requested, e.Year, e.Year, e.Requested, e.Year, e.Year)
}

// DiscardPlan is what Discard removes: the requested year and every later
// stored year, which build on it through the chain.
type DiscardPlan struct {
	Year      int
	Years     []int
	Summaries []*YearSummary
}

// PlanDiscard checks that year's stored results can be removed — stored,
// and neither it nor a later stored year published — and says what goes
// with it. A year whose window has not ended can be removed: that is how
// results stored for one before SPEC §10 was enforced are cleaned up.
func PlanDiscard(ctx context.Context, st *store.Store, year int) (*DiscardPlan, error) {
	stored, err := storedYears(ctx, st.DB)
	if err != nil {
		return nil, err
	}
	p := &DiscardPlan{Year: year}
	for _, y := range stored {
		if y.year < year {
			continue
		}
		if len(p.Years) == 0 && y.year != year {
			break // year itself has no results
		}
		if y.published {
			return nil, &PublishedError{Year: y.year, Requested: year}
		}
		p.Years = append(p.Years, y.year)
	}
	if len(p.Years) == 0 {
		return nil, &NotStoredError{Year: year}
	}
	for _, y := range p.Years {
		s, err := Summarize(ctx, st.DB, y)
		if err != nil {
			return nil, err
		}
		p.Summaries = append(p.Summaries, s)
	}
	return p, nil
}

// Discard removes the stored results of the plan's years in one
// transaction (sql/years/discard.sql), after checking again that none of
// them was published meanwhile.
func Discard(ctx context.Context, st *store.Store, p *DiscardPlan) error {
	if len(p.Years) == 0 {
		return errors.New("discard: no years")
	}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	f, ok := sqlfiles.Find(sqlfiles.Years(), "discard.sql")
	inputs, iok := f.Block("inputs")
	results, rok := f.Block("results")
	if !ok || !iok || !rok {
		return errors.New("discard: sql/years/discard.sql, with blocks inputs and results, is not embedded")
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS temp.discard_years")
	return st.ConnTx(ctx, conn, func(conn *sql.Conn) error {
		plan := &threadPlan{}
		if err := execBlocks(ctx, conn, f.Name, []sqlfiles.Block{inputs}, plan); err != nil {
			return err
		}
		var ys []any
		marks := ""
		for i, y := range p.Years {
			if i > 0 {
				marks += ", "
			}
			marks += "(?)"
			ys = append(ys, y)
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO discard_years VALUES "+marks, ys...); err != nil {
			return err
		}
		var published sql.NullInt64
		if err := conn.QueryRowContext(ctx, `SELECT min(year) FROM store.published_years
			WHERE year IN (SELECT year FROM discard_years)`).Scan(&published); err != nil {
			return err
		}
		if published.Valid {
			return &PublishedError{Year: int(published.Int64), Requested: p.Year}
		}
		return execBlocks(ctx, conn, f.Name, []sqlfiles.Block{results}, plan)
	})
}
