package assess_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/pipeline/sample"
)

// The rubrics shipped under deploy/rubrics assess the demo inbox: every
// graded carrier is scored by the first scheme of the file that matches
// its kind, track and level, with one indicator row per indicator of that
// scheme; its score is the scheme's sum (bonus capped) and its grade agrees
// with the scheme's thresholds. The demo has no expert scores: an expert
// item is blank, with the reason missing_expert:<item>.
func TestDeployRubricsAssessTheDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if _, err := sample.Demo(dir); err != nil {
		t.Fatal(err)
	}
	// The demo has no expert scores: national-three-part.yaml's expert(…)
	// items are blank, 0 points, with the reason missing_expert:<item>.
	for _, file := range []string{"by-kind.yaml", "national-three-part.yaml"} {
		t.Run(file, func(t *testing.T) {
			n, err := rubric.LoadNormalizedFile(filepath.Join("..", "..", "deploy", "rubrics", file))
			if err != nil {
				t.Fatal(err)
			}
			st := openStore(t)
			ingestDir(t, st, dir, time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC))
			if _, err := assess.Run(context.Background(), st, assess.Options{Year: 2025, Rubric: n}); err != nil {
				t.Fatal(err)
			}
			checkSchemes(t, st.DB, n)
		})
	}
}

// checkSchemes checks every graded row of the stored results against the
// rubric's schemes.
func checkSchemes(t *testing.T, db *sql.DB, n *rubric.Normalized) {
	t.Helper()
	type points struct {
		weight, points int64
		blank          bool
	}
	inds := map[key]map[string]points{}
	rows, err := db.Query(`SELECT year, carrier_id, indicator, CAST(weight * 100 AS BIGINT), CAST(points AS VARCHAR), value IS NULL
		FROM indicator_scores`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k key
		var code, p string
		var w int64
		var blank bool
		if err := rows.Scan(&k.year, &k.id, &code, &w, &p, &blank); err != nil {
			t.Fatal(err)
		}
		if inds[k] == nil {
			inds[k] = map[string]points{}
		}
		if _, dup := inds[k][code]; dup {
			t.Errorf("%v: indicator %s twice", k, code)
		}
		inds[k][code] = points{w, hundredths(t, p), blank}
	}
	rows.Close()

	rows, err = db.Query(`SELECT year, carrier_id, kind, track, level, coalesce(scheme, ''), CAST(score AS VARCHAR), grade,
		coalesce(array_to_string(reasons, '|'), '') FROM assessments WHERE outcome = 'graded' ORDER BY year, carrier_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	errs, graded, experts := 0, 0, 0
	fail := func(format string, args ...any) {
		t.Helper()
		if errs++; errs <= 30 {
			t.Errorf(format, args...)
		}
	}
	used := map[string]int{}
	for rows.Next() {
		var k key
		var kind, track, level, scheme, score, grade, reasonList string
		if err := rows.Scan(&k.year, &k.id, &kind, &track, &level, &scheme, &score, &grade, &reasonList); err != nil {
			t.Fatal(err)
		}
		graded++
		i := slices.IndexFunc(n.Schemes, func(s rubric.Scheme) bool { return s.AppliesTo.Matches(kind, track, level) })
		if i < 0 || n.Schemes[i].Code != scheme {
			fail("%v (%s, %s, %s): scheme %q, want the first that applies (index %d)", k, kind, track, level, scheme, i)
			continue
		}
		s := n.Schemes[i]
		used[s.Code]++
		got := inds[k]
		if len(got) != len(s.Indicators) {
			fail("%v: %d indicator rows, want %d of scheme %s", k, len(got), len(s.Indicators), s.Code)
		}
		var sum, bonus int64
		for _, ind := range s.Indicators {
			p, ok := got[ind.Code]
			if !ok {
				fail("%v: no row for %s of scheme %s", k, ind.Code, s.Code)
				continue
			}
			if p.points < 0 || p.points > p.weight || p.weight != int64(ind.Weight*100+0.5) {
				fail("%v %s: points %d/100 of weight %d/100, want within the weight %g", k, ind.Code, p.points, p.weight, ind.Weight)
			}
			if ind.Bonus {
				bonus += p.points
			} else {
				sum += p.points
			}
		}
		bonusCap := int64(s.BonusCap*100 + 0.5)
		sc := hundredths(t, score)
		if want := sum + min(bonus, bonusCap); sc != want {
			fail("%v: score %s, want Σ points %d/100 (bonus %d/100, cap %d/100)", k, score, want, bonus, bonusCap)
		}
		if sc < 0 || sc > 10000+bonusCap {
			fail("%v: score %s outside 0 … 100 + bonus_cap %g", k, score, s.BonusCap)
		}
		var reasons []string
		if reasonList != "" {
			reasons = strings.Split(reasonList, "|")
		}
		for _, ind := range s.Indicators {
			for _, item := range rubric.ExpertItems(ind.Value) {
				if !got[ind.Code].blank || got[ind.Code].points != 0 || !slices.Contains(reasons, "missing_expert:"+item) {
					fail("%v %s: %+v, reasons %v; want blank, 0 points and missing_expert:%s", k, ind.Code, got[ind.Code], reasons, item)
				}
				experts++
			}
		}
		forced, quota, capped := false, false, false
		for _, r := range reasons {
			switch {
			case r == "quota":
				quota = true
			case strings.HasPrefix(r, "missing_expert:"):
			default:
				forced = true
				capped = capped || strings.HasPrefix(r, "veto:")
			}
		}
		g := s.Grades
		exc, good, pass := hundredths(t, fmtPoints(g.Excellent)), hundredths(t, fmtPoints(g.Good)), hundredths(t, fmtPoints(g.Pass))
		ok := false
		switch grade {
		case "excellent":
			ok = sc >= exc && !forced && !quota
		case "good":
			ok = sc >= good && !forced && (sc >= exc) == quota
		case "pass":
			ok = sc >= pass && (sc < good && !forced || capped)
		case "fail":
			ok = sc < pass || forced
		}
		if !ok {
			fail("%v: grade %s with score %s, reasons %v under scheme %s (%g/%g/%g)", k, grade, score, reasons, s.Code, g.Excellent, g.Good, g.Pass)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if errs > 30 {
		t.Errorf("… %d violations in all", errs)
	}
	if graded == 0 {
		t.Fatal("no graded rows")
	}
	for _, s := range n.Schemes {
		t.Logf("scheme %s: %d graded carrier-years", s.Code, used[s.Code])
	}
	t.Logf("%d expert values, all blank", experts)
	if len(used) < 2 {
		t.Errorf("schemes used %v: the demo should reach more than one", used)
	}
}

// fmtPoints prints a grade threshold with 2 decimals.
func fmtPoints(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
