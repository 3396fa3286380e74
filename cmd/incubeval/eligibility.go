package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/store"
)

// loadProfile reads --profile: an embedded profile's code, else a file.
func loadProfile(arg string) (*eligibility.Profile, error) {
	if _, ok := eligibility.EmbeddedYAML(arg); ok {
		return eligibility.Named(arg)
	}
	if !strings.ContainsAny(arg, `/\`) && !strings.HasSuffix(arg, ".yaml") && !strings.HasSuffix(arg, ".yml") {
		return nil, usageError{fmt.Errorf("--profile %s: not an embedded profile (%s) nor a .yaml file / 没有这个内置条件，也不是 .yaml 文件",
			arg, strings.Join(eligibility.Embedded(), ", "))}
	}
	return eligibility.LoadFile(arg)
}

func (a *app) eligibilityCommand() *cobra.Command {
	var year int
	var profile, out string
	var stored bool
	cmd := &cobra.Command{
		Use:   "eligibility --profile NAME|FILE --year Y [--out DIR] [--stored]",
		Short: "认定与推荐：按条件逐项核对申请或在册载体 — check applications or registered carriers against a profile of conditions",
		Long: `按条件（profile）逐项核对，结果存入数据库（视图 eligibility、eligibility_checks），
打印各结论的数量和主要原因；--out DIR 另写出 DIR/eligibility-NAME-Y.xlsx：结果、核查清单、公示名单和说明。
内置两套条件：municipal_maker_space（市级众创空间认定，核对 Y 年的认定申请）和
provincial_demo_base（省级创业就业孵化示范基地推荐，核对在册的市级示范基地近三年的数据）。
--profile FILE 运行自己编写的条件文件（格式同内置文件，见 README）。同一条件同一年度再次运行，视图显示最新一次。

Check subjects against a profile of conditions (SPEC §8) and store the
results (views eligibility, eligibility_checks); print the counts by outcome
and the conditions most often not met. With --out DIR, also write
DIR/eligibility-NAME-Y.xlsx: results with every condition's value,
threshold and outcome, the checklist of what a person must confirm on site,
the 公示 list of the eligible, and the method. Embedded profiles:
municipal_maker_space (the applications dated in Y) and provincial_demo_base
(registered municipal demonstration bases, from three years of quarterly
data). --profile FILE runs a bureau's own (see the README). A re-run of a
profile for a year replaces what the views show; every run is kept.
--stored --out DIR writes the workbook of the run stored for the profile
and year without checking again, reading the published snapshot while a
writer holds the database (SPEC §10).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year < 2000 || year > 9999 {
				return usageError{fmt.Errorf("--year is required (e.g. --year 2025)")}
			}
			p, err := loadProfile(profile)
			if err != nil {
				return err
			}
			if out != "" {
				if err := outputFolder("--out", out, a.dbPath, "eligibility-*.xlsx"); err != nil {
					return err
				}
				// The folder made, and the workbook's own path checked (a
				// link there to the database), before anything is stored.
				if err := os.MkdirAll(out, 0o755); err != nil {
					return fmt.Errorf("--out %s: %w", out, err)
				}
				if _, err := outputPathFlag("--out", eligibilityBookPath(out, p.Code, year), a.dbPath); err != nil {
					return err
				}
			}
			if stored {
				if out == "" {
					return usageError{fmt.Errorf("--stored writes the stored run's workbook: give --out DIR")}
				}
				// A reading command: the published snapshot while a writer works.
				return a.readStore(cmd.Context(), a.dbPath, func(st *store.Store) error {
					return a.eligibilityWorkbook(cmd.Context(), st, p.Code, year, out)
				})
			}
			st, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			a.ledger.set("year", year)
			a.ledger.set("profile", p.Code)
			a.ledger.set("profile_sha256", p.SHA256)
			return a.eligibility(cmd.Context(), st, p, year, out)
		},
	}
	yearFlag(cmd, &year, "年度（必填） year (required)")
	cmd.Flags().StringVar(&profile, "profile", "", "条件：内置名称或 YAML 文件（必填） the profile: an embedded one's name or a YAML file (required)")
	cmd.Flags().StringVar(&out, "out", "", "工作簿输出文件夹 folder for the workbook")
	cmd.Flags().BoolVar(&stored, "stored", false, "不重新核对，按已存储的结果写出工作簿（需 --out） write the stored run's workbook without checking again (needs --out)")
	requireFlags(cmd, "year", "profile")
	return cmd
}

// eligibility runs a profile, prints what it found and, with out, writes
// the workbook.
func (a *app) eligibility(ctx context.Context, st *store.Store, p *eligibility.Profile, year int, out string) error {
	res, err := eligibility.Run(ctx, st, p, eligibility.Options{Year: year})
	if err != nil {
		var open *assess.OpenWindowError
		if errors.As(err, &open) {
			return usageError{err}
		}
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(a.stderr, "incubeval: warning: %s\n", w)
	}
	a.ledger.set("eligibility_run", res.RunID)
	a.ledger.set("subjects", res.Subjects)
	a.ledger.set("outcomes", res.Outcomes)
	printEligibility(a.stdout, p, res)
	if out == "" {
		return nil
	}
	return a.eligibilityWorkbook(ctx, st, p.Code, year, out)
}

// outcomeLabels name the outcomes of a subject, in the order printed.
var outcomeLabels = []struct{ code, label string }{
	{"priority", "优先认定 priority"},
	{"eligible", "符合条件 eligible"},
	{"recommended", "推荐 recommended"},
	{"review", "待核实 review"},
	{"not_met", "不符合 not met"},
}

func printEligibility(w io.Writer, p *eligibility.Profile, res *eligibility.Result) {
	what := "applications 份申请"
	if p.Subjects == eligibility.Carriers {
		what = "carriers 个载体"
	}
	fmt.Fprintf(w, "认定与推荐 Eligibility %s %d (%s): checked %d %s", p.Code, res.Year, termSafe(p.NameZH), res.Subjects, what)
	if p.Subjects == eligibility.Carriers {
		fmt.Fprintf(w, " as of E = %s (%s window)", res.End.Format("2006-01-02"), res.Window)
	}
	fmt.Fprintf(w, "; run %d\n", res.RunID)
	for _, o := range outcomeLabels {
		if n, ok := res.Outcomes[o.code]; ok {
			fmt.Fprintf(w, "  %-22s %5d\n", o.label, n)
		}
	}
	list := func(title string, cs []eligibility.Count) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintln(w, title)
		for i, c := range cs {
			if i == 5 {
				fmt.Fprintf(w, "  … and %d more conditions\n", len(cs)-5)
				break
			}
			fmt.Fprintf(w, "  %-22s %5d  %s\n", termSafe(c.Condition), c.N, termSafe(c.NameZH))
		}
	}
	list("不符合的条件 Conditions not met (subjects):", res.Unmet)
	list("待核实的条件 Conditions to review (subjects):", res.ToReview)
}
