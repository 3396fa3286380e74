package rubric

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// sqlNames names everything by a fixed, recognisable SQL text.
type sqlNames struct{}

func (sqlNames) Aggregate(fn, column string) string { return "q_" + fn + "_" + column }
func (sqlNames) Count(fn string) string             { return "c_" + fn }
func (sqlNames) Registry(column string) string      { return "r_" + column }
func (sqlNames) Expert(item string) string          { return "e_" + item }

func TestParseExprPrintsBack(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"sum(trainings)", "sum(trainings)"},
		{"sum(exited) / avg(incubating)", "sum(exited) / avg(incubating)"},
		{" sum( exited )/avg(incubating) ", "sum(exited) / avg(incubating)"},
		{"(sum(revenue) + sum(financing)) * 0.5", "(sum(revenue) + sum(financing)) * 0.5"},
	} {
		x, err := ParseExpr(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if got := x.String(); got != c.want {
			t.Errorf("%q prints as %q, want %q", c.in, got, c.want)
		}
	}
	for _, in := range []string{
		"1 - (2 - 3)", "1 - 2 - 3", "8 / (4 / 2)", "8 / 4 / 2", "-(1 + 2)", "- -1", "-sum(jobs) * 2",
		"quarters()", "on_time() / quarters()", "reporting()", "expert(service_quality)",
		"coalesce(last(utilization), avg(utilization), 0)", "least(sum(jobs), 100)", "greatest(area_m2, service_area_m2)",
		"workstations / staff", "min(utilization) + max(utilization)", "0.15", "1234567890.0123456789",
	} {
		x, err := ParseExpr(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		y, err := ParseExpr(x.String())
		if err != nil || y.String() != x.String() {
			t.Errorf("%q prints as %q, which reads back as %v %v", in, x.String(), y, err)
		}
	}
	// Precedence, by the tree.
	x, _ := ParseExpr("1 + 2 * 3 - 4 / 5")
	if b, ok := x.(*Binary); !ok || b.Op != '-' {
		t.Fatalf("1 + 2 * 3 - 4 / 5 is %#v", x)
	}
}

func TestParseExprErrorsNameTheColumn(t *testing.T) {
	for _, c := range []struct {
		in   string
		col  int
		want string
	}{
		{"sum(trainigs)", 5, "unknown quarterly column \"trainigs\""},
		{"trainings", 1, "is a quarterly column"},
		{"sum(trainings) +", 17, "ends where a value is expected"},
		{"sum(trainings) ; drop table x", 16, "unexpected \";\" after a complete expression"},
		{"median(jobs)", 1, "unknown function \"median\""},
		{"area", 1, "unknown name \"area\""},
		{"sum(jobs, events)", 9, "sum takes one argument"},
		{"(sum(jobs)", 11, "expected \")\""},
		{"1.2.3", 1, "is not a number"},
		{"1.", 1, "is not a number"},
		{".5", 1, "is not a number"},
		{"1234567890123456789", 1, "is not a number"},
		{"least(sum(jobs))", 1, "least takes two values"},
		{"coalesce(sum(jobs))", 1, "coalesce takes two values or more"},
		{"expert(Service)", 8, "expert takes an item code"},
		{"sum", 1, "sum is a function"},
		{"培训 + 1", 1, "unexpected character \"培\""},
		{"sum(jobs) 2", 11, "after a complete expression"},
		{"", 1, "ends where a value is expected"},
		{"sum(jobs) + 'x'", 13, "unexpected character"},
		{"1e5", 2, "unexpected name e5 after a complete expression"},
	} {
		_, err := ParseExpr(c.in)
		var e *ExprError
		if !errors.As(err, &e) || e.Col != c.col || !strings.Contains(e.Msg, c.want) {
			t.Errorf("%q: %v; want column %d, %q", c.in, err, c.col, c.want)
		}
	}
	if _, err := ParseExpr(strings.Repeat("(", 60) + "1" + strings.Repeat(")", 60)); err == nil || !strings.Contains(err.Error(), "nests more than") {
		t.Errorf("deep nesting: %v", err)
	}
	if _, err := ParseExpr(strings.Repeat("-", 60) + "1"); err == nil || !strings.Contains(err.Error(), "nests more than") {
		t.Errorf("deep negation: %v", err)
	}
	if _, err := ParseExpr(strings.Repeat("1+", MaxExprLen)); err == nil || !strings.Contains(err.Error(), "bytes long") {
		t.Errorf("long text: %v", err)
	}
}

func TestCompileSQL(t *testing.T) {
	for _, c := range []struct{ in, div, want string }{
		{"sum(trainings)", "", "q_sum_trainings"},
		{"sum(exited) / avg(incubating)", "", "(q_sum_exited / NULLIF(q_avg_incubating, 0))"},
		{"sum(exited) / avg(incubating)", "snap", "snap(q_sum_exited / NULLIF(q_avg_incubating, 0))"},
		{"-area_m2 + 0.5", "", "((-r_area_m2) + CAST(0.5 AS DOUBLE))"},
		{"2 * staff - 1", "snap", "snap(snap(CAST(2 AS DOUBLE) * r_staff) - CAST(1 AS DOUBLE))"},
		{"least(expert(quality), quarters())", "", "(CASE WHEN (e_quality) IS NULL OR (c_quarters) IS NULL THEN NULL ELSE least(e_quality, c_quarters) END)"},
		{"coalesce(last(jobs), 0)", "", "coalesce(q_last_jobs, CAST(0 AS DOUBLE))"},
	} {
		x, err := ParseExpr(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := CompileSQL(x, sqlNames{}, c.div); got != c.want {
			t.Errorf("%q compiles to %s, want %s", c.in, got, c.want)
		}
	}
	x, _ := ParseExpr("expert(a) + expert(b) * expert(a)")
	if got := ExpertItems(x); strings.Join(got, ",") != "a,b" {
		t.Errorf("expert items %v", got)
	}
}

// safeSQL is every character CompileSQL can write with sqlNames: no quote,
// semicolon or comment can come from a rubric.
var safeSQL = regexp.MustCompile(`^[A-Za-z0-9_ (),.+\-*/]*$`)

func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{"sum(trainings)", "sum(exited) / avg(incubating)", "coalesce(last(utilization), 0)",
		"least(expert(q), 100) - -1", "(((1)))", "1.5 * workstations", "sum(jobs) ; --", "expert(x')"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ParseExpr(s)
		if err != nil {
			var e *ExprError
			if !errors.As(err, &e) || e.Col < 1 {
				t.Fatalf("%q: error without a column: %v", s, err)
			}
			return
		}
		back := x.String()
		y, err := ParseExpr(back)
		if err != nil || y.String() != back {
			t.Fatalf("%q prints as %q, which reads back as %v (%v)", s, back, y, err)
		}
		if sql := CompileSQL(x, sqlNames{}, "snap"); !safeSQL.MatchString(sql) {
			t.Fatalf("%q compiles to unsafe SQL %q", s, sql)
		}
	})
}
