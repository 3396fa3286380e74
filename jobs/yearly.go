package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/stages"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports"
)

// yearlyAssessment is what `incubeval run` does, unattended, through the
// same stage (stages.Year): ingest the inbox (late third-quarter reports
// arrive in October and November) and write its rejects, assess the year,
// and write the workbook set into outbox/Y/ — final once the year is
// published. A year whose window has not ended (a pinned assessment.year)
// is refused before anything is done (SPEC §10): the run's row says so.
func yearlyAssessment(ctx context.Context, env *Env, st *store.Store, r *Run) error {
	y := assessmentYear(env.Config, r.AsOf)
	r.Set("year", y)
	today := day(env.Clock.Now(), env.Config.Location)
	if err := assess.CheckWindowEnded(env.Config.Assessment.Window, y, today); err != nil {
		return refused(err)
	}
	a := env.Config.Assessment
	o := stages.Options{
		Out:       filepath.Join(env.Config.Outbox, strconv.Itoa(y)),
		RejectsBy: env.Config.RejectsBy,
		Assess:    assess.Options{Year: y, Window: a.Window, Rubric: env.Config.Rubric, Today: today},
		Feedback:  a.feedback(),
	}
	if a.BudgetYuan > 0 {
		b := a.BudgetYuan
		o.Assess.BudgetYuan = &b
	}
	rep := &jobReport{env: env, r: r}
	if a.ingestInbox() {
		if err := os.MkdirAll(env.Config.Inbox, 0o755); err != nil {
			return fmt.Errorf("inbox: %w", err)
		}
		o.Inbox = env.Config.Inbox
	}
	if _, err := stages.Year(ctx, st, o, rep, r); err != nil {
		return rep.wrap(err)
	}
	// The yearly re-check of the carrier profiles (assessment.eligibility),
	// their workbooks beside the assessment's.
	for _, p := range env.Config.Profiles {
		res, err := eligibility.Run(ctx, st, p, eligibility.Options{Year: y, Window: a.Window, Today: today})
		var none *eligibility.NoSubjectsError
		if errors.As(err, &none) {
			// A city without such carriers: nothing to check, not a failure.
			r.Set("eligibility_"+p.Code, "no subjects")
			r.Log.Info(none.Error())
			continue
		}
		if err != nil {
			return fmt.Errorf("eligibility %s: %w", p.Code, err)
		}
		r.Set("eligibility_"+p.Code, res.Outcomes)
		info, err := reports.WriteEligibility(ctx, st.DB, p.Code, y, filepath.Join(o.Out, fmt.Sprintf("eligibility-%s-%d.xlsx", p.Code, y)))
		if err != nil {
			return fmt.Errorf("eligibility %s workbook: %w", p.Code, err)
		}
		r.Wrote(info.Path, info.SHA256)
		r.Log.Info(fmt.Sprintf("认定与推荐 eligibility %s %d", p.Code, y), "subjects", res.Subjects, "outcomes", res.Outcomes, "workbook", info.Path)
	}
	// The 百千万 selection of the year, when it is a programme year.
	if p := env.Config.Programme; p != nil {
		if !p.InYears(y) {
			r.Set("talent", "not a programme year")
			r.Log.Info(fmt.Sprintf("百千万 %d 不在工程年度内 is not a programme year: no selection", y))
			return nil
		}
		res, err := talent.Run(ctx, st, p, talent.Options{Year: y})
		if err != nil {
			return fmt.Errorf("talent: %w", err)
		}
		r.Set("talent", res.Outcomes)
		info, err := reports.WriteTalent(ctx, st.DB, y, filepath.Join(o.Out, fmt.Sprintf("talent-%d.xlsx", y)))
		if err != nil {
			return fmt.Errorf("talent workbook: %w", err)
		}
		r.Wrote(info.Path, info.SHA256)
		r.Log.Info(fmt.Sprintf("百千万 talent %d", y), "nominations", res.Nominations, "workbook", info.Path)
	}
	return nil
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
	final, err := stages.Published(ctx, st.DB, y)
	if err != nil {
		return err
	}
	dir := filepath.Join(env.Config.Outbox, strconv.Itoa(y))
	if err := stages.Workbooks(ctx, st, y, dir, final, env.Config.Assessment.feedback(), &jobReport{env: env, r: r}, r); err != nil {
		return fmt.Errorf("%d is published, but %w", y, err)
	}
	return nil
}

// refused is the error of a job that did nothing: its ledger row (failed)
// says why it was not run.
func refused(err error) error {
	return fmt.Errorf("not run / 未运行: %w", err)
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
