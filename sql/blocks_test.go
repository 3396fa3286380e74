package sqlfiles

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestParseReadsBlocks: a header gives the block its name, kind and tags;
// the comment lines right under it are its description; the rest, up to
// the next header, is its SQL; the head before the first header is the
// file's own comment; a file without headers is a script.
func TestParseReadsBlocks(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Block
	}{
		{"script", "CREATE TABLE t (a INT);\n-- a comment\nINSERT INTO t VALUES (1);\n", nil},
		{"empty file is a script", "", nil},
		{"one view", "-- Views.\n\n-- name: v :view\n-- What v is.\n-- More of it.\nCREATE VIEW v AS SELECT 1;\n",
			[]Block{{Name: "v", Kind: "view", Doc: []string{"What v is.", "More of it."}, SQL: "CREATE VIEW v AS SELECT 1;", Line: 3}}},
		{"no description", "-- name: q :query\nSELECT 1\n",
			[]Block{{Name: "q", Kind: "query", SQL: "SELECT 1", Line: 1}}},
		{"description ends at the first other line", "-- name: s :exec\n-- doc\n\n-- a comment of the SQL\nSELECT 1;\n-- trailing\n",
			[]Block{{Name: "s", Kind: "exec", Doc: []string{"doc"}, SQL: "-- a comment of the SQL\nSELECT 1;\n-- trailing", Line: 1}}},
		{"two blocks and tags", "-- name: a :exec (parallel)\nSELECT 1;\n-- name: b :exec (x=1, y , z=万元)\nSELECT 2;\n",
			[]Block{
				{Name: "a", Kind: "exec", Tags: []Tag{{Name: "parallel"}}, SQL: "SELECT 1;", Line: 1},
				{Name: "b", Kind: "exec", Tags: []Tag{{"x", "1"}, {"y", ""}, {"z", "万元"}}, SQL: "SELECT 2;", Line: 3},
			}},
		{"CRLF and trailing spaces", "-- name: a :view  \r\n-- doc\r\nSELECT 1;\r\n",
			[]Block{{Name: "a", Kind: "view", Doc: []string{"doc"}, SQL: "SELECT 1;", Line: 1}}},
		{"a comment that mentions a header is not one", "-- Each `-- name: x` header …\n-- name: a :view\nSELECT 1\n",
			[]Block{{Name: "a", Kind: "view", SQL: "SELECT 1", Line: 2}}},
		{"doc indented", "-- name: a :view\n   --   indented doc  \nSELECT 1\n",
			[]Block{{Name: "a", Kind: "view", Doc: []string{"indented doc"}, SQL: "SELECT 1", Line: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("f.sql", tt.text)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				tt.want[i].File = "f.sql"
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("blocks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseRefusesWhatIsNotTheGrammar: every departure from the grammar
// is an error naming the file and the line, never a block quietly lost
// into the one above or a statement quietly not run.
func TestParseRefusesWhatIsNotTheGrammar(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		says       string
	}{
		{"no kind", "-- name: a\nSELECT 1\n", 1, "kind"},
		{"misspelt prefix", "-- name: a :view\nSELECT 1\n--name: b :view\nSELECT 2\n", 3, "a header is"},
		{"capital Name", "-- Name: a :view\nSELECT 1\n", 1, "a header is"},
		{"indented header", "  -- name: a :view\nSELECT 1\n", 1, "start of the line"},
		{"two spaces", "-- name:  a :view\nSELECT 1\n", 1, "name \"\""},
		{"tab", "-- name:\ta :view\nSELECT 1\n", 1, "a header is"},
		{"bad name", "-- name: 1a :view\nSELECT 1\n", 1, "name \"1a\""},
		{"bad name character", "-- name: a-b :view\nSELECT 1\n", 1, "name \"a-b\""},
		{"upper-case kind", "-- name: a :View\nSELECT 1\n", 1, "kind"},
		{"kind without colon", "-- name: a view\nSELECT 1\n", 1, "kind"},
		{"tags without parentheses", "-- name: a :exec parallel\nSELECT 1\n", 1, "tags, in parentheses"},
		{"unclosed tags", "-- name: a :exec (parallel\nSELECT 1\n", 1, "tags, in parentheses"},
		{"empty tags", "-- name: a :exec ()\nSELECT 1\n", 1, `tag ""`},
		{"empty tag", "-- name: a :exec (a,,b)\nSELECT 1\n", 1, `tag ""`},
		{"empty value", "-- name: a :exec (a=)\nSELECT 1\n", 1, "the value after ="},
		{"value with space", "-- name: a :exec (a=b c)\nSELECT 1\n", 1, "the value after ="},
		{"spaces around =", "-- name: a :exec (a = b)\nSELECT 1\n", 1, `tag "a = b"`},
		{"tag twice", "-- name: a :exec (p, p)\nSELECT 1\n", 1, "tag p given twice"},
		{"nested parentheses", "-- name: a :exec ((p))\nSELECT 1\n", 1, "tag"},
		{"duplicate name", "-- name: a :view\nSELECT 1\n\n-- name: a :view\nSELECT 2\n", 4, "already named on line 1"},
		{"no SQL", "-- name: a :view\n-- only a description\n\n-- name: b :view\nSELECT 1\n", 1, "no SQL"},
		{"only comments under the header", "-- name: a :view\n-- doc\n\n-- not SQL\n", 1, "no SQL"},
		{"last block empty", "-- name: a :view\nSELECT 1\n-- name: b :view\n", 3, "no SQL"},
		{"SQL before the first header", "-- head\nSELECT 1;\n-- name: a :view\nSELECT 2\n", 2, "SQL before the first header"},
		{"NUL byte", "-- name: a :view\nSELECT 1\x00; DROP TABLE t\n", 2, "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("sql/x/f.sql", tt.text)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, %v; want a *SyntaxError", got, err)
			}
			if se.File != "sql/x/f.sql" || se.Line != tt.line || !strings.Contains(se.Msg, tt.says) {
				t.Fatalf("error %q; want line %d, saying %q", err, tt.line, tt.says)
			}
			if want := "sql/x/f.sql:" + strconv.Itoa(tt.line) + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("error %q does not start %q", err, want)
			}
		})
	}
}

// TestFoldersHoldWhatTheyAllow: each folder allows its kinds, and each
// kind its tags; a name is unique in its folder; a migration has no
// header and every other file at least one.
func TestFoldersHoldWhatTheyAllow(t *testing.T) {
	good := fstest.MapFS{
		"migrations/0001.sql": {Data: []byte("CREATE TABLE t (a INT);\n")},
		"views/0010.sql":      {Data: []byte("-- name: v :view\nCREATE VIEW v AS SELECT 1;\n-- name: m :macro\nCREATE MACRO m(a) AS a;\n")},
		"assess/00.sql":       {Data: []byte("-- name: s :exec (parallel)\nSELECT 1;\n")},
		"years/d.sql":         {Data: []byte("-- name: s :exec\nSELECT 1;\n")},
		"reports/r.sql":       {Data: []byte("-- name: q :query\nSELECT 1\n-- name: u :exec\nUPDATE t SET a = 1;\n")},
	}
	if _, err := load(good); err != nil {
		t.Fatalf("load: %v", err)
	}
	tests := []struct {
		name, path, text string
		want             string
	}{
		{"a migration with a header", "migrations/0002.sql", "-- name: m :exec\nSELECT 1;\n", "sql/migrations/0002.sql:1: a migration is run whole"},
		{"a view file without headers", "views/0020.sql", "CREATE VIEW w AS SELECT 1;\n", "sql/views/0020.sql:1: no -- name: header"},
		{"a query among the views", "views/0020.sql", "-- name: w :query\nSELECT 1\n", "sql/views/0020.sql:1: block w: kind :query; sql/views holds :view, :macro"},
		{"a step that is a view", "assess/10.sql", "-- name: w :view\nSELECT 1\n", "kind :view; sql/assess holds :exec"},
		{"an unknown tag", "assess/10.sql", "-- name: w :exec (paralel)\nSELECT 1\n", "sql/assess/10.sql:1: block w: :exec has no tag paralel"},
		{"a value for a flag", "assess/10.sql", "-- name: w :exec (parallel=4)\nSELECT 1\n", "tag parallel takes no value"},
		{"a tag on a view", "views/0020.sql", "-- name: w :view (parallel)\nSELECT 1\n", ":view has no tag parallel"},
		{"a name twice in a folder", "views/0020.sql", "-- head\n\n-- name: v :view\nSELECT 1\n", "sql/views/0020.sql:3: block v is already named at sql/views/0010.sql:1"},
		{"a view among the queries", "reports/s.sql", "-- name: w :view\nCREATE VIEW w AS SELECT 1\n", "kind :view; sql/reports holds :query, :exec"},
		{"a query twice", "reports/s.sql", "-- name: q :query\nSELECT 2\n", "block q is already named at sql/reports/r.sql:1"},
		{"a syntax error", "reports/s.sql", "-- name: q :query\n-- name: r :query\nSELECT 2\n", "sql/reports/s.sql:1: block q has no SQL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range good {
				fsys[k] = v
			}
			fsys[tt.path] = &fstest.MapFile{Data: []byte(tt.text)}
			_, err := load(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("load = %v; want %q", err, tt.want)
			}
		})
	}
}

// TestEmbeddedFilesFollowTheGrammar reads every embedded file as the
// program does at its first use (where an error panics).
func TestEmbeddedFilesFollowTheGrammar(t *testing.T) {
	all, err := load(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range folders {
		if len(all[d.name]) == 0 {
			t.Errorf("sql/%s: no files", d.name)
		}
	}
	// No step says (parallel) now: while the carrier-years fit in one row
	// group, the windows too ran faster on one thread (README "Benchmarks").
	var parallel []string
	for _, f := range Assessment() {
		for _, b := range f.Blocks {
			if _, ok := b.Tag("parallel"); ok {
				parallel = append(parallel, f.Name+" "+b.Name)
			}
		}
	}
	if diff := cmp.Diff([]string(nil), parallel); diff != "" {
		t.Errorf("parallel steps (-want +got):\n%s", diff)
	}
}

// TestQueryByName: a query of sql/reports is found by its name; another
// name is an error that names it.
func TestQueryByName(t *testing.T) {
	q, err := Query("rejects_workbooks")
	if err != nil || !strings.Contains(q, "FROM rejects") {
		t.Fatalf("Query(rejects_workbooks) = %q, %v", q, err)
	}
	if q, err := Query("no_such_query"); err == nil || q != "" || !strings.Contains(err.Error(), `"no_such_query"`) {
		t.Fatalf("Query(no_such_query) = %q, %v; want an error naming it", q, err)
	}
	if _, err := Query("carriers"); err == nil {
		t.Fatal("a view's name found as a query")
	}
}

// FuzzParse: whatever the text, Parse returns blocks or a *SyntaxError
// naming a line of it, never panics, and what it returns holds to the
// grammar: one block per header-like line, names unique, lines
// increasing, SQL taken from the text and holding a statement.
// Seeds: testdata/fuzz/FuzzParse, and the embedded files.
func FuzzParse(f *testing.F) {
	all, err := load(files)
	if err != nil {
		f.Fatal(err)
	}
	for _, d := range folders {
		for _, file := range all[d.name] {
			f.Add(file.Text)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		blocks, err := Parse("f.sql", text)
		lines := strings.Split(text, "\n")
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.File != "f.sql" || se.Line < 1 || se.Line > len(lines) {
				t.Fatalf("error %v (%T) does not name a line of f.sql (%d lines)", err, err, len(lines))
			}
			return
		}
		headers := 0
		for _, l := range lines {
			if isHeaderLike(l) {
				headers++
			}
		}
		if headers != len(blocks) {
			t.Fatalf("%d header lines, %d blocks", headers, len(blocks))
		}
		names := map[string]bool{}
		for i, b := range blocks {
			if names[b.Name] {
				t.Fatalf("block %s twice", b.Name)
			}
			names[b.Name] = true
			if i > 0 && b.Line <= blocks[i-1].Line {
				t.Fatalf("block %s on line %d after line %d", b.Name, b.Line, blocks[i-1].Line)
			}
			if !isName(b.Name) || !isKind(b.Kind) || b.SQL == "" || !strings.Contains(text, b.SQL) || !hasStatement(strings.Split(b.SQL, "\n")) {
				t.Fatalf("block %+v", b)
			}
			if !strings.HasPrefix(lines[b.Line-1], "-- name: "+b.Name+" :"+b.Kind) {
				t.Fatalf("block %s: line %d is %q", b.Name, b.Line, lines[b.Line-1])
			}
			for _, tag := range b.Tags {
				if !isName(tag.Name) || tag.Value != "" && !isValue(tag.Value) {
					t.Fatalf("block %s: tag %+v", b.Name, tag)
				}
			}
			for _, d := range b.Doc {
				if strings.Contains(d, "\n") || strings.TrimSpace(d) != d {
					t.Fatalf("block %s: description line %q", b.Name, d)
				}
			}
		}
	})
}
