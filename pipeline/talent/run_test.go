package talent_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/talent"
)

var testToday = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

type world struct {
	t     *testing.T
	st    *store.Store
	dir   string
	batch int
	p     *talent.Programme
}

func newWorld(t *testing.T, p *talent.Programme) *world {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if p == nil {
		p = talent.Default()
	}
	return &world{t: t, st: st, dir: dir, p: p}
}

// nominate ingests nominations as one file.
func (w *world) nominate(noms ...sample.Nomination) {
	w.t.Helper()
	w.batch++
	dir := filepath.Join(w.dir, fmt.Sprintf("b%d", w.batch))
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, "创业人才推荐.csv"), sample.NominationsCSV(noms...), 0o644); err != nil {
		w.t.Fatal(err)
	}
	res, err := ingest.Ingest(context.Background(), w.st, []string{dir}, ingest.Options{Today: testToday})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, rejected, _ := res.Totals(); rejected > 0 {
		w.t.Fatalf("nominations rejected: %+v", res.Files)
	}
}

func (w *world) decide(y int) *talent.Result {
	w.t.Helper()
	res, err := talent.Run(context.Background(), w.st, w.p, talent.Options{Year: y})
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

type got struct {
	outcome string
	rank    int
	reasons []string
}

func (w *world) result(y int, id string) got {
	w.t.Helper()
	var g got
	var rank *int
	var reasons []any
	if err := w.st.DB.QueryRow(`SELECT outcome, rank_in_group, reasons FROM talent_results WHERE year = ? AND nomination_id = ?`, y, id).
		Scan(&g.outcome, &rank, &reasons); err != nil {
		w.t.Fatalf("%d %s: %v", y, id, err)
	}
	if rank != nil {
		g.rank = *rank
	}
	for _, r := range reasons {
		g.reasons = append(g.reasons, r.(string))
	}
	return g
}

func (w *world) want(y int, id, outcome string, reasons ...string) {
	w.t.Helper()
	g := w.result(y, id)
	if g.outcome != outcome || !slices.Equal(g.reasons, reasons) && !(len(g.reasons) == 0 && len(reasons) == 0) {
		w.t.Errorf("%d %s: %s %v, want %s %v", y, id, g.outcome, g.reasons, outcome, reasons)
	}
}

// TestCriteriaAtTheirBoundaries: each criterion of annex 1 on the
// selection day (30 November 2022): founded exactly N years before is not
// eligible, a day later is; jobs, revenue at and below; each boolean.
func TestCriteriaAtTheirBoundaries(t *testing.T) {
	w := newWorld(t, nil)
	d := time.Date(2022, 11, 30, 0, 0, 0, 0, time.UTC)
	var noms []sample.Nomination
	type c struct {
		id, title string
		change    func(n *sample.Nomination)
		outcome   string
		reasons   []string
	}
	cases := []c{
		{"R-OK", "rising", func(n *sample.Nomination) {}, "awarded", nil},
		{"R-2Y", "rising", func(n *sample.Nomination) { n.FoundedOn = d.AddDate(-2, 0, 0) }, "ineligible", []string{"founded"}},
		{"R-2Y+1", "rising", func(n *sample.Nomination) { n.FoundedOn = d.AddDate(-2, 0, 1) }, "awarded", nil},
		{"S-3Y", "star", func(n *sample.Nomination) { n.FoundedOn = d.AddDate(-3, 0, 0) }, "ineligible", []string{"founded"}},
		{"S-3Y+1", "star", func(n *sample.Nomination) { n.FoundedOn = d.AddDate(-3, 0, 1) }, "awarded", nil},
		{"M-5Y", "master", func(n *sample.Nomination) { n.FoundedOn = d.AddDate(-5, 0, 0) }, "ineligible", []string{"founded"}},
		{"M-5Y+1", "master", func(n *sample.Nomination) { n.FoundedOn = d.AddDate(-5, 0, 1) }, "recommended", nil},
		{"R-JOBS4", "rising", func(n *sample.Nomination) { n.Jobs = 4 }, "ineligible", []string{"jobs"}},
		{"R-JOBS5", "rising", func(n *sample.Nomination) { n.Jobs = 5 }, "awarded", nil},
		{"S-JOBS19", "star", func(n *sample.Nomination) { n.Jobs = 19 }, "ineligible", []string{"jobs"}},
		{"S-JOBS20", "star", func(n *sample.Nomination) { n.Jobs = 20 }, "awarded", nil},
		{"M-JOBS49", "master", func(n *sample.Nomination) { n.Jobs = 49 }, "ineligible", []string{"jobs"}},
		{"M-JOBS50", "master", func(n *sample.Nomination) { n.Jobs = 50 }, "recommended", nil},
		{"R-REV4999", "rising", func(n *sample.Nomination) { n.Revenue = 49.99 }, "ineligible", []string{"revenue"}},
		{"R-REV50", "rising", func(n *sample.Nomination) { n.Revenue = 50 }, "awarded", nil},
		{"M-IP1", "master", func(n *sample.Nomination) { n.IPCount = 1 }, "ineligible", []string{"ip_count"}},
		{"R-UNSTABLE", "rising", func(n *sample.Nomination) { n.JobsStable = false }, "ineligible", []string{"jobs_stable"}},
		{"R-PROSPECT", "rising", func(n *sample.Nomination) { n.Prospect = false }, "ineligible", []string{"prospect"}},
		{"S-INFLUENCE", "star", func(n *sample.Nomination) { n.Influence = false }, "ineligible", []string{"influence"}},
		{"M-RECORD", "master", func(n *sample.Nomination) { n.CleanRecord = false }, "ineligible", []string{"clean_record"}},
		{"R-NOINFLUENCE", "rising", func(n *sample.Nomination) { n.Influence = false }, "awarded", nil}, // rising does not ask for it
		{"S-ALL", "star", func(n *sample.Nomination) { n.Jobs, n.Revenue, n.CleanRecord = 1, 1, false }, "ineligible", []string{"jobs", "revenue", "clean_record"}},
	}
	for _, c := range cases {
		n := sample.EligibleNomination(c.id, 2022, c.title)
		c.change(&n)
		noms = append(noms, n)
	}
	w.nominate(noms...)
	w.decide(2022)
	for _, c := range cases {
		w.want(2022, c.id, c.outcome, c.reasons...)
	}
}

// smallQuotas is the embedded programme with 城关区 2 and 大学生青年群体 3.
func smallQuotas(t *testing.T) *talent.Programme {
	text := strings.Replace(string(talent.DefaultYAML()), "{name: 城关区, quota: 600}", "{name: 城关区, quota: 2}", 1)
	text = strings.Replace(text, "{name: 大学生青年群体, quota: 30}", "{name: 大学生青年群体, quota: 3}", 1)
	p, err := talent.Load([]byte(text), "small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestQuotaTiesOnceOnly: a quota that binds, reduced by the earlier
// years' awards; ties broken by jobs, revenue, id; the once-only and
// higher-title rules across years and within a year; a duplicate.
func TestQuotaTiesOnceOnly(t *testing.T) {
	w := newWorld(t, smallQuotas(t))
	nom := func(id string, y int, title string, score float64, jobs int, revenue float64) sample.Nomination {
		n := sample.EligibleNomination(id, y, title)
		n.ContestScore, n.Jobs, n.Revenue = score, jobs, revenue
		return n
	}
	// 2021: 城关区 rising: A1 awarded (90), A2 awarded (88); A3 waitlisted.
	a1 := nom("A1", 2021, "rising", 90, 10, 100)
	w.nominate(a1, nom("A2", 2021, "rising", 88, 10, 100), nom("A3", 2021, "rising", 70, 10, 100))
	res := w.decide(2021)
	w.want(2021, "A1", "awarded")
	w.want(2021, "A3", "waitlisted", "quota_full")
	if len(res.Quota) != 19 || quota(res, "rising", "皋兰县") != [4]int{70, 0, 0, 70} {
		t.Errorf("2021: %d quota rows (want every group, 9 districts and 10 categories), 皋兰县 %v", len(res.Quota), quota(res, "rising", "皋兰县"))
	}
	if q := quota(res, "rising", "城关区"); q != [4]int{2, 0, 2, 0} {
		t.Errorf("2021 城关区: %v, want quota 2, before 0, now 2, remaining 0", q)
	}
	// 2022: 城关区 has no quota left: all waitlisted. A1's person again for
	// rising: already_awarded; for star: allowed (a higher title).
	again := nom("B1", 2022, "rising", 99, 10, 100)
	again.PersonID, again.Person = a1.PersonID, a1.Person
	up := nom("B2", 2022, "star", 95, 40, 400)
	up.PersonID, up.Person = a1.PersonID, a1.Person
	w.nominate(again, up, nom("B3", 2022, "rising", 80, 10, 100))
	res = w.decide(2022)
	// (the same person is awarded star this year: higher_title too)
	w.want(2022, "B1", "ineligible", "already_awarded", "higher_title")
	w.want(2022, "B2", "awarded")
	w.want(2022, "B3", "waitlisted", "quota_full")
	if q := quota(res, "rising", "城关区"); q != [4]int{2, 2, 0, 0} {
		t.Errorf("2022 城关区: %v, want quota 2, before 2, now 0, remaining 0", q)
	}
	// 2023: star 大学生青年群体 has 3 − 1 = 2 left. Ties at 85: C1 and C2
	// tie on score and jobs — revenue decides (C2 first); C3 and C4 tie on
	// everything — the id decides. C5 is one person nominated for star and
	// rising: the star award makes the rising one higher_title. D1 and D2
	// are one person twice for star: the lower-ranked is duplicate.
	c5star := nom("C5", 2023, "star", 99, 40, 400)
	c5rising := nom("C6", 2023, "rising", 99, 10, 100)
	c5rising.PersonID, c5rising.Person = c5star.PersonID, c5star.Person
	d1 := nom("D1", 2023, "star", 50, 40, 400)
	d2 := nom("D2", 2023, "star", 60, 40, 400)
	d2.PersonID, d2.Person = d1.PersonID, d1.Person
	w.nominate(c5star, c5rising, nom("C1", 2023, "star", 85, 40, 400), nom("C2", 2023, "star", 85, 40, 400.01),
		nom("C3", 2023, "star", 85, 40, 400), d1, d2)
	w.decide(2023)
	w.want(2023, "C6", "ineligible", "higher_title")
	w.want(2023, "D1", "ineligible", "duplicate")
	// Two left (B2 took one in 2022): C5 (99), then C2 (85, more revenue);
	// C1 before C3 by id; D2 (60) last.
	for i, id := range []string{"C5", "C2", "C1", "C3", "D2"} {
		g := w.result(2023, id)
		want := "awarded"
		if i >= 2 {
			want = "waitlisted"
		}
		if g.outcome != want || g.rank != i+1 {
			t.Errorf("2023 %s: %s rank %d, want %s rank %d", id, g.outcome, g.rank, want, i+1)
		}
	}
	// Deciding 2021 again decides 2022 and 2023 after it.
	res = w.decide(2021)
	if !slices.Equal(res.Decided, []int{2021, 2022, 2023}) {
		t.Errorf("re-deciding 2021 decided %v", res.Decided)
	}
	w.want(2023, "C2", "awarded")
	var runs int
	w.st.DB.QueryRow("SELECT count(*) FROM talent_runs WHERE latest").Scan(&runs)
	if runs != 3 {
		t.Errorf("%d latest runs, want one a year", runs)
	}
}

func quota(res *talent.Result, title, group string) [4]int {
	for _, q := range res.Quota {
		if q.Title == title && q.Group == group {
			return [4]int{q.Quota, q.AwardedBefore, q.AwardedThisYear, q.Remaining}
		}
	}
	return [4]int{-1, -1, -1, -1}
}

// A year outside the programme is refused, and nothing is stored.
func TestYearOutsideTheProgramme(t *testing.T) {
	w := newWorld(t, nil)
	_, err := talent.Run(context.Background(), w.st, w.p, talent.Options{Year: 2024})
	var out *talent.OutsideError
	if !errors.As(err, &out) || !strings.Contains(err.Error(), "2021, 2022, 2023") {
		t.Fatalf("2024: %v", err)
	}
	var n int
	w.st.DB.QueryRow("SELECT count(*) FROM store.talent_runs").Scan(&n)
	if n != 0 {
		t.Errorf("%d runs stored", n)
	}
}

// Revenue in 元 keeps its fen: 499,999.99 元 is 49.999999 万元, short of
// 50 万元 (never rounded onto the threshold); 500,000 元 meets it. The
// workbook's figures are the decision's, whatever a later revision says.
func TestRevenueInYuanIsExact(t *testing.T) {
	w := newWorld(t, nil)
	short := sample.EligibleNomination("Y-SHORT", 2022, talent.Rising)
	short.Revenue = 499999.99
	exact := sample.EligibleNomination("Y-EXACT", 2022, talent.Rising)
	exact.Revenue = 500000
	csv := strings.Replace(string(sample.NominationsCSV(short, exact)), "年营收(万元)", "年营收(元)", 1)
	dir := filepath.Join(w.dir, "yuan")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "n.csv"), []byte(csv), 0o644)
	if res, err := ingest.Ingest(context.Background(), w.st, []string{dir}, ingest.Options{Today: testToday}); err != nil {
		t.Fatal(err)
	} else if _, acc, _, _ := res.Totals(); acc != 2 {
		t.Fatalf("accepted %d of 2: %+v", acc, res.Files)
	}
	w.decide(2022)
	w.want(2022, "Y-SHORT", "ineligible", "revenue")
	w.want(2022, "Y-EXACT", "awarded")
	var rev string
	w.st.DB.QueryRow(`SELECT CAST(revenue AS VARCHAR) FROM talent_results WHERE nomination_id = 'Y-SHORT'`).Scan(&rev)
	if rev != "49.999999" {
		t.Errorf("stored revenue %q, want 49.999999", rev)
	}
}
