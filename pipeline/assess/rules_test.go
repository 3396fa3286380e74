package assess_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
)

// One scenario per rule of SPEC §4, each a small dataset written here.
// Municipal targets (default rubric): filed_ratio 0.9, trainings 12,
// trainees 300, events 10, incubating_avg 20, graduated 3, jobs_avg 100,
// revenue 2000, financing 300, reporting 4; full() reaches each exactly
// over four quarters.

// SPEC §4.3 missing_reports, §4.7 "Forced fails keep their score", §4.2
// reporting (0 for a missing quarter).
func TestMissingReports(t *testing.T) {
	w := newWorld(t)
	for i, id := range []string{"F", "M1", "M2", "M3", "P"} {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
	}
	w.window("F", 2025, full)
	w.window("P", 2025, score60)
	w.report(full("M1", 2024, 4), full("M1", 2025, 2), full("M1", 2025, 3)) // no 2025Q1
	w.report(full("M2", 2024, 4), full("M2", 2025, 3))                      // no 2025Q1, Q2
	w.report(full("M3", 2025, 3))                                           // three missing
	w.assess(2025)

	// One missing quarter: graded normally over the three it has.
	// filed 10 + trainings 9/12 7.50 + trainees 225/300 7.50 + events 9/10 4.50
	// + incubating 10 + graduated 3/3 10 + exit 5 + jobs 10 + revenue 7.50
	// + financing 7.50 + reporting 3/4 7.50 = 87.00; 5 graded → quota 1, F
	// (100) takes it, so M1 is good for the quota.
	w.wantIndicator(2025, "M1", "reporting", 3, "7.50")
	w.wantIndicator(2025, "M1", "trainings", 9, "7.50")
	w.wantRow(2025, "M1", "good", "87.00", "quota")
	if d := w.decision(2025, "M1"); d.Action != "keep" {
		t.Errorf("M1 action %q, want keep", d.Action)
	}

	// Two missing: forced fail, score kept: filed 10 + trainings 5 + trainees 5
	// + events 3 + incubating 10 + graduated 2/3 6.67 + exit 5 + jobs 10
	// + revenue 5 + financing 5 + reporting 2/4 5 = 69.67, above pass.
	m2 := w.wantRow(2025, "M2", "fail", "69.67", "missing_reports")
	w.wantIndicator(2025, "M2", "reporting", 2, "5.00")
	if d := w.decision(2025, "M2"); d.Action != "rectify" {
		t.Errorf("M2 action %q, want rectify", d.Action)
	}
	// Ranked by its score: F 100, M1 87, M2 69.67, P 60, M3 52.33.
	if m2.RankOverall.Int64 != 3 {
		t.Errorf("M2 rank_overall %v, want 3 (ranked by its kept score)", m2.RankOverall)
	}
	w.wantRow(2025, "M3", "fail", "52.33", "missing_reports")
	w.wantRow(2025, "P", "pass", "60.00", "")
	if r := w.row(2025, "M3"); r.RankOverall.Int64 != 5 {
		t.Errorf("M3 rank_overall %v, want 5", r.RankOverall)
	}
}

// SPEC §4.3 no_data, §4.7 "A no_data carrier scores 0.00", "Reasons".
func TestNoData(t *testing.T) {
	w := newWorld(t)
	w.carrier("F", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("N", "municipal", "comprehensive", "2020-01-01", 2)
	w.window("F", 2025, full)
	w.window("N", 2024, full) // reports in 2024, nothing in the 2025 window
	w.assess(2025)

	w.want(2024, "N", "good", "keep")
	r := w.wantRow(2025, "N", "fail", "0.00", "no_data")
	if r.Quarters.Int64 != 0 || r.RankOverall.Int64 != 2 {
		t.Errorf("N 2025: quarters %v rank %v, want 0 and 2", r.Quarters, r.RankOverall)
	}
	if d := w.decision(2025, "N"); d.Action != "rectify" || !strings.Contains(d.Reason, "no_data") || strings.Contains(d.Reason, "missing_reports") {
		t.Errorf("N 2025 decision %+v, want rectify for no_data only", d)
	}
	got := w.indicators(2025, "N")
	if len(got) != len(rubric.IndicatorCodes()) {
		t.Errorf("N 2025: %d indicator rows, want %d", len(got), len(rubric.IndicatorCodes()))
	}
	for _, code := range rubric.IndicatorCodes() {
		i, ok := got[code]
		if !ok {
			t.Errorf("N 2025: no %s row", code)
			continue
		}
		// Over an empty S, sums are 0 and averages and quotients blank
		// (SPEC §7 "Values"); every one earns nothing.
		want := 0.0
		if code == "filed_ratio" || code == "incubating_avg" || code == "exit_rate" || code == "jobs_avg" {
			want = blank
		}
		if i.Points != "0.00" || math.IsNaN(i.Value) != math.IsNaN(want) || (!math.IsNaN(want) && i.Value != want) {
			t.Errorf("N 2025 %s: value %v points %s, want %v and 0.00", code, i.Value, i.Points, want)
		}
	}
	if n := w.count("SELECT count(*) FROM indicator_scores WHERE year = 2025 AND carrier_id = 'N'"); n != 11 {
		t.Errorf("N 2025: %d indicator_scores rows, want 11", n)
	}
}

// SPEC §3.2 revisions, §4.7 "Timeliness is judged on the winning revision".
func TestLateAndRevisedQuarters(t *testing.T) {
	w := newWorld(t)
	for i, id := range []string{"L1", "L2", "E", "D", "T", "T2"} {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
	}
	rest := func(id string) { w.report(full(id, 2024, 4), full(id, 2025, 2), full(id, 2025, 3)) }
	// L1: 2025Q1 first on time, revised late with no trainings.
	rest("L1")
	w.report(at(full("L1", 2025, 1), "2025-04-10"))
	// L2: 2025Q1 first late, revised later (still late) with no trainees.
	rest("L2")
	w.report(at(full("L2", 2025, 1), "2025-05-01"))
	// E: 2025Q1 late; a revision dated earlier (on time) arrives later.
	rest("E")
	w.report(at(full("E", 2025, 1), "2025-05-01"))
	// D: 2025Q1 twice with the same date; the one ingested last wins.
	rest("D")
	w.report(at(full("D", 2025, 1), "2025-04-10"))
	// T: every quarter on its due date (on time); T2 the day after (late).
	w.report(at(full("T", 2024, 4), "2025-01-15"), at(full("T", 2025, 1), "2025-04-15"),
		at(full("T", 2025, 2), "2025-07-15"), at(full("T", 2025, 3), "2025-10-15"))
	w.report(at(full("T2", 2024, 4), "2025-01-16"), at(full("T2", 2025, 1), "2025-04-16"),
		at(full("T2", 2025, 2), "2025-07-16"), at(full("T2", 2025, 3), "2025-10-16"))
	w.load()

	l1 := full("L1", 2025, 1)
	l1.trainings = 0
	l2 := full("L2", 2025, 1)
	l2.trainees = 0
	e := full("E", 2025, 1)
	e.trainings = 0
	d := full("D", 2025, 1)
	d.trainings = 0
	w.report(at(l1, "2025-05-20"), at(l2, "2025-06-01"), at(e, "2025-04-10"), at(d, "2025-04-10"))
	w.assess(2025)

	// L1: values and timeliness of the late revision.
	w.wantIndicator(2025, "L1", "trainings", 9, "7.50")
	w.wantIndicator(2025, "L1", "reporting", 3.5, "8.75")
	// L2: first late, revision late too: the revision's values.
	w.wantIndicator(2025, "L2", "trainees", 225, "7.50")
	w.wantIndicator(2025, "L2", "reporting", 3.5, "8.75")
	// E: the earlier-dated revision ingested later does not win.
	w.wantIndicator(2025, "E", "trainings", 12, "10.00")
	w.wantIndicator(2025, "E", "reporting", 3.5, "8.75")
	// D: equal dates, the one ingested last wins.
	w.wantIndicator(2025, "D", "trainings", 9, "7.50")
	w.wantIndicator(2025, "D", "reporting", 4, "10.00")
	// Due dates: Q4 → 15 Jan, Q1 → 15 Apr, Q2 → 15 Jul, Q3 → 15 Oct.
	w.wantIndicator(2025, "T", "reporting", 4, "10.00")
	w.wantIndicator(2025, "T2", "reporting", 2, "5.00")
	w.wantRow(2025, "T2", "good", "95.00", "quota") // 6 graded → quota 1: T (100) takes it
}

// SPEC §4.3 vetoes, §4.7 "Window dates": inclusive on both ends.
func TestVetoInsideTheWindow(t *testing.T) {
	w := newWorld(t)
	ids := []string{"VIN", "VFIRST", "VLAST", "VAFTER", "VBEFORE", "VMULTI", "CLEAN"}
	for i, id := range ids {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
		w.window(id, 2025, full)
	}
	for _, id := range ids {
		w.window(id, 2024, full) // so that 2024 is graded for all (no no_data fail before 2025)
	}
	w.incident("VIN", "2025-03-01", "serious_dishonesty_list")
	w.incident("VFIRST", "2024-10-01", "serious_dishonesty_list") // the window's first day
	w.incident("VLAST", "2025-09-30", "serious_dishonesty_list")  // its last day
	w.incident("VAFTER", "2025-10-01", "serious_dishonesty_list") // the day after
	w.incident("VBEFORE", "2024-09-30", "serious_dishonesty_list")
	w.incident("VMULTI", "2025-05-05", "research_misconduct")
	w.incident("VMULTI", "2025-02-02", "major_accident")
	w.assess(2025)

	for _, id := range []string{"VIN", "VFIRST", "VLAST"} {
		w.wantRow(2025, id, "fail", "100.00", "veto:serious_dishonesty_list")
		if d := w.decision(2025, id); d.Action != "rectify" {
			t.Errorf("%s action %q, want rectify", id, d.Action)
		}
	}
	w.wantRow(2025, "VMULTI", "fail", "100.00", "veto:major_accident,veto:research_misconduct")
	// 7 graded → quota 2; the three unvetoed 100s tie and are all admitted.
	for _, id := range []string{"VAFTER", "VBEFORE", "CLEAN"} {
		w.wantRow(2025, id, "excellent", "100.00", "")
	}
	// 2024: the incident of 2024-09-30 counts there.
	w.wantRow(2024, "VBEFORE", "fail", "100.00", "veto:serious_dishonesty_list")

	// Assessing 2026 makes the incident of 2025-10-01 count there, not in 2025.
	w.window("VAFTER", 2026, full)
	w.window("CLEAN", 2026, full)
	w.assess(2026)
	w.wantRow(2025, "VAFTER", "excellent", "100.00", "")
	w.wantRow(2026, "VAFTER", "fail", "100.00", "veto:serious_dishonesty_list")
	w.wantRow(2026, "CLEAN", "excellent", "100.00", "") // 7 graded (5 no_data) → quota 2, one candidate
}

// SPEC §4.3 cap_pass.
func TestCapPassVeto(t *testing.T) {
	w := newWorld(t)
	add := func(id string, mk func(string, int, int) q) {
		w.carrier(id, "municipal", "comprehensive", "2020-01-01", len(w.operatorOf)+1)
		w.window(id, 2025, mk)
	}
	add("C", full)      // 100, capped
	add("C75", score75) // 75, capped: pass
	add("CPOOR", poor)  // capped but under 60: fail
	add("X1", score95)
	add("X2", score90)
	add("X3", score85)
	for _, id := range []string{"G1", "G2", "G3", "G4", "G5", "G6"} {
		add(id, score75)
	}
	for _, id := range []string{"C", "C75", "CPOOR"} {
		w.incident(id, "2025-06-01", "major_accident")
	}
	r := rubric.Default()
	r.Vetoes["major_accident"] = rubric.VetoCapPass
	w.assess(2025, withRubric(r))

	// 12 graded → quota 3. C is no candidate, so X1, X2, X3 are admitted.
	w.wantRow(2025, "C", "pass", "100.00", "veto:major_accident")
	if d := w.decision(2025, "C"); d.Action != "keep" {
		t.Errorf("C action %q, want keep", d.Action)
	}
	if f := w.fund(2025, "C"); f.Factor != 0.6 || f.Amount != 120000 {
		t.Errorf("C funding %+v, want factor 0.6, 120000", f)
	}
	w.wantRow(2025, "C75", "pass", "75.00", "veto:major_accident")
	if r := w.row(2025, "CPOOR"); r.Grade != "fail" || !strings.Contains(r.Reasons, "veto:major_accident") {
		t.Errorf("CPOOR: grade %q reasons %q, want fail with veto:major_accident", r.Grade, r.Reasons)
	}
	w.wantRow(2025, "X1", "excellent", "95.00", "")
	w.wantRow(2025, "X2", "excellent", "90.00", "")
	w.wantRow(2025, "X3", "excellent", "85.00", "")
	if n := w.count("SELECT count(*) FROM assessments WHERE year = 2025 AND grade = 'excellent'"); n != 3 {
		t.Errorf("%d excellent, want 3", n)
	}
}

// SPEC §4.4 revoke, §4.7 "Recovery", "Chain" (revoke over delist).
func TestFalseDataRevokes(t *testing.T) {
	w := newWorld(t)
	w.carrier("FD", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("G", "municipal", "comprehensive", "2020-01-01", 2)
	for y := 2024; y <= 2026; y++ {
		w.window("FD", y, full)
		w.window("G", y, poor)
	}
	w.incident("FD", "2025-07-08", "false_data")
	w.incident("G", "2025-02-01", "false_data")
	w.assess(2026)

	// 2024: FD good (2 graded → quota 0): 0.8 × 200000 = 160000.
	w.want(2024, "FD", "good", "keep")
	if f := w.fund(2024, "FD"); f.Amount != 160000 {
		t.Fatalf("FD 2024 amount %d, want 160000", f.Amount)
	}
	w.want(2024, "G", "fail", "rectify")

	o := w.want(2025, "FD", "fail", "revoke")
	if o.Reasons != "false_data" || o.BannedUntil != "2028-12-31" || o.Deadline != "" || o.Amount != 0 || o.Recovery != 160000 {
		t.Errorf("FD 2025 revoke: %+v; want reasons false_data, banned until 2028-12-31, no deadline, amount 0, recovery 160000", o)
	}
	if d := w.decision(2025, "FD"); d.Reason != "false_data" {
		t.Errorf("FD 2025 decision reason %q, want false_data", d.Reason)
	}
	// G failed 2024 and fails 2025 with false_data: revoke, not delist.
	o = w.want(2025, "G", "fail", "revoke")
	if o.BannedUntil != "2028-12-31" || o.Recovery != 0 || !strings.Contains(o.Reasons, "false_data") {
		t.Errorf("G 2025: %+v; want banned until 2028-12-31, recovery 0, reason false_data", o)
	}
	for _, id := range []string{"FD", "G"} {
		if w.get(2026, id) != nil {
			t.Errorf("%s appears in 2026 after its revocation", id)
		}
	}
}

// SPEC §4.3 quota, §4.7 "Quota scope", "Forced fails … count in the number
// of graded carriers".
func TestQuotaTieAtTheBoundary(t *testing.T) {
	type c struct {
		id string
		mk func(string, int, int) q
	}
	base := []c{{"A1", full}, {"A2", full}, {"B1", score95}, {"B2", score95}, {"C", score90},
		{"D", score85}, {"E", score75}, {"F", score60}, {"G", poor}}

	t.Run("forced fail counts", func(t *testing.T) {
		w := newWorld(t)
		for i, x := range append(base, c{"H", full}) {
			w.carrier(x.id, "municipal", "comprehensive", "2020-01-01", i+1)
			w.window(x.id, 2025, x.mk)
		}
		w.incident("H", "2025-01-20", "serious_dishonesty_list")
		w.assess(2025)
		// 10 graded (H included) → quota 3; candidates 100,100,95,95: the 95s
		// tie with the last admitted and are admitted too.
		for _, id := range []string{"A1", "A2"} {
			w.wantRow(2025, id, "excellent", "100.00", "")
		}
		for _, id := range []string{"B1", "B2"} {
			w.wantRow(2025, id, "excellent", "95.00", "")
		}
		w.wantRow(2025, "C", "good", "90.00", "quota")
		w.wantRow(2025, "D", "good", "85.00", "quota")
		w.wantRow(2025, "E", "good", "75.00", "")
		w.wantRow(2025, "F", "pass", "60.00", "")
		w.wantRow(2025, "H", "fail", "100.00", "veto:serious_dishonesty_list")
		if r := w.row(2025, "H"); r.RankOverall.Int64 != 1 {
			t.Errorf("H rank %v, want 1 (ranked by its kept score)", r.RankOverall)
		}
	})

	t.Run("deferred and not_assessed do not count", func(t *testing.T) {
		w := newWorld(t)
		for i, x := range base {
			w.carrier(x.id, "municipal", "comprehensive", "2020-01-01", i+1)
			w.window(x.id, 2025, x.mk)
		}
		w.carrier("K", "municipal", "comprehensive", "2020-01-01", 20)
		w.window("K", 2025, full)
		w.deferral("K", 2025)
		w.carrier("NEW", "municipal", "comprehensive", "2025-01-01", 21)
		w.window("NEW", 2025, full)
		w.assess(2025)
		// 9 graded → quota 2.
		for _, id := range []string{"A1", "A2"} {
			w.wantRow(2025, id, "excellent", "100.00", "")
		}
		for _, id := range []string{"B1", "B2"} {
			w.wantRow(2025, id, "good", "95.00", "quota")
		}
		if r := w.row(2025, "NEW"); r.Outcome != "not_assessed" {
			t.Errorf("NEW outcome %q, want not_assessed", r.Outcome)
		}
	})

	t.Run("all tied", func(t *testing.T) {
		w := newWorld(t)
		for i := 0; i < 10; i++ {
			id := string(rune('A'+i)) + "X"
			w.carrier(id, "municipal", "comprehensive", "2020-01-01", i+1)
			w.window(id, 2025, full)
		}
		w.assess(2025)
		if n := w.count("SELECT count(*) FROM assessments WHERE year = 2025 AND grade = 'excellent'"); n != 10 {
			t.Errorf("%d excellent, want all 10 (tied with the last admitted)", n)
		}
	})
}

// SPEC §4.2 filed_ratio and exit_rate when nothing is incubating.
func TestZeroIncubating(t *testing.T) {
	w := newWorld(t)
	zero := func(exited int) func(string, int, int) q {
		return func(id string, y, qt int) q {
			r := full(id, y, qt)
			r.incubating, r.filed, r.exited = 0, 0, exited
			return r
		}
	}
	w.carrier("Z0", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("Z2", "municipal", "comprehensive", "2020-01-01", 2)
	w.window("Z0", 2025, zero(0))
	w.window("Z2", 2025, zero(2))
	w.assess(2025)
	for _, id := range []string{"Z0", "Z2"} {
		// 0 / 0 and exits over no incubatees are blank (SPEC §7).
		w.wantIndicator(2025, id, "filed_ratio", blank, "0.00")
		w.wantIndicator(2025, id, "incubating_avg", 0, "0.00")
		w.wantIndicator(2025, id, "exit_rate", blank, "0.00")
		// 100 − filed 10 − incubating 10 − exit 5.
		w.wantRow(2025, id, "good", "75.00", "")
	}
}

// SPEC §4.4 "A carrier whose operator is banned cannot be (re-)recognized",
// §4.7 "The ban".
func TestBannedOperatorCannotRegister(t *testing.T) {
	w := newWorld(t)
	w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("B", "municipal", "comprehensive", "2019-05-01", 1) // same operator
	w.carrier("O", "municipal", "comprehensive", "2019-05-01", 2)
	for _, y := range []int{2023, 2024} {
		w.window("A", y, poor)
		w.window("B", y, full)
		w.window("O", y, full)
	}
	w.assess(2024)
	if o := w.want(2024, "A", "fail", "delist"); o.BannedUntil != "2027-12-31" {
		t.Fatalf("A banned until %q, want 2027-12-31", o.BannedUntil)
	}

	w.registryRow("NEWX", "新载体", 1, "municipal", "comprehensive", "2025-03-01")   // row 2: banned
	w.registryRow("B", "更名后的载体", 1, "municipal", "comprehensive", "2019-05-01")   // row 3: kept status
	w.registryRow("NEWO", "他人新载体", 2, "municipal", "comprehensive", "2025-03-01") // row 4: not banned
	w.registryRow("A", "A 重新认定", 1, "municipal", "comprehensive", "2025-06-01")   // row 5: banned, old carrier
	w.load()

	type rej struct {
		row       int
		raw, rule string
	}
	rows, err := w.st.DB.Query(`SELECT row_no, coalesce(raw_value, ''), rule FROM rejects WHERE kind = 'registry' ORDER BY row_no`)
	if err != nil {
		t.Fatal(err)
	}
	var got []rej
	for rows.Next() {
		var r rej
		if err := rows.Scan(&r.row, &r.raw, &r.rule); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	rows.Close()
	want := []rej{{2, "2025-03-01", "banned_operator"}, {5, "2025-06-01", "banned_operator"}}
	if len(got) != len(want) {
		t.Fatalf("registry rejects %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("registry reject %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	var name string
	if err := w.st.DB.QueryRow("SELECT name FROM carriers WHERE carrier_id = 'B'").Scan(&name); err != nil || name != "更名后的载体" {
		t.Errorf("B's update: name %q (%v), want 更名后的载体", name, err)
	}
	if n := w.count("SELECT count(*) FROM carriers WHERE carrier_id = 'NEWX'"); n != 0 {
		t.Errorf("NEWX registered despite the ban")
	}
	if n := w.count("SELECT count(*) FROM carriers WHERE carrier_id = 'NEWO'"); n != 1 {
		t.Errorf("NEWO of another operator not registered")
	}
	var rec string
	w.st.DB.QueryRow("SELECT CAST(recognized_on AS VARCHAR) FROM carriers WHERE carrier_id = 'A'").Scan(&rec)
	if rec != "2020-01-01" {
		t.Errorf("A's recognition now %q, want the old 2020-01-01 (re-recognition rejected)", rec)
	}

	w.window("B", 2025, full)
	w.window("A", 2025, full)
	w.assess(2025)
	if r := w.row(2025, "B"); r.Outcome != "graded" {
		t.Errorf("B 2025 outcome %q, want graded (keeps its status)", r.Outcome)
	}
	for _, id := range []string{"A", "NEWX"} {
		if w.get(2025, id) != nil {
			t.Errorf("%s appears in 2025", id)
		}
	}
}

// SPEC §4.6 funding tiers, factors and budget scaling.
func TestBudgetScaling(t *testing.T) {
	type c struct {
		id, level, track string
		mk               func(string, int, int) q
		tier, grade      string
	}
	cs := []c{
		{"N1", "national", "comprehensive", fullAt("national"), "national", "excellent"},
		{"N2", "national", "specialized", fullAt("national"), "national", "excellent"},
		{"S1", "municipal", "specialized", full, "specialized", "excellent"},
		{"S2", "provincial", "specialized", minus(fullAt("provincial"), "jobs", "financing", "events"), "specialized", "good"},
		{"T1", "municipal", "comprehensive", score75, "standard", "good"},
		{"T2", "provincial", "comprehensive", minus(fullAt("provincial"), "jobs", "financing"), "standard", "good"},
		{"T3", "municipal", "comprehensive", score60, "standard", "pass"},
		{"T4", "municipal", "specialized", score60, "specialized", "pass"},
		{"T5", "municipal", "comprehensive", poor, "standard", "fail"},
		{"T6", "national", "comprehensive", minus(fullAt("national"), "events", "jobs"), "national", "good"},
	}
	caps := map[string]int64{"national": 400000, "specialized": 300000, "standard": 200000}
	factor := map[string]int64{"excellent": 10, "good": 8, "pass": 6, "fail": 0} // tenths
	w := newWorld(t)
	for i, x := range cs {
		w.carrier(x.id, x.level, x.track, "2020-01-01", i+1)
		w.window(x.id, 2025, x.mk)
	}
	unscaled := map[string]int64{}
	var total int64
	for _, x := range cs {
		unscaled[x.id] = caps[x.tier] * factor[x.grade] / 10
		total += unscaled[x.id]
	}
	if total != 2280000 {
		t.Fatalf("test arithmetic: total %d", total)
	}

	check := func(name string, want func(u int64) int64) {
		t.Helper()
		var sum int64
		for _, x := range cs {
			if r := w.row(2025, x.id); r.Grade != x.grade {
				t.Errorf("%s: %s grade %q (score %s, reasons %q), want %q", name, x.id, r.Grade, r.Score, r.Reasons, x.grade)
			}
			f := w.fund(2025, x.id)
			if !f.found || f.Tier != x.tier || f.Cap != caps[x.tier] || int64(f.Factor*10+0.5) != factor[x.grade] {
				t.Errorf("%s: %s funding %+v, want tier %s cap %d factor %d/10", name, x.id, f, x.tier, caps[x.tier], factor[x.grade])
			}
			if f.Amount != want(unscaled[x.id]) {
				t.Errorf("%s: %s amount %d, want %d (unscaled %d)", name, x.id, f.Amount, want(unscaled[x.id]), unscaled[x.id])
			}
			sum += f.Amount
		}
		t.Logf("%s: total %d", name, sum)
	}

	w.assess(2025)
	check("no budget", func(u int64) int64 { return u })

	const budget = 1234567
	w.assess(2025, withBudget(budget))
	check("budget below the total", func(u int64) int64 { return u * budget / total / 100 * 100 })
	if s := int64(w.count("SELECT CAST(sum(amount_yuan) AS INTEGER) FROM funding WHERE year = 2025")); s > budget {
		t.Errorf("scaled total %d exceeds the budget %d", s, budget)
	}

	w.assess(2025, withBudget(total))
	check("budget equal to the total", func(u int64) int64 { return u })
	w.assess(2025, withBudget(5000000))
	check("budget above the total", func(u int64) int64 { return u })
}

// SPEC §4.5 rankings, §4.7 "Deltas".
func TestRankingsAndDeltas(t *testing.T) {
	w := newWorld(t)
	// Same district 城关区 and group maker_space/comprehensive: A B C D.
	for i, id := range []string{"A", "B", "C", "D"} {
		w.carrierAt(id, "municipal", "comprehensive", "2020-01-01", i+1, "城关区", "maker_space")
	}
	w.carrierAt("E", "municipal", "comprehensive", "2020-01-01", 5, "七里河区", "incubator")
	w.carrierAt("F", "municipal", "specialized", "2024-06-01", 6, "七里河区", "maker_space")
	// 2023: E graded; 2024: E deferred, F not_assessed.
	w.window("E", 2023, full)
	w.window("A", 2024, score90)
	w.window("B", 2024, full)
	w.window("C", 2024, score85)
	w.window("D", 2024, score90)
	w.window("E", 2024, full)
	w.deferral("E", 2024)
	// 2025: A 100, E 95, F 95, B 90, C 90, D 85.
	w.window("A", 2025, full)
	w.window("B", 2025, score90)
	w.window("C", 2025, score90)
	w.window("D", 2025, score85)
	w.window("E", 2025, score95)
	w.window("F", 2025, score95)
	w.assess(2025)

	type want struct {
		overall, district, group int64
		scoreDelta               string // "" = empty
		rankDelta                *int64
	}
	i64 := func(v int64) *int64 { return &v }
	// 2024: B 100 (1), A 90 (2), D 90 (2), C 85 (4).
	for id, x := range map[string]want{
		"A": {1, 1, 1, "10.00", i64(2 - 1)},
		"E": {2, 1, 1, "", nil},
		"F": {2, 1, 1, "", nil},
		"B": {4, 2, 2, "-10.00", i64(1 - 4)},
		"C": {4, 2, 2, "5.00", i64(4 - 4)},
		"D": {6, 4, 4, "-5.00", i64(2 - 6)},
	} {
		r := w.row(2025, id)
		if r.RankOverall.Int64 != x.overall || r.RankDistrict.Int64 != x.district || r.RankGroup.Int64 != x.group {
			t.Errorf("%s ranks %v/%v/%v, want %d/%d/%d", id, r.RankOverall.Int64, r.RankDistrict.Int64, r.RankGroup.Int64, x.overall, x.district, x.group)
		}
		if (x.scoreDelta == "") != !r.ScoreDelta.Valid || x.scoreDelta != "" && r.ScoreDelta.String != x.scoreDelta {
			t.Errorf("%s score_delta %v, want %q", id, r.ScoreDelta, x.scoreDelta)
		}
		if (x.rankDelta == nil) != !r.RankDelta.Valid || x.rankDelta != nil && r.RankDelta.Int64 != *x.rankDelta {
			t.Errorf("%s rank_delta %v, want %v", id, r.RankDelta, x.rankDelta)
		}
	}
	// 2024's ranks: competition ranks too.
	for id, rank := range map[string]int64{"B": 1, "A": 2, "D": 2, "C": 4} {
		if r := w.row(2024, id); r.RankOverall.Int64 != rank {
			t.Errorf("2024 %s rank %v, want %d", id, r.RankOverall, rank)
		}
	}
	if r := w.row(2024, "E"); r.Outcome != "deferred" || r.RankOverall.Valid {
		t.Errorf("2024 E: %+v, want deferred without ranks", r)
	}
}

// SPEC §4.1 option calendar.
func TestCalendarWindow(t *testing.T) {
	w := newWorld(t)
	w.carrier("C", "municipal", "comprehensive", "2020-01-01", 1)
	w.carrier("L", "municipal", "comprehensive", "2020-01-01", 2)
	w.report(poor("C", 2024, 4)) // in the sep window, not the calendar one
	w.report(full("C", 2025, 1), full("C", 2025, 2), full("C", 2025, 3), at(full("C", 2025, 4), "2026-01-15"))
	w.report(full("L", 2025, 1), full("L", 2025, 2), full("L", 2025, 3), at(full("L", 2025, 4), "2026-01-16"))
	w.incident("L", "2025-12-31", "abnormal_operation_list") // in the calendar window only
	w.assess(2025, withWindow(assess.WindowCalendar))

	r := w.wantRow(2025, "C", "good", "100.00", "quota") // 2 graded → quota 0
	if r.WindowStart != "2025-01-01" || r.WindowEnd != "2025-12-31" || r.Quarters.Int64 != 4 {
		t.Errorf("C window %s … %s, %v quarters; want 2025-01-01 … 2025-12-31, 4", r.WindowStart, r.WindowEnd, r.Quarters)
	}
	w.wantIndicator(2025, "C", "reporting", 4, "10.00")
	w.wantIndicator(2025, "L", "reporting", 3.5, "8.75") // Q4 due 15 January
	w.wantRow(2025, "L", "fail", "98.75", "veto:abnormal_operation_list")
	// 2024 (calendar): C has only Q4.
	w.wantRow(2024, "C", "fail", w.row(2024, "C").Score, "missing_reports")
}

// SPEC §4.4 "published (frozen) years", §4.7 "Years computed".
func TestPublishedYearIsFrozen(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.carrier("P", "municipal", "comprehensive", "2020-01-01", 1)
	w.window("P", 2024, poor)
	w.assess(2024)
	before := w.want(2024, "P", "fail", "rectify")
	if _, err := assess.Publish(ctx, w.st, 2024, testToday); err != nil {
		t.Fatal(err)
	}
	// A late revision of every 2024 window quarter: full data, late → 95.
	w.report(at(full("P", 2023, 4), "2024-11-01"), at(full("P", 2024, 1), "2024-11-01"),
		at(full("P", 2024, 2), "2024-11-01"), at(full("P", 2024, 3), "2024-11-01"))
	w.window("P", 2025, poor)
	res := w.assess(2025)
	if len(res.Frozen) != 1 || res.Frozen[0] != 2024 {
		t.Errorf("frozen years %v, want [2024]", res.Frozen)
	}
	after := w.want(2024, "P", "fail", "rectify")
	if *after != *before {
		t.Errorf("published 2024 changed: %+v → %+v", before, after)
	}
	w.wantIndicator(2024, "P", "reporting", 4, "10.00") // the published indicators, not the late revisions
	w.want(2025, "P", "fail", "delist")                 // the chain uses the frozen fail

	w.assess(2025, forced)
	w.wantRow(2024, "P", "good", "95.00", "quota") // alone → quota 0
	w.want(2024, "P", "good", "keep")
	w.want(2025, "P", "fail", "rectify")
}
