package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/pipeline/stages"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
	"github.com/incubeval/incubeval/reports/xlsx"
)

// assessFlags are shared by `assess` and `run`.
type assessFlags struct {
	year       int
	rubricPath string
	window     string
	budget     int64
	force      bool
}

func (f *assessFlags) register(cmd *cobra.Command) {
	yearFlag(cmd, &f.year, "评价年度（必填） assessment year (required)")
	cmd.Flags().StringVar(&f.rubricPath, "rubric", "", "评分细则 YAML，替换内置默认 rubric YAML replacing the embedded default")
	f.window = assess.WindowSep
	enumFlag(cmd.Flags(), &f.window, "window", []string{assess.WindowSep, assess.WindowCalendar},
		"考核期 sep（上年第四季度至本年第三季度）或 calendar（本年一至四季度） sep (Q4 of Y-1 to Q3 of Y) or calendar (Q1–Q4 of Y)")
	cmd.Flags().Int64Var(&f.budget, "budget", 0, "年度资助预算（元） annual funding budget in yuan (0: the rubric's, if any)")
	cmd.Flags().BoolVar(&f.force, "force", false, "已发布的年度也重新计算 recompute published years too")
	requireFlags(cmd, "year")
}

func (f *assessFlags) options(cmd *cobra.Command) (assess.Options, error) {
	if f.year < 2000 || f.year > 9999 {
		return assess.Options{}, usageError{fmt.Errorf("--year is required (e.g. --year 2025)")}
	}
	if f.window != assess.WindowSep && f.window != assess.WindowCalendar {
		return assess.Options{}, usageError{fmt.Errorf("--window must be sep or calendar, not %q", f.window)}
	}
	// A year whose window has not ended is refused before anything is
	// opened (SPEC §10); assess.Run checks it again.
	today := assess.Today()
	if err := assess.CheckWindowEnded(f.window, f.year, today); err != nil {
		return assess.Options{}, usageError{err}
	}
	opts := assess.Options{Year: f.year, Window: f.window, Force: f.force, Today: today}
	if f.rubricPath != "" {
		r, err := rubric.LoadNormalizedFile(f.rubricPath)
		if err != nil {
			return opts, err
		}
		opts.Rubric = r
	}
	if cmd.Flags().Changed("budget") {
		if f.budget <= 0 {
			return opts, usage("--budget 应为正数（元）", "--budget must be a positive number of yuan")
		}
		opts.BudgetYuan = &f.budget
	}
	return opts, nil
}

func (a *app) assessCommand() *cobra.Command {
	var f assessFlags
	cmd := &cobra.Command{
		Use:   "assess --year Y",
		Short: "年度评价：计算 Y 年（及之前各年）的得分、等级、决定和资助 — compute the yearly assessment of Y (and every year before it the chain needs)",
		Long: `计算 Y 年及之前有数据的各年度的得分、等级、决定、排名和资助（连续两年不合格摘牌需要前一年），
在一个事务中完成。已发布的年度按原样读取，除非 --force。规则在 sql/assess 中，
数值来自评分细则（--rubric FILE 或内置默认）。
Compute scores, grades, decisions, rankings and funding for year Y and for
every earlier year from the first with data (the two-failures chain needs
them), in one transaction. Published years are read as they are unless
--force. The rules are the SQL files in sql/assess; the numbers come from
the rubric (--rubric FILE, or the embedded default).

计算 Y 年度（及此前各年度）的评价。评价期未结束的年度不能评价（退出码 2）。
A year whose window has not ended (sep: 30 September Y; calendar:
31 December Y, on or after today in Asia/Shanghai) is refused, exit 2. No
year after Y is stored: when unpublished results of a later year are
stored (they build on Y through the chain), assess refuses and says to
assess that year instead or to remove it ('incubeval discard'); published
later years stay as they are.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(cmd)
			if err != nil {
				return err
			}
			st, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			return a.assess(cmd.Context(), st, opts)
		},
	}
	f.register(cmd)
	return cmd
}

// assess runs the assessment and prints what it did and the top of the ranking.
func (a *app) assess(ctx context.Context, st *store.Store, opts assess.Options) error {
	res, err := assess.Run(ctx, st, opts)
	if err != nil {
		return err
	}
	return a.printAssessed(ctx, st, opts, res)
}

// printAssessed prints what an assessment did — the years computed and
// kept, warnings about published or open years — and the year's counts
// and top ten.
func (a *app) printAssessed(ctx context.Context, st *store.Store, opts assess.Options, res *assess.Result) error {
	fmt.Fprintf(a.stdout, "评价 Assessed %d (window %s to %s, %s); computed %s", opts.Year,
		res.WindowStart.Format("2006-01-02"), res.WindowEnd.Format("2006-01-02"), res.Window, yearsText(res.Computed))
	if len(res.Frozen) > 0 {
		fmt.Fprintf(a.stdout, "; published, kept as they are: %s", yearsText(res.Frozen))
	}
	if len(res.Held) > 0 {
		fmt.Fprintf(a.stdout, "; kept as they are because the published %d builds on them: %s", res.HeldBy, yearsText(res.Held))
	}
	if len(res.LaterKept) > 0 {
		fmt.Fprintf(a.stdout, "; later published years, kept as they are: %s", yearsText(res.LaterKept))
	}
	fmt.Fprintf(a.stdout, "; run %d, rubric %s\n", res.RunID, res.RubricSHA[:12])
	if opts.Force && len(res.LaterKept) > 0 {
		ys := yearsText(res.LaterKept)
		fmt.Fprintf(a.stderr, "incubeval: 注意 warning: the published %s builds on the years recomputed and was kept as it is: its decisions may now contradict them; unpublish and assess it again to bring them together / 已发布的 %s 年度以重算的年度为依据且未改变，其处理决定可能与之不一致\n", ys, ys)
	}
	if len(res.OpenStored) > 0 {
		// Stored before SPEC §10 was enforced: say how to remove them.
		ys := yearsText(res.OpenStored)
		fmt.Fprintf(a.stderr, "incubeval: 注意 warning: the stored results of %s belong to a window that has not ended; remove them with '%s unpublish --year %d --reason …' (if published) and '%s discard --year %d' / %s 年度评价期尚未结束，其已存储的结果应撤回发布并删除\n",
			ys, a.selfDB(), res.OpenStored[0], a.selfDB(), res.OpenStored[0], ys)
	}
	return printSummary(ctx, st.DB, a.stdout, opts.Year)
}

func yearsText(ys []int) string {
	switch len(ys) {
	case 0:
		return "none"
	case 1:
		return strconv.Itoa(ys[0])
	}
	if ys[len(ys)-1]-ys[0] == len(ys)-1 {
		return fmt.Sprintf("%d–%d", ys[0], ys[len(ys)-1])
	}
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ", ")
}

var gradeZH = map[string]string{"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}

// printSummary prints the year's counts by grade and decision and the top ten.
func printSummary(ctx context.Context, db *sql.DB, w io.Writer, year int) error {
	sum, err := assess.Summarize(ctx, db, year)
	if err != nil {
		return err
	}
	printCounts(w, sum)
	rows, err := db.QueryContext(ctx, `SELECT rank_overall, carrier_id, name, district, score, grade FROM assessments
		WHERE year = ? AND outcome = 'graded' ORDER BY rank_overall, carrier_id LIMIT 10`, year)
	if err != nil {
		return err
	}
	defer rows.Close()
	tw := newTermTable(widthOf(w)) // fits the terminal (termtable.go)
	tw.SetOutputMirror(w)
	tw.AppendHeader(table.Row{"名次 rank", "编号 id", "载体名称 name", "区县 district", "得分 score", "等级 grade"})
	for rows.Next() {
		var rank int
		var id, name, district, grade string
		var score any
		if err := rows.Scan(&rank, &id, &name, &district, &score, &grade); err != nil {
			return err
		}
		tw.AppendRow(table.Row{rank, termText(id, termWord), termText(name, termName), termText(district, termWord), store.Fixed(score), gradeZH[grade] + " " + grade})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "  前十名 Top ten of %d:\n", year)
	tw.Render()
	return nil
}

var actionZH = map[string]string{"keep": "保留", "rectify": "限期整改", "delist": "摘牌", "revoke": "撤销"}

// printCounts prints a year's counts by grade, outcome and decision, and
// its funding.
func printCounts(w io.Writer, s *assess.YearSummary) {
	var grades, actions []string
	for _, g := range assess.Grades {
		grades = append(grades, fmt.Sprintf("%s %s %d", gradeZH[g], g, s.ByGrade[g]))
	}
	for _, act := range assess.Actions {
		actions = append(actions, fmt.Sprintf("%s %s %d", actionZH[act], act, s.ByAction[act]))
	}
	fmt.Fprintf(w, "  %d graded (%s); %d not assessed (新认定), %d deferred (暂缓)\n", s.Graded, strings.Join(grades, ", "), s.NotAssessed, s.Deferred)
	fmt.Fprintf(w, "  decisions: %s; funding %s yuan", strings.Join(actions, ", "), xlsx.Thousands(s.FundingYuan))
	if s.RecoveryYuan > 0 {
		fmt.Fprintf(w, ", to recover 追回 %s yuan", xlsx.Thousands(s.RecoveryYuan))
	}
	fmt.Fprintln(w)
}

func (a *app) publishCommand() *cobra.Command {
	var year int
	var yes bool
	cmd := &cobra.Command{
		Use:   "publish --year Y [--yes]",
		Short: "发布（冻结）Y 年的评价结果 — freeze year Y's results: later runs read them, never recompute them (unless assess --force)",
		Long: `发布（冻结）Y 年度的评价结果。先显示将冻结的内容（按等级、按处理决定的家数，资助总额），
在终端上询问确认（y 或 是）；脚本中用 --yes 确认。评价期未结束的年度不能发布。

Freeze year Y's stored results: later runs read them as they are. publish
first shows what it freezes — the year, the carriers by grade and by
decision, the total funding — and asks on a terminal (y, yes or 是 to
confirm; anything else freezes nothing, exit 1). --yes confirms in
scripts; without a terminal and without --yes nothing is done (exit 2).
A year whose window has not ended is refused (exit 2). To reopen a
published year: 'incubeval unpublish --year Y --reason TEXT'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year < 2000 || year > 9999 {
				return usageError{fmt.Errorf("--year is required (e.g. --year 2025)")}
			}
			// Every window of Y ends on 30 September Y or later.
			today := assess.Today()
			if err := assess.CheckWindowEnded(assess.WindowSep, year, today); err != nil {
				return usageError{err}
			}
			if err := a.canConfirm(yes, "publish"); err != nil {
				return err
			}
			st, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			a.ledger.set("year", year)
			sum, err := assess.Summarize(cmd.Context(), st.DB, year)
			if err != nil {
				return err
			}
			if sum.Published {
				fmt.Fprintf(a.stdout, "%d was already published; nothing changed / %d 年已发布\n", year, year)
				return nil
			}
			if err := sum.CheckEnded(today); err != nil {
				return usageError{err}
			}
			if err := assess.CheckCurrent(cmd.Context(), st.DB, sum); err != nil {
				return err
			}
			shown := a.shown(yes)
			fmt.Fprintf(shown, "将发布 To publish (freeze): %d, window %s to %s (%s), assessment run %d\n", year,
				sum.WindowStart.Format("2006-01-02"), sum.WindowEnd.Format("2006-01-02"), sum.Window, sum.RunID)
			printCounts(shown, sum)
			if !yes {
				ok, err := a.confirm(cmd.Context(), fmt.Sprintf("发布后 %d 年结果冻结，作为正式结果 / once published, these are the official results of %d. 确认发布 Publish %d? [y/N] ", year, year, year))
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("not confirmed: nothing was frozen / 未确认，未发布")
				}
			}
			already, err := assess.Publish(cmd.Context(), st, year, today)
			if err != nil {
				var open *assess.OpenWindowError
				if errors.As(err, &open) {
					return usageError{err}
				}
				return err
			}
			a.ledger.set("assessment_run", sum.RunID)
			a.ledger.set("graded", sum.Graded)
			a.ledger.set("grades", sum.ByGrade)
			a.ledger.set("decisions", sum.ByAction)
			a.ledger.set("funding_yuan", sum.FundingYuan)
			if already {
				fmt.Fprintf(a.stdout, "%d was already published; nothing changed / %d 年已发布\n", year, year)
			} else {
				fmt.Fprintf(a.stdout, "已发布 Published %d: its results are frozen\n", year)
			}
			return nil
		},
	}
	yearFlag(cmd, &year, "要发布的评价年度（必填） assessment year (required)")
	requireFlags(cmd, "year")
	cmd.Flags().BoolVar(&yes, "yes", false, "不询问，直接确认 confirm without asking (scripts)")
	return cmd
}

func (a *app) runCommand() *cobra.Command {
	var f assessFlags
	var rf reportFlags
	var inbox, out, rejectsBy string
	cmd := &cobra.Command{
		Use:   "run --year Y --inbox DIR --out DIR",
		Short: "一次完成：导入收件箱、评价 Y 年、生成工作簿 — ingest the inbox, assess Y, and write the workbooks into --out",
		Long: `一次完成定时任务 yearly-assessment 所做的事：导入收件箱（一个批次），有退回时写出退回清单
OUT/rejects-batch-N.xlsx（--rejects-by 时每个区县或载体一份，在 OUT/rejects-batch-N/ 中），
评价 Y 年，写出 OUT/assessment-Y.xlsx（--feedback 另写反馈表）。该年度已发布时工作簿标为定稿，
否则为草稿；--final 要求该年度已发布，否则不做任何操作。
Do by hand what the scheduler's yearly-assessment job does, through the
same code: ingest the inbox as one batch; when it rejected rows or whole
files, write its rejects workbook OUT/rejects-batch-N.xlsx (with
--rejects-by district|carrier, one per district or carrier in
OUT/rejects-batch-N/); assess Y; write OUT/assessment-Y.xlsx and, with
--feedback, the letters in OUT/feedback-Y/. The workbooks are final (定稿)
once Y is published, draft (草稿) before; --final insists: a year not
published is refused before anything is done. Every file written is in
the run ledger with its SHA-256.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(cmd)
			if err != nil {
				return err
			}
			if inbox == "" || out == "" {
				return usageError{fmt.Errorf("--inbox and --out are required")}
			}
			if err := checkInputs([]string{inbox}); err != nil {
				return err
			}
			if err := a.checkRunOut(out, opts.Year, rf.feedback, rejectsBy); err != nil {
				return err
			}
			if _, err := os.Stat(a.dbPath); rf.final && errors.Is(err, fs.ErrNotExist) {
				// Nothing is published where there is no database: no
				// database is made only to be refused.
				return a.stageError(&stages.NotPublishedError{Year: opts.Year}, false)
			}
			st, err := a.openCreate(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			return a.runYear(cmd.Context(), st, stages.Options{Inbox: inbox, Out: out, RejectsBy: rejectsBy,
				Assess: opts, Feedback: rf.feedback, Final: rf.final})
		},
	}
	f.register(cmd)
	rf.register(cmd)
	cmd.Flags().StringVar(&inbox, "inbox", "", "报送文件所在文件夹（必填） folder of submitted files (required)")
	cmd.Flags().StringVar(&out, "out", "", "结果输出文件夹（必填） folder for the results (required)")
	enumFlag(cmd.Flags(), &rejectsBy, "rejects-by", []string{reports.RejectsByDistrict, reports.RejectsByCarrier},
		"按区县或载体分别写退回清单 one rejects workbook per submitting district or carrier, in OUT/rejects-batch-N/: district|carrier")
	requireFlags(cmd, "inbox", "out")
	return cmd
}
