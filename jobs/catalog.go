package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/pipeline/store"
)

// The jobs, by name.
const (
	JobQuarterlySweep   = "quarterly-sweep"
	JobYearlyAssessment = "yearly-assessment"
	JobPublish          = "publish"
	JobDeadlineReminder = "deadline-reminder"
)

// Func is a job's work. It gets the database opened for writing (the lock
// is held for the whole run) and records what it did on r. Jobs call the
// same code as the commands (stages.Year — what `incubeval run` calls —,
// stages.IngestInbox, stages.Workbooks, assess.Publish, reports.*): every
// rule lives there, none here.
type Func func(ctx context.Context, env *Env, st *store.Store, r *Run) error

// Job is a job with its schedule.
type Job struct {
	Name     string
	Spec     string // as parsed, with CRON_TZ=
	Schedule cron.Schedule
	Run      Func
	About    string
}

// Definition is a job of the catalog and its default schedule.
type Definition struct {
	Name            string
	DefaultSchedule string
	About           string
	Run             Func
}

// Catalog lists the jobs in the order they run when due at the same time:
// a sweep before an assessment before a publication.
func Catalog() []Definition {
	return []Definition{
		{JobQuarterlySweep, "0 2 16 1,4,7,10 *",
			"季度归集：导入收件箱、归档已处理文件、生成催报清单 / ingest the inbox, move the files to processed/, write the chase list of the quarter just due", sweep},
		// Day-of-month and day-of-week both set: cron runs on either (1 November, or a Monday in November).
		{JobYearlyAssessment, "0 3 1 11 1",
			"年度评价：导入迟报、评价当年、写出工作簿 / ingest late reports, assess the year, write the workbooks into outbox/Y/", yearlyAssessment},
		{JobPublish, "0 18 30 11 *",
			"发布：冻结当年结果、写出定稿工作簿 / freeze the year and write the final workbooks", publish},
		{JobDeadlineReminder, "0 9 * 11 *",
			"截止提醒：距11月30日天数及第三季度未报数 / log the days left to 30 November and the carriers still missing Q3", deadlineReminder},
	}
}

// JobNames lists the catalog's job names.
func JobNames() []string {
	var out []string
	for _, d := range Catalog() {
		out = append(out, d.Name)
	}
	return out
}

// Env is what every run shares.
type Env struct {
	Config *Config
	Clock  Clock
	Log    *slog.Logger
}

func (e *Env) rubric() *rubric.Normalized {
	if e.Config.Rubric != nil {
		return e.Config.Rubric
	}
	return rubric.DefaultNormalized()
}

// Run is one execution of a job: what it is for, and what it did.
type Run struct {
	Job       string
	Trigger   Trigger
	Scheduled time.Time // zero for a manual run
	AsOf      time.Time // the occurrence it stands for: the scheduled time, or now
	Started   time.Time
	Log       *slog.Logger

	rows  *int64
	files []string
	notes []string
	args  map[string]any
}

// AddRows counts rows ingested.
func (r *Run) AddRows(n int64) {
	if r.rows == nil {
		r.rows = new(int64)
	}
	*r.rows += n
}

// Wrote records a file (or a folder, ending in a separator) written in
// files_written, and its SHA-256 (if known) in args.sha256, keyed by the
// path, as a command's Command.Wrote does (stages.Ledger).
func (r *Run) Wrote(path, sha256 string) {
	r.files = append(r.files, path)
	addSHA256(r.args, path, sha256)
}

// Note records something a person should read although the run succeeded;
// it goes to the ledger's error column of an ok row.
func (r *Run) Note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// Set records an argument or a result in the ledger's args.
func (r *Run) Set(key string, v any) { r.args[key] = v }

// day is the calendar date of t in loc, as midnight UTC (how dates compare
// with DuckDB DATE values).
func day(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// assessmentYear is the year a run on asOf works on: the configured one,
// else the latest year whose assessment window has ended by that date —
// in November, this year; in spring, last year.
func assessmentYear(c *Config, asOf time.Time) int {
	if c.Assessment.Year != 0 {
		return c.Assessment.Year
	}
	d := day(asOf, c.Location)
	y := d.Year()
	if _, end, _ := assess.Window(c.Assessment.Window, y); !d.After(end) {
		return y - 1
	}
	return y
}
