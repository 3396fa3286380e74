package assess_test

import (
	"context"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
)

// SPEC §4.7 "False data always revokes": a false_data incident inside Y's
// window revokes the carrier in Y even when Y is deferred or not_assessed
// for it — a revoke decision row (no grade, no score), the operator's ban,
// the recovery of its Y-1 and Y grants on a funding row of its own, and no
// rows in later years.
func TestFalseDataInAYearNotGradedRevokes(t *testing.T) {
	type want struct {
		outcome  string
		recovery int64
	}
	for _, c := range []struct {
		name  string
		setup func(w *world)
		want  want
	}{
		{"deferred", func(w *world) {
			// Good in 2024 (two graded → quota 0): 0.8 × 200,000 granted;
			// 2025 deferred, false data in its window.
			w.carrier("FD", "municipal", "comprehensive", "2020-01-01", 1)
			for y := 2024; y <= 2026; y++ {
				w.window("FD", y, full)
			}
			w.deferral("FD", 2025)
			w.incident("FD", "2025-03-03", "false_data")
		}, want{"deferred", 160000}},
		{"deferred, specialized and provincial", func(w *world) {
			w.carrier("FD", "provincial", "specialized", "2020-01-01", 1)
			for y := 2024; y <= 2026; y++ {
				w.window("FD", y, fullAt("provincial"))
			}
			w.deferral("FD", 2025)
			w.incident("FD", "2024-10-01", "false_data") // the window's first day
		}, want{"deferred", 240000}}, // good: 0.8 × 300,000 (specialized)
		{"not_assessed", func(w *world) {
			// Recognized less than 12 months before the 2025 window end.
			w.carrier("FD", "municipal", "comprehensive", "2025-01-01", 1)
			w.window("FD", 2025, full)
			w.window("FD", 2026, full)
			w.incident("FD", "2025-09-30", "false_data") // the window's last day
		}, want{"not_assessed", 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.carrier("B", "municipal", "comprehensive", "2020-01-01", 2)
			for y := 2024; y <= 2026; y++ {
				w.window("B", y, full)
			}
			c.setup(w)
			w.assess(2026)

			r := w.row(2025, "FD")
			if !r.found || r.Outcome != c.want.outcome || !r.scoreNull || !r.gradeNull || r.RankOverall.Valid || r.Reasons != "false_data" {
				t.Fatalf("2025 FD: %+v; want %s without score, grade or ranks, reason false_data", r, c.want.outcome)
			}
			d := w.decision(2025, "FD")
			if !d.found || d.Action != "revoke" || d.Reason != "false_data" || d.BannedUntil != "2028-12-31" || d.Deadline != "" {
				t.Errorf("2025 FD decision: %+v; want revoke for false_data, banned until 2028-12-31, no deadline", d)
			}
			var effective, operator string
			if err := w.st.DB.QueryRow(`SELECT CAST(effective_on AS VARCHAR), operator_uscc FROM decisions
				WHERE year = 2025 AND carrier_id = 'FD'`).Scan(&effective, &operator); err != nil || effective != "2025-11-30" || operator != w.operatorOf["FD"] {
				t.Errorf("2025 FD decision: effective %q operator %q (%v); want 2025-11-30, %s", effective, operator, err, w.operatorOf["FD"])
			}
			f := w.fund(2025, "FD")
			if !f.found || f.Tier == "" || f.Cap == 0 || f.Amount != 0 || f.Unscaled != 0 || f.Factor != 0 || f.Recovery != c.want.recovery {
				t.Errorf("2025 FD funding: %+v; want the tier and cap set, factor and amount 0, recovery %d", f, c.want.recovery)
			}
			if n := w.count(`SELECT count(*) FROM bans WHERE carrier_id = 'FD' AND year = 2025 AND action = 'revoke'
				AND banned_from = DATE '2025-11-30' AND banned_until = DATE '2028-12-31'`); n != 1 {
				t.Errorf("%d bans rows for FD, want 1", n)
			}
			if o := w.get(2026, "FD"); o != nil {
				t.Errorf("FD appears in 2026 after its revocation: %+v", o)
			}
			// The rest of the year is as it would be without FD: B alone is graded.
			if n := w.count(`SELECT count(*) FROM assessments WHERE year = 2025 AND outcome = 'graded'`); n != 1 {
				t.Errorf("%d graded in 2025, want 1 (B)", n)
			}
			w.want(2025, "B", "good", "keep")
			if n := w.count(`SELECT count(*) FROM decisions WHERE year = 2025`); n != 2 {
				t.Errorf("%d decisions rows in 2025, want B's keep and FD's revoke", n)
			}
			checkSummaries(t, w.st.DB)
			// The ban: a carrier of FD's operator cannot be recognized during it.
			w.registryRow("FD2", "新载体", 1, "municipal", "comprehensive", "2026-01-01")
			w.load()
			if n := w.count(`SELECT count(*) FROM rejects WHERE rule = 'banned_operator'`); n != 1 {
				t.Errorf("%d banned_operator rejects for a new carrier of the banned operator, want 1", n)
			}
		})
	}
}

// A deferred year's revocation recovers a published Y-1 grant, and
// re-running the assessment over a published revocation keeps it.
func TestFalseDataInADeferredYearWithPublishedYears(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.carrier("FD", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("B", "municipal", "comprehensive", "2020-01-01", 2)
	for y := 2024; y <= 2026; y++ {
		w.window("FD", y, full)
		w.window("B", y, full)
	}
	w.assess(2024)
	if _, err := assess.Publish(ctx, w.st, 2024, testToday); err != nil {
		t.Fatal(err)
	}
	w.deferral("FD", 2025)
	w.incident("FD", "2025-05-05", "false_data")
	w.assess(2025)
	if f := w.fund(2025, "FD"); f.Recovery != 160000 {
		t.Errorf("FD 2025 recovery %d, want the published 2024 grant 160000", f.Recovery)
	}
	if _, err := assess.Publish(ctx, w.st, 2025, testToday); err != nil {
		t.Fatal(err)
	}
	w.assess(2026)
	if d := w.decision(2025, "FD"); d.Action != "revoke" {
		t.Errorf("published 2025 revoke read back as %+v", d)
	}
	if o := w.get(2026, "FD"); o != nil {
		t.Errorf("FD appears in 2026 after its published revocation: %+v", o)
	}
}
