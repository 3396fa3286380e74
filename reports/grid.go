package reports

import (
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
)

// The layout kit of the workbooks drawn cell by cell with the normal API
// (eligibility, talent): their styles, a grid that keeps the first error,
// and the widths of columns fitted to their texts.

// bookStyles are the styles of a workbook laid out with grid, made once.
type bookStyles struct {
	*xlsx.Styles         // Note, Header, Body
	title            int // a sheet's title: Chinese, English beneath
	center, code     int
	section, label   int
	hash             int
	form             int // a reviewer's blank cell
	noticeTitle      int
	noticeText       int
	noticeHeader     int
	noticeBody       int
	noticeCenter     int
	noticeRight      int
	pass, fail, todo int // conditional: green, red, amber
}

func newBookStyles(f *excelize.File) (*bookStyles, error) {
	base, err := xlsx.NewStyles(f)
	if err != nil {
		return nil, err
	}
	s := &bookStyles{Styles: base}
	border := []excelize.Border{
		{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
	}
	dark := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: "SimSun", Size: size, Bold: bold}
	}
	for _, d := range []struct {
		id *int
		s  *excelize.Style
	}{
		{&s.title, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.center, &excelize.Style{Font: font(10, false), Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}}},
		{&s.code, &excelize.Style{Font: font(10, false), Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
		{&s.section, &excelize.Style{Font: &excelize.Font{Family: "SimSun", Size: 12, Bold: true, Color: "1F4E79"},
			Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.label, &excelize.Style{Font: font(10, true), Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.hash, &excelize.Style{Font: &excelize.Font{Family: "Courier New", Size: 9}, Border: border,
			Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.form, &excelize.Style{Font: font(10, false), Border: dark,
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.noticeTitle, &excelize.Style{Font: font(16, true),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.noticeText, &excelize.Style{Font: font(12, false),
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.noticeHeader, &excelize.Style{Font: font(11, true), Border: dark,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.noticeBody, &excelize.Style{Font: font(11, false), Border: dark,
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.noticeCenter, &excelize.Style{Font: font(11, false), Border: dark,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.noticeRight, &excelize.Style{Font: font(12, false),
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}}},
	} {
		if *d.id, err = f.NewStyle(d.s); err != nil {
			return nil, err
		}
	}
	// Outcome colours, Excel's good/bad/neutral palette, by conditional
	// formatting: a sorted or filtered sheet keeps them.
	for _, c := range []struct {
		id         *int
		fill, font string
	}{{&s.pass, "C6EFCE", "006100"}, {&s.fail, "FFC7CE", "9C0006"}, {&s.todo, "FFEB9C", "9C5700"}} {
		if *c.id, err = f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: c.font},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.fill}}}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// grid writes cells of one sheet with the normal API, keeping the
// first error.
type grid struct {
	f     *excelize.File
	sheet string
	err   error
}

func (g *grid) put(col, row int, v any, style int) {
	if g.err != nil {
		return
	}
	cell, _ := excelize.CoordinatesToCellName(col, row)
	if rt, ok := v.([]excelize.RichTextRun); ok {
		g.err = g.f.SetCellRichText(g.sheet, cell, rt)
	} else if v != nil {
		g.err = g.f.SetCellValue(g.sheet, cell, v)
	}
	if g.err == nil {
		g.err = g.f.SetCellStyle(g.sheet, cell, cell, style)
	}
}

// merge merges the cells from (c1, r1) to (c2, r2).
func (g *grid) merge(c1, r1, c2, r2 int) {
	if g.err != nil || (c1 == c2 && r1 == r2) {
		return
	}
	a, _ := excelize.CoordinatesToCellName(c1, r1)
	b, _ := excelize.CoordinatesToCellName(c2, r2)
	g.err = g.f.MergeCell(g.sheet, a, b)
}

// title writes a sheet's title in row 1 over ncol columns: the Chinese
// large, the English beneath.
func (g *grid) title(zh, en string, ncol int, st *bookStyles) {
	g.put(1, 1, []excelize.RichTextRun{
		{Text: zh, Font: &excelize.Font{Family: "SimSun", Size: 16, Bold: true}},
		{Text: "\n" + en, Font: &excelize.Font{Family: "SimSun", Size: 10, Color: "595959"}},
	}, st.title)
	g.merge(1, 1, ncol, 1)
	g.height(1, 42)
}

func (g *grid) height(row int, h float64) {
	if g.err == nil {
		g.err = g.f.SetRowHeight(g.sheet, row, xlsx.FitHeight(h))
	}
}

func (g *grid) widths(ws []float64) {
	for i, w := range ws {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if g.err == nil {
			g.err = g.f.SetColWidth(g.sheet, col, col, w)
		}
	}
}

// fit makes row tall enough for texts in columns of widths, at lineHeight
// points a line.
func (g *grid) fit(row int, widths []float64, texts []string, lineHeight, least float64) {
	lines := 1
	for i, t := range texts {
		if i < len(widths) && t != "" {
			lines = max(lines, xlsx.Lines(t, widths[i]))
		}
	}
	g.height(row, max(least, float64(lines)*lineHeight+5))
}

// fitWidth is a column width for texts (and its header's lines): wide
// enough for the widest, by the workbooks' width model with 15% to spare
// for a fallback font, within [least, most].
func fitWidth(least, most float64, texts ...string) float64 {
	w := least
	for _, t := range texts {
		for _, line := range strings.Split(t, "\n") {
			w = max(w, xlsx.TextWidth(line)*1.15+xlsx.Padding+0.5)
		}
	}
	return min(w, most)
}

// sumWidths adds up column widths.
func sumWidths(ws []float64) float64 {
	t := 0.0
	for _, w := range ws {
		t += w
	}
	return t
}
