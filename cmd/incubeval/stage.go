package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/stages"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// runYear runs a year's stages (ingest the inbox, write its rejects,
// assess, write the workbooks) as the yearly job does, printing each
// step; `run` and `demo` call it. The command's ledger row gets what the
// stage records: the year, batch, assessment run, whether the workbooks
// are final, and every file written with its SHA-256.
func (a *app) runYear(ctx context.Context, st *store.Store, o stages.Options) error {
	rep := &cliReport{a: a}
	o.Ingest = ingest.Options{}
	rep.ingested = a.ingestProgress(ctx, &o.Ingest)
	_, err := stages.Year(ctx, st, o, rep, stageLedger{&a.ledger})
	return a.stageError(err, o.Feedback)
}

// stageError is the command's error for a stage that failed. A step that
// failed after the batch was committed says first that the batch is
// loaded (loadedButFailed); one that failed after the results were
// stored, that they are and how to write the workbooks again (with
// --feedback when the letters were asked for).
func (a *app) stageError(err error, feedback bool) error {
	var np *stages.NotPublishedError
	if errors.As(err, &np) {
		// A state of the database, not a mistake in the command line: exit 1.
		return fmt.Errorf("--final: %d is not published; run '%s publish --year %d' first; nothing was done / %d 年尚未发布，未进行任何操作", np.Year, self(), np.Year, np.Year)
	}
	var se *stages.StepError
	if !errors.As(err, &se) {
		return termSafeErr(err)
	}
	var nextZH, nextEN string
	switch {
	case se.Step == stages.StepRejects:
		nextZH = "，未进行评价：请再次运行（已导入的文件将跳过）"
		nextEN = " Nothing was assessed: run again (the files already loaded are skipped)." + a.rejectsElsewhere(se.Batch.BatchID)
	case se.Step == stages.StepAssess:
		nextZH, nextEN = "，未写出工作簿", " No workbook was written."
	case se.Assessed != nil:
		again := fmt.Sprintf("%s report --year %d --out %s", a.selfDB(), se.Year, termSafe(shellQuote(filepath.Dir(se.Path))))
		if feedback {
			again += " --feedback"
		}
		if se.Final {
			again += " --final"
		}
		nextZH = fmt.Sprintf("；%d 年评价结果已保存（评价运行 %d），可用 report 重新写出工作簿", se.Year, se.Assessed.RunID)
		nextEN = fmt.Sprintf(" The results of %d are stored (assessment run %d); to write the workbooks again: %s", se.Year, se.Assessed.RunID, again)
	}
	switch {
	case se.Batch != nil:
		return a.loadedButFailed(se.Batch, se.WhatZH, se.What, nextZH, nextEN, se.Err)
	case se.Assessed != nil:
		return termSafeErr(fmt.Errorf("只是%s 时失败%s / only %s failed: %w.%s", se.WhatZH, nextZH, se.What, se.Err, nextEN))
	case se.Step == stages.StepAssess:
		return termSafeErr(se.Err) // as `assess` says it
	}
	return termSafeErr(fmt.Errorf("write %s: %w", se.Path, se.Err))
}

// cliReport prints what the stage's steps do (stages.Reporter): the lines
// `ingest`, `assess` and `report` print.
type cliReport struct {
	a        *app
	ingested func(*ingest.Result, error) error // ingestProgress's done
}

func (r *cliReport) Ingested(res *ingest.Result, err error) {
	if r.ingested != nil {
		_ = r.ingested(res, err) // the error is the stage's to return
	}
}

func (r *cliReport) RejectsWritten(w stages.Rejects) {
	if w.By != "" {
		printRejectsBy(r.a.stdout, w.Path, w.By, w.Files)
		return
	}
	fmt.Fprintf(r.a.stdout, "退回清单 Rejects workbook: %s (%s)\n", termSafe(w.Path), plural(w.Issues, "issue", "issues"))
}

func (r *cliReport) Assessed(ctx context.Context, st *store.Store, opts assess.Options, res *assess.Result) error {
	return r.a.printAssessed(ctx, st, opts, res)
}

func (r *cliReport) AssessmentWritten(info *reports.AssessmentInfo, _ bool, took time.Duration) {
	fmt.Fprintf(r.a.stdout, "评价结果工作簿 Assessment workbook: %s (%d ranked carriers, %d indicator rows, %.1f s)\n",
		termSafe(info.Path), info.RankedRows, info.IndicatorRows, took.Seconds())
	fmt.Fprintf(r.a.stdout, "  SHA-256 %s\n", info.SHA256)
}

func (r *cliReport) FeedbackWritten(fb *reports.FeedbackInfo, took time.Duration) {
	fmt.Fprintf(r.a.stdout, "评价反馈表 Feedback workbooks: %s (%s, %.1f s)\n", termSafe(fb.Dir), plural(fb.Written, "carrier", "carriers"), took.Seconds())
	if fb.Sums != "" {
		fmt.Fprintf(r.a.stdout, "  校验清单 Checksums: %s, SHA-256 %s\n", termSafe(fb.Sums), fb.SumsSHA256)
	}
}

// stageLedger is the command's row in the run ledger as the stage records
// into it (stages.Ledger); a command without a row (report) records
// nothing.
type stageLedger struct{ l *commandLedger }

func (s stageLedger) Set(key string, v any)     { s.l.set(key, v) }
func (s stageLedger) Wrote(path, sha256 string) { s.l.wrote(path, sha256) }
