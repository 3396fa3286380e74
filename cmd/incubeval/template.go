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
	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports"
)

// Kinds of submission template: the quarterly report (a carrier's), the
// applications for recognition (an applicant's, SPEC §8.1) and the
// nominations of the 百千万 programme (a district's, SPEC §9).
const (
	templateQuarterly    = "quarterly"
	templateApplications = "applications"
	templateNominations  = "nominations"
)

func (a *app) templateCommand() *cobra.Command {
	var year, quarter int
	var out string
	kind := templateQuarterly
	cmd := &cobra.Command{
		Use:   "template [--kind applications|nominations] --year Y --quarter Q --out FILE",
		Short: "生成填报模板（季度报表、认定申请或创业人才推荐） — write the blank workbook carriers fill in (季度报表), applicants do (认定申请, --kind applications) or districts do (创业人才推荐, --kind nominations)",
		Long: `生成 Y 年第 Q 季度的季度报表填报模板（.xlsx）：中英文表头、下拉列表和取值检查、
该季度末在册的载体名单和填报说明。只读数据库，有写入进程时读取最近发布的快照。
加 --kind applications 时生成 Y 年的认定申请表，加 --kind nominations 时生成 Y 年的
“百千万”创业人才推荐表（均不用 --quarter，不读数据库）。
Write FILE (.xlsx): the quarterly report sheet for Y Q with bilingual headers
that ingest recognises, drop-down lists and range checks on every column,
the carriers registered at the quarter's end (from the database, which is
opened read-only) and instructions (due date, units, revisions, where to
send it). Without a database the template is still written, with an empty
carriers list.

With --kind applications, FILE is the sheet of applications for
recognition (认定申请, one row per application) for year Y, with the same
kind of headers, checks and instructions; it takes no --quarter and reads
no database (an applicant is not a carrier yet). With --kind nominations,
FILE is the sheet of nominations for the titles of the 百千万 programme
(创业人才推荐, one row per person and title) for year Y, its districts and
categories those of the embedded programme, and the year's criteria in its
instructions; likewise without --quarter or a database.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case year < 2000 || year > 9999:
				return usageError{fmt.Errorf("--year is required (e.g. --year 2025)")}
			case kind == templateQuarterly && !cmd.Flags().Changed("quarter"):
				return usage("缺少必填选项 --quarter", "missing required flag --quarter")
			case kind == templateQuarterly && (quarter < 1 || quarter > 4):
				return usageError{fmt.Errorf("--quarter must be 1, 2, 3 or 4")}
			case kind == templateApplications && cmd.Flags().Changed("quarter"):
				return usage("认定申请表按年度填写，不用 --quarter", "--quarter is for the quarterly template; an applications template is for a year")
			case kind == templateNominations && cmd.Flags().Changed("quarter"):
				return usage("创业人才推荐表按年度填写，不用 --quarter", "--quarter is for the quarterly template; a nominations template is for a year")
			case out == "":
				return usageError{fmt.Errorf("--out FILE is required (e.g. --out 季度报表-%dQ%d.xlsx)", year, quarter)}
			case !strings.EqualFold(filepath.Ext(out), ".xlsx"):
				return usage(fmt.Sprintf("--out 应以 .xlsx 结尾，而不是「%s」", filepath.Base(out)), fmt.Sprintf("--out must end in .xlsx, not %q", filepath.Base(out)))
			}
			resolved, err := outputFile("--out", out, a.dbPath)
			if err != nil {
				return err
			}
			out = resolved
			if kind == templateApplications {
				if err := reports.WriteApplicationsTemplate(year, out); err != nil {
					return fmt.Errorf("write template: %w", err)
				}
				fmt.Fprintf(a.stdout, "认定申请表 Applications template for %d: %s\n", year, termSafe(out))
				return nil
			}
			if kind == templateNominations {
				if p := talent.Default(); !p.InYears(year) {
					// Ingest takes any year; the selection awards in the programme's.
					fmt.Fprintf(a.stderr, "注意：%d 年不是内置百千万工程（%d—%d 年）的年度 / note: %d is not a year of the embedded programme (%d–%d)\n",
						year, p.Years[0], p.Years[len(p.Years)-1], year, p.Years[0], p.Years[len(p.Years)-1])
				}
				if err := reports.WriteNominationsTemplate(year, out); err != nil {
					return fmt.Errorf("write template: %w", err)
				}
				fmt.Fprintf(a.stdout, "创业人才推荐表 Nominations template for %d: %s\n", year, termSafe(out))
				return nil
			}
			write := func(db *sql.DB) error {
				if err := reports.WriteTemplate(cmd.Context(), db, year, quarter, out); err != nil {
					return fmt.Errorf("write template: %w", err)
				}
				return nil
			}
			if _, err := os.Stat(a.dbPath); errors.Is(err, fs.ErrNotExist) {
				db := termSafe(a.dbPath)
				fmt.Fprintf(a.stderr, "没有数据库 %s：在册载体名单为空 / no database at %s: the carriers list is empty\n", db, db)
				if err := write(nil); err != nil {
					return err
				}
			} else if err := a.readStore(cmd.Context(), a.dbPath, func(st *store.Store) error { return write(st.DB) }); err != nil {
				// The published snapshot while a writer works (read_source.go).
				return err
			}
			fmt.Fprintf(a.stdout, "填报模板 Template for %dQ%d: %s\n", year, quarter, termSafe(out))
			return nil
		},
	}
	enumFlag(cmd.Flags(), &kind, "kind", []string{templateQuarterly, templateApplications, templateNominations},
		"模板类型：季度报表（默认）、认定申请或创业人才推荐 which template: quarterly (default), applications or nominations")
	yearFlag(cmd, &year, "报表、申请或推荐年度（必填） report, application or nomination year (required)")
	cmd.Flags().Var(quarterValue{&quarter}, "quarter", "报表季度 1–4（季度报表必填） report quarter, 1–4 (required for the quarterly template)")
	cmd.Flags().StringVar(&out, "out", "", "要写出的工作簿 .xlsx（必填） workbook to write, .xlsx (required)")
	requireFlags(cmd, "year", "out")
	return cmd
}
