package main

import (
	"bufio"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/marcboeker/go-duckdb"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports/xlsx"
)

// result is a stream of rows: a query's, or the schema listing's.
type result interface {
	Columns() []string
	Next() bool
	Values() []any // valid until the next call to Next
	Err() error
}

// rowsResult adapts *sql.Rows.
type rowsResult struct {
	rows *sql.Rows
	cols []string
	vals []any
	ptrs []any
	err  error
	mask []int // the columns shown masked (personal data not asked for)
}

// Personal data (SPEC §9): an ID number is shown only to someone who asks
// for its column by name — a query whose text says person_id. Otherwise a
// column of that name is shown masked (620102********1234), whatever the
// output format. This guards against showing it by accident (SELECT *);
// who may read the database file at all is the file's permissions' say.
const personIDColumn = "person_id"

func personIDAsked(query string) bool {
	return strings.Contains(strings.ToLower(query), personIDColumn)
}

// maskID is SQL's mask_id (sql/views/0090_talent.sql).
func maskID(id string) string {
	r := []rune(id)
	if len(r) == 18 {
		return string(r[:6]) + "********" + string(r[14:])
	}
	return strings.Repeat("*", len(r))
}

// maskColumns marks r's person_id columns to be shown masked.
func (r *rowsResult) maskColumns() {
	for i, c := range r.cols {
		if strings.EqualFold(c, personIDColumn) {
			r.mask = append(r.mask, i)
		}
	}
}

func newRowsResult(rows *sql.Rows) (*rowsResult, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	r := &rowsResult{rows: rows, cols: cols, vals: make([]any, len(cols)), ptrs: make([]any, len(cols))}
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
	}
	return r, nil
}

func (r *rowsResult) Columns() []string { return r.cols }
func (r *rowsResult) Values() []any     { return r.vals }
func (r *rowsResult) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	if err := r.rows.Scan(r.ptrs...); err != nil {
		r.err = err
		return false
	}
	for _, i := range r.mask {
		if s, ok := r.vals[i].(string); ok {
			r.vals[i] = maskID(s)
		}
	}
	return true
}
func (r *rowsResult) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

// sliceResult is a result held in memory.
type sliceResult struct {
	cols     []string
	rows     [][]any
	i        int
	widthMax []int // table format: wrap column i at widthMax[i] cells (0 = no wrap)
}

func (r *sliceResult) Columns() []string { return r.cols }
func (r *sliceResult) Values() []any     { return r.rows[r.i-1] }
func (r *sliceResult) Err() error        { return nil }
func (r *sliceResult) Next() bool {
	if r.i >= len(r.rows) {
		return false
	}
	r.i++
	return true
}

// writeResult writes a row-wise result in one of the row formats.
func writeResult(res result, o sqlOptions, w io.Writer) error {
	switch o.format {
	case "table":
		return writeTable(res, o.maxRows, o.width, w)
	case "csv":
		return writeCSV(res, o.safeCSV, w)
	case "json":
		return writeJSON(res, false, w)
	case "ndjson":
		return writeJSON(res, true, w)
	case "xlsx":
		return writeXLSX(res, w)
	}
	return fmt.Errorf("format %s cannot print this result", o.format)
}

// writeTable renders an aligned table (go-pretty measures East Asian wide
// characters, so Chinese text lines up) and the row count; rows past
// maxRows are counted, not shown. With width > 0 (a terminal) the table
// fits it: wide columns wrap, and lines still too long are cut with "…"
// (termtable.go).
func writeTable(res result, maxRows, width int, w io.Writer) error {
	cols := res.Columns()
	tw := newTermTable(width)
	tw.SetOutputMirror(w)
	// Cells and column names are escaped (termSafe): a value holding a
	// line break or an escape sequence must not fake a line of output.
	hdr := make(table.Row, len(cols))
	for i, c := range cols {
		hdr[i] = termSafe(c)
	}
	tw.AppendHeader(hdr) // column names as SQL knows them
	if s, ok := res.(*sliceResult); ok && s.widthMax != nil {
		for i, w := range s.widthMax {
			if w > 0 {
				tw.wrapColumn(i, w)
			}
		}
	}
	n := 0
	for res.Next() {
		n++
		if maxRows > 0 && n > maxRows {
			continue
		}
		vals := res.Values()
		r := make(table.Row, len(vals))
		for i, v := range vals {
			r[i] = termSafe(store.Text(v))
		}
		tw.AppendRow(r)
	}
	if err := res.Err(); err != nil {
		return err
	}
	tw.Render()
	if maxRows > 0 && n > maxRows {
		_, err := fmt.Fprintf(w, "(%s, %d not shown; --max-rows 0 shows all)\n", plural(n, "row", "rows"), n-maxRows)
		return err
	}
	_, err := fmt.Fprintf(w, "(%s)\n", plural(n, "row", "rows"))
	return err
}

// writeCSV writes RFC 4180 CSV with a header row. With safe, a cell a
// spreadsheet would take for a formula gets a leading apostrophe.
func writeCSV(res result, safe bool, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(res.Columns()); err != nil {
		return err
	}
	cells := make([]string, len(res.Columns()))
	for res.Next() {
		for i, v := range res.Values() {
			cells[i] = store.Text(v)
			if safe {
				cells[i] = safeCell(cells[i])
			}
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	if err := res.Err(); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// safeCell defuses CSV injection: =, +, - and @ start a formula in Excel
// and LibreOffice.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeJSON writes one array of objects, or one object a line (ndjson);
// keys keep the query's column order.
func writeJSON(res result, lines bool, w io.Writer) error {
	bw := bufio.NewWriter(w)
	cols := res.Columns()
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		keys[i], _ = json.Marshal(c)
	}
	if !lines {
		bw.WriteString("[")
	}
	n := 0
	for res.Next() {
		if !lines && n > 0 {
			bw.WriteString(",")
		}
		if !lines {
			bw.WriteString("\n")
		}
		bw.WriteString("{")
		for i, v := range res.Values() {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.Write(keys[i])
			bw.WriteString(":")
			b, err := json.Marshal(jsonValue(v))
			if err != nil {
				return fmt.Errorf("column %s: %w", cols[i], err)
			}
			bw.Write(b)
		}
		bw.WriteString("}")
		if lines {
			bw.WriteString("\n")
		}
		n++
	}
	if err := res.Err(); err != nil {
		return err
	}
	if !lines {
		if n > 0 {
			bw.WriteString("\n")
		}
		bw.WriteString("]\n")
	}
	return bw.Flush()
}

// jsonValue maps a DuckDB value to what encoding/json writes: numbers stay
// numbers (DECIMAL exactly), dates and times are text as in the table
// format, lists and structs nest.
func jsonValue(v any) any {
	switch x := v.(type) {
	case nil, bool, string, int8, int16, int32, int64, int, uint8, uint16, uint32, uint64:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return store.Text(x)
		}
		return x
	case float32:
		return jsonValue(float64(x))
	case duckdb.Decimal, *big.Int:
		return json.Number(store.Text(x))
	case time.Time:
		return store.Text(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	default:
		return store.Text(x)
	}
}

// maxExcelRows is a worksheet's row limit, header included.
const maxExcelRows = 1048576

// writeXLSX streams the result into one sheet under a plain header row:
// numbers as numbers, dates as dates.
func writeXLSX(res result, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "result"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	fmtDate := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtDate})
	if err != nil {
		return err
	}
	fmtTS := "yyyy-mm-dd hh:mm:ss"
	tsStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtTS})
	if err != nil {
		return err
	}
	cols := res.Columns()
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = c
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	row := 1
	cells := make([]any, len(cols))
	for res.Next() {
		row++
		if row > maxExcelRows {
			return fmt.Errorf("the result has more rows than a worksheet holds (%d); use --format csv or parquet", maxExcelRows-1)
		}
		for i, v := range res.Values() {
			cells[i] = xlsxValue(v, dateStyle, tsStyle)
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := res.Err(); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// Saved as every workbook of ours is: the sheet declares its used
	// range, which readers such as openpyxl's read_only mode trust.
	return xlsx.Write(f, w, time.Time{})
}

// maxExactExcel is the largest integer Excel shows exactly (15 digits).
const maxExactExcel = 999_999_999_999_999

func xlsxValue(v any, dateStyle, tsStyle int) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool, string, int8, int16, int32, int, uint8, uint16, float32:
		return x
	case int64:
		if x > maxExactExcel || x < -maxExactExcel {
			return store.Text(x) // Excel keeps 15 digits; text keeps them all
		}
		return x
	case uint32, uint64:
		return store.Text(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return store.Text(x)
		}
		return x
	case duckdb.Decimal:
		f, err := strconv.ParseFloat(store.Text(x), 64)
		if err != nil {
			return store.Text(x)
		}
		return f
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return excelize.Cell{StyleID: dateStyle, Value: x}
		}
		return excelize.Cell{StyleID: tsStyle, Value: x}
	default:
		return store.Text(x)
	}
}
