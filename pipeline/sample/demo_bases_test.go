package sample

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDemoBasesArePlanted: each subject of the provincial_demo_base
// profile in DemoBasesYear (the municipal demonstration bases not delisted
// or revoked by that year's decisions) gets, by SPEC §8.3 read straight
// from the registry rows and reports made for the files and from the
// demo's stories and incidents (this test's own reading, not the
// engine's), the outcome DemoBases promises for the planted ones, and
// not_met for every other: the test keeps the plants honest, the
// eligibility engine's tests hold the engine to them.
func TestDemoBasesArePlanted(t *testing.T) {
	d, err := buildDemo()
	if err != nil {
		t.Fatal(err)
	}
	y := DemoBasesYear
	E := quarterEnd(y, 3)
	gone := map[string]bool{} // delisted or revoked by the year's decisions (Stories)
	for _, s := range Stories {
		if s.Plot == "fails_twice" || s.Plot == "deferred_chain" || s.Plot == "false_data" {
			gone[s.CarrierID] = true
		}
	}
	planted := map[string]PlantedBase{}
	for _, p := range DemoBases() {
		planted[p.ID] = p
	}
	counts := map[string]int{}
	for _, c := range d.carriers {
		if c.kind != demoBase || c.level != municipal || c.recognized.After(E) || gone[c.id] {
			continue
		}
		rs := d.reports[c.id] // every one ends on or before E: the demo ends in 2025Q3
		incident := false
		for _, in := range demoIncidents {
			at := day(in.occurred[0], in.occurred[1], in.occurred[2])
			if in.id == c.id && !at.Before(quarterEnd(y-3, 3).AddDate(0, 0, 1)) && !at.After(E) {
				incident = true
			}
		}
		utilization := true
		for ay := y - 2; ay <= y; ay++ {
			sum, n := 0, 0
			for _, rp := range rs {
				if k := qkey(rp.year, rp.quarter); k >= qkey(ay-1, 4) && k <= qkey(ay, 3) && rp.utilization >= 0 {
					sum, n = sum+rp.utilization, n+1
				}
			}
			utilization = utilization && n > 0 && sum >= 85*n // average percent ≥ 85
		}
		var graduated, exited int
		var revenue int64
		for _, rp := range rs {
			graduated, exited, revenue = graduated+rp.graduated, exited+rp.exited, revenue+rp.revenue
		}
		last := rs[len(rs)-1]
		met := []struct {
			code string
			ok   bool
		}{
			{"operating", !c.recognized.After(E.AddDate(-3, 0, 0)) && !incident},
			{"utilization", utilization},
			{"space", c.area >= 3000 && c.serviceArea >= 0.75*c.area && (c.leaseEnd.IsZero() || !c.leaseEnd.Before(E.AddDate(3, 0, 0)))},
			{"scale", graduated >= 20 && last.quarter == 3 && last.year == y && last.incubating >= 50 && last.jobs >= 500},
			{"success", graduated+exited > 0 && 5*graduated >= 3*(graduated+exited)}, // ≥ 0.60
			{"revenue", revenue >= 5000_00}, // 万元, in hundredths
		}
		var unmet []string
		for _, m := range met {
			if !m.ok {
				unmet = append(unmet, m.code)
			}
		}
		outcome := "recommended"
		if len(unmet) > 0 {
			outcome = "not_met"
		}
		counts[outcome]++
		p, ok := planted[c.id]
		if !ok {
			if outcome != "not_met" {
				t.Errorf("%s, not planted, is %s", c.id, outcome)
			}
			continue
		}
		delete(planted, c.id)
		got := PlantedBase{ID: c.id, Outcome: outcome, Unmet: unmet, Plot: p.Plot}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("%s (%s) (-planted +read):\n%s", c.id, p.Plot, diff)
		}
		for _, rp := range rs {
			if _, bad := d.defects[rp]; bad {
				t.Errorf("%s %dQ%d is a bad row", c.id, rp.year, rp.quarter)
			}
		}
	}
	for id := range planted {
		t.Errorf("planted base %s is not a subject", id)
	}
	if want := map[string]int{"recommended": 1, "not_met": 12}; !cmp.Equal(want, counts) {
		t.Errorf("outcomes %v, want %v", counts, want)
	}
}

// TestDemoBasesKeepTheirNeighbours: planting the bases changes their own
// rows and nothing else. Every file is planned as without the plants, row
// for row, but for the cells of the planted bases' rows (registry and
// quarterly), which stay in their places.
func TestDemoBasesKeepTheirNeighbours(t *testing.T) {
	with, err := buildDemo()
	if err != nil {
		t.Fatal(err)
	}
	saved := demoBases
	demoBases = nil
	without, err := buildDemo()
	demoBases = saved
	if err != nil {
		t.Fatal(err)
	}
	if len(with.files) != len(without.files) {
		t.Fatalf("%d files planned, %d without the plants", len(with.files), len(without.files))
	}
	changed := map[string]int{}
	for i, f := range with.files {
		o := without.files[i]
		if f.path != o.path || (f.book == nil) != (o.book == nil) {
			t.Fatalf("file %d: %s, without the plants %s", i, f.path, o.path)
		}
		if f.book == nil {
			if !slices.Equal(f.data, o.data) {
				t.Errorf("%s differs", f.path)
			}
			continue
		}
		if len(f.book.sheets) != len(o.book.sheets) {
			t.Fatalf("%s: %d sheets, without the plants %d", f.path, len(f.book.sheets), len(o.book.sheets))
		}
		for j, s := range f.book.sheets {
			os := o.book.sheets[j]
			if s.name != os.name || len(s.rows) != len(os.rows) {
				t.Errorf("%s: sheet %s of %d rows, without the plants %s of %d", f.path, s.name, len(s.rows), os.name, len(os.rows))
				continue
			}
			for k, row := range s.rows {
				orow := os.rows[k]
				if len(row) > 0 && len(orow) > 0 && row[0] == orow[0] {
					if id, ok := row[0].(string); ok && isPlantedBase(id) {
						if !cmp.Equal(row, orow) {
							changed[f.path]++
						}
						continue
					}
				}
				if !cmp.Equal(row, orow) {
					t.Errorf("%s!%s row %d: %v, without the plants %v", f.path, s.name, k+1, row, orow)
				}
			}
		}
	}
	// The registry rows of the three bases whose space the plot sets
	// (LZ-JD-0004's is the one drawn), and the planted bases' reports in
	// their districts' workbooks.
	want := map[string]int{"registry/载体名录.xlsx": 2, "quarterly/兰州高新区季度报表.xlsx": 28,
		"quarterly/城关区季度报表.xlsx": 21, "quarterly/七里河区季度报表.xlsx": 25, "quarterly/红古区季度报表.xlsx": 18}
	if diff := cmp.Diff(want, changed); diff != "" {
		t.Errorf("rows changed (-want +got):\n%s", diff)
	}
}
