package jobs

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// yearlyAssessment is what `incubeval run` does, unattended: ingest the
// inbox (late third-quarter reports arrive in October and November), assess
// the year, and write the workbook set into outbox/Y/.
// A year whose window has not ended (a pinned assessment.year) is refused
// before anything is done (SPEC §10): the run's row says so.
func yearlyAssessment(ctx context.Context, env *Env, st *store.Store, r *Run) error {
	y := assessmentYear(env.Config, r.AsOf)
	r.Set("year", y)
	today := day(env.Clock.Now(), env.Config.Location)
	if err := assess.CheckWindowEnded(env.Config.Assessment.Window, y, today); err != nil {
		return refused(err)
	}
	dir := filepath.Join(env.Config.Outbox, strconv.Itoa(y))
	if env.Config.Assessment.ingestInbox() {
		if err := ingestInbox(ctx, env, st, r, dir); err != nil {
			return err
		}
		if err := hashWorkbooksWritten(r); err != nil {
			return err
		}
	}
	a := env.Config.Assessment
	opts := assess.Options{Year: y, Window: a.Window, Rubric: env.Config.Rubric, Today: today}
	if a.BudgetYuan > 0 {
		b := a.BudgetYuan
		opts.BudgetYuan = &b
	}
	res, err := assess.Run(ctx, st, opts)
	if err != nil {
		return fmt.Errorf("assess %d: %w", y, err)
	}
	r.Set("assessment_run", res.RunID)
	r.Log.Info(fmt.Sprintf("评价 assessed %d (window %s to %s), computed %v, published kept %v", y,
		res.WindowStart.Format("2006-01-02"), res.WindowEnd.Format("2006-01-02"), res.Computed, res.Frozen),
		"assessment_run", res.RunID)
	return writeWorkbooks(ctx, env, st, r, y, dir)
}

// publish freezes the year's stored results (the latest assessment run)
// and writes the workbooks again, marked final (定稿). It is confirmed by
// its schedule (as `publish --yes`): what it froze — the counts by grade
// and decision, the funding — goes into the run's args. A year whose
// window has not ended is refused before anything is done (SPEC §10).
func publish(ctx context.Context, env *Env, st *store.Store, r *Run) error {
	y := assessmentYear(env.Config, r.AsOf)
	r.Set("year", y)
	today := day(env.Clock.Now(), env.Config.Location)
	if err := assess.CheckWindowEnded(env.Config.Assessment.Window, y, today); err != nil {
		return refused(err)
	}
	already, err := assess.Publish(ctx, st, y, today)
	if err != nil {
		return err
	}
	if already {
		r.Set("already_published", true)
		r.Log.Info(fmt.Sprintf("%d 年已发布 was already published", y))
	} else {
		sum, err := assess.Summarize(ctx, st.DB, y)
		if err != nil {
			return err
		}
		r.Set("assessment_run", sum.RunID)
		r.Set("graded", sum.Graded)
		r.Set("grades", sum.ByGrade)
		r.Set("decisions", sum.ByAction)
		r.Set("funding_yuan", sum.FundingYuan)
		r.Log.Info(fmt.Sprintf("已发布 published %d: its results are frozen", y), "graded", sum.Graded, "funding_yuan", sum.FundingYuan)
	}
	return writeWorkbooks(ctx, env, st, r, y, filepath.Join(env.Config.Outbox, strconv.Itoa(y)))
}

// refused is the error of a job that did nothing: its ledger row (failed)
// says why it was not run.
func refused(err error) error {
	return fmt.Errorf("not run / 未运行: %w", err)
}

// writeWorkbooks writes outbox/Y/assessment-Y.xlsx (final once the year is
// published, draft before) and the feedback workbooks.
func writeWorkbooks(ctx context.Context, env *Env, st *store.Store, r *Run, y int, dir string) error {
	var published bool
	if err := st.DB.QueryRowContext(ctx, "SELECT count(*) > 0 FROM published_years WHERE year = ?", y).Scan(&published); err != nil {
		return err
	}
	path := filepath.Join(dir, fmt.Sprintf("assessment-%d.xlsx", y))
	info, err := reports.WriteAssessment(ctx, st.DB, y, path, reports.AssessmentOptions{Final: published})
	if err != nil {
		return fmt.Errorf("the results of %d are stored, but writing %s failed: %w", y, path, err)
	}
	wroteWorkbook(r, info.Path, info.SHA256)
	r.Set("final", published)
	r.Log.Info("评价结果工作簿 assessment workbook", "path", info.Path, "ranked", info.RankedRows, "final", published, "sha256", info.SHA256)
	if env.Config.Assessment.feedback() {
		fdir := filepath.Join(dir, fmt.Sprintf("feedback-%d", y))
		fb, err := reports.WriteFeedback(ctx, st.DB, y, fdir, reports.FeedbackOptions{Final: published})
		if err != nil {
			return fmt.Errorf("the results of %d are stored, but writing the feedback workbooks failed: %w", y, err)
		}
		r.Wrote(fdir + string(filepath.Separator))
		if fb.Sums != "" {
			wroteWorkbook(r, fb.Sums, fb.SumsSHA256)
		}
		r.Set("feedback_workbooks", fb.Written)
		r.Log.Info("评价反馈表 feedback workbooks", "dir", fdir, "carriers", fb.Written, "sha256sums", fb.SumsSHA256)
	}
	return nil
}

// hashWorkbooksWritten records the SHA-256 of each workbook in
// files_written that has none yet: the rejects workbook of the inbox.
func hashWorkbooksWritten(r *Run) error {
	for _, p := range r.files {
		if sums, _ := r.args["sha256"].(map[string]string); !strings.HasSuffix(p, ".xlsx") || sums[p] != "" {
			continue
		}
		sum, err := reports.FileSHA256(p)
		if err != nil {
			return fmt.Errorf("SHA-256 of %s: %w", p, err)
		}
		addSHA256(r.args, p, sum)
	}
	return nil
}

// wroteWorkbook records a file written and its SHA-256 in the run ledger:
// the path in files_written, the hash in args.sha256 keyed by the path (for
// the feedback folder, its SHA256SUMS, which holds every workbook's).
func wroteWorkbook(r *Run, path, sum string) {
	r.Wrote(path)
	addSHA256(r.args, path, sum)
}

// deadlineReminder logs the days left to the summary deadline (the
// rubric's decision day, 30 November) and how many carriers still have not
// reported the window's last quarter.
func deadlineReminder(ctx context.Context, env *Env, st *store.Store, r *Run) error {
	y := assessmentYear(env.Config, r.AsOf)
	asOf := day(r.AsOf, env.Config.Location)
	deadline := env.rubric().Decisions.Date(y)
	days := int(deadline.Sub(asOf).Hours() / 24)
	_, _, qs := assess.Window(env.Config.Assessment.Window, y)
	qy, qq := qs[3][0], qs[3][1]
	due, missing, err := reports.CountMissing(ctx, st.DB, qy, qq)
	if err != nil {
		return err
	}
	r.Set("year", y)
	r.Set("deadline", deadline.Format("2006-01-02"))
	r.Set("days_left", days)
	r.Set("quarter", fmt.Sprintf("%dQ%d", qy, qq))
	r.Set("missing", missing)
	msg := fmt.Sprintf("距 %s 年度总结报送截止还有 %d 天，%d 家载体尚未报送 %d 年第%d季度报表 / %d days left to the %s deadline; %d of %d carriers still miss %d Q%d",
		deadline.Format("2006-01-02"), days, missing, qy, qq, days, deadline.Format("2006-01-02"), missing, due, qy, qq)
	if days < 0 {
		msg = fmt.Sprintf("%d 年度总结报送截止日 %s 已过 %d 天 / the %s deadline passed %d days ago; %d of %d carriers miss %d Q%d",
			y, deadline.Format("2006-01-02"), -days, deadline.Format("2006-01-02"), -days, missing, due, qy, qq)
	}
	if missing > 0 {
		r.Log.Warn(msg, "days_left", days, "missing", missing)
	} else {
		r.Log.Info(msg, "days_left", days, "missing", missing)
	}
	return nil
}
