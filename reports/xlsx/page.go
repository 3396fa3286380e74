package xlsx

import "github.com/xuri/excelize/v2"

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
	Area       string   // printed alone ("$A$1:$H$40"); "": the sheet
	Footer     string   // "": none
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
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orient, Size: &paper, FitToWidth: &fitW, FitToHeight: &fitH}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
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
	if p.RepeatRows != "" {
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!" + p.RepeatRows, Scope: sheet}); err != nil {
			return err
		}
	}
	if p.Area != "" {
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: "'" + sheet + "'!" + p.Area, Scope: sheet}); err != nil {
			return err
		}
	}
	if p.Footer == "" {
		return nil
	}
	return f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: p.Footer})
}
