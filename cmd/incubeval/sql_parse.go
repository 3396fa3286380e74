package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/jedib0t/go-pretty/v6/text"
)

// errWrite is returned for a statement that is not a query.
var errWrite = errors.New("sql only runs queries (SELECT, WITH, FROM, DESCRIBE, SUMMARIZE, SHOW); " +
	"this statement would write or change settings, so it was refused and nothing was changed / 只允许查询语句，数据库未被修改")

// notRun ends every refusal of a text that was not run.
const notRun = "the query was not run; nothing was changed / 查询未执行，数据库未被修改"

// parsedQuery is query text that DuckDB's parser has read whole and found
// to be queries only: one or more statements (a -f script), each a SELECT
// (WITH, FROM …, DESCRIBE, SUMMARIZE and SHOW are SELECTs to the parser).
type parsedQuery struct {
	text string // as typed; the row formats run exactly this
	// statements are the syntax trees, one {"node": …} object each, as
	// json_serialize_sql gives them.
	statements []json.RawMessage
}

// parseQuery proves that text is queries only, with DuckDB's own parser:
// json_serialize_sql serialises SELECT statements and nothing else, and
// reads the text as a bound value, so nothing of it is run here. Anything
// it cannot prove (another kind of statement, a syntax error, text the
// parser gives up on) is refused and never run: a syntax error comes back
// with DuckDB's message and a caret under its position.
func parseQuery(ctx context.Context, conn *sql.Conn, text string) (*parsedQuery, error) {
	// go-duckdb hands text to DuckDB as a C string: a NUL byte would end it
	// early, so what is checked and what runs could differ.
	if strings.IndexByte(text, 0) >= 0 {
		return nil, fmt.Errorf("the query holds a NUL byte; %s", notRun)
	}
	var js string
	if err := conn.QueryRowContext(ctx, "SELECT json_serialize_sql(CAST(? AS VARCHAR))", text).Scan(&js); err != nil {
		return nil, fmt.Errorf("check query: %w", err)
	}
	var parsed struct {
		Error        bool              `json:"error"`
		ErrorType    string            `json:"error_type"`
		ErrorMessage string            `json:"error_message"`
		Position     string            `json:"position"`
		Statements   []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(js), &parsed); err != nil {
		return nil, fmt.Errorf("check query: %w", err)
	}
	switch {
	case parsed.Error && strings.Contains(parsed.ErrorMessage, "Only SELECT statements"):
		return nil, errWrite
	case parsed.Error && parsed.ErrorType == "parser":
		msg := "Parser Error: " + parsed.ErrorMessage
		if pos, err := strconv.Atoi(parsed.Position); err == nil {
			msg += "\n" + caretAt(text, byteOffset(text, pos))
		}
		return nil, fmt.Errorf("%s\n%s", msg, notRun)
	case parsed.Error:
		return nil, fmt.Errorf("%s: %s\n%s", parsed.ErrorType, parsed.ErrorMessage, notRun)
	case len(parsed.Statements) == 0:
		return nil, usage("查询中没有语句（只有注释或分号）", "the query holds no statement (only comments or ';')")
	}
	return &parsedQuery{text: text, statements: parsed.Statements}, nil
}

// byteOffset is the byte offset of the n-th character of s: DuckDB's
// parser counts a position in characters.
func byteOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// caretAt shows the line of q holding byte offset pos with a caret
// under that position, as DuckDB shows its own errors:
//
//	LINE 1: SELECT 1) TO 'x'
//	                ^
func caretAt(q string, pos int) string {
	if pos < 0 || pos > len(q) {
		return ""
	}
	start := strings.LastIndexByte(q[:pos], '\n') + 1
	end := strings.IndexByte(q[pos:], '\n')
	if end < 0 {
		end = len(q)
	} else {
		end += pos
	}
	lineNo := strings.Count(q[:start], "\n") + 1
	before, after := termSafe(strings.TrimSuffix(q[start:pos], "\r")), termSafe(strings.TrimSuffix(q[pos:end], "\r"))
	// A long line is cut around the position.
	const keep = 60
	if r := []rune(before); len(r) > keep {
		before = "..." + string(r[len(r)-keep:])
	}
	if r := []rune(after); len(r) > keep {
		after = string(r[:keep]) + "..."
	}
	prefix := fmt.Sprintf("LINE %d: ", lineNo)
	return prefix + before + after + "\n" + strings.Repeat(" ", text.StringWidthWithoutEscSequences(prefix+before)) + "^"
}

// regenerate turns a statement's syntax tree back into SQL text with
// DuckDB's json_deserialize_sql, and checks that the text reads back as
// the very same tree (DuckDB's printer does not print every construct
// back as it was typed). Only such text is put inside a statement of ours.
func regenerate(ctx context.Context, conn *sql.Conn, stmt json.RawMessage) (string, error) {
	doc := `{"error":false,"statements":[` + string(stmt) + `]}`
	var out string
	if err := conn.QueryRowContext(ctx, "SELECT json_deserialize_sql(CAST(? AS JSON))", doc).Scan(&out); err != nil {
		return "", fmt.Errorf("regenerate the query: %w", err)
	}
	back, err := parseQuery(ctx, conn, out)
	if err != nil || len(back.statements) != 1 || !sameTree(back.statements[0], stmt) {
		return "", errNotRegenerated
	}
	return out, nil
}

var errNotRegenerated = errors.New("DuckDB does not print this query back exactly as it reads it (a number written like 1e10 is one case: " +
	"write '1e10'::DOUBLE), so it cannot be run page by page for --format arrow or parquet; write it another way, " +
	"or use --format csv, json, ndjson or xlsx; " + notRun)

// sameTree reports whether two syntax trees are equal but for where in
// the text each part was found (query_location).
func sameTree(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(withoutLocations(x), withoutLocations(y))
}

func withoutLocations(v any) any {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "query_location")
		for k, e := range x {
			x[k] = withoutLocations(e)
		}
	case []any:
		for i, e := range x {
			x[i] = withoutLocations(e)
		}
	}
	return v
}

// subqueryOf returns the syntax tree of the subquery in FROM of a
// statement "SELECT … FROM (subquery)", or nil.
func subqueryOf(stmt json.RawMessage) json.RawMessage {
	var s struct {
		Node struct {
			Type      string `json:"type"`
			FromTable struct {
				Type     string          `json:"type"`
				Subquery json.RawMessage `json:"subquery"`
			} `json:"from_table"`
		} `json:"node"`
	}
	if json.Unmarshal(stmt, &s) != nil || s.Node.Type != "SELECT_NODE" || s.Node.FromTable.Type != "SUBQUERY" {
		return nil
	}
	return s.Node.FromTable.Subquery
}
