package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// reportFlags are shared by `report` and `run`.
type reportFlags struct {
	feedback bool
	final    bool
}

func (f *reportFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.feedback, "feedback", false, "同时为每个参评载体生成评价反馈表 also write one feedback workbook (评价反馈表) per graded carrier into OUT/feedback-Y/")
	cmd.Flags().BoolVar(&f.final, "final", false, "标为定稿（该年度须已发布） mark the workbook final (定稿); the year must be published")
}

func (a *app) reportCommand() *cobra.Command {
	var year int
	var out string
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report --year Y --out DIR",
		Short: "生成评价结果工作簿 DIR/assessment-Y.xlsx（--feedback 另为每个载体生成反馈表） — write the assessment workbook (and, with --feedback, one workbook per carrier)",
		Long: `根据 Y 年已存储的评价结果生成工作簿 DIR/assessment-Y.xlsx：概览（含图表）、排名、限期整改、
摘牌与撤销、资助、数据报送、指标明细和说明。所有数字读自视图；只读数据库，
有写入进程时读取最近发布的快照。
Write DIR/assessment-Y.xlsx for officials from the stored results of year Y:
概览 summary with charts, 排名 rankings, 限期整改 rectification, 摘牌与撤销
delisting and revocation, 资助 funding, 数据报送 reporting compliance,
指标明细 indicator detail and 说明 method. Every number is read from the
views (assessments, indicator_scores, decisions, funding, …); the database
is opened read-only. Run 'incubeval assess --year Y' first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year < 2000 || year > 9999 {
				return usageError{fmt.Errorf("--year is required (e.g. --year 2025)")}
			}
			if out == "" {
				return usageError{fmt.Errorf("--out DIR is required")}
			}
			if err := a.checkReportOut(out, year, f.feedback); err != nil {
				return err
			}
			// The published snapshot while a writer works (read_source.go).
			return a.readStore(cmd.Context(), a.dbPath, func(st *store.Store) error {
				return a.report(cmd.Context(), st, year, out, f)
			})
		},
	}
	yearFlag(cmd, &year, "评价年度（必填） assessment year (required)")
	cmd.Flags().StringVar(&out, "out", "", "工作簿输出文件夹（必填） folder for the workbooks (required)")
	requireFlags(cmd, "year", "out")
	f.register(cmd)
	return cmd
}

// checkReportOut refuses, before anything runs, a --out folder (and its
// feedback folder) that is the database's, one of its files or its
// archive, or where a workbook it writes would replace the database or one
// of its files.
func (a *app) checkReportOut(out string, year int, feedback bool) error {
	if err := outputFolder("--out", out, a.dbPath, "assessment-*.xlsx", "rejects-batch-*.xlsx"); err != nil {
		return err
	}
	if feedback {
		// Every file of the feedback folder is ours (letters, SHA256SUMS).
		if err := outputFolder("--out", filepath.Join(out, fmt.Sprintf("feedback-%d", year)), a.dbPath, "*"); err != nil {
			return err
		}
	}
	if _, err := os.Stat(out); err != nil {
		return nil // a new folder holds nothing of the database's
	}
	_, err := outputPathFlag("--out", filepath.Join(out, fmt.Sprintf("assessment-%d.xlsx", year)), a.dbPath)
	return err
}

// report writes the year's workbooks into out and says where they are.
func (a *app) report(ctx context.Context, st *store.Store, year int, out string, f reportFlags) error {
	var n, published int
	if err := st.DB.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE published) FROM assessments WHERE year = ?`, year).Scan(&n, &published); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%d 年尚无评价结果，请先运行 %s assess --year %d / no results for %d yet; first run: %s assess --year %d",
			year, a.selfDB(), year, year, a.selfDB(), year)
	}
	if f.final && published == 0 {
		// A state of the database, not a mistake in the command line: exit 1.
		return fmt.Errorf("--final: %d is not published; run '%s publish --year %d' first / %d 年尚未发布", year, self(), year, year)
	}
	t0 := time.Now()
	path := filepath.Join(out, fmt.Sprintf("assessment-%d.xlsx", year))
	info, err := reports.WriteAssessment(ctx, st.DB, year, path, reports.AssessmentOptions{Final: f.final})
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(a.stdout, "评价结果工作簿 Assessment workbook: %s (%d ranked carriers, %d indicator rows, %.1f s)\n",
		termSafe(info.Path), info.RankedRows, info.IndicatorRows, time.Since(t0).Seconds())
	fmt.Fprintf(a.stdout, "  SHA-256 %s\n", info.SHA256)
	a.ledger.wrote(info.Path, info.SHA256)
	if f.feedback {
		t0 = time.Now()
		dir := filepath.Join(out, fmt.Sprintf("feedback-%d", year))
		fb, err := reports.WriteFeedback(ctx, st.DB, year, dir, reports.FeedbackOptions{Final: f.final})
		if err != nil {
			return fmt.Errorf("write feedback workbooks: %w", err)
		}
		a.ledger.wrote(dir+string(filepath.Separator), "")
		fmt.Fprintf(a.stdout, "评价反馈表 Feedback workbooks: %s (%s, %.1f s)\n", termSafe(dir), plural(fb.Written, "carrier", "carriers"), time.Since(t0).Seconds())
		if fb.Sums != "" {
			fmt.Fprintf(a.stdout, "  校验清单 Checksums: %s, SHA-256 %s\n", termSafe(fb.Sums), fb.SumsSHA256)
			a.ledger.wrote(fb.Sums, fb.SumsSHA256)
		}
	}
	return nil
}
