package assess_test

import (
	"context"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
)

// More rule scenarios: the roster's dates, rounding, and how published
// (frozen) years feed the years after them.

// SPEC §4.1 roster: recognized by the window end; not_assessed when
// recognized less than 12 months before it.
func TestRosterBoundaries(t *testing.T) {
	w := newWorld(t)
	w.carrier("F", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("R1", "municipal", "comprehensive", "2024-09-30", 2) // exactly 12 months: graded
	w.carrier("R2", "municipal", "comprehensive", "2024-10-01", 3) // less: not_assessed
	w.carrier("R3", "municipal", "comprehensive", "2025-09-30", 4) // on the window end: not_assessed
	w.carrier("R4", "municipal", "comprehensive", "2025-10-01", 5) // after it: absent
	w.window("F", 2025, full)
	w.assess(2025)
	if r := w.row(2025, "R1"); r.Outcome != "graded" {
		t.Errorf("R1 outcome %q, want graded", r.Outcome)
	}
	for _, id := range []string{"R2", "R3"} {
		if r := w.row(2025, id); r.Outcome != "not_assessed" || !r.scoreNull || !r.gradeNull || r.RankOverall.Valid {
			t.Errorf("%s: %+v, want not_assessed without score, grade, ranks", id, r)
		}
		if d := w.decision(2025, id); d.found {
			t.Errorf("%s: a decisions row for a not_assessed carrier", id)
		}
		if f := w.fund(2025, id); f.found {
			t.Errorf("%s: a funding row for a not_assessed carrier", id)
		}
	}
	if r := w.row(2025, "R4"); r.found {
		t.Errorf("R4 (recognized after the window end) appears: %+v", r)
	}
}

// SPEC §4.2: points rounded to 2 decimals, half away from zero.
func TestPointsRoundHalfAwayFromZero(t *testing.T) {
	w := newWorld(t)
	w.carrier("REV", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("FIN", "municipal", "comprehensive", "2020-01-01", 2)
	w.window("REV", 2025, func(id string, y, qt int) q { r := full(id, y, qt); r.revenue = 250.25; return r })
	w.window("FIN", 2025, func(id string, y, qt int) q { r := full(id, y, qt); r.financing = 0.1875; return r })
	w.assess(2025)
	// 10 × 1001 / 2000 = 5.005 → 5.01 (half-even would give 5.00).
	w.wantIndicator(2025, "REV", "revenue", 1001, "5.01")
	w.wantRow(2025, "REV", "good", "95.01", "quota")
	// 10 × 0.75 / 300 = 0.025 → 0.03 (half-even would give 0.02).
	w.wantIndicator(2025, "FIN", "financing", 0.75, "0.03")
	w.wantRow(2025, "FIN", "good", "90.03", "quota")
}

// SPEC §4.4 "a published year's results never change", §4.7 "Chain": the
// decisions of a published year are the ones the years after it build on.
func TestPublishedDecisionGovernsLaterYears(t *testing.T) {
	ctx := context.Background()
	lateYear := func(w *world, id string, y int, mk func(string, int, int) q) {
		sub := "2025-10-20"
		w.report(at(mk(id, y-1, 4), sub), at(mk(id, y, 1), sub), at(mk(id, y, 2), sub), at(mk(id, y, 3), sub))
	}

	t.Run("published delist stays a delist", func(t *testing.T) {
		w := newWorld(t)
		w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
		w.window("A", 2023, poor)
		w.window("A", 2024, poor)
		w.assess(2024)
		w.want(2023, "A", "fail", "rectify")
		w.want(2024, "A", "fail", "delist")
		if _, err := assess.Publish(ctx, w.st, 2024, testToday); err != nil {
			t.Fatal(err)
		}
		// 2023 (not published) is revised to full data; A keeps reporting.
		lateYear(w, "A", 2023, full)
		w.window("A", 2025, full)
		w.assess(2025)
		w.want(2023, "A", "fail", "rectify") // held: the published 2024 builds on it
		w.want(2024, "A", "fail", "delist")  // published: unchanged
		if o := w.get(2025, "A"); o != nil {
			t.Errorf("A appears in 2025 (%+v) although its published 2024 decision is delist", *o)
		}
	})

	t.Run("published rectify stays a rectify", func(t *testing.T) {
		w := newWorld(t)
		w.carrier("B", "municipal", "comprehensive", "2020-01-01", 1)
		w.window("B", 2023, full)
		w.window("B", 2024, poor)
		w.assess(2024)
		w.want(2024, "B", "fail", "rectify")
		if _, err := assess.Publish(ctx, w.st, 2024, testToday); err != nil {
			t.Fatal(err)
		}
		// 2023 (not published) is revised to poor data.
		lateYear(w, "B", 2023, poor)
		w.window("B", 2025, full)
		w.assess(2025)
		w.want(2023, "B", "good", "keep")    // held: the published 2024 builds on it
		w.want(2024, "B", "fail", "rectify") // published: unchanged
		if o := w.get(2025, "B"); o == nil {
			t.Errorf("B is missing from 2025 although its published 2024 decision is rectify (not delist)")
		} else if o.Action != "keep" {
			t.Errorf("B 2025: %+v, want keep", *o)
		}
	})

	t.Run("recovery of published funding", func(t *testing.T) {
		w := newWorld(t)
		w.carrier("FD", "municipal", "comprehensive", "2020-01-01", 1)
		w.window("FD", 2024, full)
		w.assess(2024)
		if o := w.want(2024, "FD", "good", "keep"); o.Amount != 160000 {
			t.Fatalf("FD 2024 amount %d, want 160000", o.Amount)
		}
		if _, err := assess.Publish(ctx, w.st, 2024, testToday); err != nil {
			t.Fatal(err)
		}
		lateYear(w, "FD", 2024, poor) // would make 2024 a fail with no funding
		w.window("FD", 2025, full)
		w.incident("FD", "2025-03-03", "false_data")
		w.assess(2025)
		if o := w.want(2025, "FD", "fail", "revoke"); o.Recovery != 160000 {
			t.Errorf("FD 2025 recovery %d, want the published 2024 amount 160000", o.Recovery)
		}
	})
}

// SPEC §4.7 "Chain": any number of deferred years between two graded years
// is skipped.
func TestTwoDeferredYearsBetweenFails(t *testing.T) {
	w := newWorld(t)
	w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
	w.window("A", 2022, poor)
	w.window("A", 2023, full)
	w.window("A", 2024, full)
	w.deferral("A", 2023)
	w.deferral("A", 2024)
	w.window("A", 2025, poor)
	w.assess(2025)
	w.want(2022, "A", "fail", "rectify")
	for _, y := range []int{2023, 2024} {
		if o := w.get(y, "A"); o == nil || o.Outcome != "deferred" || o.Grade != "" || o.Action != "" {
			t.Errorf("%d: %+v, want deferred without grade or decision", y, o)
		}
	}
	if o := w.want(2025, "A", "fail", "delist"); o.BannedUntil != "2028-12-31" {
		t.Errorf("banned until %q, want 2028-12-31", o.BannedUntil)
	}
	if d := w.decision(2025, "A"); !strings.Contains(d.Reason, "2022") {
		t.Errorf("delist reason %q should name 2022, the previous graded year", d.Reason)
	}
}
