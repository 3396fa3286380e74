package assess

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/incubeval/incubeval/pipeline/rubric"
)

// Compiled holds the statements of steps 2 and 3 (sql/assess/20_indicators.sql
// and 30_points.sql) that depend on the rubric, written from its parsed
// expressions: a_sums, the aggregates each graded carrier-year needs, and
// a_points, every scheme's values, points and score.
type Compiled struct {
	Sums   string
	Points string
	// Relative, when some indicator is scored relative, selects from
	// a_points the values relative's best is taken over: year, cid, sno,
	// j (the scheme's j-th relative indicator) and v.
	Relative string
	// Rescore selects the rows of a_points of the years and schemes of
	// a_rescore (year, sno, best: the list of the bests by j) scored with
	// that best: only the relative points and the score change (the values
	// and the other points are a_points' own).
	Rescore string
}

// Columns of SPEC §3.2 by how they are summed (see 20_indicators.sql).
var (
	moneyColumns = []string{"revenue", "financing"} // DOUBLE, 6 decimals
	ratioColumns = []string{"utilization"}          // DOUBLE, blank allowed
)

// Compile writes the rubric-dependent statements of the assessment. It
// refuses numbers the steps cannot hold exactly (rubric CheckBounds).
func Compile(n *rubric.Normalized) (*Compiled, error) {
	if err := n.CheckBounds(); err != nil {
		return nil, err
	}
	c := &compiler{n: n, aggs: map[string]bool{}, regs: map[string]bool{}, experts: map[string]int{}}
	var parts, relative, rescore []string
	for k, s := range n.Schemes {
		part, err := c.scheme(k+1, s)
		if err != nil {
			return nil, err
		}
		parts = append(parts, part)
		if v, r, ok := c.rescore(k+1, s); ok {
			relative = append(relative, v)
			rescore = append(rescore, r)
		}
	}
	out := &Compiled{Sums: c.sums(), Points: "CREATE OR REPLACE TEMP TABLE a_points AS\n" + strings.Join(parts, "\nUNION ALL\n")}
	if len(rescore) > 0 {
		out.Relative = strings.Join(relative, "\nUNION ALL\n")
		out.Rescore = strings.Join(rescore, "\nUNION ALL\n")
	}
	return out, nil
}

// rescore writes, for a scheme that scores an indicator relative, its
// SELECT of Relative and of Rescore. Each indicator's points are a column
// (r1, r2 …); the score is summed from them and the list built from them.
func (c *compiler) rescore(k int, s rubric.Scheme) (relative, rescore string, ok bool) {
	var points, cols, which, nonBonus, bonus []string
	for i, ind := range s.Indicators {
		p := fmt.Sprintf("p.points[%d]", i+1)
		if ind.Score == rubric.ScoreRelative {
			which = append(which, fmt.Sprintf("(%d, %d)", len(which)+1, i+1))
			p = fmt.Sprintf(`CAST(relative_points(p."values"[%d], %s, b.best[%d]) AS DECIMAL(6,2))`, i+1, double(ind.Weight), len(which))
		}
		r := fmt.Sprintf("r%d", i+1)
		points = append(points, p+" AS "+r)
		cols = append(cols, r)
		if ind.Bonus {
			bonus = append(bonus, r)
		} else {
			nonBonus = append(nonBonus, r)
		}
	}
	if len(which) == 0 {
		return "", "", false
	}
	relative = fmt.Sprintf(`-- scheme %d: %s
SELECT p.year, p.cid, p.sno, r.j, p."values"[r.i] AS v
FROM a_points p, (VALUES %s) r(j, i)
WHERE p.sno = %d`, k, quote(s.Code), strings.Join(which, ", "), k)
	rescore = fmt.Sprintf(`-- scheme %d: %s, relative's best again
SELECT year, cid, sno, qgroup, quarters, "values", [%s] AS points, CAST(%s AS DECIMAL(6,2)) AS score, notes
FROM (
    SELECT p.year, p.cid, p.sno, p.qgroup, p.quarters, p."values", p.notes,
           %s
    FROM a_points p
    JOIN a_rescore b ON b.year = p.year AND b.sno = %d
    WHERE p.sno = %d
)`, k, quote(s.Code), strings.Join(cols, ", "), scoreSQL(s, nonBonus, bonus), strings.Join(points, ",\n           "), k, k)
	return relative, rescore, true
}

type compiler struct {
	n       *rubric.Normalized
	aggs    map[string]bool // "fn_column"
	regs    map[string]bool
	experts map[string]int // item → n of column expert_n
	items   []string       // in order of first use
}

// The names CompileSQL gives what an expression reads: columns of a_sums.
func (c *compiler) Aggregate(fn, column string) string {
	c.aggs[fn+"_"+column] = true
	return "s." + fn + "_" + column
}

func (c *compiler) Count(fn string) string {
	switch fn {
	case "quarters":
		return "CAST(s.quarters AS DOUBLE)"
	case "on_time":
		return "CAST(s.on_time AS DOUBLE)"
	}
	p := c.n.Reporting // reporting(): SPEC §4.2, per window quarter
	return fmt.Sprintf("snap(s.on_time * %s + (s.quarters - s.on_time) * %s + (4 - s.quarters) * %s)",
		lit(p.OnTime), lit(p.Late), lit(p.Missing))
}

func (c *compiler) Registry(column string) string {
	c.regs[column] = true
	return "s." + column
}

func (c *compiler) Expert(item string) string {
	if _, ok := c.experts[item]; !ok {
		c.experts[item] = len(c.items) + 1
		c.items = append(c.items, item)
	}
	return fmt.Sprintf("s.expert_%d", c.experts[item])
}

// lit prints a number of the rubric as a SQL literal (its shortest
// decimal form; checked finite and bounded by the caller or validation).
func lit(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// double prints a number of the rubric as a DOUBLE of the steps.
func double(x float64) string { return "CAST(" + lit(x) + " AS DOUBLE)" }

// quote is a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// scheme writes the SELECT of a_points for the k-th scheme.
func (c *compiler) scheme(k int, s rubric.Scheme) (string, error) {
	var values, points, notes, nonBonus, bonus []string
	for i, ind := range s.Indicators {
		what := fmt.Sprintf("scheme %q, indicator %q", s.Code, ind.Code)
		v := fmt.Sprintf("v%d", i+1)
		values = append(values, rubric.CompileSQL(ind.Value, c, "snap")+" AS "+v)
		p, err := c.points(what, ind, v)
		if err != nil {
			return "", err
		}
		points = append(points, p+fmt.Sprintf(" AS p%d", i+1))
		if ind.Bonus {
			bonus = append(bonus, fmt.Sprintf("p%d", i+1))
		} else {
			nonBonus = append(nonBonus, fmt.Sprintf("p%d", i+1))
		}
		for _, item := range rubric.ExpertItems(ind.Value) {
			note := fmt.Sprintf("CASE WHEN s.expert_%d IS NULL THEN %s END", c.experts[item], quote("missing_expert:"+item))
			if !slices.Contains(notes, note) {
				notes = append(notes, note)
			}
		}
	}
	score := scoreSQL(s, nonBonus, bonus)
	noteList := "NULL::VARCHAR[]"
	if len(notes) > 0 {
		noteList = "list_filter([" + strings.Join(notes, ", ") + "], x -> x IS NOT NULL)"
	}
	var vlist, plist []string
	for i := range s.Indicators {
		vlist = append(vlist, fmt.Sprintf("v%d", i+1))
		plist = append(plist, fmt.Sprintf("CAST(p%d AS DECIMAL(6,2))", i+1))
	}
	// Every graded carrier has a scheme (10_roster.sql stops the run
	// otherwise): with one scheme, every row of a_sums is its.
	where := ""
	if len(c.n.Schemes) > 1 {
		where = fmt.Sprintf("\n        WHERE s.sno = %d", k)
	}
	// relative's best leaves out the carrier-years in a_removed
	// (30_points.sql): removed is whether the row is one.
	removed := ""
	for _, ind := range s.Indicators {
		if ind.Score == rubric.ScoreRelative {
			removed = ", x.cid IS NOT NULL AS removed"
			where = "\n        LEFT JOIN a_removed x ON x.year = s.year AND x.cid = s.cid" + where
			break
		}
	}
	return fmt.Sprintf(`-- scheme %d: %s
SELECT year, cid, %d AS sno, qgroup, quarters, [%s] AS "values", [%s] AS points,
       CAST(%s AS DECIMAL(6,2)) AS score, notes
FROM (
    SELECT *, %s
    FROM (
        SELECT s.year, s.cid, s.level, s.qgroup, s.quarters, %s AS notes%s,
               %s
        FROM a_sums s%s
    )
)`, k, quote(s.Code), k, strings.Join(vlist, ", "), strings.Join(plist, ", "), score,
		strings.Join(points, ",\n           "), noteList, removed, strings.Join(values, ",\n               "), where), nil
}

// scoreSQL writes the score of a scheme from its indicators' rounded points:
// those not bonus, plus the bonus ones up to the cap.
func scoreSQL(s rubric.Scheme, nonBonus, bonus []string) string {
	score := "CAST(0 AS DECIMAL(18,2))"
	if len(nonBonus) > 0 {
		score = strings.Join(nonBonus, " + ")
	}
	if len(bonus) > 0 {
		score += fmt.Sprintf(" + least(CAST(%s AS DECIMAL(18,2)), %s)", lit(s.BonusCap), strings.Join(bonus, " + "))
	}
	return score
}

// points writes the points of one indicator whose value is column v.
func (c *compiler) points(what string, ind rubric.SchemeIndicator, v string) (string, error) {
	w := double(ind.Weight)
	switch ind.Score {
	case rubric.ScoreLinear:
		t := ind.Target
		target := double(t.Municipal)
		if t.Provincial != t.Municipal || t.National != t.Municipal {
			target = fmt.Sprintf("CASE level WHEN 'municipal' THEN %s WHEN 'provincial' THEN %s ELSE %s END",
				double(t.Municipal), double(t.Provincial), double(t.National))
		}
		return fmt.Sprintf("linear_points(%s, %s, %s)", v, w, target), nil
	case rubric.ScoreBand:
		return fmt.Sprintf("band_points(%s, %s, %s, %s)", v, w, double(ind.FullAt), double(ind.ZeroAt)), nil
	case rubric.ScoreSteps:
		var b strings.Builder
		b.WriteString("points_of(CASE")
		for i := len(ind.Steps) - 1; i >= 0; i-- {
			st := ind.Steps[i]
			fmt.Fprintf(&b, " WHEN %s >= %s THEN %s", v, double(st[0]), double(st[1]))
		}
		b.WriteString(" END)") // a step's points are at most the weight (CheckBounds)
		return b.String(), nil
	case rubric.ScorePerUnit:
		return fmt.Sprintf("per_unit_points(%s, %s, %s, %s)", v, w, double(ind.Per), double(ind.Points)), nil
	case rubric.ScoreRelative:
		return fmt.Sprintf("relative_points(%s, %s, max(CASE WHEN NOT removed THEN %s END) OVER (PARTITION BY year))", v, w, v), nil
	}
	return "", fmt.Errorf("%s: unknown score %q", what, ind.Score)
}

// sums writes a_sums: per graded carrier and year, the aggregates, registry
// values and expert scores the expressions read.
func (c *compiler) sums() string {
	var inner, outer []string
	for _, col := range rubric.QuarterlyColumns {
		for _, fn := range []string{"sum", "avg", "min", "max", "last"} {
			name := fn + "_" + col
			if !c.aggs[name] {
				continue
			}
			q := "q." + col
			sum := "sum(CAST(" + q + " AS DOUBLE))" // whole numbers: exact below 2^53
			switch {
			case slices.Contains(moneyColumns, col):
				sum = "round(sum(" + q + "), 6)"
			case slices.Contains(ratioColumns, col):
				sum = "round(sum(" + q + "), 10)"
			}
			switch fn {
			case "sum":
				inner = append(inner, sum+" AS "+name)
				outer = append(outer, "coalesce(s."+name+", 0.0) AS "+name)
			case "avg":
				inner = append(inner, sum+" AS "+name+"_sum", "count("+q+") AS "+name+"_n")
				outer = append(outer, "snap(s."+name+"_sum / NULLIF(s."+name+"_n, 0)) AS "+name)
			case "min", "max":
				inner = append(inner, "CAST("+fn+"("+q+") AS DOUBLE) AS "+name)
				outer = append(outer, "s."+name)
			case "last":
				// the latest quarter's cell (blank if it is blank)
				key := "q.year * 4 + q.quarter"
				inner = append(inner, "CASE WHEN arg_max("+q+" IS NULL, "+key+") THEN NULL ELSE CAST(arg_max("+q+", "+key+") AS DOUBLE) END AS "+name)
				outer = append(outer, "s."+name)
			}
		}
	}
	for _, col := range rubric.RegistryColumns {
		if c.regs[col] {
			outer = append(outer, "CAST(c."+col+" AS DOUBLE) AS "+col)
		}
	}
	expertJoin := ""
	if len(c.items) > 0 {
		var cols, items []string
		for i, item := range c.items {
			cols = append(cols, fmt.Sprintf("max(value) FILTER (WHERE item = %s) AS expert_%d", quote(item), i+1))
			outer = append(outer, fmt.Sprintf("CAST(e.expert_%d AS DOUBLE) AS expert_%d", i+1, i+1))
			items = append(items, quote(item))
		}
		expertJoin = fmt.Sprintf(`
LEFT JOIN (SELECT year, carrier_id, %s
           FROM expert_values WHERE item IN (%s) GROUP BY year, carrier_id) e
       ON e.year = r.year AND e.carrier_id = c.carrier_id`, strings.Join(cols, ", "), strings.Join(items, ", "))
	}
	innerCols := ""
	if len(inner) > 0 {
		innerCols = ",\n           " + strings.Join(inner, ",\n           ")
	}
	outerCols := ""
	if len(outer) > 0 {
		outerCols = ",\n       " + strings.Join(outer, ",\n       ")
	}
	// One scheme reads a_sums once: a view, computed inside a_points.
	// Several read it once each: a table, computed once.
	what := "TABLE"
	if len(c.n.Schemes) == 1 {
		what = "VIEW"
	}
	// The registry values and expert scores are the carrier's (c).
	carriers := ""
	if len(c.regs) > 0 || len(c.items) > 0 {
		carriers = "\nJOIN a_carriers c USING (cid)"
	}
	// The quarters are summed by carrier number (cid), not by carrier_id:
	// grouping and joining on integers costs less than on the ids' text.
	return `CREATE OR REPLACE TEMP ` + what + ` a_sums AS
WITH s AS (
    SELECT w.year, k.cid,
           count(*) AS quarters,
           count(*) FILTER (WHERE q.submitted_on <= w.due_on) AS on_time` + innerCols + `
    FROM assess_window_quarters w
    JOIN quarterly_winners q ON q.year = w.q_year AND q.quarter = w.q_quarter
    JOIN a_carriers k ON k.carrier_id = q.carrier_id
    GROUP BY w.year, k.cid
)
SELECT r.year, r.cid, r.level, r.sno, r.qgroup,
       coalesce(s.quarters, 0) AS quarters,
       coalesce(s.on_time, 0) AS on_time` + outerCols + `
FROM a_roster r` + carriers + `
LEFT JOIN s ON s.year = r.year AND s.cid = r.cid` + expertJoin + `
WHERE r.outcome = 'graded'`
}
