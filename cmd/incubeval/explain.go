package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

func (a *app) explainCommand() *cobra.Command {
	var carrier, application, profile string
	var year int
	cmd := &cobra.Command{
		Use:   "explain --carrier ID --year Y | --application ID --year Y | --carrier ID --profile NAME --year Y",
		Short: "评价结果说明：载体得分如何得出 — show how a carrier's grade was made: indicators, points and the source rows used",
		Long: `说明一个载体某年度的评价结果：各项指标的实际值、目标值、权重和得分，决定和资助，
以及所用的每个季度报表（来源文件、工作表、行号）。载体编号不区分大小写。
Show how a carrier's result for year Y was made: every indicator's value,
target, weight and points, the decision and funding, and each quarter used
with the file, sheet and row it came from. The carrier id matches whatever
its case. Read from the last published snapshot while a writer works.

--application ID（认定申请）或 --carrier ID --profile NAME：说明认定与推荐的结果——
每项条件所用的值、标准和结论，以及数据来源（文件、工作表、行号）。
--application ID (profile municipal_maker_space unless --profile says
another), or --carrier ID --profile NAME: show an eligibility result (run
'incubeval eligibility' first) — each condition with the values it used,
its threshold and outcome, and where the values came from.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (carrier == "") == (application == "") {
				return usageError{fmt.Errorf("give --carrier ID or --application ID (one of them) / 请给出 --carrier 或 --application 之一")}
			}
			// The published snapshot while a writer works (read_source.go).
			return a.readStore(cmd.Context(), a.dbPath, func(st *store.Store) error {
				switch {
				case application != "":
					if profile == "" {
						profile = "municipal_maker_space"
					}
					return a.explainEligibility(cmd.Context(), st.DB, profile, application, year)
				case profile != "":
					return a.explainEligibility(cmd.Context(), st.DB, profile, carrier, year)
				}
				return a.explain(cmd.Context(), st.DB, carrier, year)
			})
		},
	}
	cmd.Flags().StringVar(&carrier, "carrier", "", "载体编号（不区分大小写） carrier id (any case)")
	cmd.Flags().StringVar(&application, "application", "", "申请编号（不区分大小写） application id (any case)")
	cmd.Flags().StringVar(&profile, "profile", "", "认定与推荐的条件名称 the eligibility profile's name (see incubeval eligibility)")
	yearFlag(cmd, &year, "年度（必填） year (required)")
	requireFlags(cmd, "year")
	return cmd
}

// explain prints how carrier's result for year was made.
func (a *app) explain(ctx context.Context, db *sql.DB, carrier string, year int) error {
	w := a.stdout
	carrier, err := resolveCarrier(ctx, db, carrier)
	if err != nil {
		return err
	}
	var (
		name, outcome                     string
		grade, reasons, action, reason    sql.NullString
		score                             any
		rank                              sql.NullInt64
		deadline, banned, level, district sql.NullString
		amount, recovery                  sql.NullInt64
		ws, we                            string
		scheme, schemeZH, schemeEN        sql.NullString
	)
	err = sqlfiles.Row(ctx, db, "explain_result", sql.Named("year", year), sql.Named("carrier_id", carrier)).Scan(
		&name, &outcome, &grade, &reasons, &score, &rank, &action, &reason, &deadline, &banned, &level, &district, &amount, &recovery, &ws, &we, &scheme, &schemeZH, &schemeEN)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s 在 %d 年没有评价结果（未登记、认定晚于考核期、此前已摘牌或撤销，或该年度尚未评价） / "+
			"%s has no result in %d (not registered, recognized after the window, removed earlier, or the year not assessed)",
			termText(carrier, termWord), year, termText(carrier, termWord), year)
	}
	if err != nil {
		return err
	}
	// Names and sources come from submitted files: cut and escaped for the terminal.
	fmt.Fprintf(w, "%s %s — %d 年度 (考核期 window %s ~ %s), %s, %s %s\n", termText(carrier, termWord), termText(name, termName), year, ws, we,
		termText(district.String, termWord), reports.LevelZH(level.String), termText(level.String, termWord))
	if outcome != "graded" {
		fmt.Fprintf(w, "  结果 outcome: %s %s\n", reports.OutcomeZH(outcome), outcome)
		if action.Valid { // revoked for false data all the same (SPEC §4.7)
			fmt.Fprintf(w, "  决定 decision: %s %s (%s)，运营主体禁止申报至 operator banned until %s；追回 to recover %s 元 yuan\n",
				reports.ActionZH(action.String), termSafe(action.String), termText(reason.String, termNote), banned.String, xlsx.Thousands(recovery.Int64))
		}
		return nil
	}
	fmt.Fprintf(w, "  得分 score %s，等级 grade %s %s，名次 rank %d", store.Fixed(score), gradeZH[grade.String], grade.String, rank.Int64)
	if reasons.String != "" {
		var zh []string
		codes := strings.Split(reasons.String, ",")
		for _, c := range codes {
			zh = append(zh, reports.ReasonZH(c))
		}
		fmt.Fprintf(w, "\n  原因 reasons: %s (%s)", termText(strings.Join(zh, "；"), termNote), termText(strings.Join(codes, ", "), termNote))
	}
	fmt.Fprintf(w, "\n  决定 decision: %s %s (%s)", reports.ActionZH(action.String), termSafe(action.String), termText(reason.String, termNote))
	if deadline.Valid {
		fmt.Fprintf(w, "，整改期限 rectify by %s", deadline.String)
	}
	if banned.Valid {
		fmt.Fprintf(w, "，运营主体禁止申报至 operator banned until %s", banned.String)
	}
	fmt.Fprintf(w, "；资助 funding %s 元 yuan", xlsx.Thousands(amount.Int64))
	if recovery.Int64 > 0 {
		fmt.Fprintf(w, "，追回 to recover %s 元 yuan", xlsx.Thousands(recovery.Int64))
	}
	fmt.Fprintln(w)
	if scheme.Valid {
		fmt.Fprintf(w, "  评分方案 scheme: %s %s (%s)\n", termText(schemeZH.String, termName), termText(schemeEN.String, termName), termText(scheme.String, termWord))
	}

	// Labelled with the names stored with the run that made the result,
	// with the formula of each value and how it is scored.
	rows, err := sqlfiles.Rows(ctx, db, "explain_indicators", sql.Named("year", year), sql.Named("carrier_id", carrier))
	if err != nil {
		return err
	}
	tw := newTermTable(a.width())
	tw.AppendHeader(table.Row{"指标 indicator", "计算式 formula", "实际值 value", "目标 target", "计分 scoring", "权重 weight", "得分 points"})
	for rows.Next() {
		var ind, zh, expr, score, unit string
		var weight float64
		var value, target, fullAt, zeroAt, per, stepPoints sql.NullFloat64
		var points, steps any
		var bonus bool
		if err := rows.Scan(&ind, &zh, &value, &target, &weight, &points, &expr, &score, &unit, &fullAt, &zeroAt, &steps, &per, &stepPoints, &bonus); err != nil {
			rows.Close()
			return err
		}
		v, t := "—", ""
		if value.Valid {
			v = trimFloat(value.Float64)
		}
		if target.Valid {
			t = trimFloat(target.Float64)
		}
		label := termText(ind, termName)
		if zh != "" {
			label = termText(zh, termName) + " (" + label + ")"
		}
		// Linear scoring is read from the target beside it.
		scoring, _ := reports.ScoringZH(score, weight, unit, fullAt, zeroAt, steps, per, stepPoints, bonus)
		if score == "linear" && !bonus {
			scoring = "线性 linear"
		}
		tw.AppendRow(table.Row{label, termText(expr, termNote), v, t, termText(scoring, termNote), trimFloat(weight), store.Fixed(points)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	tw.AppendFooter(table.Row{"总分 score", "", "", "", "", "", store.Fixed(score)})
	fmt.Fprintln(w, tw.Render())

	// The quarters of the year's window, as the run stored them.
	rows, err = sqlfiles.Rows(ctx, db, "explain_quarters", sql.Named("year", year), sql.Named("carrier_id", carrier))
	if err != nil {
		return err
	}
	defer rows.Close()
	tw = newTermTable(a.width())
	tw.AppendHeader(table.Row{"季度 quarter", "报送日期 submitted", "截止日期 due", "按时 on time", "修订 revisions", "来源文件 source file", "工作表 sheet", "行 row"})
	n := 0
	for rows.Next() {
		var y, q, revs, row int
		var sub, due, file, sheet string
		var onTime bool
		if err := rows.Scan(&y, &q, &sub, &due, &onTime, &revs, &file, &sheet, &row); err != nil {
			return err
		}
		ot := "按时 yes"
		if !onTime {
			ot = "逾期 late"
		}
		tw.AppendRow(table.Row{fmt.Sprintf("%dQ%d", y, q), sub, due, ot, revs, termText(file, termName), termText(sheet, termWord), row})
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "采用的季度报表（各季度的最终版本） Quarters used (winning revisions): %d / 4\n", n)
	// The table shows today's winning revisions; the score is the run's.
	if sum, err := assess.Summarize(ctx, db, year); err == nil {
		if files, _, cut, err := assess.NewerInputs(ctx, db, sum); err == nil && files > 0 {
			fmt.Fprintf(w, "注意：%d 年的结果由第 %d 次评价（数据截至 %s）得出，之后又导入了 %d 个可改变结果的文件；下表为当前数据，可能不是得分所用的数据。\n"+
				"Note: the results of %d were made by assessment run %d (data cut-off %s); %s that can change them came in since, so the quarters below are today's and may not be those the score used.\n",
				year, sum.RunID, cut.Format("2006-01-02 15:04"), files, year, sum.RunID, cut.Format("2006-01-02 15:04"), plural(int(files), "file", "files"))
		}
	}
	if n > 0 {
		fmt.Fprintln(w, tw.Render())
	}
	return nil
}

// resolveCarrier finds the carrier id as the registry writes it, whatever
// the case it was typed in (lz-zc-0007 is LZ-ZC-0007). An id the registry
// holds exactly as typed wins; one that matches several ids differing only
// in case, none of them exactly, is refused as ambiguous. An id the
// registry does not hold is returned as typed (it has no result).
func resolveCarrier(ctx context.Context, db *sql.DB, id string) (string, error) {
	id = strings.TrimSpace(id)
	rows, err := sqlfiles.Rows(ctx, db, "explain_carrier_ids", sql.Named("carrier_id", id))
	if err != nil {
		return "", err
	}
	found, ids, err := resolveID(rows, id)
	if err != nil || ids == nil {
		return found, err
	}
	return "", fmt.Errorf("载体编号 %s 不区分大小写时对应多个载体：%s，请按名录中的写法输入 / carrier id %s matches %s, which differ only in case: type it as the registry writes it",
		termText(id, termWord), strings.Join(ids, "、"), termText(id, termWord), strings.Join(ids, ", "))
}

// resolveID reads the ids rows gives (those equal to id whatever their
// case) and returns the one written exactly as id, else the only one,
// else id itself when there is none; with several and none exact, it
// returns them instead (ambiguous), made safe for the terminal.
func resolveID(rows *sql.Rows, id string) (found string, ambiguous []string, err error) {
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return "", nil, err
		}
		if c == id {
			return c, nil, nil
		}
		ids = append(ids, c)
	}
	if err := rows.Err(); err != nil {
		return "", nil, err
	}
	switch len(ids) {
	case 0:
		return id, nil, nil
	case 1:
		return ids[0], nil, nil
	}
	for i := range ids {
		ids[i] = termText(ids[i], termWord)
	}
	return "", ids, nil
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.4f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
