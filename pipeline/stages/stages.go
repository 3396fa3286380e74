// Package stages runs a year's work in one order for every entry point:
// ingest the inbox, write the batch's rejects workbook(s), assess the
// year, write the assessment workbook and the feedback letters (Year).
// `incubeval run`, `incubeval demo` and the scheduler's yearly-assessment
// job call Year; the quarterly sweep calls its first two steps
// (IngestInbox), the publish job and `incubeval report` its last
// (Workbooks). So what is written, under which name, when, marked draft
// or final, and what the run ledger records cannot differ between them.
//
// What is said about it is the caller's: the command line prints it, a
// job logs it (Reporter). What the run ledger records is the stage's
// (Ledger).
package stages

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// Reporter is told what the steps do, as they do it.
type Reporter interface {
	// Ingested is told how the batch ended: res is what it committed
	// (possibly no file); err, when not nil, stopped it, and the step
	// returns it. Per-file progress comes through the ingest.Options
	// callbacks given to the step.
	Ingested(res *ingest.Result, err error)
	// RejectsWritten: the batch's rejects workbook, or workbooks.
	RejectsWritten(w Rejects)
	// Assessed: the year's results are stored. An error (printing a
	// summary that queries the database) fails the run.
	Assessed(ctx context.Context, st *store.Store, opts assess.Options, res *assess.Result) error
	// AssessmentWritten and FeedbackWritten: a workbook set is written,
	// in took.
	AssessmentWritten(info *reports.AssessmentInfo, final bool, took time.Duration)
	FeedbackWritten(info *reports.FeedbackInfo, took time.Duration)
}

// Ledger is the run's row in the run ledger: a scheduled job's
// (jobs.Run) or a command's.
type Ledger interface {
	// Set records an argument or a result in the row's args.
	Set(key string, v any)
	// Wrote records a file written (a folder: its path ending in a
	// separator) in files_written, and its SHA-256, when known, in
	// args.sha256.
	Wrote(path, sha256 string)
}

// Rejects is what the rejects step wrote.
type Rejects struct {
	Batch  int64
	Path   string // the workbook; with By, the folder of the workbooks
	By     string // "", or reports.RejectsByDistrict / RejectsByCarrier
	Issues int    // in all: every reason a row was rejected, every file rejected whole
	Files  []reports.RejectsFile
}

// Names of what the steps write into their folder. A run never replaces
// the rejects of an earlier batch: each batch has its own.
func RejectsPath(out string, batch int64) string {
	return filepath.Join(out, fmt.Sprintf("rejects-batch-%d.xlsx", batch))
}

// RejectsDir is the folder of a batch's rejects workbooks, one per
// district or carrier.
func RejectsDir(out string, batch int64) string {
	return filepath.Join(out, fmt.Sprintf("rejects-batch-%d", batch))
}

// AssessmentPath is the year's assessment workbook in out.
func AssessmentPath(out string, year int) string {
	return filepath.Join(out, fmt.Sprintf("assessment-%d.xlsx", year))
}

// FeedbackDir is the folder of the year's feedback letters in out.
func FeedbackDir(out string, year int) string {
	return filepath.Join(out, fmt.Sprintf("feedback-%d", year))
}

// Inbox is the ingest step: what it reads and where the rejects go.
type Inbox struct {
	Path      string // a folder (or file) of submissions
	Out       string // the folder the rejects workbook goes into
	RejectsBy string // "": one workbook; district or carrier: one per district or carrier
	// Options of the batch: its progress callbacks (OnPlan, OnRead,
	// OnFile, OnSkip) and the kind, if forced.
	Options ingest.Options
}

// IngestInbox ingests the inbox as one batch and, when the batch
// rejected rows or whole files, writes its rejects workbook into
// in.Out/rejects-batch-N.xlsx — with RejectsBy, one workbook per district
// or carrier into in.Out/rejects-batch-N/. A batch that rejected nothing
// writes nothing. A failure after the batch committed is a *StepError
// that says so.
func IngestInbox(ctx context.Context, st *store.Store, in Inbox, rep Reporter, led Ledger) (*ingest.Result, error) {
	res, err := ingest.Ingest(ctx, st, []string{in.Path}, in.Options)
	rep.Ingested(res, err)
	if err != nil {
		return res, err
	}
	if len(res.Files) > 0 {
		led.Set("batch", res.BatchID)
	}
	_, _, rejected, _ := res.Totals()
	if rejected == 0 && res.Count(ingest.StatusRejected) == 0 {
		return res, nil
	}
	w := Rejects{Batch: res.BatchID, By: in.RejectsBy}
	failed := func(what, whatZH string, err error) error {
		return &StepError{Step: StepRejects, What: what, WhatZH: whatZH, Path: w.Path, Batch: committed(res), Err: err}
	}
	if in.RejectsBy != "" {
		w.Path = RejectsDir(in.Out, res.BatchID)
		files, err := reports.WriteRejectsBy(ctx, st.DB, res.BatchID, w.Path, in.RejectsBy)
		for _, f := range files {
			// A workbook written before one failed is listed too.
			sum, _ := xlsx.FileSHA256(f.Path)
			led.Wrote(f.Path, sum)
			w.Issues += f.Issues
		}
		if err != nil {
			return res, failed("writing the rejects workbooks into "+w.Path, "写退回清单到 "+w.Path, err)
		}
		w.Files = files
	} else {
		w.Path = RejectsPath(in.Out, res.BatchID)
		n, err := reports.WriteRejects(ctx, st.DB, res.BatchID, w.Path)
		if err != nil {
			return res, failed("writing the rejects workbook "+w.Path, "写退回清单 "+w.Path, err)
		}
		// The writer does not report the hash: it is read back.
		sum, err := xlsx.FileSHA256(w.Path)
		if err != nil {
			return res, failed("reading back the rejects workbook "+w.Path, "读取退回清单 "+w.Path, err)
		}
		led.Wrote(w.Path, sum)
		w.Issues = n
	}
	rep.RejectsWritten(w)
	return res, nil
}

// Options of a year's run.
type Options struct {
	// Inbox is ingested first, as one batch; empty: nothing is ingested
	// (the yearly job with ingest_inbox: false).
	Inbox string
	// Out is the folder of everything written: the rejects, the
	// assessment workbook, the feedback letters.
	Out       string
	RejectsBy string         // as Inbox.RejectsBy
	Ingest    ingest.Options // as Inbox.Options
	Assess    assess.Options // the year, window, rubric, budget, force, today
	Feedback  bool           // also write one feedback workbook per graded carrier
	// Final insists on final workbooks (`run --final`): a year not
	// published is refused before anything is done. Without it the
	// workbooks are final all the same once the year is published.
	Final bool
}

// Result of a year's run: what was committed.
type Result struct {
	Batch      *ingest.Result // nil without an inbox
	Assessment *assess.Result
	Final      bool // the workbooks are marked 定稿, the year being published
}

// Year runs a year: ingests the inbox and writes its rejects
// (IngestInbox), assesses the year (assess.Run), and writes the
// assessment workbook and, with Feedback, the letters (Workbooks) into
// Out — final (定稿) when the year is published, draft (草稿) before. The
// ledger gets the year, the batch, the assessment run, whether the
// workbooks are final, and every file written with its SHA-256.
//
// Each step commits on its own: a step that fails after an earlier one
// committed returns a *StepError saying what stays (the batch loaded,
// the results stored). The Result holds what was committed, also then.
func Year(ctx context.Context, st *store.Store, o Options, rep Reporter, led Ledger) (*Result, error) {
	y := o.Assess.Year
	led.Set("year", y)
	out := &Result{}
	if o.Final {
		published, err := Published(ctx, st.DB, y)
		if err != nil {
			return out, err
		}
		if !published {
			return out, &NotPublishedError{Year: y}
		}
	}
	if o.Inbox != "" {
		res, err := IngestInbox(ctx, st, Inbox{Path: o.Inbox, Out: o.Out, RejectsBy: o.RejectsBy, Options: o.Ingest}, rep, led)
		out.Batch = res
		if err != nil {
			return out, err
		}
	}
	loaded := committed(out.Batch)
	res, err := assess.Run(ctx, st, o.Assess)
	if err != nil {
		return out, &StepError{Step: StepAssess, What: fmt.Sprintf("assess %d", y), WhatZH: fmt.Sprintf("评价 %d 年", y), Year: y, Batch: loaded, Err: err}
	}
	out.Assessment = res
	led.Set("assessment_run", res.RunID)
	if err := rep.Assessed(ctx, st, o.Assess, res); err != nil {
		return out, err
	}
	published, err := Published(ctx, st.DB, y)
	if err != nil {
		return out, err
	}
	out.Final = published
	if err := Workbooks(ctx, st, y, o.Out, published, o.Feedback, rep, led); err != nil {
		if se, ok := err.(*StepError); ok {
			se.Batch, se.Assessed = loaded, res
		}
		return out, err
	}
	return out, nil
}

// fewerCollections lets the Go heap grow four times what it holds live
// before collecting, instead of twice (unless GOGC says otherwise), until
// restore is called: the assessment workbook allocates a few hundred
// megabytes of short-lived cells, and collecting at every doubling cost a
// tenth of its CPU. The soft memory limit (main) still bounds the heap.
func fewerCollections() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(400)
	return func() { debug.SetGCPercent(old) }
}

// Workbooks writes the year's assessment workbook into out and, with
// feedback, one feedback workbook per graded carrier into
// out/feedback-Y/ with its SHA256SUMS; final marks them 定稿, otherwise
// 草稿. A failure is a *StepError.
func Workbooks(ctx context.Context, st *store.Store, year int, out string, final, feedback bool, rep Reporter, led Ledger) error {
	t0 := time.Now()
	path := AssessmentPath(out, year)
	restore := fewerCollections()
	info, err := reports.WriteAssessment(ctx, st.DB, year, path, reports.AssessmentOptions{Final: final})
	restore()
	if err != nil {
		return &StepError{Step: StepAssessmentWorkbook, What: "writing " + path, WhatZH: "写评价结果工作簿 " + path, Path: path, Year: year, Final: final, Err: err}
	}
	led.Wrote(info.Path, info.SHA256)
	led.Set("final", final)
	rep.AssessmentWritten(info, final, time.Since(t0))
	if !feedback {
		return nil
	}
	t0 = time.Now()
	dir := FeedbackDir(out, year)
	fb, err := reports.WriteFeedback(ctx, st.DB, year, dir, reports.FeedbackOptions{Final: final})
	if err != nil {
		return &StepError{Step: StepFeedback, What: "writing the feedback workbooks into " + dir, WhatZH: "写评价反馈表到 " + dir, Path: dir, Year: year, Final: final, Err: err}
	}
	led.Wrote(dir+string(filepath.Separator), "")
	if fb.Sums != "" {
		// Its hash stands for every letter's (sha256sum -c SHA256SUMS).
		led.Wrote(fb.Sums, fb.SumsSHA256)
	}
	led.Set("feedback_workbooks", fb.Written)
	rep.FeedbackWritten(fb, time.Since(t0))
	return nil
}

// Published reports whether year's results are published.
func Published(ctx context.Context, db *sql.DB, year int) (bool, error) {
	var published bool
	err := sqlfiles.Row(ctx, db, "year_published", sql.Named("year", year)).Scan(&published)
	return published, err
}

// Step names a step of a year's run.
type Step string

// The steps, in order.
const (
	StepRejects            Step = "rejects"
	StepAssess             Step = "assess"
	StepAssessmentWorkbook Step = "assessment_workbook"
	StepFeedback           Step = "feedback"
)

// StepError is a step that failed; what earlier steps committed stays:
// the batch (Batch, when it committed any file) and the year's results
// (Assessed). The message says so first, so that nobody loads the files
// again or thinks the results lost.
type StepError struct {
	Step     Step
	What     string // what failed, e.g. "writing the rejects workbook out/rejects-batch-3.xlsx"
	WhatZH   string // the same in Chinese, e.g. "写退回清单 out/rejects-batch-3.xlsx"
	Path     string // the file or folder being written, if any
	Year     int
	Final    bool           // of the workbook steps: they were being marked 定稿
	Batch    *ingest.Result // committed before the step; nil: nothing was
	Assessed *assess.Result // stored before the step; nil: nothing was
	Err      error
}

func (e *StepError) Unwrap() error { return e.Err }

func (e *StepError) Error() string {
	var kept []string
	if e.Batch != nil {
		kept = append(kept, fmt.Sprintf("the inbox was ingested (batch %d)", e.Batch.BatchID))
	}
	if e.Assessed != nil {
		kept = append(kept, fmt.Sprintf("the results of %d are stored (assessment run %d)", e.Year, e.Assessed.RunID))
	}
	if len(kept) == 0 {
		return fmt.Sprintf("%s failed: %v", e.What, e.Err)
	}
	return fmt.Sprintf("%s, but %s failed: %v", strings.Join(kept, " and "), e.What, e.Err)
}

// NotPublishedError refuses final workbooks of a year not published.
type NotPublishedError struct{ Year int }

func (e *NotPublishedError) Error() string {
	return fmt.Sprintf("%d is not published, so its workbooks cannot be marked final (定稿); publish it first, nothing was done / %d 年尚未发布，未进行任何操作", e.Year, e.Year)
}

// committed is res when its batch committed anything: a file loaded,
// retried or rejected whole (logged in ingest_log); nil for a batch of
// files already ingested, or none.
func committed(res *ingest.Result) *ingest.Result {
	if res == nil {
		return nil
	}
	for _, f := range res.Files {
		if f.IngestID > 0 {
			return res
		}
	}
	return nil
}
