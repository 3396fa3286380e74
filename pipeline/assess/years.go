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

// Summarize reads year's stored results (sql/reports/years.sql
// year_summary); a year without any is a *NotStoredError.
func Summarize(ctx context.Context, db *sql.DB, year int) (*YearSummary, error) {
	s := &YearSummary{Year: year, ByGrade: map[string]int{}, ByAction: map[string]int{}}
	var runID sql.NullInt64
	var window sql.NullString
	var start, end sql.NullTime
	var byGrade, byAction [4]int
	err := sqlfiles.Row(ctx, db, "year_summary", sql.Named("year", year)).Scan(
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
