package assess_test

import "testing"

func TestFailFailDelistsAndRemovesFromLaterYears(t *testing.T) {
	w := newWorld(t)
	w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
	for y := 2022; y <= 2025; y++ {
		make := full
		if y == 2023 || y == 2024 {
			make = poor
		}
		w.window("A", y, make)
	}
	w.assess(2025)
	w.want(2022, "A", "good", "keep") // alone: the quota is floor(0.3 × 1) = 0
	w.want(2023, "A", "fail", "rectify")
	o := w.want(2024, "A", "fail", "delist")
	if o.BannedUntil != "2027-12-31" || o.Amount != 0 {
		t.Fatalf("delist: banned until %q (want 2027-12-31), amount %d", o.BannedUntil, o.Amount)
	}
	if w.get(2025, "A") != nil {
		t.Fatal("a delisted carrier appears in the next year although it still reports")
	}
}

func TestFailPassFailIsTwoRectifications(t *testing.T) {
	w := newWorld(t)
	w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
	w.window("A", 2023, poor)
	w.window("A", 2024, score60)
	w.window("A", 2025, poor)
	w.assess(2025)
	o := w.want(2023, "A", "fail", "rectify")
	if o.Deadline != "2024-02-28" {
		t.Fatalf("rectify deadline %q, want 30 Nov + 90 days = 2024-02-28", o.Deadline)
	}
	w.want(2024, "A", "pass", "keep")
	w.want(2025, "A", "fail", "rectify")
}

func TestFailDeferredFailDelists(t *testing.T) {
	w := newWorld(t)
	w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
	w.window("A", 2023, poor)
	w.window("A", 2024, full) // reports, but deferred: deferred all the same
	w.deferral("A", 2024)
	w.window("A", 2025, poor)
	w.assess(2025)
	w.want(2023, "A", "fail", "rectify")
	if o := w.get(2024, "A"); o == nil || o.Outcome != "deferred" || o.Grade != "" {
		t.Fatalf("2024: %+v, want deferred without grade", o)
	}
	w.want(2025, "A", "fail", "delist")
}

func TestNotAssessedYearBreaksTheChain(t *testing.T) {
	w := newWorld(t)
	// Recognized 2024-06-01: less than 12 months before 2024-09-30, so 2024
	// is not_assessed; a fail in 2025 is its first graded year.
	w.carrier("A", "municipal", "comprehensive", "2024-06-01", 1)
	w.carrier("B", "municipal", "comprehensive", "2020-01-01", 2)
	w.window("B", 2024, full)
	w.window("A", 2024, poor)
	w.window("A", 2025, poor)
	w.assess(2025)
	if o := w.get(2024, "A"); o == nil || o.Outcome != "not_assessed" {
		t.Fatalf("2024: %+v, want not_assessed", o)
	}
	w.want(2025, "A", "fail", "rectify")
}

func TestScoresAtTheThresholds(t *testing.T) {
	w := newWorld(t)
	for i, c := range []struct {
		id   string
		make func(string, int, int) q
	}{{"S60", score60}, {"S75", score75}, {"S85", score85}, {"F1", full}, {"F2", full}, {"F3", full}, {"F4", full}, {"F5", full}, {"F6", full}, {"F7", full}} {
		w.carrier(c.id, "municipal", "comprehensive", "2020-01-01", i+1)
		w.window(c.id, 2025, c.make)
	}
	w.assess(2025)
	for id, want := range map[string]string{"S60": "60", "S75": "75", "S85": "85"} {
		if o := w.get(2025, id); o.Score != want && o.Score != want+".00" && o.Score != want+".0" {
			t.Fatalf("%s scored %s, want %s", id, o.Score, want)
		}
	}
	w.want(2025, "S60", "pass", "keep")
	w.want(2025, "S75", "good", "keep")
	// 10 graded → quota 3; seven carriers score 100, so 85 is outside the quota.
	o := w.want(2025, "S85", "good", "keep")
	if o.Reasons != "quota" {
		t.Fatalf("85 outside the quota: reasons %q, want quota", o.Reasons)
	}
}
