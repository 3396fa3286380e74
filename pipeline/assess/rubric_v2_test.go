package assess_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
)

// One scenario per rule of SPEC §7 (version 2 rubrics), each with its own
// small rubric written here. Carriers report the four sep-window quarters
// of 2025 (2024Q4, 2025Q1–Q3) on time unless said otherwise; full() is the
// base quarter, changed per test by windowWith.

// windowWith reports the four sep-window quarters of year y, each full()
// changed by set (i = 0 for Q4 of y−1, then 1, 2, 3 for Q1–Q3 of y).
func (w *world) windowWith(id string, y int, set func(i int, r *q)) {
	rs := []q{full(id, y-1, 4), full(id, y, 1), full(id, y, 2), full(id, y, 3)}
	for i := range rs {
		set(i, &rs[i])
	}
	w.report(rs...)
}

// first puts n in quarter 0 and 0 in the others.
func first(i, n int) int {
	if i == 0 {
		return n
	}
	return 0
}

// money sets a money column per quarter from a list (missing entries 0).
func money(i int, per ...float64) float64 {
	if i < len(per) {
		return per[i]
	}
	return 0
}

// wantScore checks that a carrier is graded with the given score.
func (w *world) wantScore(y int, id, score string) {
	w.t.Helper()
	r := w.row(y, id)
	if !r.found || r.Outcome != "graded" || r.Score != score {
		w.t.Errorf("%d %s: outcome %q score %s; want graded %s", y, id, r.Outcome, r.Score, score)
	}
}

// financedRelative scores Σfinanced relative to the scheme's best.
const financedRelative = `      - code: financed
        name_zh: 获投融资企业数
        value: sum(financed)
        weight: 100
        score: relative
`

// trainingsScheme scores trainings alone: the score is Σtrainings (≤ 100).
const trainingsScheme = `    indicators:
      - code: trainings
        name_zh: 培训辅导次数
        value: sum(trainings)
        weight: 100
        score: linear
        target: 100
`

// trainingsTotal reports T trainings over the window, all in its first
// quarter.
func trainingsTotal(total int) func(int, *q) {
	return func(i int, r *q) { r.trainings = first(i, total) }
}

// scored registers a municipal carrier for each of scores, of the kind and
// track place gives it, reporting Σtrainings = its score (trainingsScheme's
// score).
func (w *world) scored(scores map[string]int, place func(id string) (kind, track string)) {
	for i, id := range sortedKeys(scores) {
		kind, track := place(id)
		w.carrierAt(id, "municipal", track, "2020-01-01", i+1, "城关区", kind)
		w.windowWith(id, 2025, trainingsTotal(scores[id]))
	}
}

// incubatorOrMaker places I… carriers as incubators, the others as maker
// spaces, all comprehensive.
func incubatorOrMaker(id string) (string, string) {
	if id[0] == 'I' {
		return "incubator", "comprehensive"
	}
	return "maker_space", "comprehensive"
}

// SPEC §7 steps: the points of the largest threshold ≤ value, a value
// exactly at a threshold included, in decimal (0.1 + 0.2 reaches 0.3).
func TestRubricSteps(t *testing.T) {
	w := newWorld(t)
	for i, id := range []string{"AT", "BELOW", "MID", "TOP"} {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
	}
	w.windowWith("AT", 2025, func(i int, r *q) {
		r.ipGranted = []int{1, 1, 1, 0}[i]
		r.financing = money(i, 0.1, 0.2)
	})
	w.windowWith("BELOW", 2025, func(i int, r *q) {
		r.ipGranted = []int{1, 1, 0, 0}[i]
		r.financing = money(i, 0.1, 0.19)
	})
	w.windowWith("MID", 2025, func(i int, r *q) {
		r.ipGranted = first(i, 5)
		r.financing = money(i, 0.33, 0.33, 0.33)
	})
	w.windowWith("TOP", 2025, func(i int, r *q) {
		r.ipGranted = first(i, 6)
		r.financing = money(i, 0.7, 0.1, 0.1, 0.1) // 0.9999999999999999 in float
	})
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
      - code: ip
        name_zh: 知识产权授权数
        value: sum(ip_granted)
        weight: 50
        score: steps
        steps: [[3, 20], [6, 50]]
      - code: financing
        name_zh: 获得投融资金额
        value: sum(financing)
        weight: 50
        score: steps
        steps: [[0.3, 30], [1, 50]]
`))
	// AT: ip 3 = the first threshold → 20; financing 0.1 + 0.2 = 0.3 → 30.
	w.wantIndicator(2025, "AT", "ip", 3, "20.00")
	w.wantIndicator(2025, "AT", "financing", 0.3, "30.00")
	w.wantScore(2025, "AT", "50.00")
	// BELOW: 2 < 3 → 0; 0.29 < 0.3 → 0.
	w.wantIndicator(2025, "BELOW", "ip", 2, "0.00")
	w.wantIndicator(2025, "BELOW", "financing", 0.29, "0.00")
	w.wantRow(2025, "BELOW", "fail", "0.00", "")
	// MID: 5 → 20 (largest threshold ≤ 5 is 3); 0.99 → 30.
	w.wantIndicator(2025, "MID", "ip", 5, "20.00")
	w.wantIndicator(2025, "MID", "financing", 0.99, "30.00")
	// TOP: 6 → 50; 0.7 + 0.1 + 0.1 + 0.1 = 1 → 50.
	w.wantIndicator(2025, "TOP", "ip", 6, "50.00")
	w.wantIndicator(2025, "TOP", "financing", 1, "50.00")
	w.wantScore(2025, "TOP", "100.00")
}

// SPEC §7 per_unit: points × floor(value / per) in decimal, at most the
// weight: 0.9 / 0.3 is 3 units, not 2.
func TestRubricPerUnit(t *testing.T) {
	w := newWorld(t)
	for i, id := range []string{"P9", "P3", "P89", "PCAP", "P0"} {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
	}
	fin := map[string][]float64{
		"P9":   {0.2, 0.3, 0.4},      // 0.9 → 3 units
		"P3":   {0.1, 0.2},           // 0.3 → 1 unit
		"P89":  {0.3, 0.3, 0.29},     // 0.89 → 2 units
		"PCAP": {1.5, 1.5, 1.5, 1.5}, // 6 → 20 units, 200 points, capped at 100
		"P0":   nil,
	}
	for id, per := range fin {
		w.windowWith(id, 2025, func(i int, r *q) { r.financing = money(i, per...) })
	}
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
      - code: financing
        name_zh: 获得投融资金额
        unit: 万元
        value: sum(financing)
        weight: 100
        score: per_unit
        per: 0.3
        points: 10
`))
	w.wantIndicator(2025, "P9", "financing", 0.9, "30.00")
	w.wantIndicator(2025, "P3", "financing", 0.3, "10.00")
	w.wantIndicator(2025, "P89", "financing", 0.89, "20.00")
	w.wantIndicator(2025, "PCAP", "financing", 6, "100.00")
	w.wantIndicator(2025, "P0", "financing", 0, "0.00")
	w.wantScore(2025, "P9", "30.00")
	w.wantScore(2025, "PCAP", "100.00")
}

// SPEC §7 relative: weight × value / best among the scheme's carriers; a
// tie for best gives both the full weight; best 0 or blank gives everyone
// 0. Points are rounded half away from zero on the exact value
// (15 × 1/24 = 0.625 → 0.63).
func TestRubricRelative(t *testing.T) {
	w := newWorld(t)
	op := 0
	add := func(kind string, ids ...string) {
		for _, id := range ids {
			op++
			w.carrierAt(id, "municipal", "comprehensive", "2020-01-01", op, "城关区", kind)
		}
	}
	add("maker_space", "A", "B", "C", "D", "E")
	add("incubator", "F", "G")
	add("demo_base", "H", "I")
	add("innovation_center", "R1", "R2")
	for id, n := range map[string]int{"A": 3, "B": 3, "C": 2, "D": 1, "E": 0, "F": 0, "G": 0, "R1": 24, "R2": 1} {
		w.windowWith(id, 2025, func(i int, r *q) { r.financed = first(i, n) })
	}
	w.windowWith("H", 2025, func(i int, r *q) { r.financed = 5 }) // utilization blank throughout
	w.windowWith("I", 2025, func(i int, r *q) {})
	w.assess(2025, withV2(t, `version: 2
quota: {share: 1, scope: city}
schemes:
  - code: makers
    name_zh: 众创空间
    applies_to: {kind: [maker_space]}
    indicators:
`+financedRelative+`  - code: zero
    name_zh: 孵化器
    applies_to: {kind: [incubator]}
    indicators:
`+financedRelative+`  - code: blank
    name_zh: 示范基地
    applies_to: {kind: [demo_base]}
    indicators:
      - code: utilization
        name_zh: 场地使用率
        value: last(utilization)
        weight: 100
        score: relative
  - code: rounding
    name_zh: 双创中心
    applies_to: {kind: [innovation_center]}
    indicators:
      - code: trainings
        name_zh: 培训辅导次数
        value: sum(trainings)
        weight: 85
        score: linear
        target: 12
      - code: financed
        name_zh: 获投融资企业数
        value: sum(financed)
        weight: 15
        score: relative
`))
	// makers: best 3, held by A and B: 100 each; C 2/3 → 66.67; D 1/3 → 33.33.
	w.wantIndicator(2025, "A", "financed", 3, "100.00")
	w.wantIndicator(2025, "B", "financed", 3, "100.00")
	w.wantIndicator(2025, "C", "financed", 2, "66.67")
	w.wantIndicator(2025, "D", "financed", 1, "33.33")
	w.wantIndicator(2025, "E", "financed", 0, "0.00")
	// zero: best 0 → everyone 0.
	w.wantIndicator(2025, "F", "financed", 0, "0.00")
	w.wantIndicator(2025, "G", "financed", 0, "0.00")
	// blank: every value blank → best blank → everyone 0.
	w.wantIndicator(2025, "H", "utilization", blank, "0.00")
	w.wantIndicator(2025, "I", "utilization", blank, "0.00")
	w.wantScore(2025, "H", "0.00")
	// rounding: R1 best 24 → 15; R2 15 × 1/24 = 0.625 → 0.63; trainings 12 → 85.
	w.wantIndicator(2025, "R1", "financed", 24, "15.00")
	w.wantIndicator(2025, "R2", "financed", 1, "0.63")
	w.wantScore(2025, "R2", "85.63")
}

// SPEC §7 "Precise readings": relative best is taken over the year's graded
// carriers of the same scheme, forced fails included; other schemes, and
// carriers not graded (not_assessed, deferred), are left out.
func TestRubricRelativeBestScope(t *testing.T) {
	w := newWorld(t)
	w.carrierAt("A", "municipal", "comprehensive", "2020-01-01", 1, "城关区", "maker_space")
	w.carrierAt("F", "municipal", "comprehensive", "2020-01-01", 2, "城关区", "maker_space")
	w.carrierAt("N", "municipal", "comprehensive", "2025-01-01", 3, "城关区", "maker_space")
	w.carrierAt("X", "municipal", "comprehensive", "2020-01-01", 4, "城关区", "maker_space")
	w.carrierAt("Y", "municipal", "comprehensive", "2020-01-01", 5, "城关区", "incubator")
	w.carrierAt("Z", "municipal", "comprehensive", "2020-01-01", 6, "城关区", "incubator")
	w.windowWith("A", 2025, func(i int, r *q) { r.financed = first(i, 4) })
	// F reports two quarters (missing_reports, a forced fail) with 8 financed.
	w.report(q{id: "F", year: 2025, quarter: 2, financed: 4}, q{id: "F", year: 2025, quarter: 3, financed: 4})
	w.report(q{id: "N", year: 2025, quarter: 2, financed: 100}) // recognized 2025: not_assessed
	w.windowWith("X", 2025, func(i int, r *q) { r.financed = first(i, 100) })
	w.deferral("X", 2025)
	w.windowWith("Y", 2025, func(i int, r *q) { r.financed = first(i, 2) })
	w.windowWith("Z", 2025, func(i int, r *q) { r.financed = first(i, 1) })
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: makers
    name_zh: 众创空间
    applies_to: {kind: [maker_space]}
    indicators:
`+financedRelative+`  - code: incubators
    name_zh: 孵化器
    applies_to: {kind: [incubator]}
    indicators:
`+financedRelative))
	// makers: best 8 (F's, a forced fail); N and X are not graded.
	w.wantIndicator(2025, "A", "financed", 4, "50.00")
	w.wantRow(2025, "F", "fail", "100.00", "missing_reports")
	// incubators: best 2 (Y), not the makers' 8.
	w.wantIndicator(2025, "Y", "financed", 2, "100.00")
	w.wantIndicator(2025, "Z", "financed", 1, "50.00")
	for id, outcome := range map[string]string{"N": "not_assessed", "X": "deferred"} {
		if r := w.row(2025, id); r.Outcome != outcome {
			t.Errorf("%s: outcome %q, want %s", id, r.Outcome, outcome)
		}
	}
}

// SPEC §7 bonus: the score is the non-bonus points plus min(bonus_cap, Σ
// bonus points); it may exceed 100 by at most the cap. Each bonus
// indicator shows its own points, uncapped.
func TestRubricBonusCap(t *testing.T) {
	w := newWorld(t)
	for i, id := range []string{"B7", "B4", "B55", "HALF", "NONE"} {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
	}
	set := map[string]func(int, *q){
		"B7":  func(i int, r *q) { r.ipGranted, r.financed = first(i, 1), first(i, 2) },
		"B4":  func(i int, r *q) { r.ipGranted = first(i, 1) },
		"B55": func(i int, r *q) { r.ipGranted, r.financed = first(i, 1), first(i, 1) },
		"HALF": func(i int, r *q) {
			r.ipGranted, r.financed, r.trainings = first(i, 1), first(i, 2), []int{3, 3, 0, 0}[i]
		},
		"NONE": func(i int, r *q) {},
	}
	for id, f := range set {
		w.windowWith(id, 2025, f)
	}
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    bonus_cap: 5
    indicators:
      - code: trainings
        name_zh: 培训辅导次数
        value: sum(trainings)
        weight: 100
        score: linear
        target: 12
      - code: ip
        name_zh: 知识产权授权（加分）
        value: sum(ip_granted)
        weight: 4
        score: steps
        steps: [[1, 4]]
        bonus: true
      - code: financed
        name_zh: 获投融资企业（加分）
        value: sum(financed)
        weight: 3
        score: linear
        target: 2
        bonus: true
`))
	// B7: 100 + min(5, 4 + 3) = 105; B4: 100 + 4; B55: 100 + min(5, 4 + 1.5);
	// HALF: 50 + 5; NONE: 100. Five graded → quota 1; the two 105s tie.
	w.wantIndicator(2025, "B7", "ip", 1, "4.00")
	w.wantIndicator(2025, "B7", "financed", 2, "3.00")
	w.wantRow(2025, "B7", "excellent", "105.00", "")
	w.wantRow(2025, "B55", "excellent", "105.00", "")
	w.wantIndicator(2025, "B55", "financed", 1, "1.50")
	w.wantRow(2025, "B4", "good", "104.00", "quota")
	w.wantRow(2025, "NONE", "good", "100.00", "quota")
	w.wantRow(2025, "HALF", "fail", "55.00", "")
	if n := w.count(`SELECT count(*) FROM indicator_scores WHERE year = 2025 AND bonus AND indicator IN ('ip', 'financed')`); n != 10 {
		t.Errorf("%d bonus indicator rows, want 10", n)
	}
	if n := w.count(`SELECT count(*) FROM indicator_scores WHERE year = 2025 AND NOT bonus AND indicator = 'trainings'`); n != 5 {
		t.Errorf("%d trainings rows not bonus, want 5", n)
	}
}

// SPEC §7 band: the weight at value ≤ full_at, 0 at value ≥ zero_at,
// linear between, rounded half away from zero on the exact value.
func TestRubricBand(t *testing.T) {
	w := newWorld(t)
	for i, id := range []string{"FULL", "ZERO", "BELOW", "ABOVE", "HALF", "NOINC"} {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
	}
	w.carrierAt("C23", "municipal", "comprehensive", "2020-01-01", 9, "城关区", "innovation_center")
	for id, n := range map[string]int{"FULL": 3, "ZERO": 11, "BELOW": 0, "ABOVE": 12, "C23": 23} {
		w.windowWith(id, 2025, func(i int, r *q) { r.exited = first(i, n) })
	}
	w.windowWith("HALF", 2025, func(i int, r *q) { r.incubating, r.exited = 400, []int{20, 21, 21, 21}[i] })
	w.windowWith("NOINC", 2025, func(i int, r *q) { r.incubating, r.filed, r.exited = 0, 0, first(i, 1) })
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: centers
    name_zh: 双创中心
    applies_to: {kind: [innovation_center]}
    indicators:
      - code: trainings
        name_zh: 培训辅导次数
        value: sum(trainings)
        weight: 85
        score: linear
        target: 12
      - code: exited
        name_zh: 退出企业数
        value: sum(exited)
        weight: 15
        score: band
        full_at: 0
        zero_at: 24
  - code: all
    name_zh: 全部
    indicators:
      - code: exit_rate
        name_zh: 在孵企业退出率
        value: sum(exited) / avg(incubating)
        weight: 100
        score: band
        full_at: 0.15
        zero_at: 0.55
`))
	w.wantIndicator(2025, "FULL", "exit_rate", 0.15, "100.00")  // 3 / 20 = full_at
	w.wantIndicator(2025, "ZERO", "exit_rate", 0.55, "0.00")    // 11 / 20 = zero_at
	w.wantIndicator(2025, "BELOW", "exit_rate", 0, "100.00")    // below full_at
	w.wantIndicator(2025, "ABOVE", "exit_rate", 0.6, "0.00")    // above zero_at
	w.wantIndicator(2025, "HALF", "exit_rate", 0.2075, "85.63") // 83 / 400: 100 × 0.3425 / 0.4 = 85.625
	w.wantIndicator(2025, "NOINC", "exit_rate", blank, "0.00")  // 1 / 0: blank earns 0, not the full weight
	// 15 × (24 − 23) / 24 = 0.625 → 0.63; trainings 12 → 85.
	w.wantIndicator(2025, "C23", "exited", 23, "0.63")
	w.wantScore(2025, "C23", "85.63")
}

// SPEC §7 linear: weight × min(1, value / target), the target by level.
func TestRubricLinearByLevel(t *testing.T) {
	w := newWorld(t)
	w.carrier("MUN", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("PRO", "provincial", "comprehensive", "2020-01-01", 2)
	w.carrier("PRO13", "provincial", "comprehensive", "2020-01-01", 3)
	w.carrier("NAT", "national", "comprehensive", "2020-01-01", 4)
	w.carrier("NAT30", "national", "comprehensive", "2020-01-01", 5)
	data := map[string]struct {
		trainings, events int
		revenue           float64
	}{
		"MUN": {12, 1, 0.0004}, "PRO": {12, 24, 0.4}, "PRO13": {13, 0, 0}, "NAT": {12, 12, 1}, "NAT30": {30, 30, 0.1},
	}
	for id, d := range data {
		w.windowWith(id, 2025, func(i int, r *q) {
			r.trainings, r.events, r.revenue = first(i, d.trainings), first(i, d.events), money(i, d.revenue)
		})
	}
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
      - code: trainings
        name_zh: 培训辅导次数
        value: sum(trainings)
        weight: 80
        score: linear
        target: {municipal: 12, provincial: 18, national: 24}
      - code: revenue
        name_zh: 营业收入
        value: sum(revenue)
        weight: 5
        score: linear
        target: 0.4
      - code: events
        name_zh: 创业活动次数
        value: sum(events)
        weight: 15
        score: linear
        target: 24
`))
	// MUN: 12/12 → 80; 5 × 0.0004 / 0.4 = 0.005 → 0.01; 15 × 1/24 = 0.625 → 0.63.
	w.wantIndicator(2025, "MUN", "trainings", 12, "80.00")
	w.wantIndicator(2025, "MUN", "revenue", 0.0004, "0.01")
	w.wantIndicator(2025, "MUN", "events", 1, "0.63")
	w.wantScore(2025, "MUN", "80.64")
	// PRO: 80 × 12/18 = 53.33; revenue 5; events 15.
	w.wantIndicator(2025, "PRO", "trainings", 12, "53.33")
	w.wantScore(2025, "PRO", "73.33")
	// PRO13: 80 × 13/18 = 57.777… → 57.78.
	w.wantIndicator(2025, "PRO13", "trainings", 13, "57.78")
	w.wantScore(2025, "PRO13", "57.78")
	// NAT: 80 × 12/24 = 40; revenue capped at 5; events 15 × 12/24 = 7.50.
	w.wantIndicator(2025, "NAT", "trainings", 12, "40.00")
	w.wantIndicator(2025, "NAT", "revenue", 1, "5.00")
	w.wantScore(2025, "NAT", "52.50")
	// NAT30: capped at 80; revenue 5 × 0.1 / 0.4 = 1.25; events 15.
	w.wantIndicator(2025, "NAT30", "trainings", 30, "80.00")
	w.wantScore(2025, "NAT30", "96.25")
	if n := w.count(`SELECT count(*) FROM indicator_scores WHERE year = 2025 AND indicator = 'trainings' AND target = 18`); n != 2 {
		t.Errorf("%d trainings rows with the provincial target 18, want 2", n)
	}
}

// SPEC §7 "Which scheme": a graded carrier that no scheme matches stops
// the assessment, naming it, and nothing is stored. Carriers not graded
// (deferred) need no scheme.
func TestRubricNoScheme(t *testing.T) {
	w := newWorld(t)
	w.carrierAt("D", "municipal", "comprehensive", "2020-01-01", 1, "城关区", "maker_space")
	w.carrierAt("I", "municipal", "comprehensive", "2020-01-01", 2, "城关区", "incubator")
	w.carrierAt("M", "municipal", "comprehensive", "2020-01-01", 3, "城关区", "maker_space")
	for _, id := range []string{"D", "I", "M"} {
		w.window(id, 2025, full)
	}
	w.deferral("D", 2025)
	w.assess(2025)
	before := w.count(`SELECT count(*) FROM store.assessments`)
	if before == 0 {
		t.Fatal("nothing stored by the first run")
	}

	o := assess.Options{Year: 2025, Today: testToday}
	withV2(t, `version: 2
schemes:
  - code: incubators
    name_zh: 孵化器
    applies_to: {kind: [incubator]}
`+trainingsScheme)(&o)
	_, err := assess.Run(context.Background(), w.st, o)
	var ns *assess.NoSchemeError
	if !errors.As(err, &ns) {
		t.Fatalf("err %v, want a NoSchemeError", err)
	}
	if ns.Carrier != "M" || ns.Kind != "maker_space" || ns.Year != 2025 || !strings.Contains(err.Error(), "M") {
		t.Errorf("NoSchemeError %+v (%v), want M, maker_space, 2025", ns, err)
	}
	if after := w.count(`SELECT count(*) FROM store.assessments`); after != before {
		t.Errorf("store.assessments %d rows after the refused run, %d before", after, before)
	}
	if n := w.count(`SELECT count(*) FROM assessments WHERE scheme = 'default' AND outcome = 'graded'`); n != 2 {
		t.Errorf("%d graded rows of the first run's default scheme, want 2 (I and M)", n)
	}
}

// SPEC §7 "Values": a division by zero is blank and earns 0 points; the
// run goes on. A negative value earns 0 too.
func TestRubricDivisionByZero(t *testing.T) {
	w := newWorld(t)
	w.carrier("FULL", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("THREE", "municipal", "comprehensive", "2020-01-01", 2)
	w.window("FULL", 2025, full)
	w.report(full("THREE", 2025, 1), full("THREE", 2025, 2), full("THREE", 2025, 3))
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
      - code: gap
        name_zh: 缺报季度均培训
        value: sum(trainings) / (quarters() - 4)
        weight: 50
        score: linear
        target: 1
      - code: trainings
        name_zh: 培训辅导次数
        value: sum(trainings)
        weight: 50
        score: linear
        target: 12
`))
	// FULL: 12 / 0 → blank, 0; trainings 50.
	w.wantIndicator(2025, "FULL", "gap", blank, "0.00")
	w.wantRow(2025, "FULL", "fail", "50.00", "")
	// THREE: 9 / −1 = −9 → 0; trainings 50 × 9/12 = 37.50.
	w.wantIndicator(2025, "THREE", "gap", -9, "0.00")
	w.wantRow(2025, "THREE", "fail", "37.50", "")
}

// SPEC §7 "Precise readings": avg ignores blank cells, sum too (and is 0
// when every cell is blank), last(c) is blank when the latest reported
// quarter's cell is blank.
func TestRubricBlankUtilization(t *testing.T) {
	w := newWorld(t)
	for i, id := range []string{"U1", "U2", "U3", "U4", "U5"} {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
	}
	cells := map[string][]string{
		"U1": {"0.8", "", "0.6", "0.7"},
		"U2": {"0.5", "0.9", "0.4", ""},
		"U3": {"", "", "", ""},
		"U5": {"85%", "85%", "85%", "85%"},
	}
	for id, c := range cells {
		w.windowWith(id, 2025, func(i int, r *q) { r.utilization = c[i] })
	}
	// U4 reports 2024Q4 – 2025Q2 (no Q3): its last quarter is Q2.
	u4 := []q{full("U4", 2024, 4), full("U4", 2025, 1), full("U4", 2025, 2)}
	for i, c := range []string{"0.8", "0.6", "0.5"} {
		u4[i].utilization = c
	}
	w.report(u4...)
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
      - code: avg_util
        name_zh: 平均场地使用率
        value: avg(utilization)
        weight: 40
        score: linear
        target: 1
      - code: last_util
        name_zh: 期末场地使用率
        value: last(utilization)
        weight: 30
        score: linear
        target: 1
      - code: sum_util
        name_zh: 场地使用率合计
        value: sum(utilization)
        weight: 30
        score: linear
        target: 3
`))
	// U1: avg 2.1/3 = 0.7 → 28; last 0.7 → 21; sum 2.1 → 21.
	w.wantIndicator(2025, "U1", "avg_util", 0.7, "28.00")
	w.wantIndicator(2025, "U1", "last_util", 0.7, "21.00")
	w.wantIndicator(2025, "U1", "sum_util", 2.1, "21.00")
	w.wantScore(2025, "U1", "70.00")
	// U2: avg 1.8/3 = 0.6 → 24; last blank (2025Q3's cell) → 0; sum 1.8 → 18.
	w.wantIndicator(2025, "U2", "avg_util", 0.6, "24.00")
	w.wantIndicator(2025, "U2", "last_util", blank, "0.00")
	w.wantIndicator(2025, "U2", "sum_util", 1.8, "18.00")
	w.wantScore(2025, "U2", "42.00")
	// U3: every cell blank: avg and last blank, sum 0.
	w.wantIndicator(2025, "U3", "avg_util", blank, "0.00")
	w.wantIndicator(2025, "U3", "last_util", blank, "0.00")
	w.wantIndicator(2025, "U3", "sum_util", 0, "0.00")
	// U4: avg 1.9/3 = 0.6333333333 → 25.33; last 0.5 (2025Q2) → 15; sum 1.9 → 19.
	w.wantIndicator(2025, "U4", "avg_util", 0.6333333333, "25.33")
	w.wantIndicator(2025, "U4", "last_util", 0.5, "15.00")
	w.wantIndicator(2025, "U4", "sum_util", 1.9, "19.00")
	w.wantScore(2025, "U4", "59.33")
	// U5: 85% is 0.85: 34 + 25.50 + 30 (3.4 ≥ 3).
	w.wantIndicator(2025, "U5", "avg_util", 0.85, "34.00")
	w.wantScore(2025, "U5", "89.50")
}

// SPEC §7 "Values": the registry's area_m2 and workstations in
// expressions; a blank registry cell is blank, a zero divisor too.
func TestRubricRegistryColumns(t *testing.T) {
	w := newWorld(t)
	w.carrierSized("R1", 1, "1000", "8")
	w.carrierSized("R2", 2, "600", "")
	w.carrierSized("R3", 3, "", "0")
	w.carrierSized("R4", 4, "499.5", "3")
	for _, id := range []string{"R1", "R2", "R3", "R4"} {
		w.window(id, 2025, full) // jobs 100 a quarter: Σ 400
	}
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
      - code: jobs_per_seat
        name_zh: 工位从业人数
        value: sum(jobs) / workstations
        weight: 60
        score: linear
        target: 100
      - code: area
        name_zh: 场地面积
        unit: 平方米
        value: area_m2
        weight: 40
        score: steps
        steps: [[500, 20], [1000, 40]]
`))
	// R1: 400 / 8 = 50 → 30; area 1000 → 40.
	w.wantIndicator(2025, "R1", "jobs_per_seat", 50, "30.00")
	w.wantIndicator(2025, "R1", "area", 1000, "40.00")
	w.wantScore(2025, "R1", "70.00")
	// R2: workstations blank → blank; area 600 → 20.
	w.wantIndicator(2025, "R2", "jobs_per_seat", blank, "0.00")
	w.wantIndicator(2025, "R2", "area", 600, "20.00")
	w.wantScore(2025, "R2", "20.00")
	// R3: 400 / 0 → blank; area blank.
	w.wantIndicator(2025, "R3", "jobs_per_seat", blank, "0.00")
	w.wantIndicator(2025, "R3", "area", blank, "0.00")
	w.wantScore(2025, "R3", "0.00")
	// R4: 400 / 3 = 133.33… ≥ 100 → 60; 499.5 < 500 → 0.
	w.wantIndicator(2025, "R4", "jobs_per_seat", 133.3333333333, "60.00")
	w.wantIndicator(2025, "R4", "area", 499.5, "0.00")
	w.wantScore(2025, "R4", "60.00")
}

// SPEC §7: grade thresholds are the scheme's.
func TestRubricSchemeGrades(t *testing.T) {
	w := newWorld(t)
	scores := map[string]int{"I65": 65, "I75": 75, "I85": 85, "I90": 90, "M65": 65, "M75": 75, "M85": 85}
	w.scored(scores, incubatorOrMaker)
	w.assess(2025, withV2(t, `version: 2
quota: {share: 1, scope: city}
schemes:
  - code: strict
    name_zh: 孵化器
    applies_to: {kind: [incubator]}
    grades: {excellent: 90, good: 80, pass: 70}
`+trainingsScheme+`  - code: base
    name_zh: 其他
`+trainingsScheme))
	w.wantRow(2025, "I65", "fail", "65.00", "")
	w.wantRow(2025, "M65", "pass", "65.00", "")
	w.wantRow(2025, "I75", "pass", "75.00", "")
	w.wantRow(2025, "M75", "good", "75.00", "")
	w.wantRow(2025, "I85", "good", "85.00", "")
	w.wantRow(2025, "M85", "excellent", "85.00", "")
	w.wantRow(2025, "I90", "excellent", "90.00", "")
	if n := w.count(`SELECT count(*) FROM assessments WHERE scheme = 'strict'`); n != 4 {
		t.Errorf("%d rows scored by strict, want 4", n)
	}
	if n := w.count(`SELECT count(*) FROM assessments WHERE below_pass AND carrier_id = 'I65'`); n != 1 {
		t.Errorf("I65 not below_pass")
	}
	if n := w.count(`SELECT count(*) FROM rubric_schemes WHERE code = 'strict' AND excellent = 90 AND good = 80 AND pass = 70`); n != 1 {
		t.Errorf("rubric_schemes: strict's thresholds not stored")
	}
}

// SPEC §7 "Quota scope" scheme: floor(share × the graded carriers of each
// scheme), ranked within the scheme; a tie with the last admitted is
// admitted.
func TestRubricQuotaPerScheme(t *testing.T) {
	w := newWorld(t)
	scores := map[string]int{
		"M100": 100, "M95A": 95, "M95B": 95, "M90": 90, "M80": 80, "M70": 70, "M60": 60,
		"I100A": 100, "I100B": 100, "I90": 90, "I70": 70,
	}
	w.scored(scores, incubatorOrMaker)
	w.assess(2025, withV2(t, `version: 2
quota: {share: 0.3, scope: scheme}
schemes:
  - code: incubators
    name_zh: 孵化器
    applies_to: {kind: [incubator]}
`+trainingsScheme+`  - code: makers
    name_zh: 众创空间
`+trainingsScheme))
	// makers: 7 graded → quota 2: 100, and the two 95s tied at rank 2.
	// (City-wide, 11 graded → 3 would take the three 100s only.)
	w.wantRow(2025, "M100", "excellent", "100.00", "")
	w.wantRow(2025, "M95A", "excellent", "95.00", "")
	w.wantRow(2025, "M95B", "excellent", "95.00", "")
	w.wantRow(2025, "M90", "good", "90.00", "quota")
	w.wantRow(2025, "M80", "good", "80.00", "")
	// incubators: 4 graded → quota 1; the two 100s tie.
	w.wantRow(2025, "I100A", "excellent", "100.00", "")
	w.wantRow(2025, "I100B", "excellent", "100.00", "")
	w.wantRow(2025, "I90", "good", "90.00", "quota")
	w.wantRow(2025, "I70", "pass", "70.00", "")
}

// SPEC §7 "Quota scope" track: the same per track, forced fails counted in
// the graded carriers of their track.
func TestRubricQuotaPerTrack(t *testing.T) {
	w := newWorld(t)
	scores := map[string]int{
		"C90A": 90, "C90B": 90, "C88": 88, "C80": 80, "C70": 70,
		"S95": 95, "S92": 92, "S70": 70,
	}
	w.scored(scores, func(id string) (string, string) {
		if id[0] == 'S' {
			return "maker_space", "specialized"
		}
		return "maker_space", "comprehensive"
	})
	// SF: specialized, two quarters only (missing_reports), scores 100.
	w.carrier("SF", "municipal", "specialized", "2020-01-01", 99)
	w.report(q{id: "SF", year: 2025, quarter: 2, trainings: 100}, q{id: "SF", year: 2025, quarter: 3})
	w.assess(2025, withV2(t, `version: 2
quota: {share: 0.3, scope: track}
schemes:
  - code: all
    name_zh: 全部
`+trainingsScheme))
	// comprehensive: 5 graded → quota 1; the two 90s tie at rank 1.
	w.wantRow(2025, "C90A", "excellent", "90.00", "")
	w.wantRow(2025, "C90B", "excellent", "90.00", "")
	w.wantRow(2025, "C88", "good", "88.00", "quota")
	w.wantRow(2025, "C80", "good", "80.00", "")
	// specialized: 4 graded (SF included) → quota 1: S95 only. (City-wide,
	// 9 graded → 2 would admit S95 and S92, and not the 90s.)
	w.wantRow(2025, "S95", "excellent", "95.00", "")
	w.wantRow(2025, "S92", "good", "92.00", "quota")
	w.wantRow(2025, "SF", "fail", "100.00", "missing_reports")
}

// SPEC §7: a rubric with an unknown column is refused with its file, line
// and column; one whose weights sum to 99 is refused naming the sum.
func TestRubricRefusals(t *testing.T) {
	const base = `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
      - code: trainings
        name_zh: 培训辅导次数
        value: sum(trainings) + sum(jobz)
        weight: 100
        score: linear
        target: 12
`
	_, err := rubric.LoadNormalized([]byte(base), "bureau.yaml")
	if err == nil || !strings.Contains(err.Error(), "bureau.yaml:8:37") || !strings.Contains(err.Error(), `"jobz"`) {
		t.Errorf("unknown column: %v, want bureau.yaml:8:37 naming jobz", err)
	}
	ok := strings.Replace(base, " + sum(jobz)", "", 1)
	if _, err := rubric.LoadNormalized([]byte(ok), "bureau.yaml"); err != nil {
		t.Fatalf("the corrected rubric: %v", err)
	}
	_, err = rubric.LoadNormalized([]byte(strings.Replace(ok, "weight: 100", "weight: 99", 1)), "bureau.yaml")
	if err == nil || !strings.Contains(err.Error(), "bureau.yaml") || !strings.Contains(err.Error(), "sum to 99, want 100") {
		t.Errorf("weights 99: %v, want the file and the sum", err)
	}
}

// SPEC §7 relative, §4.4: a carrier delisted in an earlier year is not in
// this year's results, and its value is not this year's best, even when it
// still reports.
func TestRubricRelativeBestAfterDelisting(t *testing.T) {
	w := newWorld(t)
	w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("B", "municipal", "comprehensive", "2020-01-01", 2)
	w.carrier("D", "municipal", "comprehensive", "2020-01-01", 3)
	for _, y := range []int{2023, 2024, 2025} {
		w.windowWith("A", y, func(i int, r *q) { r.financed = first(i, 4) })
		w.windowWith("B", y, func(i int, r *q) { r.financed = first(i, 3) })
	}
	// D misses two quarters in 2023 and in 2024: fail twice, delisted in
	// 2024; it reports 100 financed in the 2025 window all the same.
	w.report(full("D", 2023, 2), full("D", 2023, 3), full("D", 2024, 2), full("D", 2024, 3))
	w.windowWith("D", 2025, func(i int, r *q) { r.financed = first(i, 100) })
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
`+financedRelative))
	w.want(2024, "D", "fail", "delist")
	if o := w.get(2025, "D"); o != nil {
		t.Errorf("2025 D: %+v, want no result after the delisting", o)
	}
	// 2023 and 2024: best 4 (A), D's 0 counted. 2025: best 4 (A), not D's 100.
	w.wantIndicator(2024, "A", "financed", 4, "100.00")
	w.wantIndicator(2025, "A", "financed", 4, "100.00")
	w.wantIndicator(2025, "B", "financed", 3, "75.00")
	w.wantRow(2025, "A", "good", "100.00", "quota") // 2 graded → quota 0
	// Again, on the same database (and the connection the first run left):
	// the same results.
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
`+financedRelative))
	w.wantIndicator(2025, "A", "financed", 4, "100.00")
	w.wantIndicator(2025, "B", "financed", 3, "75.00")
	// The run starts from the removals the stored results say (D from
	// 2025); when the data no longer says so, the chain's are taken. D
	// reports its whole 2024 window now, 4 financed: it passes 2024, is not
	// delisted, and its 100 financed is 2025's best.
	w.windowWith("D", 2024, func(i int, r *q) { r.financed = first(i, 4) })
	w.assess(2025, withV2(t, `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
`+financedRelative))
	w.want(2024, "D", "good", "keep")
	w.wantIndicator(2025, "D", "financed", 100, "100.00")
	w.wantIndicator(2025, "A", "financed", 4, "4.00")
	w.wantIndicator(2025, "B", "financed", 3, "3.00")
}
