package eligibility_test

import (
	"fmt"
	"strings"
	"testing"
)

// steady reports the twelve quarters of windows 2023–2025 (sep: 2022Q4 …
// 2025Q3) with the given utilization in each, and the last quarter's
// stocks; graduated, exits and revenue spread so that the sums are the
// given ones (the remainder on the last quarter).
func steady(w *world, id string, util [3]string, incubating, jobs, graduated, exits int, revenueCents int64) {
	var qs []quarter
	i := 0
	for y := 2022; y <= 2025; y++ {
		for q := 1; q <= 4; q++ {
			if (y == 2022 && q < 4) || (y == 2025 && q == 4) {
				continue
			}
			window := 0 // 2023's window: 2022Q4 … 2023Q3
			switch {
			case y == 2023 && q == 4, y == 2024 && q < 4:
				window = 1
			case y == 2024 && q == 4, y == 2025:
				window = 2
			}
			r := quarter{year: y, q: q, incubating: incubating, jobs: jobs, utilization: util[window]}
			cents := revenueCents / 12
			if i == 11 {
				r.graduated, r.exits = graduated-11*(graduated/12), exits-11*(exits/12)
				cents = revenueCents - 11*(revenueCents/12)
			} else {
				r.graduated, r.exits = graduated/12, exits/12
			}
			r.revenue = fmt.Sprintf("%d.%02d", cents/100, cents%100)
			qs = append(qs, r)
			i++
		}
	}
	w.report(id, qs...)
}

// TestProvincialDemoBaseBoundaries: every condition of SPEC §8.3 exactly at
// its threshold (met) and just past it (not met); E is 30 September 2025.
func TestProvincialDemoBaseBoundaries(t *testing.T) {
	w := newWorld(t)
	// At: recognised exactly three years before E, 3000 m², 75% service
	// area, a lease to exactly E + 3 years; utilization averaging exactly
	// 0.85 in each window (0.80, 0.90, 0.85, 0.85 in one of them); 21
	// graduated and 14 exits (success exactly 0.60); 50 incubating and 500
	// jobs in the last quarter; revenue exactly 5000 万元 from 416.67 × 11 +
	// 416.63.
	w.carrier(base{id: "AT", recognized: "2022-09-30", area: "3000", service: "2250", lease: "2028-09-30", op: 1})
	steady(w, "AT", [3]string{"0.85", "0.85", "0.85"}, 50, 500, 21, 14, 500000)
	// Past: each a hair short.
	w.carrier(base{id: "PAST", recognized: "2022-10-01", area: "2999.99", service: "2249.99", lease: "2028-09-29", op: 2})
	steady(w, "PAST", [3]string{"0.85", "0.8499", "0.85"}, 49, 499, 20, 14, 499999)
	// Owned (no lease), utilization blank in 2024's window, an incident on
	// the first day of 2023's window (2022-10-01).
	w.carrier(base{id: "GAP", recognized: "2020-01-01", area: "5000", service: "4000", op: 3})
	steady(w, "GAP", [3]string{"0.9", "", "0.9"}, 60, 600, 30, 10, 600000)
	w.incident("GAP", "2022-10-01", "abnormal_operation_list")
	// An incident the day before that window counts for nothing.
	w.carrier(base{id: "OLD", recognized: "2020-01-01", area: "5000", service: "4000", op: 4})
	steady(w, "OLD", [3]string{"0.9", "0.9", "0.9"}, 60, 600, 30, 10, 600000)
	w.incident("OLD", "2022-09-30", "major_accident")
	// Not subjects: an incubator, a provincial base.
	w.carrier(base{id: "INC", kind: "incubator", recognized: "2020-01-01", area: "5000", service: "4000", op: 5})
	w.carrier(base{id: "PROV", level: "provincial", recognized: "2020-01-01", area: "5000", service: "4000", op: 6})

	res := w.run("provincial_demo_base", 2025)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "no assessment of 2025 is stored") {
		t.Errorf("a carrier profile run before the year is assessed: warnings %q", res.Warnings)
	}
	if res.Subjects != 4 {
		t.Fatalf("subjects %d, want 4 (the municipal demonstration bases)", res.Subjects)
	}
	at := w.result("provincial_demo_base", 2025, "AT")
	at.wantUnmet(t, "AT")
	if at.outcome != "recommended" || len(at.toReview) != 1 || at.toReview[0] != "on_time_exit" {
		t.Errorf("AT: %s, to review %v; want recommended, on_time_exit", at.outcome, at.toReview)
	}
	for k, want := range map[string]string{"utilization/1/2023": "0.85", "success/1/record": "0.6", "revenue/1/record": "5000", "space/2": "0.75", "scale/1/record": "21"} {
		if at.values[k] != want {
			t.Errorf("AT %s = %q, want %q", k, at.values[k], want)
		}
	}
	past := w.result("provincial_demo_base", 2025, "PAST")
	past.wantUnmet(t, "PAST", "operating", "utilization", "space", "scale", "success", "revenue")
	if past.outcome != "not_met" {
		t.Errorf("PAST: %s, want not_met", past.outcome)
	}
	for _, k := range []string{"operating/1", "utilization/1/2024", "space/1", "space/2", "space/3", "scale/2/record", "scale/3/record", "revenue/1/record"} {
		if past.checks[k] != "not_met" {
			t.Errorf("PAST %s: %s, want not_met", k, past.checks[k])
		}
	}
	if past.checks["utilization/1/2023"] != "met" || past.checks["scale/1/record"] != "met" {
		t.Errorf("PAST: utilization 2023 %s, 20 graduated %s; want met", past.checks["utilization/1/2023"], past.checks["scale/1/record"])
	}
	gap := w.result("provincial_demo_base", 2025, "GAP")
	gap.wantUnmet(t, "GAP", "operating", "utilization")
	if gap.checks["space/3"] != "met" {
		t.Errorf("GAP: an owned space (no lease end) %s, want met", gap.checks["space/3"])
	}
	old := w.result("provincial_demo_base", 2025, "OLD")
	old.wantUnmet(t, "OLD")
}
