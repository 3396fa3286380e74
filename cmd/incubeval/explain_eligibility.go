package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"

	sqlfiles "github.com/incubeval/incubeval/sql"
)

// conditionOutcomeZH names a condition's or check's outcome.
var conditionOutcomeZH = map[string]string{"met": "符合 met", "not_met": "不符合 not met", "review": "待核实 review"}

// explainEligibility prints how subject's eligibility under profile in
// year was decided: each condition and check, and the rows read.
func (a *app) explainEligibility(ctx context.Context, db *sql.DB, profile, subject string, year int) error {
	w := a.stdout
	subject, err := resolveSubject(ctx, db, profile, subject, year)
	if err != nil {
		return err
	}
	var (
		kind, name, district, outcome, unmet, review, ref string
		nameZH, nameEN, end, sha                          string
		run                                               int64
	)
	args := []sql.NamedArg{sql.Named("profile", profile), sql.Named("year", year), sql.Named("subject_id", subject)}
	err = sqlfiles.Row(ctx, db, "explain_eligibility_result", args...).Scan(&kind, &name, &district, &outcome, &unmet, &review, &ref, &nameZH, &nameEN, &run, &end, &sha)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s 在 %d 年的 %s 中没有结果（先运行 %s eligibility --profile %s --year %d） / "+
			"%s has no %s result in %d (first run: %s eligibility --profile %s --year %d)",
			termText(subject, termWord), year, termText(profile, termWord), a.selfDB(), termText(profile, termWord), year,
			termText(subject, termWord), termText(profile, termWord), year, a.selfDB(), termText(profile, termWord), year)
	}
	if err != nil {
		return err
	}
	label := outcome
	for _, o := range outcomeLabels {
		if o.code == outcome {
			label = o.label
		}
	}
	refName := "申请日期 D"
	if kind == "carrier" {
		refName = "窗口结束 E"
	}
	fmt.Fprintf(w, "%s %s — %s %s (%s) %d, %s %s; run %d, profile sha256 %.12s…\n", termText(subject, termWord), termText(name, termName),
		termText(nameZH, termName), termText(nameEN, termName), termText(profile, termWord), year, refName, ref, run, sha)
	fmt.Fprintf(w, "  结论 outcome: %s", label)
	if district != "" {
		fmt.Fprintf(w, "，区县 district %s", termText(district, termWord))
	}
	fmt.Fprintln(w)
	if unmet != "" {
		fmt.Fprintf(w, "  不符合 not met: %s\n", termText(unmet, termNote))
	}
	if review != "" {
		fmt.Fprintf(w, "  待核实 to review: %s\n", termText(review, termNote))
	}
	// The checks below are the run's; the sources after them today's.
	var files, runs int64
	var checked string
	if err := sqlfiles.Row(ctx, db, "explain_eligibility_newer", sql.Named("run_id", run)).Scan(&files, &runs, &checked); err != nil {
		return err
	}
	if files > 0 || runs > 0 {
		fmt.Fprintf(w, "  注意：本结果由第 %d 次核对（%s）得出，之后又导入了 %d 个文件、进行了 %d 次评价，可能改变结果；下列来源为当前数据。请重新运行 %s eligibility --profile %s --year %d\n"+
			"  Note: this result was made by run %d (%s); %s and %s since can change it, and the sources below are today's. Run again: %s eligibility --profile %s --year %d\n",
			run, checked, files, runs, a.selfDB(), termText(profile, termWord), year,
			run, checked, plural(int(files), "file", "files"), plural(int(runs), "assessment run", "assessment runs"), a.selfDB(), termText(profile, termWord), year)
	}
	rows, err := sqlfiles.Rows(ctx, db, "explain_eligibility_checks", args...)
	if err != nil {
		return err
	}
	tw := newTermTable(a.width())
	tw.AppendHeader(table.Row{"条件 condition", "核对 check", "值 value", "标准 threshold", "结果 outcome"})
	last := ""
	for rows.Next() {
		var cond, condZH, condOutcome, period, ckind, what, value, threshold, out string
		var part int
		if err := rows.Scan(&cond, &condZH, &condOutcome, &part, &period, &ckind, &what, &value, &threshold, &out); err != nil {
			rows.Close()
			return err
		}
		c := ""
		if cond != last {
			c = termText(condZH, termName) + " (" + termText(cond, termWord) + "): " + conditionOutcomeZH[condOutcome]
			last = cond
		}
		if period != "" && period != "record" {
			what += " [" + period + "]"
		}
		tw.AppendRow(table.Row{c, termText(what, termNote), termText(value, termNote), termText(threshold, termNote), conditionOutcomeZH[out]})
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	rows.Close()
	fmt.Fprintln(w, tw.Render())
	return a.explainEligibilitySources(ctx, db, kind, subject, ref, end, year)
}

// resolveSubject finds the subject id as the run wrote it, whatever the
// case it was typed in (sq2025-001 is SQ2025-001), as resolveCarrier does:
// an id the run holds exactly as typed wins; one that matches several ids
// differing only in case, none of them exactly, is refused as ambiguous —
// never explained as one subject with the checks of both. An id the run
// does not hold is returned as typed (it has no result).
func resolveSubject(ctx context.Context, db *sql.DB, profile, id string, year int) (string, error) {
	id = strings.TrimSpace(id)
	rows, err := sqlfiles.Rows(ctx, db, "explain_eligibility_ids", sql.Named("profile", profile), sql.Named("year", year), sql.Named("subject_id", id))
	if err != nil {
		return "", err
	}
	found, ids, err := resolveID(rows, id)
	if err != nil || ids == nil {
		return found, err
	}
	return "", fmt.Errorf("编号 %s 不区分大小写时对应 %s 的多个结果：%s，请按原样输入 / id %s matches %s, which differ only in case: type it as written",
		termText(id, termWord), termText(profile, termWord), strings.Join(ids, "、"), termText(id, termWord), strings.Join(ids, ", "))
}

// explainEligibilitySources prints the rows a subject's checks read: the
// application's or the registry's row, and for a carrier its quarterly
// reports on record and incidents.
func (a *app) explainEligibilitySources(ctx context.Context, db *sql.DB, kind, subject, ref, end string, year int) error {
	w := a.stdout
	source := func(file, sheet string, row int) string {
		s := termText(file, termNote)
		if sheet != "" {
			s += " [" + termText(sheet, termWord) + "]"
		}
		return fmt.Sprintf("%s row %d", s, row)
	}
	var operator string
	if kind == "application" {
		var file, sheet string
		var row, revisions int
		err := sqlfiles.Row(ctx, db, "explain_application_source", sql.Named("subject_id", subject)).Scan(&file, &sheet, &row, &revisions)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil {
			fmt.Fprintf(w, "来源 Source: 认定申请 application %s (revisions: %d)\n", source(file, sheet, row), revisions)
		}
		if err := db.QueryRowContext(ctx, "SELECT operator_uscc FROM applications WHERE application_id = ?", subject).Scan(&operator); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	} else {
		var file, sheet string
		var row int
		err := sqlfiles.Row(ctx, db, "explain_carrier_source", sql.Named("subject_id", subject)).Scan(&file, &sheet, &row)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil {
			fmt.Fprintf(w, "来源 Source: 载体名录 registry %s\n", source(file, sheet, row))
		}
		rows, err := sqlfiles.Rows(ctx, db, "explain_eligibility_quarters", sql.Named("subject_id", subject), sql.Named("last_day", end))
		if err != nil {
			return err
		}
		tw := newTermTable(a.width())
		tw.AppendHeader(table.Row{"季度 quarter", "在孵 incubating", "毕业 graduated", "退出 exited", "从业 jobs", "营收 revenue", "利用率 utilization", "来源 source"})
		n := 0
		for rows.Next() {
			var y, q, row int
			var inc, grad, exited, jobs sql.NullInt64
			var revenue, util sql.NullString
			var file, sheet string
			if err := rows.Scan(&y, &q, &inc, &grad, &exited, &jobs, &revenue, &util, &file, &sheet, &row); err != nil {
				rows.Close()
				return err
			}
			tw.AppendRow(table.Row{fmt.Sprintf("%dQ%d", y, q), inc.Int64, grad.Int64, exited.Int64, jobs.Int64,
				strings.TrimRight(strings.TrimRight(revenue.String, "0"), "."), util.String, source(file, sheet, row)})
			n++
		}
		rows.Close()
		fmt.Fprintf(w, "季度报表 Quarterly reports on record up to %s (%d):\n%s\n", end, n, tw.Render())
	}
	// Incidents from two years before the reference day's year: what both
	// embedded profiles look at (year_start -1; window_start -2).
	first := fmt.Sprintf("%d-01-01", year-3)
	last := ref
	carrier := subject // an application's id names no carrier
	if kind == "application" {
		carrier = ""
	}
	rows, err := sqlfiles.Rows(ctx, db, "explain_eligibility_incidents", sql.Named("subject_id", carrier), sql.Named("operator", operator),
		sql.Named("first_day", first), sql.Named("last_day", last))
	if err != nil {
		return err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var carrier, on, typ, file, sheet string
		var row int
		if err := rows.Scan(&carrier, &on, &typ, &file, &sheet, &row); err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("  %s %s %s — %s", on, termText(carrier, termWord), termText(typ, termWord), source(file, sheet, row)))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "事件 Incidents %s … %s: %d\n", first, last, len(lines))
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	return nil
}
