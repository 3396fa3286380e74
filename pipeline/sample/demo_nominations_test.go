package sample

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/idcard"
	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/pipeline/uscc"
)

// TestDemoNominationsFiles: the demo writes a workbook per programme year,
// a title row, the Chinese header and one row per nomination in
// DemoNominations' order, ids numbered from 001; 40–60 rows a year; every
// ID number valid, fictitious-looking (a Lanzhou district's address code)
// and one person's, every credit code valid and one enterprise's; the
// districts and categories the programme's.
func TestDemoNominationsFiles(t *testing.T) {
	dir, _ := demoFiles(t)
	planted := DemoNominations()
	today := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	p := talent.Default()
	divisions := map[string]bool{}
	for _, l := range lanzhou {
		divisions[l.division] = true
	}
	persons, codes := map[string]string{}, map[string]string{} // ID number → name, credit code → enterprise
	i := 0
	for _, y := range DemoNominationYears {
		rows := sheetRows(t, filepath.Join(dir, filepath.FromSlash(demoNominationsPath(y))), "创业人才推荐")
		if !strings.Contains(rows[0][0], fmt.Sprintf("%d年", y)) || strings.Join(rows[1], ",") != strings.Join(nominationsHeaderZh, ",") {
			t.Fatalf("%d: title %q, header %q", y, rows[0], rows[1])
		}
		if n := len(rows) - 2; n < 40 || n > 60 {
			t.Errorf("%d: %d nominations, want 40–60", y, n)
		}
		for k, r := range rows[2:] {
			if i >= len(planted) {
				t.Fatalf("more rows than DemoNominations lists")
			}
			want := planted[i]
			i++
			if r[0] != want.ID || r[0] != fmt.Sprintf("TJ%d-%03d", y, k+1) || r[1] != fmt.Sprint(y) || want.Year != y {
				t.Errorf("%d row %d: %s of %s, want %s of %d", y, k+3, r[0], r[1], want.ID, y)
			}
			if err := idcard.Check(r[3], today); err != nil || !divisions[r[3][:6]] {
				t.Errorf("%s: ID number %s: %v", r[0], r[3], err)
			}
			if name, seen := persons[r[3]]; seen && name != r[2] {
				t.Errorf("%s: ID number %s is %s's and %s's", r[0], r[3], name, r[2])
			}
			persons[r[3]] = r[2]
			if err := uscc.Validate(r[5]); err != nil {
				t.Errorf("%s: credit code %s: %v", r[0], r[5], err)
			}
			if e, seen := codes[r[5]]; seen && e != r[4] {
				t.Errorf("%s: credit code %s is %s's and %s's", r[0], r[5], e, r[4])
			}
			codes[r[5]] = r[4]
			if !slices.Contains(p.DistrictNames(), r[7]) || !slices.Contains(p.CategoryNames(), r[8]) {
				t.Errorf("%s: district %s, category %s", r[0], r[7], r[8])
			}
		}
	}
	if i != len(planted) {
		t.Errorf("%d rows, DemoNominations lists %d", i, len(planted))
	}
}

// TestDemoNominationsArePlanted: every nomination gets, by SPEC §9 read
// straight from the rows made for the files (this test's own reading,
// not the talent engine's), the outcome and reasons DemoNominations
// promises, deciding 2021, 2022 and 2023 in order: the test keeps the
// plants honest, the engine's tests hold the engine to them.
func TestDemoNominationsArePlanted(t *testing.T) {
	p := talent.Default()
	quota := map[string]int{}
	for _, g := range p.Districts {
		quota[talent.Rising+"|"+g.Name] = g.Quota
	}
	for _, g := range p.Categories {
		quota[talent.Star+"|"+g.Name] = g.Quota
	}
	rank := map[string]int{talent.Rising: 1, talent.Star: 2, talent.Master: 3}
	awardedBefore := map[string]string{} // person → highest title awarded in an earlier year
	used := map[string]int{}             // title|group → awarded so far
	counts := map[string]int{}
	disabled := map[int]int{}
	for _, y := range DemoNominationYears {
		rows := demoNominationRows(y)
		d := p.SelectionDay(y)
		got := map[string]*PlantedNomination{}
		all := make([]Nomination, 0, len(rows))
		for _, r := range rows {
			n := r.n
			c := p.Criteria[n.Title]
			var reasons []string
			fail := func(ok bool, code string) {
				if !ok {
					reasons = append(reasons, code)
				}
			}
			fail(n.FoundedOn.After(d.AddDate(-c.FoundedWithinYears, 0, 0)), "founded")
			fail(n.Jobs >= c.MinJobs, "jobs")
			fail(n.JobsStable || !c.JobsStable, "jobs_stable")
			fail(n.Revenue >= c.MinRevenue, "revenue")
			fail(n.IPCount >= c.MinIPCount, "ip_count")
			fail(n.Prospect || !c.Prospect, "prospect")
			fail(n.Influence || !c.Influence, "influence")
			fail(n.CleanRecord || !c.CleanRecord, "clean_record")
			if t, ok := awardedBefore[n.PersonID]; ok && rank[t] >= rank[n.Title] {
				reasons = append(reasons, "already_awarded")
			}
			got[n.ID] = &PlantedNomination{ID: n.ID, Year: y, Title: n.Title, Group: nominationGroup(n), Outcome: "ineligible", Reasons: reasons, Plot: r.want.Plot}
			all = append(all, n)
		}
		// The ranking order: score, jobs, revenue down, then the id.
		slices.SortFunc(all, func(a, b Nomination) int {
			switch {
			case a.ContestScore != b.ContestScore:
				return cmpDesc(a.ContestScore, b.ContestScore)
			case a.Jobs != b.Jobs:
				return cmpDesc(float64(a.Jobs), float64(b.Jobs))
			case a.Revenue != b.Revenue:
				return cmpDesc(a.Revenue, b.Revenue)
			}
			return strings.Compare(a.ID, b.ID)
		})
		// One person, one title, one year: the first in the order stands
		// (eligible or not), every other is a duplicate.
		first := map[string]bool{}
		var standing []Nomination
		for _, n := range all {
			k := n.PersonID + "|" + n.Title
			if first[k] {
				got[n.ID].Reasons = append(got[n.ID].Reasons, "duplicate")
				continue
			}
			first[k] = true
			if len(got[n.ID].Reasons) == 0 {
				standing = append(standing, n)
			}
		}
		// Master, star, rising, in that order.
		starNow := map[string]bool{}
		for _, title := range []string{talent.Master, talent.Star, talent.Rising} {
			for _, n := range standing {
				if n.Title != title {
					continue
				}
				g := got[n.ID]
				switch {
				case title == talent.Master:
					g.Outcome = "recommended"
				case title == talent.Rising && starNow[n.PersonID]:
					g.Reasons = []string{"higher_title"}
				case used[title+"|"+g.Group] < quota[title+"|"+g.Group]:
					g.Outcome = "awarded"
					used[title+"|"+g.Group]++
					if title == talent.Star {
						starNow[n.PersonID] = true
					}
				default:
					g.Outcome, g.Reasons = "waitlisted", []string{"quota_full"}
				}
			}
		}
		for _, r := range rows {
			g := got[r.n.ID]
			if diff := cmp.Diff(r.want, *g); diff != "" {
				t.Errorf("%s (%s) (-planted +read):\n%s", r.n.ID, r.want.Plot, diff)
			}
			if g.Outcome == "awarded" {
				if t, ok := awardedBefore[r.n.PersonID]; !ok || rank[g.Title] > rank[t] {
					awardedBefore[r.n.PersonID] = g.Title
				}
				if g.Group == "残疾人创业群体" {
					disabled[y]++
				}
			}
			counts[g.Outcome]++
			for _, code := range g.Reasons {
				counts[code]++
			}
		}
	}
	for _, code := range append([]string{"awarded", "recommended", "waitlisted", "ineligible"}, nominationReasons...) {
		if counts[code] == 0 {
			t.Errorf("no nomination is %s", code)
		}
	}
	if want := map[int]int{2021: 3, 2022: 2, 2023: 1}; !cmp.Equal(want, disabled) {
		t.Errorf("残疾人创业群体 awarded by year %v, want %v (quota 6)", disabled, want)
	}
	if counts["waitlisted"] != 2 {
		t.Errorf("%d waitlisted, want the two of 残疾人创业群体 2023", counts["waitlisted"])
	}
}

func cmpDesc(a, b float64) int {
	if a > b {
		return -1
	}
	return 1
}

// TestDemoNominationsPersonsAcrossYears: the persons planted on several
// rows keep their name, ID number and enterprise on each, and the
// namesake is another person.
func TestDemoNominationsPersonsAcrossYears(t *testing.T) {
	byID := map[string]Nomination{}
	for _, y := range DemoNominationYears {
		for _, r := range demoNominationRows(y) {
			byID[r.n.ID] = r.n
		}
	}
	for _, ids := range [][]string{{"TJ2021-001", "TJ2022-001", "TJ2023-001"}, {"TJ2021-006", "TJ2022-002"}, {"TJ2021-017", "TJ2022-003"},
		{"TJ2021-013", "TJ2022-004"}, {"TJ2021-021", "TJ2022-007"}, {"TJ2022-008", "TJ2022-009", "TJ2023-018"}, {"TJ2022-021", "TJ2023-010"},
		{"TJ2023-003", "TJ2023-005"}} {
		a := byID[ids[0]]
		for _, id := range ids[1:] {
			b := byID[id]
			if a.Person != b.Person || a.PersonID != b.PersonID || a.Enterprise != b.Enterprise || a.EnterpriseUSCC != b.EnterpriseUSCC {
				t.Errorf("%s and %s: %s %s %s, %s %s %s", ids[0], id, a.Person, a.PersonID, a.Enterprise, b.Person, b.PersonID, b.Enterprise)
			}
		}
	}
	if a, b := byID["TJ2021-001"], byID["TJ2022-022"]; a.Person != b.Person || a.PersonID == b.PersonID {
		t.Errorf("namesake: %s %s, %s %s", a.Person, a.PersonID, b.Person, b.PersonID)
	}
}
