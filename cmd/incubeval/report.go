package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/stages"
	"github.com/incubeval/incubeval/pipeline/store"
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

// checkRunOut is checkReportOut for a year's run (run, demo), which also
// writes the batch's rejects into out: rejects-batch-N.xlsx, or with
// rejectsBy workbooks in rejects-batch-N/ — a folder of that name already
// there (N is known only once the batch is loaded) is checked now as the
// folder they go into; a new one holds nothing of the database's.
func (a *app) checkRunOut(out string, year int, feedback bool, rejectsBy string) error {
	if err := a.checkReportOut(out, year, feedback); err != nil {
		return err
	}
	if rejectsBy == "" {
		return nil
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil // a new folder
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "rejects-batch-") {
			continue
		}
		dir := filepath.Join(out, e.Name())
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			if err := outputFolder("--out", dir, a.dbPath, "退回清单-*.xlsx"); err != nil {
				return err
			}
		}
	}
	return nil
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
	// The last step of a year's run (stages.Workbooks); report has no
	// ledger row (it only reads the database).
	return a.stageError(stages.Workbooks(ctx, st, year, out, f.final, f.feedback, &cliReport{a: a}, stageLedger{&a.ledger}), f.feedback)
}
