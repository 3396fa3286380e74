package assess_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
)

// SPEC §10 "Operational safety": a year whose window has not ended is
// refused, no command stores a year beyond the one it was asked for, an
// unpublished year's stored results can be removed.

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func withToday(d string) func(*assess.Options) {
	return func(o *assess.Options) { o.Today = day(d) }
}

// tryAssess is assess without failing the test on an error.
func (w *world) tryAssess(y int, opts ...func(*assess.Options)) (*assess.Result, error) {
	w.t.Helper()
	w.load()
	o := assess.Options{Year: y, Today: testToday}
	for _, f := range opts {
		f(&o)
	}
	return assess.Run(context.Background(), w.st, o)
}

// twoCarriers reports 2023Q4–2026Q3 for two carriers: A full, B poor (a
// fail in 2024, delisted in 2025).
func twoCarriers(w *world) {
	w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("B", "municipal", "comprehensive", "2020-01-01", 2)
	for y := 2024; y <= 2026; y++ {
		w.window("A", y, full)
		w.window("B", y, poor)
	}
}

func TestAYearWhoseWindowHasNotEndedIsRefused(t *testing.T) {
	for _, c := range []struct {
		name, window string
		year         int
		today        string
		refused      bool
		ends         string
	}{
		{"sep, next year", assess.WindowSep, 2027, "2026-11-20", true, "2027-09-30"},
		{"sep, far ahead", assess.WindowSep, 2031, "2026-11-20", true, "2031-09-30"},
		{"sep, ends today", assess.WindowSep, 2026, "2026-09-30", true, "2026-09-30"},
		{"sep, ended yesterday", assess.WindowSep, 2026, "2026-10-01", false, ""},
		{"calendar, this year", assess.WindowCalendar, 2026, "2026-11-20", true, "2026-12-31"},
		{"calendar, ends today", assess.WindowCalendar, 2025, "2025-12-31", true, "2025-12-31"},
		{"calendar, ended", assess.WindowCalendar, 2025, "2026-01-01", false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			twoCarriers(w)
			w.load()
			before, err := w.st.TableCounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.tryAssess(c.year, withWindow(c.window), withToday(c.today))
			var open *assess.OpenWindowError
			if !c.refused {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.As(err, &open) || open.End.Format("2006-01-02") != c.ends {
				t.Fatalf("err %v; want the window ending %s refused", err, c.ends)
			}
			if msg := err.Error(); !strings.Contains(msg, "ends on "+c.ends) || !strings.Contains(msg, "尚未结束") {
				t.Errorf("message %q does not say when the window ends in both languages", msg)
			}
			after, _ := w.st.TableCounts(context.Background())
			if !reflect.DeepEqual(before, after) {
				t.Errorf("the refused run changed the database:\n before %v\n after  %v", before, after)
			}
			if err := assess.CheckWindowEnded(c.window, c.year, day(c.today)); err == nil {
				t.Errorf("CheckWindowEnded accepts %d (%s) on %s", c.year, c.window, c.today)
			}
		})
	}
}

// Results stored for a year whose window had not ended (by a version
// before SPEC §10 was enforced) cannot be published; they can be removed.
func TestStoredOpenYearCannotBePublishedButCanBeDiscarded(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	twoCarriers(w)
	w.assess(2027, withToday("2027-10-05")) // as the old code did on 2026-11-20
	_, err := assess.Publish(ctx, w.st, 2027, testToday)
	var open *assess.OpenWindowError
	if !errors.As(err, &open) || open.Year != 2027 {
		t.Fatalf("publishing the stored 2027 on %s: %v; want it refused", testToday.Format("2006-01-02"), err)
	}
	if n := w.count("SELECT count(*) FROM published_years"); n != 0 {
		t.Fatalf("%d published years after the refusal", n)
	}
	// Assessing 2025 refuses: 2026 and 2027 are stored and build on it.
	_, err = w.tryAssess(2025)
	var later *assess.LaterYearsError
	if !errors.As(err, &later) || !reflect.DeepEqual(later.Later, []int{2026, 2027}) || later.Ended {
		t.Fatalf("assess 2025 with 2026–2027 stored: %v", err)
	}
	if !strings.Contains(err.Error(), "discard --year 2026") || strings.Contains(err.Error(), "assess --year 2027") {
		t.Errorf("message %q should send to discard, not to assessing an open year", err)
	}
	plan, err := assess.PlanDiscard(ctx, w.st, 2027)
	if err != nil || !reflect.DeepEqual(plan.Years, []int{2027}) {
		t.Fatalf("plan 2027: %+v %v", plan, err)
	}
	if err := assess.Discard(ctx, w.st, plan); err != nil {
		t.Fatal(err)
	}
	if n := w.count("SELECT count(*) FROM assessments WHERE year = 2027"); n != 0 {
		t.Fatalf("%d rows of 2027 left", n)
	}
	if n := w.count("SELECT count(*) FROM bans WHERE year = 2027"); n != 0 {
		t.Fatalf("%d bans of 2027 left", n)
	}
	// Now 2026 (ended) is the latest: the message offers to assess it.
	_, err = w.tryAssess(2025)
	if !errors.As(err, &later) || !later.Ended || !strings.Contains(err.Error(), "assess --year 2026") {
		t.Fatalf("assess 2025 with 2026 stored: %v", err)
	}
}

func TestNoYearAfterTheOneAskedForIsStored(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	twoCarriers(w)
	w.assess(2026)
	run2026 := w.count("SELECT max(run_id) FROM assessments WHERE year = 2026")
	before, _ := w.st.TableCounts(ctx)
	if _, err := w.tryAssess(2025); err == nil {
		t.Fatal("assess 2025 with an unpublished 2026 stored: no error (the old code recomputed 2026 too)")
	}
	after, _ := w.st.TableCounts(ctx)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("the refused run changed the database:\n before %v\n after  %v", before, after)
	}
	// A published later year stays as it is.
	if _, err := assess.Publish(ctx, w.st, 2026, testToday); err != nil {
		t.Fatal(err)
	}
	// …and so does 2025, which it builds on: assessing 2025 again is
	// refused, changing nothing, unless forced.
	before, _ = w.st.TableCounts(ctx)
	var held *assess.HeldError
	if _, err := w.tryAssess(2025); !errors.As(err, &held) || held.Year != 2025 || held.By != 2026 {
		t.Fatalf("assess 2025 with 2026 published: %v, want HeldError", err)
	}
	if after, _ := w.st.TableCounts(ctx); !reflect.DeepEqual(before, after) {
		t.Fatalf("the refused run changed the database:\n before %v\n after  %v", before, after)
	}
	res, err := w.tryAssess(2025, func(o *assess.Options) { o.Force = true })
	if err != nil {
		t.Fatal(err)
	}
	if res.LastYear != 2025 || !reflect.DeepEqual(res.LaterKept, []int{2026}) || res.Computed[len(res.Computed)-1] != 2025 {
		t.Fatalf("assess 2025 --force with 2026 published: %+v", res)
	}
	if n := w.count("SELECT max(run_id) FROM assessments WHERE year = 2026"); n != run2026 {
		t.Fatalf("2026 was rewritten by run %d (was %d)", n, run2026)
	}
	if n := w.count("SELECT requested_year FROM assessment_runs WHERE run_id = ?", res.RunID); n != 2025 {
		t.Errorf("the run's requested year %d", n)
	}
}

func TestDiscardRemovesAnUnpublishedYearAndTheYearsAfterIt(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	twoCarriers(w)
	w.assess(2026) // 2024–2026: B fails 2024, is delisted in 2025
	if d := w.decision(2025, "B"); d.Action != "delist" {
		t.Fatalf("B 2025: %+v, want delist", d)
	}
	runs := w.count("SELECT count(*) FROM assessment_runs")
	inputs := w.count("SELECT (SELECT count(*) FROM quarterly_reports) + (SELECT count(*) FROM carriers)")
	kept2024 := w.count("SELECT count(*) FROM assessments WHERE year = 2024")

	if _, err := assess.PlanDiscard(ctx, w.st, 2023); !errors.As(err, new(*assess.NotStoredError)) {
		t.Errorf("discard 2023 (nothing stored): %v", err)
	}
	plan, err := assess.PlanDiscard(ctx, w.st, 2025)
	if err != nil || !reflect.DeepEqual(plan.Years, []int{2025, 2026}) || len(plan.Summaries) != 2 {
		t.Fatalf("plan 2025: %+v %v", plan, err)
	}
	if s := plan.Summaries[0]; s.Graded != 2 || s.ByAction["delist"] != 1 || s.ByGrade["fail"] != 1 {
		t.Errorf("summary of 2025: %+v", s)
	}
	if err := assess.Discard(ctx, w.st, plan); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT count(*) FROM assessments WHERE year >= 2025",
		"SELECT count(*) FROM indicator_scores WHERE year >= 2025",
		"SELECT count(*) FROM decisions WHERE year >= 2025",
		"SELECT count(*) FROM funding WHERE year >= 2025",
		"SELECT count(*) FROM bans", // B's delisting of 2025
	} {
		if n := w.count(q); n != 0 {
			t.Errorf("%s: %d after the discard", q, n)
		}
	}
	if n := w.count("SELECT count(*) FROM assessments WHERE year = 2024"); n != kept2024 {
		t.Errorf("2024 has %d rows, had %d", n, kept2024)
	}
	if n := w.count("SELECT count(*) FROM assessment_runs"); n != runs {
		t.Errorf("%d assessment runs, were %d (the history stays)", n, runs)
	}
	if n := w.count("SELECT (SELECT count(*) FROM quarterly_reports) + (SELECT count(*) FROM carriers)"); n != inputs {
		t.Errorf("inputs changed: %d, were %d", n, inputs)
	}
	// Assessing again gives what it gave before.
	w.assess(2026)
	if d := w.decision(2025, "B"); d.Action != "delist" {
		t.Errorf("B 2025 after re-assessing: %+v", d)
	}

	// Published years are refused: the year itself, or a later one.
	if _, err := assess.Publish(ctx, w.st, 2026, testToday); err != nil {
		t.Fatal(err)
	}
	for _, y := range []int{2025, 2026} {
		_, err := assess.PlanDiscard(ctx, w.st, y)
		var pub *assess.PublishedError
		if !errors.As(err, &pub) || pub.Year != 2026 || !strings.Contains(err.Error(), "unpublish") {
			t.Errorf("discard %d with 2026 published: %v", y, err)
		}
	}
	// Published meanwhile (between the plan and the discard): refused too.
	plan, err = assess.PlanDiscard(ctx, w.st, 2024)
	if err == nil {
		t.Fatalf("plan 2024 with 2026 published: %+v", plan)
	}
	if err := assess.Unpublish(ctx, w.st, 2026); err != nil {
		t.Fatal(err)
	}
	if err := assess.Unpublish(ctx, w.st, 2026); !errors.As(err, new(*assess.NotPublishedError)) {
		t.Errorf("unpublish twice: %v", err)
	}
	plan, err = assess.PlanDiscard(ctx, w.st, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := assess.Publish(ctx, w.st, 2026, testToday); err != nil {
		t.Fatal(err)
	}
	if err := assess.Discard(ctx, w.st, plan); !errors.As(err, new(*assess.PublishedError)) {
		t.Errorf("discard of a year published after the plan: %v", err)
	}
	if n := w.count("SELECT count(*) FROM assessments WHERE year = 2026"); n == 0 {
		t.Error("2026 removed although published")
	}
}

// checkSummaries holds assess.Summarize, which reads the base tables, to
// the views it stands for, year by year.
func checkSummaries(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query("SELECT DISTINCT year FROM assessments ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var years []int
	for rows.Next() {
		var y int
		rows.Scan(&y)
		years = append(years, y)
	}
	rows.Close()
	for _, y := range years {
		s, err := assess.Summarize(context.Background(), db, y)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("%d %d %d %d %v %v %d %d", s.Carriers, s.Graded, s.NotAssessed, s.Deferred, s.ByGrade, s.ByAction, s.FundingYuan, s.RecoveryYuan)
		var want string
		if err := db.QueryRow(`
			SELECT (SELECT count(*) || ' ' || count(*) FILTER (WHERE outcome = 'graded') || ' ' || count(*) FILTER (WHERE outcome = 'not_assessed')
			        || ' ' || count(*) FILTER (WHERE outcome = 'deferred')
			        || ' map[excellent:' || count(*) FILTER (WHERE grade = 'excellent') || ' fail:' || count(*) FILTER (WHERE grade = 'fail')
			        || ' good:' || count(*) FILTER (WHERE grade = 'good') || ' pass:' || count(*) FILTER (WHERE grade = 'pass') || ']'
			        FROM assessments WHERE year = $1)
			    || (SELECT ' map[delist:' || count(*) FILTER (WHERE action = 'delist') || ' keep:' || count(*) FILTER (WHERE action = 'keep')
			        || ' rectify:' || count(*) FILTER (WHERE action = 'rectify') || ' revoke:' || count(*) FILTER (WHERE action = 'revoke') || ']'
			        FROM decisions WHERE year = $1)
			    || (SELECT ' ' || coalesce(sum(amount_yuan), 0) || ' ' || coalesce(sum(recovery_yuan), 0) FROM funding WHERE year = $1)`, y).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%d: Summarize says %s; the views %s", y, got, want)
		}
	}
}

// A run with the calendar window cannot build on years kept as they are
// that were made with the sep window (it printed one window and kept the
// other's results); forced, it recomputes them all.
func TestWindowOfKeptYearsIsKept(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	twoCarriers(w)
	w.assess(2025)
	if _, err := assess.Publish(ctx, w.st, 2025, testToday); err != nil {
		t.Fatal(err)
	}
	before, _ := w.st.TableCounts(ctx)
	var mismatch *assess.WindowMismatchError
	_, err := w.tryAssess(2025, func(o *assess.Options) { o.Window = assess.WindowCalendar })
	if !errors.As(err, &mismatch) || mismatch.Stored != assess.WindowSep {
		t.Fatalf("calendar run over a published sep year: %v", err)
	}
	if after, _ := w.st.TableCounts(ctx); !reflect.DeepEqual(before, after) {
		t.Fatalf("the refused run changed the database:\n before %v\n after  %v", before, after)
	}
	if _, err := w.tryAssess(2025, func(o *assess.Options) { o.Window = assess.WindowCalendar; o.Force = true }); err != nil {
		t.Fatalf("forced: %v", err)
	}
}
