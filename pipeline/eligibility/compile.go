package eligibility

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/incubeval/incubeval/pipeline/rubric"
)

// Frame is what a run of year Y fixes: the window of each year (the
// assessment's, SPEC §4.1) and E, the end of Y's.
type Frame struct {
	Year    int
	Windows map[int][2]time.Time // year → [start, end]
	End     time.Time            // E
}

// sqlDate is a DATE literal of a day incubeval computed (never user text).
func sqlDate(t time.Time) string { return "DATE '" + t.Format("2006-01-02") + "'" }

// quote is a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func lit(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// Compile writes the statements of a run: e_subjects (the subjects, with
// their reference day), then e_checks (one row per subject, condition,
// check and period). The profile's text never reaches SQL: columns come
// from fixed lists, expressions from the parsed tree, codes and words as
// quoted literals.
func Compile(p *Profile, fr Frame) (subjects, checks string, err error) {
	cols := subjectColumns[p.Subjects]
	// applies_to: the kinds, tracks (and for carriers levels) checked.
	scope := func(alias string) []string {
		var where []string
		for _, f := range []struct {
			col  string
			list []string
		}{{"kind", p.AppliesTo.Kind}, {"track", p.AppliesTo.Track}, {"level", p.AppliesTo.Level}} {
			if len(f.list) > 0 {
				where = append(where, fmt.Sprintf("%s.%s IN (%s)", alias, f.col, quoteList(f.list)))
			}
		}
		return where
	}
	switch p.Subjects {
	case Applications:
		where := append([]string{fmt.Sprintf("year(a.applied_on) = %d", fr.Year)}, scope("a")...)
		subjects = fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE e_subjects AS
SELECT a.application_id AS subject_id, a.name, a.district, a.operator_uscc, a.applied_on AS ref,
       a.kind, a.track, NULL::VARCHAR AS level, a.operator_type,
       %s
FROM applications a
WHERE %s`, selectCols(cols), strings.Join(where, "\n  AND "))
	case Carriers:
		where := scope("c")
		// Active at the end of Y's window: recognised by then, and not
		// delisted or revoked by the decisions of Y or before.
		where = append(where, "c.recognized_on <= "+sqlDate(fr.End),
			fmt.Sprintf("c.carrier_id NOT IN (SELECT carrier_id FROM store.decisions WHERE action IN ('delist', 'revoke') AND year <= %d)", fr.Year))
		subjects = fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE e_subjects AS
SELECT c.carrier_id AS subject_id, c.name, c.district, c.operator_uscc, %s AS ref,
       c.kind, c.track, c.level, NULL::VARCHAR AS operator_type,
       %s
FROM carriers c
WHERE %s`, sqlDate(fr.End), selectCols(cols), strings.Join(where, "\n  AND "))
	default:
		return "", "", fmt.Errorf("subjects %q", p.Subjects)
	}
	var parts []string
	for ci, c := range p.Conditions {
		if c.Unless != "" {
			parts = append(parts, fmt.Sprintf(`SELECT subject_id, %d AS cond, 0 AS part, NULL::VARCHAR AS period,
       NULL::DOUBLE AS value_number, CAST(s.%s AS VARCHAR) AS value, 'true' AS threshold,
       CASE WHEN s.%s THEN 'met' ELSE 'not_met' END AS outcome
FROM e_subjects s`, ci+1, c.Unless, c.Unless))
		}
		for k, ch := range c.Checks {
			q, err := checkSQL(p, fr, ci+1, k+1, ch)
			if err != nil {
				return "", "", fmt.Errorf("condition %s, check %d: %w", c.Code, k+1, err)
			}
			parts = append(parts, q)
		}
	}
	checks = "CREATE OR REPLACE TEMP TABLE e_checks AS\n" + strings.Join(parts, "\nUNION ALL\n")
	return subjects, checks, nil
}

func selectCols(c columns) string {
	var out []string
	for _, n := range c.numbers {
		out = append(out, fmt.Sprintf("CAST(%s AS DOUBLE) AS %s", n, n))
	}
	for _, group := range [][]string{c.dates, c.flags} {
		for _, n := range group {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = quote(x)
	}
	return strings.Join(q, ", ")
}

// thresholdSQL is the subject's threshold (by its track).
func thresholdSQL(t *Threshold) string {
	if t.Comprehensive == t.Specialized {
		return "CAST(" + lit(t.Comprehensive) + " AS DOUBLE)"
	}
	return fmt.Sprintf("CASE WHEN s.track = 'specialized' THEN CAST(%s AS DOUBLE) ELSE CAST(%s AS DOUBLE) END",
		lit(t.Specialized), lit(t.Comprehensive))
}

// Describe is a check in words, Chinese then English, as the workbook and
// explain print it (and eligibility_checks.what stores it).
func (c Check) Describe() string {
	th := func(op string, t *Threshold) string {
		if t.Comprehensive == t.Specialized {
			return op + " " + lit(t.Comprehensive)
		}
		return fmt.Sprintf("%s %s（综合 comprehensive）/ %s（专业 specialized）", op, lit(t.Comprehensive), lit(t.Specialized))
	}
	switch c.Kind {
	case CheckValue:
		var conds []string
		if c.AtLeast != nil {
			conds = append(conds, th("≥", c.AtLeast))
		}
		if c.AtMost != nil {
			conds = append(conds, th("≤", c.AtMost))
		}
		over := ""
		switch c.Over {
		case "record":
			over = "（累计 on record）"
		case "window":
			over = "（当年评价期 the year's window）"
		case "windows":
			over = fmt.Sprintf("（近%d个评价期，每期 each of the last %d windows）", c.Windows, c.Windows)
		}
		return c.Expr.String() + over + " " + strings.Join(conds, ", ")
	case CheckDate:
		op := "≥"
		if c.Before {
			op = "≤"
		}
		s := fmt.Sprintf("%s %s %s", c.Column, op, c.Shift.describe())
		if c.BlankMet {
			s += "；空白视为符合 blank: met"
		}
		return s
	case CheckDeclared:
		return fmt.Sprintf("%s：申报为“是”；为“否”时待核实 declared yes (否: review)", c.Column)
	case CheckColumn:
		op := "属于 in"
		if c.NotIn {
			op = "不属于 not in"
		}
		return fmt.Sprintf("%s %s [%s]", c.Column, op, strings.Join(c.In, ", "))
	case CheckIncidents:
		of := "运营主体名下各载体 the operator's carriers"
		if c.Of == "carrier" {
			of = "本载体 the carrier"
		}
		from := fmt.Sprintf("参照日所在年%+d年1月1日 1 January of the reference year %+d", c.From.Years, c.From.Years)
		if c.From.Anchor == "window_start" {
			from = fmt.Sprintf("Y%+d年评价期首日 the first day of the window of Y %+d", c.From.Years, c.From.Years)
		}
		return fmt.Sprintf("%s自%s至参照日无事件 no incident to the reference day (%s)", of, from, strings.Join(c.Types, ", "))
	case CheckBanned:
		return "参照日运营主体不在禁止申报期内 the operator is not banned on the reference day"
	case CheckReview:
		return c.Review
	}
	return c.Kind
}

func (s Shift) describe() string {
	switch {
	case s.Years != 0:
		return fmt.Sprintf("参照日%+d年 reference day %+d year(s)", s.Years, s.Years)
	case s.Months != 0:
		return fmt.Sprintf("参照日%+d个月 reference day %+d month(s)", s.Months, s.Months)
	case s.Days != 0:
		return fmt.Sprintf("参照日%+d天 reference day %+d day(s)", s.Days, s.Days)
	}
	return "参照日 reference day"
}

// shiftSQL is the reference day shifted: the same calendar day (DuckDB
// clamps 29 February to the 28th in a year without it).
func (s Shift) sql() string {
	return fmt.Sprintf("CAST(s.ref + to_years(%d) + to_months(%d) + to_days(%d) AS DATE)", s.Years, s.Months, s.Days)
}

// numberText prints a DOUBLE for the value column: up to 10 decimals, the
// precision values are compared at (snap), without trailing zeros — never
// rounded onto a threshold it fails (0.7999998 is not "0.8").
const numberText = `CASE WHEN %[1]s IS NULL THEN NULL ELSE rtrim(rtrim(printf('%%.10f', %[1]s), '0'), '.') END`

// subjectNames are the names of a value expression over the subject's own
// columns (s.<col>, DOUBLE).
type subjectNames struct{}

func (subjectNames) Aggregate(fn, column string) string { panic("not an aggregate environment") }
func (subjectNames) Count(fn string) string             { panic("not a count environment") }
func (subjectNames) Registry(column string) string      { return "s." + column }
func (subjectNames) Expert(item string) string          { panic("not an expert environment") }

// quarterNames are the names of a value expression over a carrier's
// winning quarterly reports of a period (q) grouped by subject and period:
// aggregates as the assessment sums them (20_indicators.sql), registry
// columns from s.
type quarterNames struct{}

func (quarterNames) Aggregate(fn, column string) string {
	money := column == "revenue" || column == "financing"
	col := "CAST(q." + column + " AS DOUBLE)"
	switch fn {
	case "sum":
		if money {
			return "coalesce(round(sum(q." + column + "), 6), 0.0)"
		}
		return "coalesce(sum(" + col + "), 0.0)"
	case "avg":
		return "snap(sum(" + col + ") / NULLIF(count(q." + column + "), 0))"
	case "min", "max":
		return fn + "(" + col + ")"
	case "last":
		return "CASE WHEN arg_max(q." + column + " IS NULL, q.year * 4 + q.quarter) THEN NULL ELSE arg_max(" + col + ", q.year * 4 + q.quarter) END"
	}
	panic("aggregate " + fn)
}
func (quarterNames) Count(fn string) string        { panic("counts are not read by a profile") }
func (quarterNames) Registry(column string) string { return "any_value(s." + column + ")" }
func (quarterNames) Expert(item string) string     { panic("not an expert environment") }

// checkSQL writes the SELECT of one check: subject_id, cond, part, period,
// value_number, value, threshold, outcome. (Its kind and words are the
// same for every subject: the run stores them once, eligibility_parts.)
func checkSQL(p *Profile, fr Frame, cond, part int, c Check) (string, error) {
	head := func(period, value, number, threshold, outcome string) string {
		return fmt.Sprintf("SELECT s.subject_id, %d AS cond, %d AS part, %s AS period,\n       %s AS value_number, %s AS value, %s AS threshold,\n       %s AS outcome",
			cond, part, period, number, value, threshold, outcome)
	}
	switch c.Kind {
	case CheckValue:
		test := func(v string) string {
			var t []string
			if c.AtLeast != nil {
				t = append(t, v+" >= "+thresholdSQL(c.AtLeast))
			}
			if c.AtMost != nil {
				t = append(t, v+" <= "+thresholdSQL(c.AtMost))
			}
			return fmt.Sprintf("CASE WHEN %s IS NULL THEN 'not_met' WHEN %s THEN 'met' ELSE 'not_met' END", v, strings.Join(t, " AND "))
		}
		var thText []string
		if c.AtLeast != nil {
			thText = append(thText, "'≥ ' || "+fmt.Sprintf(numberText, thresholdSQL(c.AtLeast)))
		}
		if c.AtMost != nil {
			thText = append(thText, "'≤ ' || "+fmt.Sprintf(numberText, thresholdSQL(c.AtMost)))
		}
		threshold := strings.Join(thText, " || ', ' || ")
		if c.Over == "" {
			v := rubric.CompileSQL(c.Expr, subjectNames{}, "snap")
			return head("NULL::VARCHAR", fmt.Sprintf(numberText, v), v, threshold, test(v)) + "\nFROM e_subjects s", nil
		}
		// The periods: (label, first day, last day) of the quarters read.
		var periods []string
		switch c.Over {
		case "record":
			periods = []string{fmt.Sprintf("('record', DATE '0001-01-01', %s)", sqlDate(fr.End))}
		case "window":
			w := fr.Windows[fr.Year]
			periods = []string{fmt.Sprintf("('%d', %s, %s)", fr.Year, sqlDate(w[0]), sqlDate(w[1]))}
		case "windows":
			for y := fr.Year - c.Windows + 1; y <= fr.Year; y++ {
				w, ok := fr.Windows[y]
				if !ok {
					return "", fmt.Errorf("no window for %d", y)
				}
				periods = append(periods, fmt.Sprintf("('%d', %s, %s)", y, sqlDate(w[0]), sqlDate(w[1])))
			}
		}
		v := rubric.CompileSQL(c.Expr, quarterNames{}, "snap")
		// A period without a report: the aggregates over no row (sum 0,
		// avg and last blank), so every subject has a row per period.
		return fmt.Sprintf(`SELECT subject_id, cond, part, period, v AS value_number, %s AS value, threshold, %s AS outcome
FROM (
    SELECT s.subject_id, %d AS cond, %d AS part, pr.label AS period,
           %s AS v, %s AS threshold, any_value(s.track) AS track
    FROM e_subjects s
    CROSS JOIN (VALUES %s) pr(label, first_day, last_day)
    LEFT JOIN quarterly_winners q
           ON q.carrier_id = s.subject_id
          AND last_day(make_date(q.year, q.quarter * 3, 1)) BETWEEN pr.first_day AND pr.last_day
    GROUP BY s.subject_id, pr.label
) s`, fmt.Sprintf(numberText, "v"), test("v"), cond, part,
			v, strings.ReplaceAll(threshold, "s.track", "any_value(s.track)"), strings.Join(periods, ", ")), nil
	case CheckDate:
		t := c.Shift.sql()
		op := ">="
		if c.Before {
			op = "<="
		}
		blank := "'not_met'"
		if c.BlankMet {
			blank = "'met'"
		}
		return head("NULL::VARCHAR", "CAST(s."+c.Column+" AS VARCHAR)", "NULL::DOUBLE",
			fmt.Sprintf("'%s ' || CAST(%s AS VARCHAR)", map[bool]string{true: "≤", false: "≥"}[c.Before], t),
			fmt.Sprintf("CASE WHEN s.%s IS NULL THEN %s WHEN s.%s %s %s THEN 'met' ELSE 'not_met' END", c.Column, blank, c.Column, op, t)) +
			"\nFROM e_subjects s", nil
	case CheckDeclared:
		return head("NULL::VARCHAR", "CAST(s."+c.Column+" AS VARCHAR)", "NULL::DOUBLE", "'true'",
			fmt.Sprintf("CASE WHEN s.%s THEN 'met' ELSE 'review' END", c.Column)) + "\nFROM e_subjects s", nil
	case CheckColumn:
		op := "IN"
		if c.NotIn {
			op = "NOT IN"
		}
		return head("NULL::VARCHAR", "s."+c.Column, "NULL::DOUBLE", quote(strings.ToLower(op)+" ["+strings.Join(c.In, ", ")+"]"),
			fmt.Sprintf("CASE WHEN s.%s IS NULL THEN 'not_met' WHEN s.%s %s (%s) THEN 'met' ELSE 'not_met' END", c.Column, c.Column, op, quoteList(c.In))) +
			"\nFROM e_subjects s", nil
	case CheckIncidents:
		from := fmt.Sprintf("make_date(year(s.ref) + %d, 1, 1)", c.From.Years)
		if c.From.Anchor == "window_start" {
			w, ok := fr.Windows[fr.Year+c.From.Years]
			if !ok {
				return "", fmt.Errorf("no window for %d", fr.Year+c.From.Years)
			}
			from = sqlDate(w[0])
		}
		// Set-based: the subjects joined to the carriers whose incidents
		// count, then to those incidents.
		carriers := "(SELECT s.subject_id, s.ref, s.subject_id AS carrier_id FROM e_subjects s)"
		if c.Of == "operator" {
			carriers = `(SELECT s.subject_id, s.ref, h.carrier_id FROM e_subjects s
          LEFT JOIN (SELECT DISTINCT carrier_id, operator_uscc FROM carrier_history) h ON h.operator_uscc = s.operator_uscc)`
		}
		return fmt.Sprintf(`SELECT subject_id, cond, part, period, CAST(n AS DOUBLE) AS value_number, CAST(n AS VARCHAR) AS value,
       threshold, CASE WHEN n = 0 THEN 'met' ELSE 'not_met' END AS outcome
FROM (
    SELECT s.subject_id, %d AS cond, %d AS part, NULL::VARCHAR AS period,
           count(i.carrier_id) AS n, '0 (' || CAST(%s AS VARCHAR) || ' … ' || CAST(s.ref AS VARCHAR) || ')' AS threshold
    FROM %s s
    LEFT JOIN incidents i
           ON i.carrier_id = s.carrier_id AND i.type IN (%s) AND i.occurred_on BETWEEN %s AND s.ref
    GROUP BY s.subject_id, s.ref
)`, cond, part, from, carriers, quoteList(c.Types), from), nil
	case CheckBanned:
		return fmt.Sprintf(`SELECT subject_id, cond, part, period, NULL::DOUBLE AS value_number,
       coalesce('banned until ' || CAST(until AS VARCHAR), 'false') AS value, threshold,
       CASE WHEN until IS NULL THEN 'met' ELSE 'not_met' END AS outcome
FROM (
    SELECT s.subject_id, %d AS cond, %d AS part, NULL::VARCHAR AS period,
           max(b.banned_until) AS until, 'not banned on ' || CAST(s.ref AS VARCHAR) AS threshold
    FROM e_subjects s
    LEFT JOIN bans b ON b.operator_uscc = s.operator_uscc AND s.ref BETWEEN b.banned_from AND b.banned_until
    GROUP BY s.subject_id, s.ref
)`, cond, part), nil
	case CheckReview:
		return head("NULL::VARCHAR", "NULL::VARCHAR", "NULL::DOUBLE", quote(c.Review), "'review'") + "\nFROM e_subjects s", nil
	}
	return "", fmt.Errorf("check kind %q", c.Kind)
}
