package assess_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/uscc"
)

// world is a small dataset written in a test: carriers, quarters,
// incidents and deferrals, ingested through the real ingest path.
type world struct {
	t          *testing.T
	st         *store.Store
	dir        string
	registry   []string
	quarterly  []string
	incidents  []string
	deferrals  []string
	experts    []string
	batch      int
	operatorOf map[string]string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "w.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &world{t: t, st: st, dir: dir, operatorOf: map[string]string{}}
}

// operator returns a valid USCC for the n-th operator.
func operator(n int) string {
	code, err := uscc.Complete('9', '1', "620102", fmt.Sprintf("MA%06d", n))
	if err != nil {
		panic(err)
	}
	return code
}

// carrier registers a carrier: level municipal|provincial|national, track
// comprehensive|specialized, recognized on the given date; op numbers its
// operator (carriers sharing op share the operator).
func (w *world) carrier(id, level, track, recognized string, op int) {
	code := operator(op)
	w.operatorOf[id] = code
	w.registry = append(w.registry, strings.Join([]string{id, id + " 众创空间", code, fmt.Sprintf("运营公司%d", op),
		"城关区", "maker_space", track, level, recognized, "", ""}, ","))
}

// q is one quarterly report; full() gives full points to a municipal
// carrier when it reports all four window quarters on time.
type q struct {
	id                                                        string
	year, quarter                                             int
	submitted                                                 string // "" = 10 days after the quarter ends
	incubating, filed, graduated, exited, trainings, trainees int
	events, jobs                                              int
	revenue, financing                                        float64
	ipGranted, financed                                       int
	utilization                                               string // the cell as written: "" = blank
}

func full(id string, year, quarter int) q {
	return q{id: id, year: year, quarter: quarter, incubating: 20, filed: 18, graduated: 1, exited: 0,
		trainings: 3, trainees: 75, events: 3, jobs: 100, revenue: 500, financing: 75}
}

// score75 loses events (5), jobs (10) and financing (10): exactly 75.00.
func score75(id string, year, quarter int) q {
	r := full(id, year, quarter)
	r.events, r.jobs, r.financing = 0, 0, 0
	return r
}

// score85 loses events (5) and jobs (10): exactly 85.00.
func score85(id string, year, quarter int) q {
	r := full(id, year, quarter)
	r.events, r.jobs = 0, 0
	return r
}

// score60 also loses revenue (10), financing (10) and exit rate (5): 60.00.
func score60(id string, year, quarter int) q {
	r := score75(id, year, quarter)
	r.revenue, r.exited = 0, 3
	return r
}

// poor scores well under 60.
func poor(id string, year, quarter int) q {
	return q{id: id, year: year, quarter: quarter, incubating: 2, filed: 1, trainings: 1, trainees: 5, jobs: 5, revenue: 10}
}

func quarterEnd(y, qt int) time.Time {
	return time.Date(y, time.Month(qt*3)+1, 0, 0, 0, 0, 0, time.UTC)
}

func (w *world) report(rs ...q) {
	for _, r := range rs {
		sub := r.submitted
		if sub == "" {
			sub = quarterEnd(r.year, r.quarter).AddDate(0, 0, 10).Format("2006-01-02")
		}
		w.quarterly = append(w.quarterly, fmt.Sprintf("%s,%d,%d,%s,%d,%d,0,%d,%d,%d,%d,%d,%d,%g,%d,%g,%d,%s",
			r.id, r.year, r.quarter, sub, r.incubating, r.filed, r.graduated, r.exited, r.trainings, r.trainees, r.events, r.jobs, r.revenue,
			r.ipGranted, r.financing, r.financed, r.utilization))
	}
}

// window reports the four sep-window quarters of year y with make.
func (w *world) window(id string, y int, make func(string, int, int) q) {
	w.report(make(id, y-1, 4), make(id, y, 1), make(id, y, 2), make(id, y, 3))
}

func (w *world) incident(id, date, typ string) {
	w.incidents = append(w.incidents, strings.Join([]string{id, date, typ, "test"}, ","))
}

// expert gives carrier id's expert scores for item in year, one per judge
// (评委1, 评委2 …).
func (w *world) expert(id string, year int, item string, scores ...float64) {
	for j, s := range scores {
		w.experts = append(w.experts, fmt.Sprintf("%s,%d,%s,评委%d,%g", id, year, item, j+1, s))
	}
}

func (w *world) deferral(id string, year int) {
	w.deferrals = append(w.deferrals, fmt.Sprintf("%s,%d,test", id, year))
}

// load ingests what was added since the last load, registry first.
func (w *world) load() *ingest.Result {
	w.t.Helper()
	w.batch++
	dir := filepath.Join(w.dir, fmt.Sprintf("batch%d", w.batch))
	os.MkdirAll(dir, 0o755)
	write := func(name, header string, rows []string) {
		if len(rows) > 0 {
			os.WriteFile(filepath.Join(dir, name), []byte(header+"\n"+strings.Join(rows, "\n")+"\n"), 0o644)
		}
	}
	write("registry.csv", "carrier_id,name,operator_uscc,operator_name,district,kind,track,level,recognized_on,area_m2,workstations", w.registry)
	write("quarterly.csv", "carrier_id,year,quarter,submitted_on,incubating,filed,new_entrants,graduated,exited,trainings,trainees,events,jobs,revenue,ip_granted,financing,financed,utilization", w.quarterly)
	write("incidents.csv", "carrier_id,occurred_on,type,note", w.incidents)
	write("deferrals.csv", "carrier_id,year,reason", w.deferrals)
	write("expert.csv", "carrier_id,year,item,judge,score", w.experts)
	w.registry, w.quarterly, w.incidents, w.deferrals, w.experts = nil, nil, nil, nil, nil
	res, err := ingest.Ingest(context.Background(), w.st, []string{dir}, ingest.Options{Today: testToday})
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

// testToday is "today" for the scenarios: ingest's not-in-the-future
// rules and whether a window has ended (SPEC §10).
var testToday = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// assess loads pending rows and assesses year y.
func (w *world) assess(y int, opts ...func(*assess.Options)) *assess.Result {
	w.t.Helper()
	w.load()
	o := assess.Options{Year: y, Today: testToday}
	for _, f := range opts {
		f(&o)
	}
	res, err := assess.Run(context.Background(), w.st, o)
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

// outcome is one carrier's year as the views show it.
type outcome struct {
	Outcome, Grade, Reasons, Action string
	Score                           string
	Amount, Recovery                int64
	Deadline, BannedUntil           string
}

func (w *world) get(y int, id string) *outcome {
	w.t.Helper()
	var o outcome
	var grade, reasons, action, deadline, banned *string
	var score any
	var amount, recovery *int64
	err := w.st.DB.QueryRow(`
		SELECT a.outcome, a.grade, array_to_string(a.reasons, ','), CAST(a.score AS VARCHAR), d.action,
		       CAST(d.deadline AS VARCHAR), CAST(d.banned_until AS VARCHAR), f.amount_yuan, f.recovery_yuan
		FROM assessments a LEFT JOIN decisions d USING (year, carrier_id) LEFT JOIN funding f USING (year, carrier_id)
		WHERE a.year = ? AND a.carrier_id = ?`, y, id).Scan(&o.Outcome, &grade, &reasons, &score, &action, &deadline, &banned, &amount, &recovery)
	if err != nil {
		return nil // no row: not in the year's results
	}
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	o.Grade, o.Reasons, o.Action, o.Deadline, o.BannedUntil = deref(grade), deref(reasons), deref(action), deref(deadline), deref(banned)
	if score != nil {
		o.Score = fmt.Sprint(score)
	}
	if amount != nil {
		o.Amount = *amount
	}
	if recovery != nil {
		o.Recovery = *recovery
	}
	return &o
}

// want checks grade and action of a carrier in a year.
func (w *world) want(y int, id, grade, action string) *outcome {
	w.t.Helper()
	o := w.get(y, id)
	if o == nil {
		w.t.Fatalf("%s has no result in %d", id, y)
	}
	if o.Grade != grade || o.Action != action {
		w.t.Fatalf("%d %s: grade %q action %q (score %s, reasons %q); want %q %q", y, id, o.Grade, o.Action, o.Score, o.Reasons, grade, action)
	}
	return o
}
