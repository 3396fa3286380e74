package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/store"
)

func (a *app) sqlCommand() *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "sql QUERY",
		Short: "Run a read-only SQL query over the views (table or CSV output)",
		Long: `Run one SQL query against the database, opened read-only. The views
(carriers, quarterly_reports, quarterly_report_revisions, incidents,
deferrals, ingest_log, rejects, warnings, runs) are described in README.md.`,
		Example: `  incubeval sql "SELECT district, count(*) FROM carriers GROUP BY 1 ORDER BY 2 DESC"
  incubeval sql --format csv "SELECT * FROM rejects" > rejects.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format == "" {
				format = "csv"
				if isTerminal(a.stdout) {
					format = "table"
				}
			}
			if format != "table" && format != "csv" {
				return usageError{fmt.Errorf("--format must be table or csv, not %q", format)}
			}
			st, err := store.Open(cmd.Context(), a.dbPath, store.Options{ReadOnly: true})
			if err != nil {
				return err
			}
			defer st.Close()
			out := a.stdout
			if output != "" {
				f, err := os.Create(output)
				if err != nil {
					return err
				}
				defer f.Close()
				out = f
			}
			return query(cmd.Context(), st.DB, args[0], format, out)
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "table|csv (default: table on a terminal, csv when piped)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}

func query(ctx context.Context, db *sql.DB, q, format string, out io.Writer) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	cells := make([]string, len(cols))
	var (
		cw *csv.Writer
		tw table.Writer
	)
	if format == "csv" {
		cw = csv.NewWriter(out)
		if err := cw.Write(cols); err != nil {
			return err
		}
	} else {
		tw = table.NewWriter()
		tw.SetOutputMirror(out)
		hdr := make(table.Row, len(cols))
		for i, c := range cols {
			hdr[i] = c
		}
		tw.AppendHeader(hdr)
		tw.SetStyle(table.StyleLight)
		tw.Style().Format.Header = text.FormatDefault // column names as SQL knows them
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			cells[i] = store.Text(v)
		}
		if cw != nil {
			if err := cw.Write(cells); err != nil {
				return err
			}
		} else {
			r := make(table.Row, len(cells))
			for i, c := range cells {
				r[i] = c
			}
			tw.AppendRow(r)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if cw != nil {
		cw.Flush()
		return cw.Error()
	}
	tw.Render()
	fmt.Fprintf(out, "(%d rows)\n", n)
	return nil
}
