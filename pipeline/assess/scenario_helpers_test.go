package assess_test

import (
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
)

// Helpers for the rule scenarios (rules_test.go) and the properties
// (properties_test.go). They read the views of SPEC §5.1 only.

// carrierAt registers a carrier with a district and a kind (carrier puts
// every carrier in 城关区 as a maker_space).
func (w *world) carrierAt(id, level, track, recognized string, op int, district, kind string) {
	code := operator(op)
	w.operatorOf[id] = code
	w.registry = append(w.registry, strings.Join([]string{id, id + " 载体", code, fmt.Sprintf("运营公司%d", op),
		district, kind, track, level, recognized, "", ""}, ","))
}

// carrierSized registers a municipal comprehensive maker space with its
// registry area_m2 and workstations ("" = blank).
func (w *world) carrierSized(id string, op int, area, workstations string) {
	code := operator(op)
	w.operatorOf[id] = code
	w.registry = append(w.registry, strings.Join([]string{id, id + " 众创空间", code, fmt.Sprintf("运营公司%d", op),
		"城关区", "maker_space", "comprehensive", "municipal", "2020-01-01", area, workstations}, ","))
}

// registryRow appends a raw registry row (name chosen by the test).
func (w *world) registryRow(id, name string, op int, level, track, recognized string) {
	w.registry = append(w.registry, strings.Join([]string{id, name, operator(op), fmt.Sprintf("运营公司%d", op),
		"城关区", "maker_space", track, level, recognized, "", ""}, ","))
}

// at returns q with its submission date set.
func at(r q, submitted string) q { r.submitted = submitted; return r }

// fullAt gives full points to a carrier of the level reporting all four
// window quarters on time.
func fullAt(level string) func(string, int, int) q {
	return func(id string, y, qt int) q {
		switch level {
		case "provincial":
			return q{id: id, year: y, quarter: qt, incubating: 40, filed: 36, graduated: 2, trainings: 5, trainees: 125,
				events: 4, jobs: 200, revenue: 1250, financing: 200}
		case "national":
			return q{id: id, year: y, quarter: qt, incubating: 60, filed: 54, graduated: 2, trainings: 6, trainees: 200,
				events: 5, jobs: 400, revenue: 2500, financing: 375}
		}
		return full(id, y, qt)
	}
}

// minus zeroes indicators of make's quarters: "events" (−5), "jobs" (−10),
// "financing" (−10), "revenue" (−10), "trainings" (−10), "trainees" (−10).
func minus(make func(string, int, int) q, fields ...string) func(string, int, int) q {
	return func(id string, y, qt int) q {
		r := make(id, y, qt)
		for _, f := range fields {
			switch f {
			case "events":
				r.events = 0
			case "jobs":
				r.jobs = 0
			case "financing":
				r.financing = 0
			case "revenue":
				r.revenue = 0
			case "trainings":
				r.trainings = 0
			case "trainees":
				r.trainees = 0
			default:
				panic("minus: " + f)
			}
		}
		return r
	}
}

var (
	score95 = minus(full, "events")
	score90 = minus(full, "jobs")
)

// row is a carrier's assessments row with its ranks and deltas.
type row struct {
	Outcome, Score, Grade, Reasons           string
	RankOverall, RankDistrict, RankGroup     sql.NullInt64
	ScoreDelta                               sql.NullString
	RankDelta                                sql.NullInt64
	Quarters                                 sql.NullInt64
	WindowStart, WindowEnd                   string
	scoreNull, gradeNull, reasonsNull, found bool
}

func (w *world) row(y int, id string) row {
	w.t.Helper()
	var r row
	var score, grade, reasons sql.NullString
	err := w.st.DB.QueryRow(`
		SELECT outcome, CAST(score AS VARCHAR), grade, array_to_string(reasons, ','), rank_overall, rank_district,
		       rank_group, CAST(score_delta AS VARCHAR), rank_delta, quarters_reported,
		       CAST(window_start AS VARCHAR), CAST(window_end AS VARCHAR)
		FROM assessments WHERE year = ? AND carrier_id = ?`, y, id).Scan(&r.Outcome, &score, &grade, &reasons,
		&r.RankOverall, &r.RankDistrict, &r.RankGroup, &r.ScoreDelta, &r.RankDelta, &r.Quarters, &r.WindowStart, &r.WindowEnd)
	if err == sql.ErrNoRows {
		return r
	}
	if err != nil {
		w.t.Fatal(err)
	}
	r.found = true
	r.Score, r.Grade, r.Reasons = score.String, grade.String, reasons.String
	r.scoreNull, r.gradeNull, r.reasonsNull = !score.Valid, !grade.Valid, !reasons.Valid
	return r
}

// ind is one indicator_scores row.
type ind struct {
	Value, Target, Weight float64 // Value: NaN where blank (SPEC §7)
	Points                string
}

// blank is the value wantIndicator expects of a blank one.
var blank = math.NaN()

// indicators returns a carrier-year's indicator rows by code, failing on a
// repeated code.
func (w *world) indicators(y int, id string) map[string]ind {
	w.t.Helper()
	rows, err := w.st.DB.Query(`SELECT indicator, coalesce(value, 'NaN'::DOUBLE), coalesce(target, -1), weight, CAST(points AS VARCHAR)
		FROM indicator_scores WHERE year = ? AND carrier_id = ?`, y, id)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]ind{}
	for rows.Next() {
		var code string
		var i ind
		if err := rows.Scan(&code, &i.Value, &i.Target, &i.Weight, &i.Points); err != nil {
			w.t.Fatal(err)
		}
		if _, dup := m[code]; dup {
			w.t.Fatalf("%d %s: indicator %s twice", y, id, code)
		}
		m[code] = i
	}
	if err := rows.Err(); err != nil {
		w.t.Fatal(err)
	}
	return m
}

// wantIndicator checks one indicator's value and points.
func (w *world) wantIndicator(y int, id, code string, value float64, points string) {
	w.t.Helper()
	i, ok := w.indicators(y, id)[code]
	if !ok {
		w.t.Fatalf("%d %s: no %s row", y, id, code)
	}
	if math.IsNaN(value) != math.IsNaN(i.Value) || math.Abs(i.Value-value) > 1e-9 || i.Points != points {
		w.t.Errorf("%d %s %s: value %v points %s; want value %v points %s", y, id, code, i.Value, i.Points, value, points)
	}
}

// fund is a funding row.
type fund struct {
	Tier                            string
	Cap, Amount, Recovery, Unscaled int64
	Factor                          float64
	found                           bool
}

func (w *world) fund(y int, id string) fund {
	w.t.Helper()
	var f fund
	err := w.st.DB.QueryRow(`SELECT tier, cap_yuan, CAST(factor AS DOUBLE), amount_yuan, recovery_yuan, unscaled_yuan
		FROM funding WHERE year = ? AND carrier_id = ?`, y, id).Scan(&f.Tier, &f.Cap, &f.Factor, &f.Amount, &f.Recovery, &f.Unscaled)
	if err == sql.ErrNoRows {
		return f
	}
	if err != nil {
		w.t.Fatal(err)
	}
	f.found = true
	return f
}

// decision is a decisions row.
type decision struct {
	Action, Reason, Deadline, BannedUntil string
	found                                 bool
}

func (w *world) decision(y int, id string) decision {
	w.t.Helper()
	var d decision
	var deadline, banned sql.NullString
	err := w.st.DB.QueryRow(`SELECT action, reason, CAST(deadline AS VARCHAR), CAST(banned_until AS VARCHAR)
		FROM decisions WHERE year = ? AND carrier_id = ?`, y, id).Scan(&d.Action, &d.Reason, &deadline, &banned)
	if err == sql.ErrNoRows {
		return d
	}
	if err != nil {
		w.t.Fatal(err)
	}
	d.found, d.Deadline, d.BannedUntil = true, deadline.String, banned.String
	return d
}

// wantRow checks outcome, score (as the view prints it), grade and reasons.
func (w *world) wantRow(y int, id, grade, score, reasons string) row {
	w.t.Helper()
	r := w.row(y, id)
	if !r.found {
		w.t.Fatalf("%s has no result in %d", id, y)
	}
	if r.Outcome != "graded" || r.Grade != grade || r.Score != score || r.Reasons != reasons {
		w.t.Errorf("%d %s: outcome %s grade %q score %s reasons %q; want graded %q %s %q",
			y, id, r.Outcome, r.Grade, r.Score, r.Reasons, grade, score, reasons)
	}
	return r
}

// count runs a count query.
func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.st.DB.QueryRow(query, args...).Scan(&n); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func withRubric(r *rubric.Rubric) func(*assess.Options) {
	return func(o *assess.Options) { o.Rubric = r.Normalize() }
}

func withBudget(b int64) func(*assess.Options) {
	return func(o *assess.Options) { o.BudgetYuan = &b }
}

func withWindow(kind string) func(*assess.Options) {
	return func(o *assess.Options) { o.Window = kind }
}

func forced(o *assess.Options) { o.Force = true }

// money parses "85.00" into hundredths.
func hundredths(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac[:2], 10, 64)
	if err != nil || len(frac) > 2 && strings.Trim(frac[2:], "0") != "" {
		t.Fatalf("not a 2-decimal number: %q", s)
	}
	if neg {
		n = -n
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
