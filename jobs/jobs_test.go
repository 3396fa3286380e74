package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/talent"
)

// oneOff is a configuration over a new database in a temporary folder,
// with the clock at now, for running jobs one at a time.
func oneOff(t *testing.T, now time.Time) (*Env, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	// The database's folder exists (the installation makes it); the
	// first job makes the database in it.
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Database: filepath.Join(dir, "data", "incubeval.duckdb")}
	if err := cfg.Resolve(""); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", logs.String())
		}
	})
	return &Env{Config: cfg, Clock: &fakeClock{now: now}, Log: slog.New(slog.NewTextHandler(logs, nil))}, logs
}

func catalogJob(t *testing.T, env *Env, name string) *Job {
	t.Helper()
	js, err := env.Config.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range js {
		if j.Name == name {
			return j
		}
	}
	t.Fatalf("no job %s", name)
	return nil
}

const (
	registryCSV = "载体编号,载体名称,运营主体统一社会信用代码,运营主体名称,区县,载体类型,类别,级别,认定日期\n" +
		"LZ-ZC-0001,兰州青创众创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31\n" +
		"LZ-FH-0001,七里河科技企业孵化器,91350100M000100Y43,七里河孵化管理有限公司,七里河区,孵化器,专业,省级,2018-06-01\n"
	// LZ-FH-0001's row is rejected (filed > incubating): it still owes Q3.
	quarterlyCSV = "载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收(万元),知识产权授权数,获得投融资金额(万元),获投融资企业数\n" +
		"LZ-ZC-0001,2025,3,2025-10-10,20,18,3,1,1,4,90,3,110,600,2,100,2\n" +
		"LZ-FH-0001,2025,3,2025-10-12,20,28,3,1,1,4,90,3,110,600,2,100,2\n"
)

// The quarterly sweep ingests the inbox, moves what it read to
// processed/<date>/ (a file rejected whole under rejected/), writes the
// rejects workbook and the chase list of the quarter just due, and says
// in the ledger what it did.
func TestQuarterlySweep(t *testing.T) {
	env, _ := oneOff(t, at(2025, 10, 16, 2, 0))
	cfg := env.Config
	os.MkdirAll(filepath.Join(cfg.Inbox, "城关区"), 0o755)
	os.WriteFile(filepath.Join(cfg.Inbox, "载体名录.csv"), []byte(registryCSV), 0o644)
	os.WriteFile(filepath.Join(cfg.Inbox, "城关区", "季度报表.csv"), []byte(quarterlyCSV), 0o644)
	os.WriteFile(filepath.Join(cfg.Inbox, "broken.xlsx"), []byte("not a workbook"), 0o644)

	e := NewRunner(env).Execute(context.Background(), catalogJob(t, env, JobQuarterlySweep), TriggerManual, time.Time{}, time.Time{})
	if e.Status != StatusOK || !strings.Contains(e.Error, "1 file(s) rejected whole") || !strings.Contains(e.Error, "broken.xlsx") {
		t.Fatalf("sweep: %s %q", e.Status, e.Error)
	}
	if e.RowsIngested == nil || *e.RowsIngested != 3 {
		t.Fatalf("rows ingested %v, want 3 (2 registry + 1 quarterly)", e.RowsIngested)
	}
	chase := filepath.Join(cfg.Outbox, "2025", "chase-2025Q3.xlsx")
	rejects := filepath.Join(cfg.Outbox, "2025", "rejects-batch-1.xlsx")
	if strings.Join(e.Files, "\n") != rejects+"\n"+chase {
		t.Fatalf("files %q", e.Files)
	}
	if e.Args["quarter"] != "2025Q3" || e.Args["missing"] != 1 {
		t.Fatalf("args %v", e.Args)
	}
	// The inbox is empty of inputs; everything read is under processed/.
	done := filepath.Join(cfg.Processed, "2025-10-16")
	for _, p := range []string{"载体名录.csv", filepath.Join("城关区", "季度报表.csv"), filepath.Join("rejected", "broken.xlsx")} {
		if _, err := os.Stat(filepath.Join(done, p)); err != nil {
			t.Errorf("not moved: %v", err)
		}
	}
	var left []string
	filepath.WalkDir(cfg.Inbox, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Fatalf("left in the inbox: %v", left)
	}
	f, err := excelize.OpenFile(chase)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("催报清单")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[3][2] != "LZ-FH-0001" || rows[3][1] != "七里河区" || rows[3][6] != "七里河孵化管理有限公司" || rows[3][9] != "1" {
		t.Fatalf("chase rows %q", rows)
	}

	// The same day again: nothing new, no note; the ledger has both.
	e2 := NewRunner(env).Execute(context.Background(), catalogJob(t, env, JobQuarterlySweep), TriggerManual, time.Time{}, time.Time{})
	if e2.Status != StatusOK || e2.Error != "" || *e2.RowsIngested != 0 {
		t.Fatalf("second sweep: %s %q %v", e2.Status, e2.Error, *e2.RowsIngested)
	}
	st, err := store.Open(context.Background(), cfg.Database, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	es, err := History(context.Background(), st.DB, JobQuarterlySweep, 0)
	if err != nil || len(es) != 2 || es[1].RunID != e.RunID || es[1].Status != StatusOK {
		t.Fatalf("history %+v %v", es, err)
	}
}

// A job that fails leaves the database as it was, apart from its ledger
// row, which holds the error.
func TestFailedJobLeavesTheDatabaseAsItWas(t *testing.T) {
	env, _ := oneOff(t, at(2025, 11, 3, 3, 0))
	ctx := context.Background()
	st, err := store.Open(ctx, env.Config.Database, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before, err := st.TableCounts(ctx)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	// No reports at all: the assessment fails.
	e := NewRunner(env).Execute(ctx, catalogJob(t, env, JobYearlyAssessment), TriggerManual, time.Time{}, time.Time{})
	if e.Status != StatusFailed || !strings.Contains(e.Error, "assess 2025") || !strings.Contains(e.Error, "ingest reports first") {
		t.Fatalf("%s %q", e.Status, e.Error)
	}
	st, err = store.Open(ctx, env.Config.Database, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	after, err := st.TableCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range after {
		want := before[k]
		if k == "store.runs" {
			want++
		}
		if n != want && k != "store.meta" {
			t.Errorf("%s: %d rows, was %d", k, n, before[k])
		}
	}
}

// Rows written beside a busy database go in once, whoever flushes them,
// and a row left running by a killed process is marked failed.
func TestPendingRowsAndInterruptedRuns(t *testing.T) {
	env, _ := oneOff(t, at(2025, 3, 1, 0, 0))
	ctx := context.Background()
	db := env.Config.Database
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A run killed mid-way (SIGKILL): its row says running.
	killed := &Entry{Job: "publish", Started: at(2025, 2, 1, 18, 0), Status: StatusRunning}
	if err := insertEntry(ctx, st.DB, killed); err != nil {
		t.Fatal(err)
	}
	st.Close()
	skipped := &Entry{Job: "quarterly-sweep", Scheduled: at(2025, 1, 16, 2, 0), Started: at(2025, 1, 16, 2, 0),
		Finished: at(2025, 1, 16, 2, 10), Status: StatusSkipped, Error: "held", Args: map[string]any{"trigger": "schedule"}}
	for i := 0; i < 2; i++ { // the same row twice (a crash between commit and truncation)
		if err := AppendPending(db, skipped); err != nil {
			t.Fatal(err)
		}
	}
	if err := TryFlush(ctx, db); err != nil {
		t.Fatal(err)
	}
	// A job run by anyone afterwards marks the killed run failed.
	NewRunner(env).Execute(ctx, catalogJob(t, env, JobDeadlineReminder), TriggerManual, time.Time{}, time.Time{})
	if p, _ := ReadPending(db); len(p) != 0 {
		t.Fatalf("still pending: %v", p)
	}
	st, err = store.Open(ctx, db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	es, err := History(ctx, st.DB, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Entry{}
	for _, e := range es {
		got[e.Job] = e
	}
	if len(es) != 3 || got["quarterly-sweep"].Status != StatusSkipped || got["quarterly-sweep"].Error != "held" ||
		!got["quarterly-sweep"].Scheduled.Equal(at(2025, 1, 16, 2, 0)) {
		t.Fatalf("ledger %+v", es)
	}
	if k := got["publish"]; k.Status != StatusFailed || k.Error != interruptedMessage+"; it had committed nothing before / 此前未提交任何内容" {
		t.Fatalf("killed run %+v", k)
	}
	if r := got["deadline-reminder"]; r.Status != StatusOK || r.Args["missing"] != float64(0) {
		t.Fatalf("reminder %+v", r)
	}
	// A limit keeps the newest rows; a job keeps its own.
	if top, err := History(ctx, st.DB, "", 2); err != nil || len(top) != 2 || top[0].RunID != es[0].RunID || top[1].RunID != es[1].RunID {
		t.Fatalf("History limit 2: %+v, %v; the ledger %+v", top, err, es)
	}
	if one, err := History(ctx, st.DB, "publish", 0); err != nil || len(one) != 1 || one[0].Job != "publish" {
		t.Fatalf("History of publish: %+v, %v", one, err)
	}
}

// The chase list's quarter is the latest one whose due date (SPEC §3.2,
// the views' due_on) has passed.
func TestDueQuarter(t *testing.T) {
	env, _ := oneOff(t, at(2025, 3, 1, 0, 0))
	st, err := store.Open(context.Background(), env.Config.Database, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tc := range []struct {
		day  time.Time
		want string
	}{
		{time.Date(2025, 10, 16, 0, 0, 0, 0, time.UTC), "2025Q3"},
		{time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC), "2025Q2"},
		{time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC), "2025Q4"},
		{time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), "2025Q3"},
		{time.Date(2026, 4, 16, 0, 0, 0, 0, time.UTC), "2026Q1"},
		{time.Date(2026, 7, 16, 0, 0, 0, 0, time.UTC), "2026Q2"},
	} {
		y, q, err := dueQuarter(context.Background(), st.DB, tc.day)
		if got := fmt.Sprintf("%dQ%d", y, q); err != nil || got != tc.want {
			t.Errorf("%s: %s %v, want %s", tc.day.Format("2006-01-02"), got, err, tc.want)
		}
	}
}

// SPEC §10: the yearly assessment and the publication refuse a year whose
// window has not ended (a pinned assessment.year): the run is in the
// ledger, failed with the reason, and nothing was done — the inbox not
// ingested, nothing assessed or published.
func TestJobsRefuseAYearWhoseWindowHasNotEnded(t *testing.T) {
	for _, c := range []struct {
		name, window string
		year         int
		ends         string
	}{
		{"next year", "sep", 2027, "2027-09-30"},
		{"calendar window of this year", "calendar", 2026, "2026-12-31"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env, _ := oneOff(t, at(2026, 11, 20, 3, 0))
			cfg := env.Config
			cfg.Assessment.Year, cfg.Assessment.Window = c.year, c.window
			os.MkdirAll(cfg.Inbox, 0o755)
			os.WriteFile(filepath.Join(cfg.Inbox, "载体名录.csv"), []byte(registryCSV), 0o644)
			ctx := context.Background()
			for _, job := range []string{JobYearlyAssessment, JobPublish} {
				e := NewRunner(env).Execute(ctx, catalogJob(t, env, job), TriggerManual, time.Time{}, time.Time{})
				if e.Status != StatusFailed || !strings.Contains(e.Error, "not run") || !strings.Contains(e.Error, "ends on "+c.ends) ||
					!strings.Contains(e.Error, "尚未结束") || e.Args["year"] != c.year {
					t.Errorf("%s: %s %q %v; want failed, not run, the window ending %s", job, e.Status, e.Error, e.Args, c.ends)
				}
			}
			if _, err := os.Stat(filepath.Join(cfg.Inbox, "载体名录.csv")); err != nil {
				t.Errorf("the inbox was swept: %v", err)
			}
			st, err := store.Open(ctx, cfg.Database, store.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			counts, err := st.TableCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range []string{"store.ingests", "store.assessments", "store.assessment_runs", "store.published_years"} {
				if counts[tb] != 0 {
					t.Errorf("%s: %d rows after the refused runs", tb, counts[tb])
				}
			}
			es, err := History(ctx, st.DB, "", 0)
			if err != nil || len(es) != 2 {
				t.Fatalf("ledger %+v %v; want the two refused runs", es, err)
			}
		})
	}
}

// The yearly assessment and publish jobs record, in the ledger, the
// SHA-256 of every workbook they write (args.sha256, keyed by path; the
// feedback letters through their folder's SHA256SUMS) beside the paths in
// files_written; the letters say 草稿 until the year is published.
func TestYearlyAndPublishRecordWorkbookHashes(t *testing.T) {
	env, _ := oneOff(t, at(2025, 11, 1, 3, 0))
	cfg := env.Config
	os.MkdirAll(cfg.Inbox, 0o755)
	os.WriteFile(filepath.Join(cfg.Inbox, "载体名录.csv"), []byte(registryCSV), 0o644)
	os.WriteFile(filepath.Join(cfg.Inbox, "季度报表.csv"), []byte(quarterlyCSV), 0o644)
	dir := filepath.Join(cfg.Outbox, "2025")
	book := filepath.Join(dir, "assessment-2025.xlsx")
	sums := filepath.Join(dir, "feedback-2025", "SHA256SUMS")
	check := func(job, mark string) {
		t.Helper()
		e := NewRunner(env).Execute(context.Background(), catalogJob(t, env, job), TriggerManual, time.Time{}, time.Time{})
		if e.Status != StatusOK {
			t.Fatalf("%s: %s %q", job, e.Status, e.Error)
		}
		recorded, _ := e.Args["sha256"].(map[string]string)
		written := []string{book, sums}
		if job == JobYearlyAssessment { // the inbox's rejected row
			written = append(written, filepath.Join(dir, "rejects-batch-1.xlsx"))
		}
		for _, p := range written {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if h := sha256.Sum256(data); recorded[p] != hex.EncodeToString(h[:]) {
				t.Errorf("%s: args.sha256[%s] = %q, the file's is %x", job, p, recorded[p], h)
			}
			if !slices.Contains(e.Files, p) {
				t.Errorf("%s: files_written %q lacks %s", job, e.Files, p)
			}
		}
		letters, _ := filepath.Glob(filepath.Join(dir, "feedback-2025", "*.xlsx"))
		if len(letters) == 0 {
			t.Fatalf("%s wrote no feedback letters", job)
		}
		f, err := excelize.OpenFile(letters[0])
		if err != nil {
			t.Fatal(err)
		}
		title, _ := f.GetCellValue("评价反馈表", "A1")
		f.Close()
		if !strings.Contains(title, mark) {
			t.Errorf("%s: letter titled %q, want %s", job, title, mark)
		}
		// The ledger row says the same, read back from the database.
		st, err := store.Open(context.Background(), cfg.Database, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		es, err := History(context.Background(), st.DB, job, 1)
		if err != nil || len(es) != 1 {
			t.Fatalf("history %v %v", es, err)
		}
		stored, _ := es[0].Args["sha256"].(map[string]any)
		if stored[book] != recorded[book] {
			t.Errorf("%s: the ledger row's args.sha256 %v, want %s", job, es[0].Args["sha256"], recorded[book])
		}
	}
	check(JobYearlyAssessment, "草稿")
	env.Clock.(*fakeClock).set(at(2025, 11, 30, 18, 0))
	check(JobPublish, "定稿")
}

// publish and the reminder need a database already there: with none they
// fail saying so and make none (a mistyped database in a crontab must not
// leave an empty one behind); the row waits in the pending file.
func TestJobsThatNeedDataMakeNoDatabase(t *testing.T) {
	for _, job := range []string{JobPublish, JobDeadlineReminder} {
		t.Run(job, func(t *testing.T) {
			env, _ := oneOff(t, at(2025, 11, 30, 18, 0))
			e := NewRunner(env).Execute(context.Background(), catalogJob(t, env, job), TriggerManual, time.Time{}, time.Time{})
			if e.Status != StatusFailed || !strings.Contains(e.Error, "no database") {
				t.Fatalf("%s %q; want failed, no database", e.Status, e.Error)
			}
			if _, err := os.Stat(env.Config.Database); err == nil {
				t.Fatal("a database was made")
			}
			if _, err := os.Stat(env.Config.Database + ".runs-pending.jsonl"); err != nil {
				t.Errorf("the run's row is nowhere: %v", err)
			}
		})
	}
}

// assessment.eligibility: the yearly job checks the carrier profiles after
// the assessment, their workbooks beside the assessment's; a profile with
// no subjects in the city is noted, not a failure; an application profile
// is refused when the configuration is read.
func TestYearlyEligibilityRecheck(t *testing.T) {
	env, _ := oneOff(t, at(2025, 11, 1, 3, 0))
	cfg := env.Config
	cfg.Assessment.Eligibility = []string{"provincial_demo_base"}
	if err := cfg.Resolve(""); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(cfg.Inbox, 0o755)
	base := "LZ-JD-0001,兰州创业就业孵化示范基地,911100001000128855,兰州孵化管理有限公司,城关区,创业就业孵化示范基地,综合,市级,2019-03-31\n"
	os.WriteFile(filepath.Join(cfg.Inbox, "载体名录.csv"), []byte(registryCSV+base), 0o644)
	os.WriteFile(filepath.Join(cfg.Inbox, "季度报表.csv"), []byte(quarterlyCSV+"LZ-JD-0001,2025,3,2025-10-10,20,18,3,1,1,4,90,3,110,600,2,100,2\n"), 0o644)
	e := NewRunner(env).Execute(context.Background(), catalogJob(t, env, JobYearlyAssessment), TriggerManual, time.Time{}, time.Time{})
	if e.Status != StatusOK {
		t.Fatalf("yearly: %s %q", e.Status, e.Error)
	}
	book := filepath.Join(cfg.Outbox, "2025", "eligibility-provincial_demo_base-2025.xlsx")
	if !slices.Contains(e.Files, book) {
		t.Fatalf("files written %q lack %s", e.Files, book)
	}
	if got := fmt.Sprint(e.Args["eligibility_provincial_demo_base"]); got != "map[not_met:1]" {
		t.Errorf("args say %s, want the one base not met", got)
	}

	// No demonstration base in the city: noted, the job succeeds.
	env2, _ := oneOff(t, at(2025, 11, 1, 3, 0))
	env2.Config.Assessment.Eligibility = []string{"provincial_demo_base"}
	if err := env2.Config.Resolve(""); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(env2.Config.Inbox, 0o755)
	os.WriteFile(filepath.Join(env2.Config.Inbox, "载体名录.csv"), []byte(registryCSV), 0o644)
	os.WriteFile(filepath.Join(env2.Config.Inbox, "季度报表.csv"), []byte(quarterlyCSV), 0o644)
	e = NewRunner(env2).Execute(context.Background(), catalogJob(t, env2, JobYearlyAssessment), TriggerManual, time.Time{}, time.Time{})
	if e.Status != StatusOK || e.Args["eligibility_provincial_demo_base"] != "no subjects" {
		t.Errorf("without bases: %s %q, args %v", e.Status, e.Error, e.Args["eligibility_provincial_demo_base"])
	}

	// An application profile is refused where the file says it.
	bad := &Config{Database: cfg.Database, Assessment: AssessmentConfig{Eligibility: []string{"municipal_maker_space"}}}
	if err := bad.Resolve(""); err == nil || !strings.Contains(err.Error(), "assessment.eligibility[0]: municipal_maker_space checks applications") {
		t.Errorf("an application profile in the yearly job: %v", err)
	}
	if _, err := ParseConfig([]byte("assessment:\n  eligibilty: [provincial_demo_base]\n"), "c.yaml"); err == nil || !strings.Contains(err.Error(), "c.yaml:2:3") {
		t.Errorf("a misspelt key: %v", err)
	}
}

// assessment.talent: the yearly job decides the 百千万 selection of a
// programme year with the assessment, talent-Y.xlsx beside it; another year
// is noted, not a failure.
func TestYearlyTalentSelection(t *testing.T) {
	for _, c := range []struct {
		now  time.Time
		year int
		want string
	}{{at(2023, 11, 1, 3, 0), 2023, "map[rising:map[awarded:1]]"}, {at(2025, 11, 1, 3, 0), 2025, "not a programme year"}} {
		env, _ := oneOff(t, c.now)
		on := true
		env.Config.Assessment.Talent = &on
		if err := env.Config.Resolve(""); err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(env.Config.Inbox, 0o755)
		os.WriteFile(filepath.Join(env.Config.Inbox, "载体名录.csv"), []byte(registryCSV), 0o644)
		q := strings.ReplaceAll(quarterlyCSV, "2025,3,2025-10-10", fmt.Sprintf("%d,3,%d-10-10", c.year, c.year))
		q = strings.ReplaceAll(q, "2025,3,2025-10-12", fmt.Sprintf("%d,3,%d-10-12", c.year, c.year))
		os.WriteFile(filepath.Join(env.Config.Inbox, "季度报表.csv"), []byte(q), 0o644)
		os.WriteFile(filepath.Join(env.Config.Inbox, "创业人才推荐.csv"), sample.NominationsCSV(sample.EligibleNomination("N1", 2023, talent.Rising)), 0o644)
		e := NewRunner(env).Execute(context.Background(), catalogJob(t, env, JobYearlyAssessment), TriggerManual, time.Time{}, time.Time{})
		if e.Status != StatusOK {
			t.Fatalf("%d: %s %q", c.year, e.Status, e.Error)
		}
		if got := fmt.Sprint(e.Args["talent"]); got != c.want {
			t.Errorf("%d: args.talent %s, want %s", c.year, got, c.want)
		}
		book := filepath.Join(env.Config.Outbox, fmt.Sprint(c.year), fmt.Sprintf("talent-%d.xlsx", c.year))
		if wrote := slices.Contains(e.Files, book); wrote != (c.year == 2023) {
			t.Errorf("%d: talent workbook written %v", c.year, wrote)
		}
	}
	bad := &Config{Database: filepath.Join(t.TempDir(), "x.duckdb"), Assessment: AssessmentConfig{TalentProgramme: "p.yaml"}}
	if err := bad.Resolve(""); err == nil || !strings.Contains(err.Error(), "assessment.talent is not true") {
		t.Errorf("a programme without talent: %v", err)
	}
}
