package main

import (
	"context"
	"fmt"
	"io"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/talent"
)

func (a *app) talentCommand() *cobra.Command {
	var year int
	var programme, out string
	var stored bool
	cmd := &cobra.Command{
		Use:   "talent --year Y [--programme FILE] [--out DIR] [--stored]",
		Short: "百千万创业人才选拔：评选新锐创客、创业新秀，推荐创业达人 — decide the year's 百千万 selection (rising, star, master)",
		Long: `按工程文件（内置为兰州“百千万”创业引领工程，或 --programme FILE）评选 Y 年的新锐创客（区县名额）、
创业新秀（行业类别名额），并推荐创业达人：逐项核对标准、一人一称号、重复推荐、名额（扣除往年已授予的）、
并列时依次比较比赛得分、带动就业人数、年营收和推荐编号。结果存入数据库（视图 talent_results、talent_quota），
再次评选同一年度以最新一次为准，其后已评选的年度随之重新评选。--out DIR 写出 DIR/talent-Y.xlsx。
身份证号在工作簿和终端中一律打码显示。

Decide year Y of the 百千万 programme (SPEC §9): 新锐创客 (rising) by
district quota, 创业新秀 (star) by category quota, 创业达人 (master)
recommended to the province — every criterion of annex 1 on the selection
day, the once-only rule, duplicates, the quotas less what earlier years
awarded, ties broken by contest score, jobs, revenue, then nomination id.
Stored (views talent_results, talent_quota); a re-run replaces year Y and
decides the later stored years again, as they build on it. Prints the quota
fill; with --out DIR writes DIR/talent-Y.xlsx. ID numbers are masked in
workbooks and on the terminal. --stored --out DIR writes the workbook of
the stored decision without deciding again, reading the published snapshot
while a writer holds the database (SPEC §10).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year < 2000 || year > 9999 {
				return usageError{fmt.Errorf("--year is required (e.g. --year 2023)")}
			}
			p := talent.Default()
			if programme != "" {
				var err error
				if p, err = talent.LoadFile(programme); err != nil {
					return err
				}
			}
			if !p.InYears(year) {
				return &talent.OutsideError{Year: year, Years: p.Years}
			}
			if out != "" {
				if err := outputFolder("--out", out, a.dbPath, "talent-*.xlsx"); err != nil {
					return err
				}
			}
			if stored {
				if out == "" {
					return usageError{fmt.Errorf("--stored writes the stored decision's workbook: give --out DIR")}
				}
				return a.readStore(cmd.Context(), a.dbPath, func(st *store.Store) error {
					return a.talentWorkbook(cmd.Context(), st, year, out)
				})
			}
			st, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			a.ledger.set("year", year)
			a.ledger.set("programme", p.Code)
			a.ledger.set("programme_sha256", p.SHA256)
			return a.talent(cmd.Context(), st, p, year, out)
		},
	}
	yearFlag(cmd, &year, "评选年度（必填） programme year (required)")
	cmd.Flags().StringVar(&programme, "programme", "", "工程文件（YAML；默认内置兰州百千万） the programme file (default: the embedded seed 001)")
	cmd.Flags().StringVar(&out, "out", "", "工作簿输出文件夹 folder for the workbook")
	cmd.Flags().BoolVar(&stored, "stored", false, "不重新评选，按已存储的结果写出工作簿（需 --out） write the stored decision's workbook without deciding again (needs --out)")
	requireFlags(cmd, "year")
	return cmd
}

// talent decides the year, prints the quota fill and, with out, writes
// the workbook.
func (a *app) talent(ctx context.Context, st *store.Store, p *talent.Programme, year int, out string) error {
	res, err := talent.Run(ctx, st, p, talent.Options{Year: year})
	if err != nil {
		return err
	}
	a.ledger.set("talent_runs", res.RunIDs)
	a.ledger.set("decided", res.Decided)
	a.ledger.set("outcomes", res.Outcomes)
	printTalent(a.stdout, a.width(), p, res)
	if out == "" {
		return nil
	}
	return a.talentWorkbook(ctx, st, year, out)
}

var talentOutcomes = []struct{ code, label string }{
	{talent.Awarded, "授予 awarded"}, {talent.Recommended, "推荐 recommended"},
	{talent.Waitlisted, "备选 waitlisted"}, {talent.Ineligible, "不符合 ineligible"},
}

func printTalent(w io.Writer, width int, p *talent.Programme, res *talent.Result) {
	fmt.Fprintf(w, "百千万 Talent %d (%s, selection day %s): %d nominations", res.Year, termSafe(p.NameZH),
		p.SelectionDay(res.Year).Format("2006-01-02"), res.Nominations)
	if len(res.Decided) > 1 {
		fmt.Fprintf(w, "; the later stored years decided again: %v", res.Decided[1:])
	}
	fmt.Fprintln(w)
	for _, t := range talent.Titles {
		counts := res.Outcomes[t]
		if len(counts) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s %-7s", talent.TitleZH(t), t)
		for _, o := range talentOutcomes {
			if n, ok := counts[o.code]; ok {
				fmt.Fprintf(w, "  %s %d", o.label, n)
			}
		}
		fmt.Fprintln(w)
	}
	tw := newTermTable(width)
	tw.AppendHeader(table.Row{"称号 title", "名额组 group", "名额 quota", "往年已授 before", "本年授予 this year", "剩余 remaining"})
	for _, q := range res.Quota {
		tw.AppendRow(table.Row{talent.TitleZH(q.Title), termSafe(q.Group), q.Quota, q.AwardedBefore, q.AwardedThisYear, q.Remaining})
	}
	fmt.Fprintf(w, "名额使用 Quota fill:\n%s\n", tw.Render())
}
