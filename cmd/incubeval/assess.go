package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
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
	cmd.Flags().IntVar(&f.year, "year", 0, "assessment year (required)")
	cmd.Flags().StringVar(&f.rubricPath, "rubric", "", "rubric YAML replacing the embedded default")
	cmd.Flags().StringVar(&f.window, "window", assess.WindowSep, "sep (Q4 of Y-1 to Q3 of Y) or calendar (Q1–Q4 of Y)")
	cmd.Flags().Int64Var(&f.budget, "budget", 0, "annual funding budget in yuan (0: the rubric's, if any)")
	cmd.Flags().BoolVar(&f.force, "force", false, "recompute published years too")
}

func (f *assessFlags) options(cmd *cobra.Command) (assess.Options, error) {
	if f.year < 2000 || f.year > 9999 {
		return assess.Options{}, usageError{fmt.Errorf("--year is required (e.g. --year 2025)")}
	}
	if f.window != assess.WindowSep && f.window != assess.WindowCalendar {
		return assess.Options{}, usageError{fmt.Errorf("--window must be sep or calendar, not %q", f.window)}
	}
	opts := assess.Options{Year: f.year, Window: f.window, Force: f.force}
	if f.rubricPath != "" {
		r, err := rubric.LoadFile(f.rubricPath)
		if err != nil {
			return opts, err
		}
		opts.Rubric = r
	}
	if cmd.Flags().Changed("budget") {
		if f.budget <= 0 {
			return opts, usageError{fmt.Errorf("--budget must be a positive number of yuan")}
		}
		opts.BudgetYuan = &f.budget
	}
	return opts, nil
}

func (a *app) assessCommand() *cobra.Command {
	var f assessFlags
	cmd := &cobra.Command{
		Use:   "assess --year Y",
		Short: "Compute the yearly assessment of Y (and every year before it the chain needs)",
		Long: `Compute scores, grades, decisions, rankings and funding for year Y and for
every earlier year from the first with data (the two-failures chain needs
them), in one transaction. Published years are read as they are unless
--force. The rules are the SQL files in sql/assess; the numbers come from
the rubric (--rubric FILE, or the embedded default).`,
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
	fmt.Fprintf(a.stdout, "评价 Assessed %d (window %s to %s, %s); computed %s", opts.Year,
		res.WindowStart.Format("2006-01-02"), res.WindowEnd.Format("2006-01-02"), res.Window, yearsText(res.Computed))
	if len(res.Frozen) > 0 {
		fmt.Fprintf(a.stdout, "; published, kept as they are: %s", yearsText(res.Frozen))
	}
	fmt.Fprintf(a.stdout, "; run %d, rubric %s\n", res.RunID, res.RubricSHA[:12])
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
	// One query for every count: the results were just written.
	var graded, notAssessed, deferred, rectify, delist, revoke int
	var byGrade [4]int
	var total sql.NullInt64
	err := db.QueryRowContext(ctx, `
		SELECT count(*) FILTER (WHERE outcome = 'graded'), count(*) FILTER (WHERE outcome = 'not_assessed'),
		       count(*) FILTER (WHERE outcome = 'deferred'),
		       count(*) FILTER (WHERE grade = 'excellent'), count(*) FILTER (WHERE grade = 'good'),
		       count(*) FILTER (WHERE grade = 'pass'), count(*) FILTER (WHERE grade = 'fail'),
		       (SELECT count(*) FILTER (WHERE action = 'rectify') FROM decisions WHERE year = $1),
		       (SELECT count(*) FILTER (WHERE action = 'delist') FROM decisions WHERE year = $1),
		       (SELECT count(*) FILTER (WHERE action = 'revoke') FROM decisions WHERE year = $1),
		       (SELECT sum(amount_yuan) FROM funding WHERE year = $1)
		FROM assessments WHERE year = $1`, year).Scan(&graded, &notAssessed, &deferred,
		&byGrade[0], &byGrade[1], &byGrade[2], &byGrade[3], &rectify, &delist, &revoke, &total)
	if err != nil {
		return err
	}
	var counts []string
	for i, g := range []string{"excellent", "good", "pass", "fail"} {
		counts = append(counts, fmt.Sprintf("%s %s %d", gradeZH[g], g, byGrade[i]))
	}
	fmt.Fprintf(w, "  %d graded (%s); %d not assessed (新认定), %d deferred (暂缓)\n", graded, strings.Join(counts, ", "), notAssessed, deferred)
	fmt.Fprintf(w, "  decisions: 限期整改 rectify %d, 摘牌 delist %d, 撤销 revoke %d; funding %s yuan\n", rectify, delist, revoke, thousands(total.Int64))
	rows, err := db.QueryContext(ctx, `SELECT rank_overall, carrier_id, name, district, score, grade FROM assessments
		WHERE year = ? AND outcome = 'graded' ORDER BY rank_overall, carrier_id LIMIT 10`, year)
	if err != nil {
		return err
	}
	defer rows.Close()
	tw := table.NewWriter()
	tw.SetOutputMirror(w)
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = text.FormatDefault
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

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (a *app) publishCommand() *cobra.Command {
	var year int
	cmd := &cobra.Command{
		Use:   "publish --year Y",
		Short: "Freeze year Y's results: later runs read them, never recompute them (unless assess --force)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year == 0 {
				return usageError{fmt.Errorf("--year is required")}
			}
			st, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			already, err := assess.Publish(cmd.Context(), st, year)
			if err != nil {
				return err
			}
			if already {
				fmt.Fprintf(a.stdout, "%d was already published; nothing changed / %d 年已发布\n", year, year)
			} else {
				fmt.Fprintf(a.stdout, "已发布 Published %d: its results are frozen\n", year)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "assessment year (required)")
	return cmd
}

func (a *app) runCommand() *cobra.Command {
	var f assessFlags
	var rf reportFlags
	var inbox, out string
	cmd := &cobra.Command{
		Use:   "run --year Y --inbox DIR --out DIR",
		Short: "Ingest the inbox, assess Y, and write the workbooks into --out",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(cmd)
			if err != nil {
				return err
			}
			if inbox == "" || out == "" {
				return usageError{fmt.Errorf("--inbox and --out are required")}
			}
			st, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			res, err := a.ingest(cmd.Context(), st, []string{inbox}, ingest.Options{})
			if err != nil {
				return err
			}
			const nextZH, nextEN = "，未进行评价：请再次运行（已导入的文件将跳过）", " Nothing was assessed: run again (the files already loaded are skipped)."
			if err := os.MkdirAll(out, 0o755); err != nil {
				return a.loadedButFailed(res, "创建 "+out, "creating "+out, nextZH, nextEN, err)
			}
			rejects := filepath.Join(out, fmt.Sprintf("rejects-batch-%d.xlsx", res.BatchID))
			if n, err := reports.WriteRejects(cmd.Context(), st.DB, res.BatchID, rejects); err != nil {
				return a.loadedButFailed(res, "写退回清单 "+rejects, "writing the rejects workbook "+rejects, nextZH, nextEN, err)
			} else if n > 0 {
				fmt.Fprintf(a.stdout, "退回清单 Rejects workbook: %s (%d issues)\n", termSafe(rejects), n)
				a.ledger.wroteFile(rejects)
			} else {
				os.Remove(rejects)
			}
			if err := a.assess(cmd.Context(), st, opts); err != nil {
				return err
			}
			return a.report(cmd.Context(), st, opts.Year, out, rf)
		},
	}
	f.register(cmd)
	rf.register(cmd)
	cmd.Flags().StringVar(&inbox, "inbox", "", "folder of submitted files")
	cmd.Flags().StringVar(&out, "out", "", "folder for the results")
	return cmd
}
