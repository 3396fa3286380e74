package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/stages"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/talent"
)

// demoMetaKey marks, in store.meta, a database that demo made.
const demoMetaKey = "demo"

// claimForDemo refuses a database that holds files ingested by anything
// but demo, and marks a new one as demo's.
func claimForDemo(ctx context.Context, st *store.Store) error {
	var mark string
	err := st.DB.QueryRowContext(ctx, "SELECT value FROM store.meta WHERE key = ?", demoMetaKey).Scan(&mark)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var files int64
	if err := st.DB.QueryRowContext(ctx, "SELECT count(*) FROM store.ingests").Scan(&files); err != nil {
		return err
	}
	if files > 0 {
		return fmt.Errorf("数据库 %s 已有 %d 个导入文件，不是示例数据库；示例数据只写入新的数据库，请换一个 --out 文件夹（或 --db） / "+
			"%s already holds %d ingested files and is not a demo database; demo writes the sample only into a new database: "+
			"choose another --out folder (or --db); nothing was loaded", st.Path, files, st.Path, files)
	}
	return st.Exec(ctx, "INSERT INTO store.meta VALUES (?, 'true')", demoMetaKey)
}

// demoYear is the year the sample's data runs up to (2025Q3).
const demoYear = 2025

func (a *app) demoCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "demo --out DIR",
		Short: "示例数据：写出兰州示例报送文件，导入、评价 2025 年并生成工作簿 — write the embedded sample (Lanzhou, ~150 carriers, 2018Q4–2025Q3), ingest it, assess 2025 and write the workbook",
		Long: `写出内置的兰州示例数据（约 150 个载体，2018Q4–2025Q3）到 DIR/inbox，导入到
DIR/incubeval.duckdb（或命令行上的 --db；不使用 $INCUBEVAL_DB），评价 2025 年并写出
工作簿和退回清单。示例数据只写入新数据库或示例数据库。
Write a deterministic, realistic sample inbox into DIR/inbox — a registry
workbook, quarterly reports per district (XLSX with Chinese headers, one
district as a GBK CSV), revisions, incidents, deferrals and a handful of
rows that must be rejected — ingest it into DIR/incubeval.duckdb (or the
--db given on the command line; $INCUBEVAL_DB is not used), assess 2025
(with every year before it) and write DIR/assessment-2025.xlsx and the
batch's rejects DIR/rejects-batch-N.xlsx, as 'incubeval run' does. The
sample goes only into a new database or one demo made: a database that
holds other data is refused, untouched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			inbox := filepath.Join(out, "inbox")
			// The sample must never land in the bureau's database: only
			// --db typed on this command line counts, not $INCUBEVAL_DB.
			if !cmd.Flags().Changed("db") {
				a.dbPath = filepath.Join(out, store.DefaultPath)
			}
			// What it writes into --out is checked as run's is, before anything.
			if err := a.checkRunOut(out, demoYear, false, ""); err != nil {
				return err
			}
			files, err := sample.Demo(inbox)
			if err != nil {
				return fmt.Errorf("write sample: %w", err)
			}
			fmt.Fprintf(a.stdout, "示例数据 Sample inbox: %s (%s)\n", termSafe(inbox), plural(len(files), "file", "files"))
			st, err := a.openCreate(cmd.Context())
			if err != nil {
				return err
			}
			if err := claimForDemo(cmd.Context(), st); err != nil {
				return err
			}
			a.ledger.wrote(inbox+string(filepath.Separator), "")
			// closed by run, after the ledger row (openWrite)
			// The stage of `run` and the yearly job (stages.Year).
			err = a.runYear(cmd.Context(), st, stages.Options{Inbox: inbox, Out: out,
				Assess: assess.Options{Year: demoYear, Window: assess.WindowSep, Today: assess.Today()}})
			if err != nil {
				return err
			}
			// The year's applications and the demonstration bases, checked
			// against the embedded profiles (SPEC §8), workbooks beside the
			// assessment's.
			for _, name := range eligibility.Embedded() {
				p, err := eligibility.Named(name)
				if err != nil {
					return err
				}
				if err := a.eligibility(cmd.Context(), st, p, demoYear, out); err != nil {
					return err
				}
			}
			// The 百千万 programme's years (2021–2023), decided in order,
			// a workbook each (SPEC §9).
			prog := talent.Default()
			for _, y := range prog.Years {
				if err := a.talent(cmd.Context(), st, prog, y, out); err != nil {
					return err
				}
			}
			// Each hint is a command line alone, to paste as printed.
			fmt.Fprintf(a.stdout, "数据库 Database: %s\n", termSafe(a.dbPath))
			fmt.Fprintf(a.stdout, "说明一个载体的得分 Explain a grade:\n  %s explain --carrier LZ-ZC-0007 --year %d\n", a.selfDB(), demoYear)
			fmt.Fprintf(a.stdout, "说明一份认定申请 Explain an application:\n  %s explain --application SQ2025-004 --year %d\n", a.selfDB(), demoYear)
			fmt.Fprintf(a.stdout, "查看导入的文件 Look at what was loaded:\n  %s sql \"SELECT file_name, kind, rows_read, rows_accepted, rows_rejected FROM ingest_log\"\n", a.selfDB())
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "示例数据和数据库的文件夹（必填） folder for the sample inbox and database (required)")
	requireFlags(cmd, "out")
	return cmd
}
