package sqlfiles

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestCallersNameTheQueriesParams reads the module's Go code for the calls
// sqlfiles.Rows, Row, Exec and Bind that name their query and give sql.Named
// arguments, and checks that the names given are the query's $names: a
// misspelt or missing name fails here even where no test runs the call
// (Bind checks the same when it runs). It also checks that every query of
// sql/reports is named somewhere in the code, so that none is left
// behind unused.
func TestCallersNameTheQueriesParams(t *testing.T) {
	params := map[string][]string{}
	for _, f := range Reports() {
		for _, b := range f.Blocks {
			p, err := Params(b.SQL)
			if err != nil {
				t.Fatalf("%s: %v", b.Where(), err)
			}
			params[b.Name] = p
		}
	}
	named := map[string]bool{} // the queries a string literal of the code names
	calls := 0
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != ".." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					if _, ok := params[s]; ok {
						named[s] = true
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn := selector(call.Fun, "sqlfiles")
			first, ok := map[string]int{"Rows": 2, "Row": 2, "Exec": 2, "Bind": 0}[fn]
			if !ok || len(call.Args) <= first {
				return true
			}
			lit, ok := call.Args[first].(*ast.BasicLit)
			if !ok {
				return true // a name in a variable: Bind checks it when it runs
			}
			name, _ := strconv.Unquote(lit.Value)
			where := fset.Position(call.Pos())
			want, ok := params[name]
			if !ok {
				t.Errorf("%s: no query %q in sql/reports", where, name)
				return true
			}
			var got []string
			for _, a := range call.Args[first+1:] {
				c, ok := a.(*ast.CallExpr)
				if !ok || selector(c.Fun, "sql") != "Named" || len(c.Args) != 2 {
					return true // arguments built otherwise: Bind checks them when it runs
				}
				l, ok := c.Args[0].(*ast.BasicLit)
				if !ok {
					return true
				}
				s, _ := strconv.Unquote(l.Value)
				got = append(got, s)
			}
			calls++
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: query %s takes %s, the call gives %s", where, name, dollars(want), dollars(got))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Fatal("no calls of sqlfiles.Rows, Row, Exec or Bind found")
	}
	t.Logf("%d calls checked", calls)
	for name := range params {
		if !named[name] {
			t.Errorf("query %s of sql/reports is named nowhere in the code", name)
		}
	}
}

// selector returns Sel of pkg.Sel, or "".
func selector(e ast.Expr, pkg string) string {
	s, ok := e.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if x, ok := s.X.(*ast.Ident); !ok || x.Name != pkg {
		return ""
	}
	return s.Sel.Name
}
