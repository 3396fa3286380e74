package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// demoYear is the year the sample's data runs up to (2025Q3).
const demoYear = 2025

func (a *app) demoCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "demo --out DIR",
		Short: "Write the embedded sample (Lanzhou, ~150 carriers, 2018Q4–2025Q3), ingest it, assess 2025 and write the workbook",
		Long: `Write a deterministic, realistic sample inbox into DIR/inbox — a registry
workbook, quarterly reports per district (XLSX with Chinese headers, one
district as a GBK CSV), revisions, incidents, deferrals and a handful of
rows that must be rejected — ingest it into DIR/incubeval.duckdb (or --db
when given), assess 2025 (with every year before it) and write
DIR/assessment-2025.xlsx and DIR/rejects.xlsx.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("--out DIR is required")}
			}
			inbox := filepath.Join(out, "inbox")
			files, err := sample.Demo(inbox)
			if err != nil {
				return fmt.Errorf("write sample: %w", err)
			}
			fmt.Fprintf(a.stdout, "示例数据 Sample inbox: %s (%d files)\n", termSafe(inbox), len(files))
			if !cmd.Flags().Changed("db") && os.Getenv("INCUBEVAL_DB") == "" {
				a.dbPath = filepath.Join(out, store.DefaultPath)
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
			rejects := filepath.Join(out, "rejects.xlsx")
			n, err := reports.WriteRejects(cmd.Context(), st.DB, res.BatchID, rejects)
			if err != nil {
				return a.loadedButFailed(res, "写退回清单 "+rejects, "writing the rejects workbook "+rejects,
					"，未进行评价", " Nothing was assessed.", err)
			}
			fmt.Fprintf(a.stdout, "退回清单 Rejects workbook: %s (%d issues)\n", termSafe(rejects), n)
			if err := a.assess(cmd.Context(), st, assess.Options{Year: demoYear}); err != nil {
				return err
			}
			if err := a.report(cmd.Context(), st, demoYear, out, reportFlags{}); err != nil {
				return err
			}
			db := termSafe(a.dbPath)
			fmt.Fprintf(a.stdout, "数据库 Database: %s\n", db)
			fmt.Fprintf(a.stdout, "Explain a grade:  %s explain --db %s --carrier LZ-ZC-0007 --year %d\n", termSafe(self()), db, demoYear)
			fmt.Fprintf(a.stdout, "Look at it:  %s sql --db %s \"SELECT file_name, kind, rows_read, rows_accepted, rows_rejected FROM ingest_log\"\n", termSafe(self()), db)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "folder for the sample inbox and database")
	return cmd
}
