package eligibility_test

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

	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/uscc"
)

// applicationHeader is the applications file's header (SPEC §8.1).
const applicationHeader = "application_id,name,operator_uscc,operator_name,operator_type,district,kind,track,applied_on,founded_on,operating_since,area_m2,service_area_m2,workstations,lease_end,incubated,staff,revenue_stable,facilities,rules,services,seed_fund,invested,virtual"

// testToday is "today" in these tests: after 2025's window.
var testToday = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// world is data written by a test and ingested through the real path.
type world struct {
	t                                         *testing.T
	st                                        *store.Store
	dir                                       string
	registry, quarterly, incidents, applicats []string
	batch                                     int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "w.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &world{t: t, st: st, dir: dir}
}

// operator is a valid USCC for the n-th operator.
func operator(n int) string {
	code, err := uscc.Complete('9', '1', "620102", fmt.Sprintf("MA%06d", n))
	if err != nil {
		panic(err)
	}
	return code
}

// base is a registry row: a municipal demonstration base unless changed.
type base struct {
	id, kind, level, recognized, lease string
	area, service                      string
	op                                 int
}

func (w *world) carrier(b base) {
	if b.kind == "" {
		b.kind = "demo_base"
	}
	if b.level == "" {
		b.level = "municipal"
	}
	w.registry = append(w.registry, strings.Join([]string{b.id, b.id + " 孵化基地", operator(b.op), fmt.Sprintf("运营公司%d", b.op),
		"城关区", b.kind, "comprehensive", b.level, b.recognized, b.area, b.service, b.lease}, ","))
}

// quarter is one quarterly report of the fields the demo-base profile reads.
type quarter struct {
	year, q                      int
	incubating, graduated, exits int
	jobs                         int
	revenue                      string
	utilization                  string
}

func (w *world) report(id string, qs ...quarter) {
	for _, r := range qs {
		end := time.Date(r.year, time.Month(r.q*3)+1, 0, 0, 0, 0, 0, time.UTC)
		w.quarterly = append(w.quarterly, fmt.Sprintf("%s,%d,%d,%s,%d,0,0,%d,%d,1,10,1,%d,%s,0,0,0,%s",
			id, r.year, r.q, end.AddDate(0, 0, 10).Format("2006-01-02"), r.incubating, r.graduated, r.exits, r.jobs, r.revenue, r.utilization))
	}
}

func (w *world) incident(id, date, typ string) {
	w.incidents = append(w.incidents, fmt.Sprintf("%s,%s,%s,", id, date, typ))
}

func (w *world) load() {
	w.t.Helper()
	w.batch++
	dir := filepath.Join(w.dir, fmt.Sprintf("batch%d", w.batch))
	os.MkdirAll(dir, 0o755)
	write := func(name, header string, rows []string) {
		if len(rows) > 0 {
			os.WriteFile(filepath.Join(dir, name), []byte(header+"\n"+strings.Join(rows, "\n")+"\n"), 0o644)
		}
	}
	write("registry.csv", "carrier_id,name,operator_uscc,operator_name,district,kind,track,level,recognized_on,area_m2,service_area_m2,lease_end", w.registry)
	write("quarterly.csv", "carrier_id,year,quarter,submitted_on,incubating,filed,new_entrants,graduated,exited,trainings,trainees,events,jobs,revenue,ip_granted,financing,financed,utilization", w.quarterly)
	write("incidents.csv", "carrier_id,occurred_on,type,note", w.incidents)
	write("applications.csv", applicationHeader, w.applicats)
	w.registry, w.quarterly, w.incidents, w.applicats = nil, nil, nil, nil
	res, err := ingest.Ingest(context.Background(), w.st, []string{dir}, ingest.Options{Today: testToday})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, rejected, _ := res.Totals(); rejected > 0 {
		w.t.Fatalf("test data rejected: %+v", res.Files)
	}
}

// run loads what is pending and runs the embedded profile for year y.
func (w *world) run(profile string, y int) *eligibility.Result {
	w.t.Helper()
	w.load()
	p, err := eligibility.Named(profile)
	if err != nil {
		w.t.Fatal(err)
	}
	res, err := eligibility.Run(context.Background(), w.st, p, eligibility.Options{Year: y, Today: testToday})
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

// result is a subject's row of the view eligibility.
type result struct {
	outcome          string
	unmet, toReview  []string
	checks           map[string]string // "condition/part/period" → outcome
	values           map[string]string // the same keys → value
	conditionOutcome map[string]string
}

func (w *world) result(profile string, y int, id string) result {
	w.t.Helper()
	var r result
	var unmet, review []any
	err := w.st.DB.QueryRow(`SELECT outcome, unmet, to_review FROM eligibility WHERE profile = ? AND year = ? AND subject_id = ?`,
		profile, y, id).Scan(&r.outcome, &unmet, &review)
	if err != nil {
		w.t.Fatalf("%s %d %s: %v", profile, y, id, err)
	}
	for _, u := range unmet {
		r.unmet = append(r.unmet, u.(string))
	}
	for _, u := range review {
		r.toReview = append(r.toReview, u.(string))
	}
	r.checks, r.values, r.conditionOutcome = map[string]string{}, map[string]string{}, map[string]string{}
	rows, err := w.st.DB.Query(`SELECT condition, part, coalesce(period, ''), outcome, coalesce(value, ''), condition_outcome
		FROM eligibility_checks WHERE profile = ? AND year = ? AND subject_id = ?`, profile, y, id)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var cond, period, outcome, value, co string
		var part int
		if err := rows.Scan(&cond, &part, &period, &outcome, &value, &co); err != nil {
			w.t.Fatal(err)
		}
		k := fmt.Sprintf("%s/%d", cond, part)
		if period != "" {
			k += "/" + period
		}
		r.checks[k], r.values[k], r.conditionOutcome[cond] = outcome, value, co
	}
	return r
}

func (r result) wantUnmet(t *testing.T, id string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	got := r.unmet
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: unmet %v, want %v (checks %v, values %v)", id, got, want, r.checks, r.values)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
