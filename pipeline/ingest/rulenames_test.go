package ingest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every rule the loader can give a row or a file has a name a clerk reads
// (the rejects workbook's 问题 column), found by reading the package's own
// source: the rule of each v.add, fileErr and Issue{Rule: …}.
func TestEveryRuleHasAName(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	rowRules, fileRules := map[string]bool{}, map[string]bool{}
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					if fn.Name == "fileErr" && len(n.Args) > 1 {
						if s, ok := lit(n.Args[1]); ok {
							fileRules[s] = true
						}
					}
				case *ast.SelectorExpr:
					if fn.Sel.Name == "add" && len(n.Args) > 3 {
						if s, ok := lit(n.Args[3]); ok {
							rowRules[s] = true
						}
					}
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Issue" {
					for _, e := range n.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Rule" {
								if s, ok := lit(kv.Value); ok {
									rowRules[s] = true
								}
							}
						}
					}
				}
			}
			return true
		})
	}
	if len(rowRules) < 20 || len(fileRules) < 10 {
		t.Fatalf("found %d row rules and %d file rules in the source; the scan is broken", len(rowRules), len(fileRules))
	}
	for r := range rowRules {
		if zh, en := RuleName(r, false); zh == r || en == r {
			t.Errorf("row rule %s has no name", r)
		}
	}
	for r := range fileRules {
		if zh, en := RuleName(r, true); zh == r || en == r {
			t.Errorf("file rule %s has no name", r)
		}
	}
	if ColumnName(Quarterly, "filed") != "已备案在孵企业数" || ColumnName(Quarterly, "no_such") != "" || ColumnName("bogus", "filed") != "" {
		t.Error("ColumnName")
	}
}
