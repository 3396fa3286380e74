package main

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

func (a *app) templateCommand() *cobra.Command {
	var year, quarter int
	var out string
	cmd := &cobra.Command{
		Use:   "template --year Y --quarter Q --out FILE",
		Short: "Write the blank quarterly report workbook (季度报表填报模板) for carriers to fill in",
		Long: `Write FILE (.xlsx): the quarterly report sheet for Y Q with bilingual headers
that ingest recognises, drop-down lists and range checks on every column,
the carriers registered at the quarter's end (from the database, which is
opened read-only) and instructions (due date, units, revisions, where to
send it). Without a database the template is still written, with an empty
carriers list.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case year < 2000 || year > 9999:
				return usageError{fmt.Errorf("--year is required (e.g. --year 2025)")}
			case quarter < 1 || quarter > 4:
				return usageError{fmt.Errorf("--quarter must be 1, 2, 3 or 4")}
			case out == "":
				return usageError{fmt.Errorf("--out FILE is required (e.g. --out 季度报表-%dQ%d.xlsx)", year, quarter)}
			case !strings.EqualFold(filepath.Ext(out), ".xlsx"):
				return usageError{fmt.Errorf("--out must end in .xlsx, not %q", filepath.Base(out))}
			}
			var db *sql.DB
			if _, err := os.Stat(a.dbPath); errors.Is(err, fs.ErrNotExist) {
				db := termSafe(a.dbPath)
				fmt.Fprintf(a.stderr, "没有数据库 %s：在册载体名单为空 / no database at %s: the carriers list is empty\n", db, db)
			} else {
				st, err := store.Open(cmd.Context(), a.dbPath, store.Options{ReadOnly: true})
				if err != nil {
					return err
				}
				defer st.Close()
				db = st.DB
			}
			if err := reports.WriteTemplate(cmd.Context(), db, year, quarter, out); err != nil {
				return fmt.Errorf("write template: %w", err)
			}
			fmt.Fprintf(a.stdout, "填报模板 Template for %dQ%d: %s\n", year, quarter, termSafe(out))
			return nil
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "report year (required)")
	cmd.Flags().IntVar(&quarter, "quarter", 0, "report quarter, 1–4 (required)")
	cmd.Flags().StringVar(&out, "out", "", "workbook to write, .xlsx (required)")
	return cmd
}
