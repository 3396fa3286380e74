package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
)

// rubricCommand checks rubric files and prints the embedded default. It
// opens no database.
func (a *app) rubricCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rubric check|show",
		Short: "评分细则：检查细则文件、显示内置默认细则 — rubric files: check one, show the embedded default",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(a.rubricCheckCommand(), a.rubricShowCommand())
	return cmd
}

func (a *app) rubricCheckCommand() *cobra.Command {
	var showSQL bool
	cmd := &cobra.Command{
		Use:   "check FILE",
		Short: "检查评分细则文件（第 1 版或第 2 版）并列出其方案和指标 — check a rubric file (version 1 or 2) and list its schemes and indicators",
		Long: `严格读取并检查评分细则文件：未知的键、计算式中的未知名称、权重之和不为 100 等错误
都会指出文件名、行号和列号（退出码 1）。通过后列出每个方案、适用范围、各项指标的一级指标、
计算式、计分方式和权重；--sql 另外打印考核时由本细则生成的 SQL 语句（a_sums、a_points）。
检查通过的细则可用于 incubeval assess --year Y --rubric FILE。

Read a rubric file strictly and check it: an unknown key, an unknown name
in a value expression, weights not summing to 100 and the like are errors
naming the file, line and column (exit 1). When it passes, print every
scheme, what it applies to, and its indicators with their section, value
expression (as parsed), scoring and weight; --sql also prints the SQL the
assessment would run for it (a_sums and a_points, between the steps
sql/assess/20_indicators.sql and 30_points.sql). A version 1 file is shown
as the one scheme "default" it amounts to. Assess with a rubric that
passes: incubeval assess --year Y --rubric FILE.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := rubric.LoadNormalizedFile(args[0])
			if err != nil {
				return err
			}
			// Compiled even without --sql: a number the steps cannot hold
			// is refused here, not when the assessment runs.
			c, err := assess.Compile(n)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			printRubric(a.stdout, args[0], n)
			if showSQL {
				fmt.Fprintf(a.stdout, "\n-- a_sums\n%s;\n\n-- a_points\n%s;\n", c.Sums, c.Points)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&showSQL, "sql", false, "同时打印考核时生成的 SQL — also print the SQL the assessment runs for it")
	return cmd
}

func (a *app) rubricShowCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "显示内置默认评分细则（可复制修改） — print the embedded default rubric file, to copy and edit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := a.stdout.Write(rubric.DefaultYAML())
			return err
		},
	}
}

// printRubric lists a checked rubric in both languages. Every text from
// the file goes through termSafe.
func printRubric(w io.Writer, path string, n *rubric.Normalized) {
	fmt.Fprintf(w, "评分细则 Rubric %s: 第 %d 版 version %d, %d 个方案 scheme(s) — 检查通过 OK\n",
		termSafe(path), n.Version, n.Version, len(n.Schemes))
	fmt.Fprintf(w, "优秀名额 Excellent quota: %g%% (%s); 报送得分 reporting points: on_time %g, late %g, missing %g\n",
		n.Quota.Share*100, n.Quota.Scope, n.Reporting.OnTime, n.Reporting.Late, n.Reporting.Missing)
	for i, s := range n.Schemes {
		fmt.Fprintf(w, "\n方案 Scheme %d %s: %s", i+1, termSafe(s.Code), termSafe(s.NameZH))
		if s.NameEN != "" {
			fmt.Fprintf(w, " / %s", termSafe(s.NameEN))
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "  适用 Applies to: 类型 kind %s; 类别 track %s; 级别 level %s\n",
			anyOf(s.AppliesTo.Kind), anyOf(s.AppliesTo.Track), anyOf(s.AppliesTo.Level))
		fmt.Fprintf(w, "  等级 Grades: 优秀 excellent ≥ %g, 良好 good ≥ %g, 合格 pass ≥ %g; 加分上限 bonus cap %g\n",
			s.Grades.Excellent, s.Grades.Good, s.Grades.Pass, s.BonusCap)
		fmt.Fprintln(w, "  指标 Indicators:")
		for _, ind := range s.Indicators {
			fmt.Fprintf(w, "    %s: %s", termSafe(ind.Code), termSafe(ind.NameZH))
			if ind.NameEN != "" {
				fmt.Fprintf(w, " / %s", termSafe(ind.NameEN))
			}
			if ind.Section != "" {
				fmt.Fprintf(w, " [%s]", termSafe(ind.Section))
			}
			if ind.Unit != "" {
				fmt.Fprintf(w, " (%s)", termSafe(ind.Unit))
			}
			fmt.Fprintln(w)
			fmt.Fprintf(w, "      计算 value: %s\n", ind.Value.String())
			kind := "权重 weight"
			if ind.Bonus {
				kind = "加分 bonus, at most"
			}
			fmt.Fprintf(w, "      计分 score: %s; %s %g\n", ind.Scoring(), kind, ind.Weight)
		}
	}
}

// anyOf is a list of applies_to values, or "全部 any" for an empty one.
func anyOf(list []string) string {
	if len(list) == 0 {
		return "全部 any"
	}
	return strings.Join(list, ", ")
}
