package sample

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/uscc"
)

// TestDemoApplicationsFile: the demo writes its applications as one
// workbook, a title row, the Chinese header and one row per planted
// application in DemoApplications' order, every USCC valid and every id
// and name its own.
func TestDemoApplicationsFile(t *testing.T) {
	dir, _ := demoFiles(t)
	rows := sheetRows(t, filepath.Join(dir, filepath.FromSlash(demoApplicationsPath)), "认定申请")
	if !strings.Contains(rows[0][0], "2025年") || strings.Join(rows[1], ",") != strings.Join(applicationsHeaderZh, ",") {
		t.Fatalf("title %q, header %q", rows[0], rows[1])
	}
	planted := DemoApplications()
	if len(rows)-2 != len(planted) {
		t.Fatalf("%d rows, %d planted", len(rows)-2, len(planted))
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for i, r := range rows[2:] {
		if r[0] != planted[i].ID || ids[r[0]] || names[r[1]] {
			t.Errorf("row %d: %q %q, want %s, each once", i+3, r[0], r[1], planted[i].ID)
		}
		ids[r[0]], names[r[1]] = true, true
		if err := uscc.Validate(r[2]); err != nil {
			t.Errorf("%s: operator %s: %v", r[0], r[2], err)
		}
	}
}

// TestDemoApplicationsArePlanted: each planted application gets, by the
// municipal_maker_space profile of SPEC §8.2 read straight from the
// rows made for the file and from the demo's stories (this test's own
// reading, not the engine's), the outcome DemoApplications promises: the
// test keeps the plants honest, the eligibility engine's tests hold the
// engine to them.
func TestDemoApplicationsArePlanted(t *testing.T) {
	d, err := buildDemo()
	if err != nil {
		t.Fatal(err)
	}
	apps, err := d.applications()
	if err != nil {
		t.Fatal(err)
	}
	// Bans of the 2025 decisions (Stories): delisted or revoked, banned
	// from the decision date to 31 December 2028.
	banned := map[string]bool{}
	for _, s := range Stories {
		if s.Plot == "fails_twice" || s.Plot == "deferred_chain" || s.Plot == "false_data" {
			banned[d.byID[s.CarrierID].uscc] = true
		}
	}
	banFrom, banUntil := day(2025, 11, 30), day(2028, 12, 31)
	planted := DemoApplications()
	if len(apps) != len(planted) {
		t.Fatalf("%d applications made, %d planted", len(apps), len(planted))
	}
	counts := map[string]int{}
	for i, a := range apps {
		p := planted[i]
		if a.ID != p.ID || a.AppliedOn.Year() != DemoApplicationsYear {
			t.Fatalf("application %d is %s of %v, want %s of %d", i, a.ID, a.AppliedOn, p.ID, DemoApplicationsYear)
		}
		D := a.AppliedOn
		record := true
		for _, in := range demoIncidents {
			at := day(in.occurred[0], in.occurred[1], in.occurred[2])
			if d.byID[in.id].uscc == a.OperatorUSCC && !at.Before(day(D.Year()-1, 1, 1)) && !at.After(D) {
				record = false
			}
		}
		minArea := 500.0
		if a.Track == "specialized" {
			minArea = 1000
		}
		met := []struct {
			code string
			ok   bool
			decl bool // a declaration: 否 is review, not not_met
		}{
			{"operator", !a.FoundedOn.After(D.AddDate(-1, 0, 0)) && !a.OperatingSince.After(D.AddDate(0, -12, 0)), false},
			{"space", a.Virtual || a.Area >= minArea && a.Workstations >= 20 && a.ServiceArea/a.Area >= 0.80 &&
				(a.LeaseEnd.IsZero() || !a.LeaseEnd.Before(D.AddDate(3, 0, 0))), false},
			{"incubated", a.Incubated >= 10, false},
			{"facilities", a.Facilities, true},
			{"staff", a.Staff >= 3, false},
			{"rules", a.Rules, true},
			{"services", a.Services, true},
			{"seed_fund", a.SeedFund, true},
			{"record", record, false},
			{"specialized_operator", a.Track == "comprehensive" || a.OperatorType != "other", false},
			{"not_banned", !(banned[a.OperatorUSCC] && !D.Before(banFrom) && !D.After(banUntil)), false},
		}
		var unmet, review []string
		for _, m := range met {
			switch {
			case m.ok:
			case m.decl:
				review = append(review, m.code)
			default:
				unmet = append(unmet, m.code)
			}
		}
		if !a.RevenueStable && !slices.Contains(unmet, "operator") {
			review = append([]string{"operator"}, review...)
		}
		outcome := "eligible"
		switch {
		case len(unmet) > 0:
			outcome = "not_met"
		case len(review) > 0:
			outcome = "review"
		case a.Invested:
			outcome = "priority"
		}
		got := PlantedApplication{ID: a.ID, Outcome: outcome, Unmet: unmet, ToReview: review, Plot: p.Plot}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("%s (%s) (-planted +read):\n%s", a.ID, p.Plot, diff)
		}
		counts[outcome]++
		for _, u := range unmet {
			counts[u]++
		}
	}
	want := map[string]int{"eligible": 3, "priority": 1, "review": 1, "not_met": 11, "operator": 1, "space": 5, "incubated": 1,
		"staff": 1, "specialized_operator": 1, "not_banned": 1, "record": 1}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}

// TestDemoApplicationsOfStoryOperators: the two applicants that are demo
// carriers' operators are those of the stories named, with their names.
func TestDemoApplicationsOfStoryOperators(t *testing.T) {
	d, err := buildDemo()
	if err != nil {
		t.Fatal(err)
	}
	apps, err := d.applications()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Application{}
	for _, a := range apps {
		byID[a.ID] = a
	}
	for id, carrier := range map[string]string{"SQ2025-015": "LZ-ZC-0007", "SQ2025-016": "LZ-ZC-0023"} {
		a, c := byID[id], d.byID[carrier]
		if a.OperatorUSCC != c.uscc || a.OperatorName != c.operator || !isStory(carrier) {
			t.Errorf("%s: operator %s %s, want %s's %s %s", id, a.OperatorUSCC, a.OperatorName, carrier, c.uscc, c.operator)
		}
	}
	if d := byID["SQ2025-015"].AppliedOn; d.Before(time.Date(2025, 11, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("SQ2025-015 applied on %v, before the 2025 decisions' bans begin", d)
	}
}
