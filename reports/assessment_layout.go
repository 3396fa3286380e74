package reports

import (
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
)

// asmKind says how a column's values look: alignment and number format.
type asmKind int

const (
	akText        asmKind = iota // wrapped text, left
	akCode                       // short text, centred (ids, grades, districts)
	akInt                        // #,##0: counts, ranks
	akScore                      // 0.00
	akSignedNum                  // +0.00 (score change)
	akSignedInt                  // +0 (rank change)
	akMoney                      // #,##0 (yuan)
	akFactor                     // 0.00
	akDate                       // yyyy-mm-dd
	akPercent                    // 0.0%
	akRatio                      // 0.0% (indicator values that are ratios)
	akDecimal                    // #,##0.00 (万元, quarterly averages)
	akGeneral                    // General (weights)
	akSignedMoney                // +#,##0 (change in yuan)
	akHalves                     // #,##0.0 (quarters reported on time)
	akCount
)

// asmNumFmts of the kinds that have one (xlsx/formats.go).
var asmNumFmts = map[asmKind]string{
	akInt: xlsx.FmtCount, akScore: xlsx.FmtScore, akSignedNum: xlsx.FmtSignedScore, akSignedInt: xlsx.FmtSignedCount,
	akMoney: xlsx.FmtYuan, akFactor: xlsx.FmtScore, akDate: xlsx.FmtDate, akPercent: xlsx.FmtRatio, akRatio: xlsx.FmtRatio,
	akDecimal: xlsx.FmtDecimal, akGeneral: xlsx.FmtGeneral, akSignedMoney: xlsx.FmtSignedCount, akHalves: xlsx.FmtHalves,
}

// asmIndicatorKind is the kind of an indicator's values (indicatorFormat).
func asmIndicatorKind(code, unit, expr string) asmKind {
	switch indicatorFormat(code, unit, expr) {
	case xlsx.FmtRatio:
		return akRatio
	case xlsx.FmtDecimal:
		return akDecimal
	case xlsx.FmtHalves:
		return akHalves
	case xlsx.FmtCount:
		return akInt
	}
	return akGeneral
}

// column of a list sheet: bilingual header, kind, width (0: fit the content).
type asmColumn struct {
	zh, en string
	kind   asmKind
	width  float64
	max    float64 // widest a fitted column may grow (default 40); longer text wraps
}

// asmStyles are the workbook's styles, made once: list sheets look them up
// by kind in a slice, never per cell by description.
type asmStyles struct {
	*xlsx.Styles              // Title, Note, Header as in the rejects workbook
	body         [akCount]int // by kind
	total        [akCount]int // the totals row: bold, shaded
	section      int          // a section heading on 概览 and 说明
	label        int          // a row label on 概览 and 说明 (bold, shaded)
	titleCenter  int
	hash         int // SHA-256 digests: small monospace
	grade        map[string]int
	status       struct{ missing, late int }
}

func newAsmStyles(f *excelize.File) (*asmStyles, error) {
	base, err := xlsx.NewStyles(f)
	if err != nil {
		return nil, err
	}
	s := &asmStyles{Styles: base}
	font := func(bold bool) *excelize.Font { return &excelize.Font{Family: "SimSun", Size: 10, Bold: bold} }
	border := []excelize.Border{
		{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
	}
	for k := asmKind(0); k < akCount; k++ {
		al := &excelize.Alignment{Vertical: "center", Horizontal: "right"}
		switch k {
		case akText:
			al = &excelize.Alignment{Vertical: "center", WrapText: true}
		case akCode, akDate:
			al = &excelize.Alignment{Vertical: "center", Horizontal: "center"}
		}
		for i, bold := range []bool{false, true} {
			st := &excelize.Style{Font: font(bold), Border: border, Alignment: al}
			if nf, ok := asmNumFmts[k]; ok {
				st.CustomNumFmt = &nf
			}
			if bold {
				st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
			}
			id, err := f.NewStyle(st)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				s.body[k] = id
			} else {
				s.total[k] = id
			}
		}
	}
	if s.section, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun", Size: 12, Bold: true, Color: "1F4E79"},
		Alignment: &excelize.Alignment{Vertical: "center"}}); err != nil {
		return nil, err
	}
	if s.label, err = f.NewStyle(&excelize.Style{Font: font(true), Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}); err != nil {
		return nil, err
	}
	if s.titleCenter, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun", Size: 16, Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}); err != nil {
		return nil, err
	}
	if s.hash, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Courier New", Size: 9}, Border: border,
		Alignment: &excelize.Alignment{Vertical: "center"}}); err != nil {
		return nil, err
	}
	// Grade colours, as Excel's own good/neutral/bad palette: applied by
	// conditional formatting so that a sorted or edited sheet keeps them.
	s.grade = map[string]int{}
	for _, g := range []struct{ zh, fill, font string }{
		{gradeZH["excellent"], "C6EFCE", "006100"}, {gradeZH["good"], "DDEBF7", "1F4E79"},
		{gradeZH["pass"], "FFEB9C", "9C5700"}, {gradeZH["fail"], "FFC7CE", "9C0006"},
	} {
		id, err := f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: g.font, Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{g.fill}}})
		if err != nil {
			return nil, err
		}
		s.grade[g.zh] = id
	}
	if s.status.missing, err = f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}}); err != nil {
		return nil, err
	}
	if s.status.late, err = f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C5700"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFEB9C"}}}); err != nil {
		return nil, err
	}
	return s, nil
}

// asmCond applies conditional formats to one column's data cells.
type asmCond struct {
	col  int // 1-based
	opts []excelize.ConditionalFormatOptions
}

// asmList is one streamed list: title, note, a bilingual header in row 3,
// data rows from row 4, optional totals rows beneath the filter range.
type asmList struct {
	name   string
	title  []excelize.RichTextRun
	note   string
	cols   []asmColumn
	rows   [][]any // values, or excelize.Cell to override the column's style
	totals [][]any
	// Large sheets give n and fill instead of rows: fill puts row i's values
	// into vals and may change a cell's style in styles (preset to the
	// column's). Their columns should have widths, or fitting reads every row.
	n           int
	fill        func(i int, vals []any, styles []int)
	conds       []asmCond
	freezeCols  int    // columns kept in view when scrolling right
	empty       string // shown when there are no rows
	headerLines int    // header height in lines (0: fit)
	// printCols are the leading columns that print (0: all): what an
	// official reads on paper; the columns after them are for the screen
	// and for filtering. printHead prints the title, note and header only
	// (a sheet too long to be worth paper unless asked for).
	printCols int
	printHead bool
	a3        bool // printed on A3 (landscape), not A4
}

// The first three rows of every list sheet.
const (
	asmTitleRow  = 1
	asmNoteRow   = 2
	asmHeaderRow = 3
	asmFirstData = 4
)

// asmStream is a list sheet being written. Its rows are written from its
// data alone (body), on any goroutine, as soon as the data is read: they
// are xlsx.Rows, not excelize's. The sheet itself is made (makeSheet) and
// finished (finish) by the goroutine that owns the workbook, in sheet
// order, since both change it.
type asmStream struct {
	ls *asmList
	st *asmStyles
	// rows are the data and totals rows, written beside sw (which writes
	// the title, note and header, and the merged cells) and put in their
	// place by xlsx.Save.
	rows    *xlsx.Rows
	widths  []float64
	lastCol string
	// titleCol is the last column the title and note span: the printed ones.
	titleCol  string
	printCols int
	sw        *excelize.StreamWriter // once the sheet is made
}

// newAsmStream fits the list's columns to its data; it touches no workbook.
func newAsmStream(st *asmStyles, ls *asmList) *asmStream {
	if ls.fill == nil {
		ls.n, ls.fill = len(ls.rows), rowsFill(ls.rows)
	}
	ncol := len(ls.cols)
	lastCol, _ := excelize.ColumnNumberToName(ncol)
	printCols := ncol
	if ls.printCols > 0 {
		printCols = min(ls.printCols, ncol)
	}
	printLast, _ := excelize.ColumnNumberToName(printCols)
	return &asmStream{ls: ls, st: st, rows: xlsx.NewRows(ls.name), widths: asmFitWidths(ls.cols, ls.rows, ls.n, ls.fill, ls.totals),
		lastCol: lastCol, titleCol: printLast, printCols: printCols}
}

// makeSheet makes the sheet and its stream writer and writes the title,
// note and header. Everything that excelize keeps on the worksheet (filter,
// print setup, conditional formats) is set before the stream writer is
// made: the writer copies the worksheet once, and later settings would be
// lost at Flush.
func (s *asmStream) makeSheet(f *excelize.File) error {
	ls, st, widths, lastCol, printLast := s.ls, s.st, s.widths, s.lastCol, s.titleCol
	if _, err := f.NewSheet(ls.name); err != nil {
		return err
	}
	ncol := len(ls.cols)
	last := asmHeaderRow + ls.n
	if ls.n == 0 {
		last = asmFirstData
	}
	if err := f.AutoFilter(ls.name, fmt.Sprintf("A%d:%s%d", asmHeaderRow, lastCol, last), nil); err != nil {
		return err
	}
	printRows := asmHeaderRow + max(ls.n, 1) + len(ls.totals)
	if ls.printHead {
		printRows = asmHeaderRow
	}
	paper := xlsx.A4
	if ls.a3 {
		paper = xlsx.A3
	}
	area := fmt.Sprintf("$A$1:$%s$%d", printLast, printRows)
	page := xlsx.Page{Paper: paper, Margins: xlsx.ListMargins, RepeatRows: fmt.Sprintf("$%d:$%d", asmHeaderRow, asmHeaderRow), Area: area, Footer: xlsx.FooterSheetPages}
	if err := page.Apply(f, ls.name); err != nil {
		return err
	}
	if ls.n > 0 {
		for _, c := range ls.conds {
			col, _ := excelize.ColumnNumberToName(c.col)
			ref := fmt.Sprintf("%s%d:%s%d", col, asmFirstData, col, last)
			if err := f.SetConditionalFormat(ls.name, ref, c.opts); err != nil {
				return fmt.Errorf("%s: conditional format: %w", ls.name, err)
			}
		}
	}
	sw, err := xlsx.SizedStream(f, ls.name, ncol, asmHeaderRow+max(ls.n, 1)+len(ls.totals))
	if err != nil {
		return err
	}
	freeze := &excelize.Panes{Freeze: true, YSplit: asmHeaderRow, TopLeftCell: fmt.Sprintf("A%d", asmFirstData), ActivePane: "bottomLeft"}
	if ls.freezeCols > 0 {
		tl, _ := excelize.CoordinatesToCellName(ls.freezeCols+1, asmFirstData)
		freeze = &excelize.Panes{Freeze: true, XSplit: ls.freezeCols, YSplit: asmHeaderRow, TopLeftCell: tl, ActivePane: "bottomRight"}
	}
	if err := sw.SetPanes(freeze); err != nil {
		return err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.titleCenter, Value: ls.title}}, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	total := 0.0
	for _, w := range widths[:s.printCols] {
		total += w
	}
	if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: st.Note, Value: ls.note}}, excelize.RowOpts{Height: asmNoteHeight(ls.note, total)}); err != nil {
		return err
	}
	hdr := make([]any, ncol)
	lines := ls.headerLines
	for i, c := range ls.cols {
		hdr[i] = excelize.Cell{StyleID: st.Header, Value: c.zh + "\n" + c.en}
		if ls.headerLines == 0 {
			lines = max(lines, xlsx.Lines(c.zh, widths[i])+xlsx.Lines(c.en, widths[i]))
		}
	}
	if err := sw.SetRow(fmt.Sprintf("A%d", asmHeaderRow), hdr, excelize.RowOpts{Height: xlsx.FitHeight(float64(lines)*13 + 6)}); err != nil {
		return err
	}
	s.sw = sw
	s.rows.Place(sw)
	return nil
}

// body writes the data rows and the totals.
func (s *asmStream) body() error {
	ls, st, widths := s.ls, s.st, s.widths
	ncol := len(ls.cols)
	vals := make([]any, ncol)
	styles := make([]int, ncol)
	row := asmFirstData
	// Text columns wrap; readers do not grow a streamed row to fit, so the
	// row height is set from the longest text.
	var wraps []int
	for j, c := range ls.cols {
		if c.kind == akText {
			wraps = append(wraps, j)
		}
	}
	lastText, lastLines := make([]string, ncol), make([]int, ncol) // names repeat row after row
	writeRows := func(n int, fill func(int, []any, []int), styleOf *[akCount]int) error {
		for i := range n {
			for j := range vals {
				vals[j], styles[j] = nil, styleOf[ls.cols[j].kind]
			}
			fill(i, vals, styles)
			lines := 1
			for _, j := range wraps {
				s, ok := vals[j].(string)                             // not a Cell's: a totals row keeps its height
				if !ok || float64(len(s)) <= widths[j]-xlsx.Padding { // bytes ≥ display width
					continue
				}
				if s != lastText[j] {
					lastText[j], lastLines[j] = s, 1
					if xlsx.TextWidth(s) > widths[j]-xlsx.Padding {
						lastLines[j] = xlsx.Lines(s, widths[j])
					}
				}
				lines = max(lines, lastLines[j])
			}
			height := 0.0
			if lines > 1 {
				height = xlsx.FitHeight(float64(lines)*13 + 3)
			}
			if err := s.rows.SetRow(row, vals, styles, height); err != nil {
				return err
			}
			row++
		}
		return nil
	}
	if err := writeRows(ls.n, ls.fill, &st.body); err != nil {
		return err
	}
	if ls.n == 0 {
		empty := ls.empty
		if empty == "" {
			empty = "无 None"
		}
		if err := s.rows.SetRow(asmFirstData, []any{excelize.Cell{StyleID: st.body[akText], Value: empty}}, nil, 0); err != nil {
			return err
		}
		row++
	}
	return writeRows(len(ls.totals), rowsFill(ls.totals), &st.total)
}

// finish merges the title, the note and an empty list's one row across the
// sheet, and ends the stream writer.
func (s *asmStream) finish() error {
	if s.ls.n == 0 {
		if err := s.sw.MergeCell(fmt.Sprintf("A%d", asmFirstData), fmt.Sprintf("%s%d", s.lastCol, asmFirstData)); err != nil {
			return err
		}
	}
	if err := s.sw.MergeCell("A1", s.titleCol+"1"); err != nil {
		return err
	}
	if err := s.sw.MergeCell("A2", s.titleCol+"2"); err != nil {
		return err
	}
	return s.sw.Flush()
}

// writeAsmList writes a list sheet start to end, but for its rows, which
// the workbook's save must be given.
func writeAsmList(f *excelize.File, st *asmStyles, ls *asmList) (*xlsx.Rows, error) {
	s := newAsmStream(st, ls)
	if err := s.body(); err != nil {
		s.rows.Discard()
		return nil, err
	}
	if err := s.makeSheet(f); err != nil {
		s.rows.Discard()
		return nil, err
	}
	return s.rows, s.finish()
}

// rowsFill serves rows to writeAsmList.
func rowsFill(rows [][]any) func(int, []any, []int) {
	return func(i int, vals []any, _ []int) { copy(vals, rows[i]) }
}

// asmNoteHeight fits a wrapped note into its merged row.
func asmNoteHeight(note string, width float64) float64 {
	if note == "" {
		return 6
	}
	return xlsx.FitHeight(float64(xlsx.Lines(note, width*1.05))*13.5 + 6)
}

// asmFitWidths sizes each column to its header and its widest value (CJK
// characters count two), within [6, max]; totals rows count too. Every
// column holds its header's Chinese lines (break a long one with "\n")
// and its longest English word unbroken, so that a header never wraps
// inside a word or strands a bracket on a line of its own. The values
// are data, when the list holds its rows, or else read from fill.
func asmFitWidths(cols []asmColumn, data [][]any, n int, fill func(int, []any, []int), totals [][]any) []float64 {
	ws := make([]float64, len(cols))
	var rows [][]any // read only if a column is to be fitted
	for _, c := range cols {
		if c.width == 0 {
			if data != nil {
				rows = data
				break
			}
			for i := range n {
				vals := make([]any, len(cols))
				fill(i, vals, make([]int, len(cols)))
				rows = append(rows, vals)
			}
			break
		}
	}
	rows = append(rows[:len(rows):len(rows)], totals...)
	for j, c := range cols {
		head := 0.0
		for _, line := range strings.Split(c.zh, "\n") {
			head = max(head, xlsx.TextWidth(line))
		}
		for _, word := range strings.Fields(c.en) {
			head = max(head, math.Min(xlsx.TextWidth(word), 18))
		}
		head += xlsx.Padding + 0.5
		if c.width > 0 {
			ws[j] = max(c.width, head)
			continue
		}
		limit := c.max
		if limit == 0 {
			limit = 40
		}
		widest := max(limit, head)
		w := 0.0
		for _, r := range rows {
			if j < len(r) {
				if w = max(w, asmValueWidth(r[j], c.kind)); w+2.5 >= widest {
					break // no wider value can widen the column
				}
			}
		}
		ws[j] = math.Min(math.Max(math.Max(w+2.5, head), 6), widest)
	}
	return ws
}

// asmValueWidth estimates how wide a value prints in its kind's format.
func asmValueWidth(v any, k asmKind) float64 {
	if c, ok := v.(excelize.Cell); ok {
		v = c.Value
	}
	switch v := v.(type) {
	case nil:
		return 0
	case string:
		w := 0.0
		for _, line := range strings.Split(v, "\n") {
			w = max(w, xlsx.TextWidth(line))
		}
		return w
	case time.Time:
		return 10
	case int:
		return asmNumWidth(float64(v), k)
	case int64:
		return asmNumWidth(float64(v), k)
	case float64:
		return asmNumWidth(v, k)
	}
	return xlsx.TextWidth(fmt.Sprint(v))
}

func asmNumWidth(x float64, k asmKind) float64 {
	digits := float64(len(strconv.FormatInt(int64(math.Abs(x)), 10)))
	commas := math.Floor((digits - 1) / 3)
	switch k {
	case akMoney, akInt, akSignedInt, akSignedMoney:
		return digits + commas + 1
	case akDecimal:
		return digits + commas + 4
	case akHalves:
		return digits + commas + 3
	case akScore, akFactor, akSignedNum:
		return digits + 4
	case akRatio, akPercent:
		return digits + 5
	case akGeneral:
		return float64(len(strconv.FormatFloat(x, 'f', -1, 64)))
	}
	return digits + 1
}

// asmGradeConds colours grade cells, which show the Chinese grade.
func asmGradeConds(st *asmStyles, col int) asmCond {
	c := asmCond{col: col}
	for _, g := range []string{"excellent", "good", "pass", "fail"} {
		zh := gradeZH[g]
		style := st.grade[zh]
		c.opts = append(c.opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Value: strconv.Quote(zh), Format: &style})
	}
	return c
}

// nullable turns SQL NULLs into empty cells.
func asmFloat(n sql.NullFloat64) any {
	if !n.Valid {
		return nil
	}
	return n.Float64
}

func asmInt(n sql.NullInt64) any {
	if !n.Valid {
		return nil
	}
	return n.Int64
}

func asmTime(n sql.NullTime) any {
	if !n.Valid {
		return nil
	}
	return n.Time
}
