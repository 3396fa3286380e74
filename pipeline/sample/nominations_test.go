package sample

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/idcard"
	"github.com/incubeval/incubeval/pipeline/uscc"
)

// meets reads SPEC §9's criteria table for a nomination on the selection
// day (30 November of its year), as this test's own reading, and returns
// the codes of the criteria it fails, in the table's order.
func meets(n Nomination) []string {
	d := time.Date(n.Year, 11, 30, 0, 0, 0, 0, time.UTC)
	type row struct {
		years, jobs int
		revenue     float64
		prospect    bool
		influence   bool
		ip          int
	}
	c := map[string]row{"rising": {2, 5, 50, true, false, 0}, "star": {3, 20, 200, false, true, 0}, "master": {5, 50, 500, false, true, 2}}[n.Title]
	var fails []string
	check := func(ok bool, code string) {
		if !ok {
			fails = append(fails, code)
		}
	}
	check(n.FoundedOn.After(d.AddDate(-c.years, 0, 0)), "founded")
	check(n.Jobs >= c.jobs, "jobs")
	check(n.JobsStable, "jobs_stable")
	check(n.Revenue >= c.revenue, "revenue")
	check(n.IPCount >= c.ip, "ip_count")
	check(n.Prospect || !c.prospect, "prospect")
	check(n.Influence || !c.influence, "influence")
	check(n.CleanRecord, "clean_record")
	return fails
}

// TestEligibleNominationMeetsItsTitle: for every title and a year of the
// programme, EligibleNomination fails no criterion, its ID number and
// USCC are valid, and two ids are two persons.
func TestEligibleNominationMeetsItsTitle(t *testing.T) {
	today := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for _, title := range []string{"rising", "star", "master"} {
		for _, y := range []int{2021, 2022, 2023} {
			n := EligibleNomination("TR-"+title, y, title)
			if fails := meets(n); len(fails) != 0 {
				t.Errorf("%s %d: fails %v", title, y, fails)
			}
			if err := idcard.Check(n.PersonID, today); err != nil {
				t.Errorf("%s: ID number %s: %v", n.ID, n.PersonID, err)
			}
			if err := uscc.Validate(n.EnterpriseUSCC); err != nil {
				t.Errorf("%s: USCC %s: %v", n.ID, n.EnterpriseUSCC, err)
			}
			seen[n.PersonID] = true
		}
	}
	if len(seen) != 3 {
		t.Errorf("%d persons for three ids", len(seen))
	}
}

// TestNominationsCSV: the same nominations give the same bytes, the
// Chinese header of SPEC §9, titles in Chinese, numbers exact.
func TestNominationsCSV(t *testing.T) {
	a := EligibleNomination("TR2022-001", 2022, "star")
	a.Revenue, a.ContestScore = 199.99, 87.25
	data := NominationsCSV(a)
	if !bytes.Equal(data, NominationsCSV(a)) {
		t.Fatal("two calls wrote different bytes")
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if got := strings.Join(rows[0], ","); got != strings.Join(nominationsHeaderZh, ",") {
		t.Fatalf("header %s", got)
	}
	r := rows[1]
	if r[1] != "2022" || r[6] != "2020-11-30" || r[9] != "创业新秀" || r[10] != "40" || r[12] != "199.99" || r[17] != "87.25" {
		t.Fatalf("row %q", r)
	}
}
