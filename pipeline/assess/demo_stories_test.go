package assess_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/sample"
)

// The demo inbox's planted stories (sample.Stories), as the assessment of
// 2025 must conclude them.
func TestDemoStories(t *testing.T) {
	w := newWorld(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if _, err := sample.Demo(dir); err != nil {
		t.Fatal(err)
	}
	ingestDir(t, w.st, dir, time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC))
	runAssess(t, w.st, 2025)

	known := map[string]bool{}
	for _, s := range sample.Stories {
		known[s.CarrierID] = true
	}
	has := func(reasons, code string) bool {
		for _, r := range strings.Split(reasons, ",") {
			if r == code {
				return true
			}
		}
		return false
	}
	check := func(y int, id, grade, action, reason string) {
		t.Helper()
		if !known[id] {
			t.Fatalf("%s is not a story carrier", id)
		}
		o := w.get(y, id)
		if o == nil {
			t.Errorf("%d %s: no result", y, id)
			return
		}
		if o.Grade != grade && grade != "" || o.Action != action && action != "" || reason != "" && !has(o.Reasons, reason) {
			t.Errorf("%d %s: grade %q action %q reasons %q (score %s); want %q %q with %q", y, id, o.Grade, o.Action, o.Reasons, o.Score, grade, action, reason)
		}
	}
	notFail := func(y int, id string) {
		t.Helper()
		if o := w.get(y, id); o == nil || o.Outcome != "graded" || o.Grade == "fail" {
			t.Errorf("%d %s: %+v, want graded, not fail", y, id, o)
		}
	}

	for _, id := range []string{"LZ-FH-0001", "LZ-ZC-0001", "LZ-SC-0001", "LZ-JD-0001"} {
		for y := 2019; y <= 2025; y++ {
			if r := w.row(y, id); r.found && r.Outcome == "graded" && r.Grade != "excellent" {
				t.Errorf("%d %s: %s %s (%s), want excellent every year", y, id, r.Grade, r.Score, r.Reasons)
			}
		}
	}
	for _, id := range []string{"LZ-ZC-0007", "LZ-FH-0012", "LZ-JD-0005"} {
		check(2024, id, "fail", "rectify", "")
		check(2025, id, "fail", "delist", "")
	}
	if o := w.get(2025, "LZ-FH-0006"); o == nil { // LZ-ZC-0007's operator keeps this one
		t.Errorf("2025 LZ-FH-0006 (same operator as the delisted LZ-ZC-0007): no result, want it kept")
	}
	check(2024, "LZ-ZC-0042", "fail", "rectify", "")
	check(2025, "LZ-ZC-0042", "", "keep", "")
	check(2023, "LZ-FH-0020", "fail", "rectify", "")
	if o := w.get(2024, "LZ-FH-0020"); o == nil || o.Outcome != "deferred" {
		t.Errorf("2024 LZ-FH-0020: %+v, want deferred", o)
	}
	check(2025, "LZ-FH-0020", "fail", "delist", "")
	if o := w.get(2022, "LZ-SC-0009"); o == nil || o.Outcome != "deferred" {
		t.Errorf("2022 LZ-SC-0009: %+v, want deferred", o)
	}
	check(2025, "LZ-ZC-0015", "fail", "", "missing_reports")
	check(2024, "LZ-FH-0008", "fail", "", "missing_reports")
	notFail(2025, "LZ-FH-0008")
	check(2023, "LZ-JD-0011", "fail", "", "missing_reports")
	check(2020, "LZ-SC-0004", "fail", "", "missing_reports")
	check(2025, "LZ-ZC-0031", "fail", "", "no_data")
	if o := w.get(2025, "LZ-ZC-0031"); o != nil && (o.Reasons != "no_data" || o.Score != "0.00") {
		t.Errorf("2025 LZ-ZC-0031: reasons %q score %s, want no_data only and 0.00", o.Reasons, o.Score)
	}
	check(2025, "LZ-JD-0020", "fail", "", "missing_reports")
	check(2025, "LZ-ZC-0023", "fail", "", "veto:abnormal_operation_list")
	check(2023, "LZ-FH-0005", "fail", "", "veto:major_accident")
	o := w.want(2025, "LZ-ZC-0050", "fail", "revoke")
	f24 := w.fund(2024, "LZ-ZC-0050")
	if o.Recovery != f24.Amount || o.BannedUntil != "2028-12-31" {
		t.Errorf("2025 LZ-ZC-0050: recovery %d (2024 amount %d), banned until %q", o.Recovery, f24.Amount, o.BannedUntil)
	}
	for y := 2019; y <= 2025; y++ {
		if r := w.row(y, "LZ-JD-0002"); strings.Contains(r.Reasons, "veto:") {
			t.Errorf("%d LZ-JD-0002: reasons %q, the 2018 incident counts in no year", y, r.Reasons)
		}
	}
	for id, onTime := range map[string]bool{"LZ-ZC-0003": true, "LZ-FH-0003": true, "LZ-SC-0002": true,
		"LZ-ZC-0012": false, "LZ-FH-0016": false, "LZ-JD-0009": false, "LZ-ZC-0027": false} {
		var got bool
		var revs int
		if err := w.st.DB.QueryRow(`SELECT on_time, revisions FROM quarterly_reports WHERE carrier_id = ? AND year = 2025 AND quarter = 2`, id).Scan(&got, &revs); err != nil {
			t.Errorf("%s 2025Q2: %v", id, err)
			continue
		}
		if got != onTime {
			t.Errorf("%s 2025Q2 on_time %v, want %v", id, got, onTime)
		}
	}
	for _, id := range []string{"LZ-ZC-0069", "LZ-ZC-0070", "LZ-FH-0035", "LZ-SC-0015", "LZ-JD-0030"} {
		if o := w.get(2025, id); o == nil || o.Outcome != "not_assessed" {
			t.Errorf("2025 %s: %+v, want not_assessed", id, o)
		}
	}
	demoApplicationsPremises(t, w)
	demoNominationsPremises(t, w)
}

// demoNominationsPremises: the demo's nominations (sample.DemoNominations)
// are all accepted, a file per programme year, and stored as planted:
// every one, in its year, under its title, in its quota group; and the
// ID numbers of the persons the once-only rule follows are stored whole.
func demoNominationsPremises(t *testing.T, w *world) {
	t.Helper()
	var files, read, accepted int
	if err := w.st.DB.QueryRow(`SELECT count(*), sum(rows_read), sum(rows_accepted) FROM ingest_log WHERE kind = 'nominations'`).Scan(&files, &read, &accepted); err != nil {
		t.Fatalf("the nominations files: %v", err)
	}
	planted := sample.DemoNominations()
	if files != len(sample.DemoNominationYears) || read != len(planted) || accepted != read {
		t.Errorf("nominations: %d files, %d read, %d accepted; want %d files and the %d planted, all accepted",
			files, read, accepted, len(sample.DemoNominationYears), len(planted))
	}
	for _, p := range planted {
		var year int
		var title, group string
		err := w.st.DB.QueryRow(`SELECT year, title, CASE title WHEN 'rising' THEN district WHEN 'star' THEN category ELSE 'city' END
			FROM nominations WHERE nomination_id = ? AND length(person_id) = 18`, p.ID).Scan(&year, &title, &group)
		if err != nil || year != p.Year || title != p.Title || group != p.Group {
			t.Errorf("%s: %d %s %s, %v; want %d %s %s", p.ID, year, title, group, err, p.Year, p.Title, p.Group)
		}
	}
}

// demoApplicationsPremises: the demo's applications (sample.DemoApplications)
// are all accepted, and what their record and not_banned conditions read
// is in the views once 2025 is assessed: a ban of the applicant's
// operator on D for the not_banned one, an incident at a carrier of its
// operator from 1 January of D's year − 1 to D for the record one, and
// neither for any other.
func demoApplicationsPremises(t *testing.T, w *world) {
	t.Helper()
	var read, accepted int
	if err := w.st.DB.QueryRow(`SELECT rows_read, rows_accepted FROM ingest_log WHERE kind = 'applications'`).Scan(&read, &accepted); err != nil {
		t.Fatalf("the applications file: %v", err)
	}
	planted := sample.DemoApplications()
	if read != len(planted) || accepted != read {
		t.Errorf("applications: %d read, %d accepted; want the %d planted, all accepted", read, accepted, len(planted))
	}
	for _, p := range planted {
		var banned, incident bool
		err := w.st.DB.QueryRow(`SELECT
			EXISTS (SELECT 1 FROM bans b WHERE b.operator_uscc = a.operator_uscc AND a.applied_on BETWEEN b.banned_from AND b.banned_until),
			EXISTS (SELECT 1 FROM incidents i JOIN carriers c USING (carrier_id)
			        WHERE c.operator_uscc = a.operator_uscc AND i.occurred_on BETWEEN make_date(year(a.applied_on) - 1, 1, 1) AND a.applied_on)
			FROM applications a WHERE a.application_id = ? AND year(a.applied_on) = ?`, p.ID, sample.DemoApplicationsYear).Scan(&banned, &incident)
		if err != nil {
			t.Errorf("%s: %v", p.ID, err)
			continue
		}
		if banned != slices.Contains(p.Unmet, "not_banned") || incident != slices.Contains(p.Unmet, "record") {
			t.Errorf("%s (%s): banned on D %v, incident in the record window %v", p.ID, p.Plot, banned, incident)
		}
	}
}
