package xlsx

import (
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Paper sizes (ECMA-376 paperSize codes).
const (
	A4 = 9
	A3 = 8
)

// Footers: page numbers, and page numbers with the sheet's name on the left.
const (
	FooterPages      = "&C第 &P 页 / 共 &N 页  Page &P of &N"
	FooterSheetPages = "&L&A" + FooterPages
)

// Page is how a sheet prints: on Paper, fitted to one page wide. The
// sheets are laid out so that fitting to the width keeps the text at 8
// points or more (TestWorkbooksPrintAtLeast8pt).
type Page struct {
	Paper      int      // A4 or A3
	Portrait   bool     // else landscape
	Margins    *Margins // nil: the application's
	RepeatRows string   // printed on every page ("$3:$3"); "": none
	RepeatCols string   // printed at the left of every page ("$A:$C"); "": none
	Area       string   // printed alone ("$A$1:$H$40"); "": the sheet
	Header     string   // "": none
	Footer     string   // "": none
	// Breaks, when given, print the sheet at 100% on pages side by side
	// instead of fitted to one page wide: a new page starts at each of
	// these columns (1-based), and the pages across come before those
	// down. For a sheet too wide to fit one page at 8 points, broken
	// where its column groups end (Printable and ColumnPoints say where).
	Breaks []int
}

// Margins of a page, in inches.
type Margins struct {
	Left, Right, Top, Bottom, Header, Footer float64
	Centred                                  bool // centred across the page
}

// SideMargin is the left and right margin of the landscape lists.
const SideMargin = 0.35

// ListMargins are the margins of the landscape lists: narrow at the sides.
var ListMargins = &Margins{Left: SideMargin, Right: SideMargin, Top: 0.6, Bottom: 0.6, Header: 0.3, Footer: 0.3}

// Apply sets sheet's print setup.
func (p Page) Apply(f *excelize.File, sheet string) error {
	orient, paper, fitW, fitH := "landscape", p.Paper, 1, 0
	if p.Portrait {
		orient = "portrait"
	}
	layout := &excelize.PageLayoutOptions{Orientation: &orient, Size: &paper, FitToWidth: &fitW, FitToHeight: &fitH}
	fit := len(p.Breaks) == 0
	if !fit {
		order := "overThenDown"
		layout = &excelize.PageLayoutOptions{Orientation: &orient, Size: &paper, PageOrder: &order}
	}
	if err := f.SetPageLayout(sheet, layout); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	for _, c := range p.Breaks {
		cell, err := excelize.CoordinatesToCellName(c, 1)
		if err != nil {
			return err
		}
		if err := f.InsertPageBreak(sheet, cell); err != nil {
			return err
		}
	}
	if m := p.Margins; m != nil {
		o := &excelize.PageLayoutMarginsOptions{
			Left: &m.Left, Right: &m.Right, Top: &m.Top, Bottom: &m.Bottom, Header: &m.Header, Footer: &m.Footer,
		}
		if m.Centred {
			o.Horizontally = &m.Centred
		}
		if err := f.SetPageMargins(sheet, o); err != nil {
			return err
		}
	}
	var titles []string // columns before rows, as Excel writes them
	for _, r := range []string{p.RepeatCols, p.RepeatRows} {
		if r != "" {
			titles = append(titles, "'"+sheet+"'!"+r)
		}
	}
	if len(titles) > 0 {
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: strings.Join(titles, ","), Scope: sheet}); err != nil {
			return err
		}
	}
	if p.Area != "" {
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: "'" + sheet + "'!" + p.Area, Scope: sheet}); err != nil {
			return err
		}
	}
	if p.Footer == "" && p.Header == "" {
		return nil
	}
	return f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddHeader: p.Header, OddFooter: p.Footer})
}

// HeaderText is s as the literal text of a page header or footer: its
// ampersands doubled, since a single one starts a code (&P, &A …).
func HeaderText(s string) string { return strings.ReplaceAll(s, "&", "&&") }

// Printable is the width in points a page of p prints on: the paper's
// width (its height in landscape) less the side margins (Excel's 0.7"
// each where p gives none).
func (p Page) Printable() float64 {
	w := map[int]float64{A4: 595.3, A3: 841.9}[p.Paper]
	if !p.Portrait {
		w = map[int]float64{A4: 841.9, A3: 1190.6}[p.Paper]
	}
	left, right := 0.7, 0.7
	if p.Margins != nil {
		left, right = p.Margins.Left, p.Margins.Right
	}
	return w - 72*(left+right)
}

// ColumnPoints is the width in points a column of width w (Excel's
// units of the Normal font's digit, 7 pixels in New's Arial 10) prints
// at 100%: the pixels Excel gives it, at 96 dpi.
func ColumnPoints(w float64) float64 {
	const mdw = 7
	return math.Trunc((256*w+math.Trunc(128.0/mdw))/256*mdw) * 0.75
}
