package sqlfiles

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Params returns the named parameters ($name) that text uses, sorted and
// each once, and an error for a positional one ($1 or ?), which the
// queries of sql/reports do not use. Quoted strings and identifiers,
// comments and dollar-quoted strings are skipped: a "$x" in them is text.
func Params(text string) ([]string, error) {
	var out []string
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\'' || c == '"':
			// '' or "" inside is the quote itself: the scan goes on.
			j := strings.IndexByte(text[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("an unclosed %c", c)
			}
			i += j + 1
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				return sorted(out), nil
			}
			i += j
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			j := strings.Index(text[i+2:], "*/")
			if j < 0 {
				return nil, fmt.Errorf("an unclosed /*")
			}
			i += j + 3
		case c == '?':
			return nil, fmt.Errorf("a positional parameter ?: name it ($name)")
		case c == '$':
			j := i + 1
			for j < len(text) && isWordByte(text[j]) {
				j++
			}
			word := text[i+1 : j]
			switch {
			case j < len(text) && text[j] == '$':
				// A dollar-quoted string: $tag$ … $tag$.
				end := strings.Index(text[j+1:], "$"+word+"$")
				if end < 0 {
					return nil, fmt.Errorf("an unclosed $%s$ string", word)
				}
				i = j + 1 + end + len(word) + 1
			case word == "":
				return nil, fmt.Errorf("a $ without a name")
			case word[0] >= '0' && word[0] <= '9':
				return nil, fmt.Errorf("a positional parameter $%s: name it ($name)", word)
			default:
				out = append(out, word)
				i = j - 1
			}
		}
	}
	return sorted(out), nil
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func sorted(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// Bind returns the SQL of the query block name of sql/reports and args as
// database/sql takes them, after checking that the names of args are the
// query's parameters, each given once: the driver (go-duckdb v1.8.2)
// binds an argument whose name the query does not use by its position
// instead, so a misspelt name would silently bind the wrong value.
func Bind(name string, args ...sql.NamedArg) (string, []any, error) {
	q, err := Query(name)
	if err != nil {
		return "", nil, err
	}
	want, err := Params(q)
	if err != nil {
		return "", nil, fmt.Errorf("query %s: %w", name, err)
	}
	var got []string
	out := make([]any, len(args))
	for i, a := range args {
		if slices.Contains(got, a.Name) {
			return "", nil, fmt.Errorf("query %s: parameter $%s given twice", name, a.Name)
		}
		got = append(got, a.Name)
		out[i] = a
	}
	got = sorted(got)
	if !slices.Equal(got, want) {
		return "", nil, fmt.Errorf("query %s takes %s, was given %s", name, dollars(want), dollars(got))
	}
	return q, out, nil
}

func dollars(names []string) string {
	if len(names) == 0 {
		return "no parameters"
	}
	return "$" + strings.Join(names, ", $")
}

// Querier is what Rows and Row run a query on: a *sql.DB, *sql.Conn or
// *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Rows runs the query block name of sql/reports with args, checked by Bind.
func Rows(ctx context.Context, db Querier, name string, args ...sql.NamedArg) (*sql.Rows, error) {
	q, a, err := Bind(name, args...)
	if err != nil {
		return nil, err
	}
	return db.QueryContext(ctx, q, a...)
}

// Row runs the query block name of sql/reports with args, checked by
// Bind, for at most one row.
func Row(ctx context.Context, db Querier, name string, args ...sql.NamedArg) *OneRow {
	q, a, err := Bind(name, args...)
	if err != nil {
		return &OneRow{err: err}
	}
	return &OneRow{row: db.QueryRowContext(ctx, q, a...)}
}

// Execer is what Exec runs a statement on: a *sql.DB, *sql.Conn or
// *sql.Tx.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Exec runs the :exec block name of sql/reports with args, checked by
// Bind.
func Exec(ctx context.Context, db Execer, name string, args ...sql.NamedArg) (sql.Result, error) {
	q, a, err := Bind(name, args...)
	if err != nil {
		return nil, err
	}
	return db.ExecContext(ctx, q, a...)
}

// OneRow is Row's result: a *sql.Row, or the error of Bind.
type OneRow struct {
	row *sql.Row
	err error
}

// Scan is sql.Row's Scan, or Bind's error.
func (r *OneRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.row.Scan(dest...)
}
