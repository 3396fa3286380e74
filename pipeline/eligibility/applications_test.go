package eligibility_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
)

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// applications ingests apps as one applications file.
func (w *world) applications(apps ...sample.Application) {
	w.t.Helper()
	w.batch++
	dir := filepath.Join(w.dir, "apps", time.Now().Format("150405.000000000"))
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, "认定申请.csv"), sample.ApplicationsCSV(apps...), 0o644); err != nil {
		w.t.Fatal(err)
	}
	res, err := ingest.Ingest(context.Background(), w.st, []string{dir}, ingest.Options{Today: testToday})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, rejected, _ := res.Totals(); rejected > 0 {
		w.t.Fatalf("applications rejected: %+v", res.Files)
	}
}

// TestMunicipalMakerSpaceBoundaries: every condition of SPEC §8.2 at its
// boundary, one application each, changed from one that meets them all.
func TestMunicipalMakerSpaceBoundaries(t *testing.T) {
	w := newWorld(t)
	d := date(2025, 6, 16)
	type plant struct {
		id       string
		change   func(a *sample.Application)
		outcome  string
		unmet    []string
		toReview []string
	}
	// The operator of BANNED-ON and BANNED-AFTER was banned from 30 November
	// 2022 to 31 December 2025 (LZ-OLD's delisting); INCIDENT's operator
	// ran LZ-INC, with an incident on 1 January 2024, and QUIET's ran LZ-QUIET,
	// with one on 31 December 2023.
	w.carrier(base{id: "LZ-OLD", kind: "maker_space", recognized: "2018-01-01", op: 11})
	w.carrier(base{id: "LZ-INC", kind: "maker_space", recognized: "2018-01-01", op: 12})
	w.carrier(base{id: "LZ-QUIET", kind: "maker_space", recognized: "2018-01-01", op: 13})
	w.incident("LZ-INC", "2024-01-01", "serious_dishonesty_list")
	w.incident("LZ-QUIET", "2023-12-31", "major_accident")
	w.load()
	if _, err := w.st.DB.Exec(`INSERT INTO store.decisions VALUES (2022, 'LZ-OLD', 'delist', DATE '2022-11-30', NULL, DATE '2025-12-31', 'fail twice', 2021, ?, 1)`, operator(11)); err != nil {
		t.Fatal(err)
	}
	plants := []plant{
		{"ALL-MET", func(a *sample.Application) {}, "eligible", nil, nil},
		{"PRIORITY", func(a *sample.Application) { a.Invested = true }, "priority", nil, nil},
		{"AREA-500", func(a *sample.Application) { a.Area, a.ServiceArea = 500, 400 }, "eligible", nil, nil},
		{"AREA-499", func(a *sample.Application) { a.Area, a.ServiceArea = 499.99, 400 }, "not_met", []string{"space"}, nil},
		{"SPEC-1000", func(a *sample.Application) { a.Track, a.Area, a.ServiceArea = "specialized", 1000, 800 }, "eligible", nil, nil},
		{"SPEC-999", func(a *sample.Application) { a.Track, a.Area, a.ServiceArea = "specialized", 999, 800 }, "not_met", []string{"space"}, nil},
		{"WS-20", func(a *sample.Application) { a.Workstations = 20 }, "eligible", nil, nil},
		{"WS-19", func(a *sample.Application) { a.Workstations = 19 }, "not_met", []string{"space"}, nil},
		{"RATIO-080", func(a *sample.Application) { a.Area, a.ServiceArea = 1000.5, 800.4 }, "eligible", nil, nil},
		{"RATIO-079", func(a *sample.Application) { a.Area, a.ServiceArea = 1000, 799.99 }, "not_met", []string{"space"}, nil},
		{"LEASE-3Y", func(a *sample.Application) { a.LeaseEnd = d.AddDate(3, 0, 0) }, "eligible", nil, nil},
		{"LEASE-SHORT", func(a *sample.Application) { a.LeaseEnd = d.AddDate(3, 0, -1) }, "not_met", []string{"space"}, nil},
		{"OWNED", func(a *sample.Application) { a.LeaseEnd = time.Time{} }, "eligible", nil, nil},
		{"FOUNDED-1Y", func(a *sample.Application) { a.FoundedOn = d.AddDate(-1, 0, 0) }, "eligible", nil, nil},
		{"FOUNDED-LATE", func(a *sample.Application) { a.FoundedOn = d.AddDate(-1, 0, 1) }, "not_met", []string{"operator"}, nil},
		{"OPERATING-LATE", func(a *sample.Application) { a.OperatingSince = d.AddDate(0, -12, 1) }, "not_met", []string{"operator"}, nil},
		{"VIRTUAL", func(a *sample.Application) { a.Virtual, a.Area, a.ServiceArea, a.Workstations = true, 80, 20, 0 }, "eligible", nil, nil},
		{"INCUBATED-9", func(a *sample.Application) { a.Incubated = 9 }, "not_met", []string{"incubated"}, nil},
		{"STAFF-2", func(a *sample.Application) { a.Staff = 2 }, "not_met", []string{"staff"}, nil},
		{"NO-REVENUE", func(a *sample.Application) { a.RevenueStable = false }, "review", nil, []string{"operator"}},
		{"NO-FACILITIES", func(a *sample.Application) { a.Facilities = false }, "review", nil, []string{"facilities"}},
		{"NO-RULES", func(a *sample.Application) { a.Rules = false }, "review", nil, []string{"rules"}},
		{"NO-SERVICES", func(a *sample.Application) { a.Services = false }, "review", nil, []string{"services"}},
		{"NO-FUND", func(a *sample.Application) { a.SeedFund = false }, "review", nil, []string{"seed_fund"}},
		{"OTHER-SPEC", func(a *sample.Application) {
			a.Track, a.Area, a.ServiceArea, a.OperatorType = "specialized", 1200, 1000, "other"
		}, "not_met", []string{"specialized_operator"}, nil},
		{"OTHER-COMP", func(a *sample.Application) { a.OperatorType = "other" }, "eligible", nil, nil},
		{"BANNED-ON", func(a *sample.Application) { a.OperatorUSCC, a.AppliedOn = operator(11), date(2025, 12, 31) }, "not_met", []string{"not_banned"}, nil},
		{"BANNED-AFTER", func(a *sample.Application) { a.OperatorUSCC, a.AppliedOn = operator(11), date(2026, 1, 1) }, "eligible", nil, nil},
		{"INCIDENT", func(a *sample.Application) { a.OperatorUSCC = operator(12) }, "not_met", []string{"record"}, nil},
		{"QUIET", func(a *sample.Application) { a.OperatorUSCC = operator(13) }, "eligible", nil, nil},
		// A declaration 否 and a condition not met: not met, the review listed.
		{"BOTH", func(a *sample.Application) { a.Staff, a.Rules = 1, false }, "not_met", []string{"staff"}, []string{"rules"}},
	}
	// An incubator's application is not a maker space's (applies_to).
	inc := sample.MakerSpaceApplication("INCUBATOR", d)
	inc.Kind = "incubator"
	var apps, next []sample.Application
	apps = append(apps, inc)
	for _, p := range plants {
		a := sample.MakerSpaceApplication(p.id, d)
		p.change(&a)
		if a.AppliedOn.Year() == 2026 {
			next = append(next, a)
		} else {
			apps = append(apps, a)
		}
	}
	w.applications(apps...)
	w.applications(next...)
	check := func(y int) {
		res := w.run("municipal_maker_space", y)
		for _, p := range plants {
			a := sample.MakerSpaceApplication(p.id, d)
			p.change(&a)
			if a.AppliedOn.Year() != y {
				continue
			}
			r := w.result("municipal_maker_space", y, p.id)
			r.wantUnmet(t, p.id, p.unmet...)
			if r.outcome != p.outcome {
				t.Errorf("%s: %s, want %s (checks %v)", p.id, r.outcome, p.outcome, r.checks)
			}
			want := p.toReview
			if want == nil {
				want = []string{}
			}
			got := r.toReview
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: to review %v, want %v", p.id, got, want)
			}
		}
		if res.Subjects == 0 {
			t.Fatalf("%d: no subjects", y)
		}
	}
	check(2025)
	check(2026)
	var n int
	w.st.DB.QueryRow(`SELECT count(*) FROM eligibility WHERE subject_id = 'INCUBATOR'`).Scan(&n)
	if n != 0 {
		t.Errorf("an incubator's application was checked as a maker space's")
	}
	// The value shown for the ratio is the exact 0.8.
	if v := w.result("municipal_maker_space", 2025, "RATIO-080").values["space/3"]; v != "0.8" {
		t.Errorf("RATIO-080 service ratio shown as %q, want 0.8", v)
	}
}

// TestApplicationsOfAnotherYear: a year without applications is refused
// with a message, and nothing is stored.
func TestApplicationsOfAnotherYear(t *testing.T) {
	w := newWorld(t)
	w.applications(sample.MakerSpaceApplication("A1", date(2024, 3, 1)))
	p, _ := eligibility.Named("municipal_maker_space")
	_, err := eligibility.Run(context.Background(), w.st, p, eligibility.Options{Year: 2025, Today: testToday})
	var none *eligibility.NoSubjectsError
	if err == nil || !errorsAs(err, &none) {
		t.Fatalf("2025 without applications: %v", err)
	}
	var n int
	w.st.DB.QueryRow("SELECT count(*) FROM store.eligibility_runs").Scan(&n)
	if n != 0 {
		t.Errorf("%d runs stored after a refusal", n)
	}
}

// TestValueShownAsCompared: a value is shown as it was compared, never
// rounded onto its threshold. 26666.66 m² of 33333.33 is 0.7999998: not met,
// and it must not read "0.8" beside "≥ 0.8" — which, printed to six
// decimals, it did; a clerk sees a condition met and marked not met.
func TestValueShownAsCompared(t *testing.T) {
	w := newWorld(t)
	d := date(2025, 6, 16)
	a := sample.MakerSpaceApplication("NEAR", d)
	a.Area, a.ServiceArea = 33333.33, 26666.66
	third := sample.MakerSpaceApplication("THIRD", d)
	third.Area, third.ServiceArea = 3000, 2000
	w.applications(a, third)
	w.run("municipal_maker_space", 2025)
	r := w.result("municipal_maker_space", 2025, "NEAR")
	if r.checks["space/3"] != "not_met" || r.values["space/3"] == "0.8" {
		t.Errorf("NEAR: ratio %q %s; want not_met, shown as other than the threshold 0.8", r.values["space/3"], r.checks["space/3"])
	}
	if v := w.result("municipal_maker_space", 2025, "THIRD").values["space/3"]; v != "0.6666666667" {
		t.Errorf("THIRD: ratio shown as %q, want 0.6666666667 (as compared: 10 decimals)", v)
	}
}
