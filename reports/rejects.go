// Package reports turns query results into workbooks for people. It never
// computes a rule: every number comes from a view.
package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// rejectColumns of the rejects workbook: Chinese first, English beneath.
// A clerk reads the column as the template names it (已备案在孵企业数, not
// filed) and the problem in words; the codes an analyst filters on follow,
// outside the print area.
var rejectColumns = []struct {
	zh, en string
	width  float64
}{
	{"文件", "File", 22},
	{"工作表", "Sheet", 10},
	{"行号", "Row", 7},
	{"列", "Column", 16},
	{"原值", "Value", 14},
	{"问题", "Problem", 18},
	{"修改方法", "How to fix it", 36},
	{"How to fix it", "(English)", 36},
	{"规则代码", "Rule code", 24},
	{"字段代码", "Field code", 16},
}

// rejectsPrintCols are the columns that print (A:H): on A4 landscape at
// 8 points or more.
const rejectsPrintCols = 8

// rejectsLastCol is the last column's letter.
var rejectsLastCol, _ = excelize.ColumnNumberToName(len(rejectColumns))

// rejectsSheetRows is how many rows one sheet of the rejects workbook
// holds, its three heading rows included: Excel's limit. More rejects go
// on to further sheets (退回清单 (2), …). A variable so that a test can
// make it small.
var rejectsSheetRows = excelize.TotalRows

// rejectsHeadRows are the title, note and header rows of every sheet.
const rejectsHeadRows = 3

// rejectsSheetName is the name of sheet k (0-based) of the rejects workbook.
func rejectsSheetName(k int) string {
	if k == 0 {
		return "退回清单"
	}
	return fmt.Sprintf("退回清单 (%d)", k+1)
}

// WriteRejects writes the rejected rows of one ingest batch to path as a
// workbook to send back to the submitter, and returns how many issues it
// holds: every reason a row was rejected, and every file rejected whole.
// The rows are streamed from the database into as many sheets as they
// need.
func WriteRejects(ctx context.Context, db *sql.DB, batchID int64, path string) (int, error) {
	rs, err := queryRejects(ctx, db, batchID, "")
	if err != nil {
		return 0, err
	}
	defer rs.close()
	return writeRejects(ctx, db, batchID, rs, "", path)
}

// rejectRow is a row of the query rejects_workbooks (sql/reports/rejects.sql).
type rejectRow struct {
	part                                sql.NullString // the district or carrier; empty: the whole batch; NULL: the file's
	fileID                              sql.NullInt64  // the file, when part is NULL
	issues                              int            // of the row's workbook
	file, sheet, col, raw, rule, zh, en string
	kind                                string
	rowNo                               sql.NullInt64
}

// sameWorkbook says whether r goes into the workbook of o.
func (r *rejectRow) sameWorkbook(o *rejectRow) bool {
	return r.part == o.part && r.fileID == o.fileID
}

// rejectRows reads the rows of rejects_workbooks one workbook at a time:
// peek shows the next row without taking it.
type rejectRows struct {
	rows *sql.Rows
	next *rejectRow // read ahead by peek
}

// queryRejects runs rejects_workbooks for batchID split by split: empty
// (the whole batch), RejectsByDistrict or RejectsByCarrier.
func queryRejects(ctx context.Context, db *sql.DB, batchID int64, split string) (*rejectRows, error) {
	rows, err := sqlfiles.Rows(ctx, db, "rejects_workbooks", sql.Named("batch_id", batchID), sql.Named("split", split))
	if err != nil {
		return nil, err
	}
	return &rejectRows{rows: rows}, nil
}

func (rs *rejectRows) peek() (*rejectRow, error) {
	if rs.next != nil {
		return rs.next, nil
	}
	if !rs.rows.Next() {
		return nil, rs.rows.Err()
	}
	var r rejectRow
	if err := rs.rows.Scan(&r.part, &r.fileID, &r.issues, &r.file, &r.sheet, &r.rowNo, &r.col, &r.raw, &r.rule, &r.zh, &r.en, &r.kind); err != nil {
		return nil, err
	}
	rs.next = &r
	return rs.next, nil
}

// take returns the next row, which must go into the workbook of first.
func (rs *rejectRows) take(first *rejectRow) (*rejectRow, error) {
	r, err := rs.peek()
	if err != nil {
		return nil, err
	}
	if r == nil || !r.sameWorkbook(first) {
		return nil, errors.New("the rejects of a workbook are fewer than counted")
	}
	rs.next = nil
	return r, nil
}

func (rs *rejectRows) close() { rs.rows.Close() }

// writeRejects writes the next workbook's rows of rs to path; title is
// added to the workbook's title.
func writeRejects(ctx context.Context, db *sql.DB, batchID int64, rs *rejectRows, title, path string) (int, error) {
	first, err := rs.peek()
	if err != nil {
		return 0, err
	}
	total := 0
	if first != nil {
		total = first.issues
	}

	f := excelize.NewFile()
	defer f.Close()
	st, err := xlsx.NewStyles(f)
	if err != nil {
		return 0, err
	}
	per := rejectsSheetRows - rejectsHeadRows
	sheets := max(1, (total+per-1)/per)
	written := 0
	for k := range sheets {
		n := min(per, total-written)
		if err := writeRejectsSheet(f, st, rs, first, k, sheets, n, batchID, title); err != nil {
			return 0, err
		}
		written += n
	}
	if r, err := rs.peek(); err != nil {
		return 0, err
	} else if r != nil && r.sameWorkbook(first) {
		return 0, fmt.Errorf("the rejects of batch %d are more than counted", batchID)
	}
	setProps(f, "数据退回清单 Rejected rows")
	return written, saveRejects(ctx, db, batchID, f, path)
}

// writeRejectsSheet writes sheet k of sheets with the next n rejects of
// rs, those of the workbook of first.
func writeRejectsSheet(f *excelize.File, st *xlsx.Styles, rs *rejectRows, first *rejectRow, k, sheets, n int, batchID int64, part string) error {
	sheet := rejectsSheetName(k)
	if k == 0 {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	// Sheet setup (filter range, print setup) must precede the stream writer.
	last := n + rejectsHeadRows
	if n == 0 {
		last = rejectsHeadRows + 1
	}
	if err := f.AutoFilter(sheet, fmt.Sprintf("A3:%s%d", rejectsLastCol, last), nil); err != nil {
		return err
	}
	printLast, _ := excelize.ColumnNumberToName(rejectsPrintCols)
	page := xlsx.Page{Paper: xlsx.A4, RepeatRows: "$3:$3", Area: fmt.Sprintf("$A$1:$%s$%d", printLast, last), Footer: xlsx.FooterPages}
	if err := page.Apply(f, sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, c := range rejectColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	title := fmt.Sprintf("数据退回清单 Rejected rows — 批次 batch %d", batchID) + part
	if sheets > 1 {
		title += fmt.Sprintf("（第 %d/%d 表 sheet %d of %d）", k+1, sheets, k+1, sheets)
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.Title, Value: title}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	note := "以下行未被接收，请按“修改方法”更正后重新报送整份文件。 These rows were not accepted: correct them as described and resend the whole file."
	if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: st.Note, Value: note}}, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	hdr := make([]any, len(rejectColumns))
	for i, c := range rejectColumns {
		hdr[i] = excelize.Cell{StyleID: st.Header, Value: c.zh + "\n" + c.en}
	}
	if err := sw.SetRow("A3", hdr, excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	cells := make([]any, len(rejectColumns))
	for i := range n {
		r, err := rs.take(first)
		if err != nil {
			return err
		}
		file, sh, col, raw, rule, zh, en, kind, rowNo := r.file, r.sheet, r.col, r.raw, r.rule, r.zh, r.en, r.kind, r.rowNo
		var row any = rowNo.Int64
		column := col
		if name := ingest.ColumnName(ingest.Kind(kind), col); name != "" {
			column = name
		}
		if !rowNo.Valid {
			// A file rejected whole: no row of it was read.
			row, column = "", "整个文件\nwhole file"
		}
		ruleZH, ruleEN := ingest.RuleName(rule, !rowNo.Valid)
		// Rejects stored before values were clipped may be of any length.
		vals := []any{file, sh, row, column, ingest.Clip(raw, ingest.MaxRawChars), ruleZH + "\n" + ruleEN,
			ingest.Clip(zh, 2*ingest.MaxRawChars), ingest.Clip(en, 2*ingest.MaxRawChars), rule, col}
		lines := 2
		for j, v := range vals {
			cells[j] = excelize.Cell{StyleID: st.Body, Value: v}
			if t, ok := v.(string); ok && j < rejectsPrintCols {
				lines = max(lines, xlsx.Lines(t, rejectColumns[j].width))
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+rejectsHeadRows+1)
		// As tall as the longest text wraps to.
		if err := sw.SetRow(cell, cells, excelize.RowOpts{Height: xlsx.FitHeight(float64(lines)*13 + 4)}); err != nil {
			return err
		}
	}
	if n == 0 {
		cell := excelize.Cell{StyleID: st.Body, Value: "本批次没有被退回的行 No rows were rejected in this batch"}
		if err := sw.SetRow("A4", []any{cell}); err != nil {
			return err
		}
	}
	if err := sw.MergeCell("A2", printLast+"2"); err != nil {
		return err
	}
	return sw.Flush()
}

// setProps fixes the document properties so that the same data gives the
// same workbook (excelize would otherwise stamp the wall clock).
func setProps(f *excelize.File, title string) {
	_ = f.SetDocProps(&excelize.DocProperties{
		Title: title, Creator: "incubeval", LastModifiedBy: "incubeval",
		Created: "2000-01-01T00:00:00Z", Modified: "2000-01-01T00:00:00Z",
	})
}
