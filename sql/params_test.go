package sqlfiles

import (
	"database/sql"
	"slices"
	"strings"
	"testing"
)

func TestParams(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
		err  string
	}{
		{text: "SELECT 1", want: nil},
		{text: "SELECT * FROM t WHERE a = $year AND b = $year - 1 AND c = $run_id", want: []string{"run_id", "year"}},
		{text: "SELECT '$not', \"$col\", 'it''s $no' FROM t WHERE x = $x", want: []string{"x"}},
		{text: "SELECT 1 -- $comment\n, $y /* $block */", want: []string{"y"}},
		{text: "SELECT $tag$ $inside $tag$, $$ $x $$, $z", want: []string{"z"}},
		{text: "SELECT CAST($q AS INT)::VARCHAR", want: []string{"q"}},
		{text: "SELECT * FROM t WHERE a = ?", err: "positional"},
		{text: "SELECT * FROM t WHERE a = $1", err: "positional"},
		{text: "SELECT 'open", err: "unclosed"},
		{text: "SELECT $ + 1", err: "without a name"},
	} {
		got, err := Params(c.text)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Params(%q) = %v, %v; want an error with %q", c.text, got, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Params(%q) = %q, %v; want %q", c.text, got, err, c.want)
		}
	}
}

// TestBindChecksNames: a name the query does not use, one it uses but is
// not given, or one given twice is an error, not a value bound by position.
func TestBindChecksNames(t *testing.T) {
	if _, args, err := Bind("batch_ingested_at", sql.Named("batch_id", 1)); err != nil || len(args) != 1 {
		t.Fatalf("Bind = %v, %v", args, err)
	}
	for _, args := range [][]sql.NamedArg{
		{sql.Named("batch", 1)},
		{},
		{sql.Named("batch_id", 1), sql.Named("split", "")},
		{sql.Named("batch_id", 1), sql.Named("batch_id", 2)},
	} {
		if _, _, err := Bind("batch_ingested_at", args...); err == nil {
			t.Errorf("Bind(batch_ingested_at, %v): no error", args)
		}
	}
	if _, _, err := Bind("no_such_query"); err == nil {
		t.Error("Bind(no_such_query): no error")
	}
}

// TestReportQueriesParams: every query of sql/reports names its
// parameters ($name), so that Bind can check what a caller gives it.
func TestReportQueriesParams(t *testing.T) {
	for _, f := range Reports() {
		for _, b := range f.Blocks {
			if _, err := Params(b.SQL); err != nil {
				t.Errorf("%s: query %s: %v", b.Where(), b.Name, err)
			}
		}
	}
}
