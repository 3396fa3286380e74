package assess_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
)

// Properties of every assessment (SPEC §4, §4.7), checked over the demo
// inbox and over a generated national-scale data set.

func TestPropertiesDemo(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	if _, err := sample.Demo(dir); err != nil {
		t.Fatal(err)
	}
	ingestDir(t, st, dir, time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC))
	runAssess(t, st, 2025)
	checkProperties(t, st)
}

func TestPropertiesNational(t *testing.T) {
	if testing.Short() {
		t.Skip("national data set in -short mode")
	}
	st := openStore(t)
	dir := t.TempDir()
	if _, _, err := sample.National(dir, 2000, 2016, 4, 2025, 3); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ingestDir(t, st, dir, time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC))
	t.Logf("ingest %v", time.Since(start))
	start = time.Now()
	runAssess(t, st, 2025)
	t.Logf("assess %v", time.Since(start))
	checkProperties(t, st)
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "p.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func ingestDir(t *testing.T, st *store.Store, dir string, today time.Time) {
	t.Helper()
	if _, err := ingest.Ingest(context.Background(), st, []string{dir}, ingest.Options{Today: today}); err != nil {
		t.Fatal(err)
	}
}

func runAssess(t *testing.T, st *store.Store, y int) *assess.Result {
	t.Helper()
	res, err := assess.Run(context.Background(), st, assess.Options{Year: y})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type arow struct {
	year                       int
	id, district, kind, track  string
	outcome                    string
	score                      sql.NullString
	grade                      sql.NullString
	reasons                    []string
	overall, district_, group_ sql.NullInt64
	scoreDelta                 sql.NullString
	rankDelta                  sql.NullInt64
}

type key struct {
	year int
	id   string
}

// checkProperties checks the stored results of every year.
func checkProperties(t *testing.T, st *store.Store) {
	t.Helper()
	db := st.DB
	errs := 0
	fail := func(format string, args ...any) {
		t.Helper()
		errs++
		if errs <= 30 {
			t.Errorf(format, args...)
		}
	}
	defer func() {
		if errs > 30 {
			t.Errorf("… %d violations in all", errs)
		}
	}()

	// assessments
	rows, err := db.Query(`SELECT year, carrier_id, district, kind, track, outcome, CAST(score AS VARCHAR), grade,
		coalesce(array_to_string(reasons, '|'), ''), rank_overall, rank_district, rank_group,
		CAST(score_delta AS VARCHAR), rank_delta FROM assessments ORDER BY year, carrier_id`)
	if err != nil {
		t.Fatal(err)
	}
	var as []arow
	byKey := map[key]*arow{}
	for rows.Next() {
		var a arow
		var reasons string
		if err := rows.Scan(&a.year, &a.id, &a.district, &a.kind, &a.track, &a.outcome, &a.score, &a.grade, &reasons,
			&a.overall, &a.district_, &a.group_, &a.scoreDelta, &a.rankDelta); err != nil {
			t.Fatal(err)
		}
		if reasons != "" {
			a.reasons = strings.Split(reasons, "|")
		}
		as = append(as, a)
	}
	rows.Close()
	if len(as) == 0 {
		t.Fatal("no assessments")
	}
	for i := range as {
		a := &as[i]
		k := key{a.year, a.id}
		if byKey[k] != nil {
			fail("%v: two assessments rows", k)
		}
		byKey[k] = a
	}
	years := map[int]bool{}
	graded := map[key]bool{}
	count := map[string]int{}
	for _, a := range as {
		years[a.year] = true
		count[a.outcome]++
		switch a.outcome {
		case "graded":
			graded[key{a.year, a.id}] = true
			if !a.score.Valid || !a.grade.Valid || !a.overall.Valid || !a.district_.Valid || !a.group_.Valid {
				fail("%d %s graded without score, grade or ranks: %+v", a.year, a.id, a)
				continue
			}
			s := hundredths(t, a.score.String)
			if s < 0 || s > 10000 {
				fail("%d %s: score %s outside 0–100", a.year, a.id, a.score.String)
			}
			forced := false
			for _, r := range a.reasons {
				if r != "quota" {
					forced = true
				}
			}
			switch a.grade.String {
			case "excellent":
				if s < 8500 || len(a.reasons) > 0 {
					fail("%d %s: excellent with score %s reasons %v", a.year, a.id, a.score.String, a.reasons)
				}
			case "good":
				if s < 7500 || forced || (s >= 8500) != (len(a.reasons) == 1 && a.reasons[0] == "quota") {
					fail("%d %s: good with score %s reasons %v", a.year, a.id, a.score.String, a.reasons)
				}
			case "pass":
				capped := len(a.reasons) > 0 && strings.HasPrefix(a.reasons[0], "veto:")
				if s < 6000 || !capped && (s >= 7500 || forced) {
					fail("%d %s: pass with score %s reasons %v", a.year, a.id, a.score.String, a.reasons)
				}
			case "fail":
				if s >= 6000 && !forced {
					fail("%d %s: fail with score %s and no forced reason", a.year, a.id, a.score.String)
				}
			default:
				fail("%d %s: grade %q", a.year, a.id, a.grade.String)
			}
			hasNoData, hasMissing := false, false
			for _, r := range a.reasons {
				hasNoData = hasNoData || r == "no_data"
				hasMissing = hasMissing || r == "missing_reports"
			}
			if hasNoData && (hasMissing || s != 0) {
				fail("%d %s: no_data with reasons %v score %s", a.year, a.id, a.reasons, a.score.String)
			}
		case "not_assessed", "deferred":
			if a.score.Valid || a.grade.Valid || a.overall.Valid || a.district_.Valid || a.group_.Valid || a.scoreDelta.Valid || a.rankDelta.Valid {
				fail("%d %s %s with score, grade, ranks or deltas: %+v", a.year, a.id, a.outcome, a)
			}
		default:
			fail("%d %s: outcome %q", a.year, a.id, a.outcome)
		}
	}
	t.Logf("%d assessment rows over %d years: %v", len(as), len(years), count)

	// score = Σ points, eleven indicators per graded carrier-year, none else.
	sums := map[key]int64{}
	n := map[key]int{}
	irows, err := db.Query(`SELECT year, carrier_id, CAST(points AS VARCHAR) FROM indicator_scores`)
	if err != nil {
		t.Fatal(err)
	}
	for irows.Next() {
		var k key
		var p string
		if err := irows.Scan(&k.year, &k.id, &p); err != nil {
			t.Fatal(err)
		}
		sums[k] += hundredths(t, p)
		n[k]++
	}
	irows.Close()
	for k, c := range n {
		if !graded[k] {
			fail("%v: %d indicator rows but not graded", k, c)
		}
	}
	for k := range graded {
		a := byKey[k]
		if n[k] != 11 {
			fail("%v: %d indicator rows, want 11", k, n[k])
		}
		if a.score.Valid && sums[k] != hundredths(t, a.score.String) {
			fail("%v: score %s ≠ Σ points %.2f", k, a.score.String, float64(sums[k])/100)
		}
	}

	// Competition ranks: 1 + the number of strictly higher scores in the same
	// year and partition.
	checkRanks := func(name string, part func(a *arow) string, rank func(a *arow) int64) {
		groups := map[string][]int64{}
		for i := range as {
			a := &as[i]
			if a.outcome == "graded" && a.score.Valid {
				g := fmt.Sprint(a.year, "|", part(a))
				groups[g] = append(groups[g], hundredths(t, a.score.String))
			}
		}
		for _, ss := range groups {
			sort.Slice(ss, func(i, j int) bool { return ss[i] > ss[j] })
		}
		for i := range as {
			a := &as[i]
			if a.outcome != "graded" || !a.score.Valid {
				continue
			}
			ss := groups[fmt.Sprint(a.year, "|", part(a))]
			s := hundredths(t, a.score.String)
			higher := sort.Search(len(ss), func(i int) bool { return ss[i] <= s })
			if got := rank(a); got != int64(higher+1) {
				fail("%d %s: %s %d, want %d (1 + %d strictly higher)", a.year, a.id, name, got, higher+1, higher)
			}
		}
	}
	checkRanks("rank_overall", func(*arow) string { return "" }, func(a *arow) int64 { return a.overall.Int64 })
	checkRanks("rank_district", func(a *arow) string { return a.district }, func(a *arow) int64 { return a.district_.Int64 })
	checkRanks("rank_group", func(a *arow) string { return a.kind + "|" + a.track }, func(a *arow) int64 { return a.group_.Int64 })

	// Deltas against calendar Y-1 when graded then.
	for _, a := range as {
		if a.outcome != "graded" {
			continue
		}
		p := byKey[key{a.year - 1, a.id}]
		if p == nil || p.outcome != "graded" {
			if a.scoreDelta.Valid || a.rankDelta.Valid {
				fail("%d %s: deltas without a graded %d", a.year, a.id, a.year-1)
			}
			continue
		}
		if !a.scoreDelta.Valid || !a.rankDelta.Valid {
			fail("%d %s: no deltas although graded in %d", a.year, a.id, a.year-1)
			continue
		}
		if hundredths(t, a.scoreDelta.String) != hundredths(t, a.score.String)-hundredths(t, p.score.String) ||
			a.rankDelta.Int64 != p.overall.Int64-a.overall.Int64 {
			fail("%d %s: deltas %s/%d; scores %s→%s ranks %d→%d", a.year, a.id, a.scoreDelta.String, a.rankDelta.Int64,
				p.score.String, a.score.String, p.overall.Int64, a.overall.Int64)
		}
	}

	// The excellent quota, ties at the boundary admitted.
	var ys []int
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	for _, y := range ys {
		var g, exc int
		var minExc int64 = 1 << 40
		var maxQuota int64 = -1
		for _, a := range as {
			if a.year != y || a.outcome != "graded" {
				continue
			}
			g++
			s := hundredths(t, a.score.String)
			if a.grade.String == "excellent" {
				exc++
				minExc = min(minExc, s)
			}
			if a.grade.String == "good" && len(a.reasons) == 1 && a.reasons[0] == "quota" {
				maxQuota = max(maxQuota, s)
			}
		}
		quota := g * 3 / 10
		tied := 0
		for _, a := range as {
			if a.year == y && a.grade.String == "excellent" && hundredths(t, a.score.String) == minExc {
				tied++
			}
		}
		if exc > quota && exc-tied >= quota {
			fail("%d: %d excellent of %d graded (quota %d), %d tied at the lowest excellent score", y, exc, g, quota, tied)
		}
		if exc > 0 && maxQuota >= minExc {
			fail("%d: a good-for-quota scores %.2f ≥ the lowest excellent %.2f", y, float64(maxQuota)/100, float64(minExc)/100)
		}
		if maxQuota >= 0 && exc < quota {
			fail("%d: %d excellent under the quota %d, yet a carrier was left out for the quota", y, exc, quota)
		}
		t.Logf("%d: %d graded, quota %d, %d excellent", y, g, quota, exc)
	}

	// decisions and funding: one row per graded carrier-year, plus one each
	// for a deferred or not_assessed carrier revoked for false data (SPEC
	// §4.7 "Rows per year"), none else.
	type drow struct {
		action                 string
		deadline, bannedUntil  sql.NullString
		amount, recovery, capv int64
		factor                 float64
		tier                   string
	}
	decisions := map[key]*drow{}
	drows, err := db.Query(`SELECT year, carrier_id, action, CAST(deadline AS VARCHAR), CAST(banned_until AS VARCHAR) FROM decisions`)
	if err != nil {
		t.Fatal(err)
	}
	for drows.Next() {
		var k key
		var d drow
		if err := drows.Scan(&k.year, &k.id, &d.action, &d.deadline, &d.bannedUntil); err != nil {
			t.Fatal(err)
		}
		if decisions[k] != nil {
			fail("%v: two decisions rows", k)
		}
		decisions[k] = &d
	}
	drows.Close()
	funding := map[key]*drow{}
	frows, err := db.Query(`SELECT year, carrier_id, tier, cap_yuan, CAST(factor AS DOUBLE), amount_yuan, recovery_yuan FROM funding`)
	if err != nil {
		t.Fatal(err)
	}
	for frows.Next() {
		var k key
		var d drow
		if err := frows.Scan(&k.year, &k.id, &d.tier, &d.capv, &d.factor, &d.amount, &d.recovery); err != nil {
			t.Fatal(err)
		}
		if funding[k] != nil {
			fail("%v: two funding rows", k)
		}
		funding[k] = &d
	}
	frows.Close()
	removed := map[string]int{}
	revokedUngraded := func(k key) bool {
		a, d := byKey[k], decisions[k]
		return a != nil && a.outcome != "graded" && d != nil && d.action == "revoke"
	}
	for k, d := range decisions {
		if graded[k] {
			continue
		}
		if !revokedUngraded(k) {
			fail("%v: a decisions row (%s) but not graded", k, d.action)
			continue
		}
		a, f := byKey[k], funding[k]
		if d.deadline.Valid || !d.bannedUntil.Valid || len(a.reasons) != 1 || a.reasons[0] != "false_data" {
			fail("%v: %s revoked with deadline %v, banned_until %v, reasons %v", k, a.outcome, d.deadline, d.bannedUntil, a.reasons)
		}
		if f == nil || f.tier == "" || f.amount != 0 || f.factor != 0 {
			fail("%v: %s revoked without a funding row of amount 0: %+v", k, a.outcome, f)
		}
		if y, ok := removed[k.id]; ok {
			fail("%s removed twice (%d, %d)", k.id, y, k.year)
		}
		removed[k.id] = k.year
	}
	for k := range funding {
		if !graded[k] && !revokedUngraded(k) {
			fail("%v: a funding row but not graded", k)
		}
	}
	for k := range graded {
		d, f, a := decisions[k], funding[k], byKey[k]
		if d == nil || f == nil {
			fail("%v: graded without a decisions (%v) or funding (%v) row", k, d != nil, f != nil)
			continue
		}
		if d.deadline.Valid != (d.action == "rectify") {
			fail("%v: action %s with deadline %v", k, d.action, d.deadline)
		}
		if d.bannedUntil.Valid != (d.action == "delist" || d.action == "revoke") {
			fail("%v: action %s with banned_until %v", k, d.action, d.bannedUntil)
		}
		if (a.grade.String == "fail") != (d.action != "keep") {
			fail("%v: grade %s with action %s", k, a.grade.String, d.action)
		}
		if d.action == "delist" || d.action == "revoke" {
			if y, ok := removed[k.id]; ok {
				fail("%s removed twice (%d, %d)", k.id, y, k.year)
			}
			removed[k.id] = k.year
		}
		if f.tier == "" || f.amount < 0 || f.amount > f.capv || (a.grade.String == "fail" && f.amount != 0) ||
			(d.action != "revoke" && f.recovery != 0) {
			fail("%v: funding %+v for grade %s action %s", k, *f, a.grade.String, d.action)
		}
	}
	// No carrier appears after its delisting or revocation.
	for _, a := range as {
		if y, ok := removed[a.id]; ok && a.year > y {
			fail("%s appears in %d after its removal in %d", a.id, a.year, y)
		}
	}
	t.Logf("%d carriers removed", len(removed))
	checkSummaries(t, db)
}

// The results do not depend on how many threads DuckDB runs each statement
// with (threadPlan runs most on one thread at this size).
func TestSameResultsWhateverTheThreads(t *testing.T) {
	if testing.Short() {
		t.Skip("national data set in -short mode")
	}
	st := openStore(t)
	dir := t.TempDir()
	if _, _, err := sample.National(dir, 1500, 2016, 4, 2025, 3); err != nil {
		t.Fatal(err)
	}
	ingestDir(t, st, dir, time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC))
	dump := func(threads int) map[string][]string {
		t.Helper()
		if _, err := assess.Run(context.Background(), st, assess.Options{Year: 2025, Threads: threads}); err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, v := range []string{"assessments", "indicator_scores", "decisions", "funding"} {
			rows, err := st.DB.Query("SELECT CAST(columns(* EXCLUDE (run_id)) AS VARCHAR) FROM " + v + " ORDER BY ALL")
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]sql.NullString, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				out[v] = append(out[v], fmt.Sprint(vals))
			}
			rows.Close()
		}
		return out
	}
	base := dump(0)
	if len(base["assessments"]) < 10000 || len(base["decisions"]) == 0 {
		t.Fatalf("too few rows to compare: %d assessments, %d decisions", len(base["assessments"]), len(base["decisions"]))
	}
	for _, threads := range []int{1, 2} {
		got := dump(threads)
		for v, want := range base {
			if len(got[v]) != len(want) {
				t.Errorf("%d threads: %s has %d rows, the plan's run %d", threads, v, len(got[v]), len(want))
				continue
			}
			for i := range want {
				if got[v][i] != want[i] {
					t.Errorf("%d threads: %s row %d\n got %s\nwant %s", threads, v, i, got[v][i], want[i])
					break
				}
			}
		}
	}
}
