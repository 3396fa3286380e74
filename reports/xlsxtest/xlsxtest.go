// Package xlsxtest reads workbooks the way their readers do, without
// excelize, for tests: the used range a streaming reader trusts (openpyxl
// in read_only mode reads <dimension ref> and stops there) and the size
// the text prints at once a sheet is fitted to its paper.
package xlsxtest

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Book is an opened workbook.
type Book struct {
	zr     *zip.ReadCloser
	Sheets []Sheet // in workbook order
	styles *styleSheet
	shared []float64 // smallest font size of each shared string's runs (0: none)
}

// Sheet is one worksheet: its name and part.
type Sheet struct {
	Name, Part string
	index      int
}

// Open opens the workbook at p.
func Open(p string) (*Book, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, err
	}
	b := &Book{zr: zr}
	if err := b.load(); err != nil {
		zr.Close()
		return nil, err
	}
	return b, nil
}

// Close closes the workbook.
func (b *Book) Close() error { return b.zr.Close() }

func (b *Book) part(name string) ([]byte, error) {
	f, err := b.zr.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (b *Book) load() error {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := b.decode("xl/workbook.xml", &wb); err != nil {
		return err
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := b.decode("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return err
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = t[1:]
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
	}
	for i, s := range wb.Sheets {
		b.Sheets = append(b.Sheets, Sheet{Name: s.Name, Part: target[s.RID], index: i})
	}
	b.styles = &styleSheet{}
	if err := b.decode("xl/styles.xml", b.styles); err != nil {
		return err
	}
	if data, err := b.part("xl/sharedStrings.xml"); err == nil {
		var sst struct {
			SI []richText `xml:"si"`
		}
		if err := xml.Unmarshal(data, &sst); err != nil {
			return fmt.Errorf("sharedStrings: %w", err)
		}
		for _, si := range sst.SI {
			b.shared = append(b.shared, si.smallest())
		}
	}
	return nil
}

func (b *Book) decode(name string, v any) error {
	data, err := b.part(name)
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Area is a block of cells, 1-based and inclusive.
type Area struct{ Col1, Row1, Col2, Row2 int }

func (a Area) covers(col, row int) bool {
	return col >= a.Col1 && col <= a.Col2 && row >= a.Row1 && row <= a.Row2
}

// ParseArea reads "A1:Y148", "$A$1:$N$148" or "B2".
func ParseArea(ref string) (Area, error) {
	ref = strings.ReplaceAll(ref, "$", "")
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		b = a
	}
	c1, r1, err := cellRef(a)
	if err != nil {
		return Area{}, err
	}
	c2, r2, err := cellRef(b)
	if err != nil {
		return Area{}, err
	}
	return Area{min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)}, nil
}

var cellPattern = regexp.MustCompile(`^([A-Z]{1,3})([0-9]+)$`)

func cellRef(s string) (col, row int, err error) {
	m := cellPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, fmt.Errorf("not a cell reference: %q", s)
	}
	for _, c := range m[1] {
		col = col*26 + int(c-'A'+1)
	}
	row, err = strconv.Atoi(m[2])
	return col, row, err
}

// sheetXML is what the checks read of a worksheet part.
type sheetXML struct {
	Dimension *struct {
		Ref string `xml:"ref,attr"`
	} `xml:"dimension"`
	SheetPr *struct {
		PageSetUpPr *struct {
			FitToPage bool `xml:"fitToPage,attr"`
		} `xml:"pageSetUpPr"`
	} `xml:"sheetPr"`
	FormatPr *struct {
		DefaultRowHeight float64 `xml:"defaultRowHeight,attr"`
	} `xml:"sheetFormatPr"`
	Cols []struct {
		Min   int     `xml:"min,attr"`
		Max   int     `xml:"max,attr"`
		Width float64 `xml:"width,attr"`
	} `xml:"cols>col"`
	Rows []struct {
		R     int     `xml:"r,attr"`
		Ht    float64 `xml:"ht,attr"`
		Cells []struct {
			R  string   `xml:"r,attr"`
			S  int      `xml:"s,attr"`
			T  string   `xml:"t,attr"`
			V  string   `xml:"v"`
			Is richText `xml:"is"`
		} `xml:"c"`
	} `xml:"sheetData>row"`
	Margins *struct {
		Left   float64 `xml:"left,attr"`
		Right  float64 `xml:"right,attr"`
		Top    float64 `xml:"top,attr"`
		Bottom float64 `xml:"bottom,attr"`
	} `xml:"pageMargins"`
	PageSetup *struct {
		PaperSize   int    `xml:"paperSize,attr"`
		Orientation string `xml:"orientation,attr"`
		FitToWidth  *int   `xml:"fitToWidth,attr"`
		FitToHeight *int   `xml:"fitToHeight,attr"`
		Scale       int    `xml:"scale,attr"`
	} `xml:"pageSetup"`
	Footer struct {
		OddHeader string `xml:"oddHeader"`
		OddFooter string `xml:"oddFooter"`
	} `xml:"headerFooter"`
}

func (b *Book) sheet(s Sheet) (*sheetXML, error) {
	var x sheetXML
	if err := b.decode(s.Part, &x); err != nil {
		return nil, err
	}
	return &x, nil
}

// CheckDimensions returns an error naming every worksheet whose
// <dimension ref> is missing or does not cover each row and cell the sheet
// holds, as a reader that trusts it needs.
func CheckDimensions(p string) error {
	b, err := Open(p)
	if err != nil {
		return err
	}
	defer b.Close()
	var errs []error
	for _, s := range b.Sheets {
		x, err := b.sheet(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if x.Dimension == nil {
			errs = append(errs, fmt.Errorf("%s: no <dimension>", s.Name))
			continue
		}
		dim, err := ParseArea(x.Dimension.Ref)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: dimension: %w", s.Name, err))
			continue
		}
		for _, r := range x.Rows {
			if r.R < dim.Row1 || r.R > dim.Row2 {
				errs = append(errs, fmt.Errorf("%s: <dimension ref=%q> leaves out row %d", s.Name, x.Dimension.Ref, r.R))
				break
			}
			for _, c := range r.Cells {
				col, row, err := cellRef(c.R)
				if err != nil || !dim.covers(col, row) {
					errs = append(errs, fmt.Errorf("%s: <dimension ref=%q> leaves out cell %s", s.Name, x.Dimension.Ref, c.R))
					break
				}
			}
		}
	}
	return errors.Join(errs...)
}

// Dimension is a sheet's declared used range.
func (b *Book) Dimension(sheet string) (string, error) {
	for _, s := range b.Sheets {
		if s.Name == sheet {
			x, err := b.sheet(s)
			if err != nil {
				return "", err
			}
			if x.Dimension == nil {
				return "", nil
			}
			return x.Dimension.Ref, nil
		}
	}
	return "", fmt.Errorf("no sheet %q", sheet)
}

// styleSheet is what the print check reads of xl/styles.xml.
type styleSheet struct {
	Fonts []struct {
		Sz *struct {
			Val float64 `xml:"val,attr"`
		} `xml:"sz"`
		Name *struct {
			Val string `xml:"val,attr"`
		} `xml:"name"`
	} `xml:"fonts>font"`
	CellXfs []struct {
		FontID int `xml:"fontId,attr"`
	} `xml:"cellXfs>xf"`
}

func (s *styleSheet) fontSize(xf int) float64 {
	if xf < 0 || xf >= len(s.CellXfs) {
		xf = 0
	}
	if len(s.CellXfs) == 0 {
		return s.normalSize()
	}
	id := s.CellXfs[xf].FontID
	if id < len(s.Fonts) && s.Fonts[id].Sz != nil {
		return s.Fonts[id].Sz.Val
	}
	return s.normalSize()
}

func (s *styleSheet) normalSize() float64 {
	if len(s.Fonts) > 0 && s.Fonts[0].Sz != nil {
		return s.Fonts[0].Sz.Val
	}
	return 11
}

// digitPixels is the width in pixels of the widest digit of the Normal
// font at 96 dpi, the unit column widths are counted in, as Excel measures
// it; 0 for a font not known here.
func (s *styleSheet) digitPixels() int {
	if len(s.Fonts) == 0 || s.Fonts[0].Name == nil {
		return 0
	}
	name, size := s.Fonts[0].Name.Val, s.normalSize()
	switch {
	case name == "Calibri" && size == 11, name == "Arial" && size == 10, name == "SimSun" && size == 11:
		return 7
	case name == "Arial" && size == 11:
		return 8
	}
	return 0
}

// richText is a string that may have runs with fonts of their own.
type richText struct {
	Runs []struct {
		Sz *struct {
			Val float64 `xml:"val,attr"`
		} `xml:"rPr>sz"`
		T string `xml:"t"`
	} `xml:"r"`
}

// smallest is the smallest run font size given (0: none given).
func (r richText) smallest() float64 {
	least := 0.0
	for _, run := range r.Runs {
		if run.Sz != nil && strings.TrimSpace(run.T) != "" && (least == 0 || run.Sz.Val < least) {
			least = run.Sz.Val
		}
	}
	return least
}

// Print is how a sheet prints: on what paper, at what scale, and the size
// its smallest text comes out at.
type Print struct {
	Sheet     string
	Paper     string // "A4 landscape" …
	Area      Area   // the print area, or the used range
	WidthPt   float64
	Printable float64 // the paper's width less the margins, in points
	Scale     float64
	MinFont   float64 // the smallest font size used in the area, footer included
	MinCell   string  // where it is
	Effective float64 // MinFont × Scale
	Drawings  []Area  // the cells each chart or picture spans
}

// drawings are the cell ranges the sheet's charts and pictures span.
func (b *Book) drawings(s Sheet) ([]Area, error) {
	relsPath := path.Join(path.Dir(s.Part), "_rels", path.Base(s.Part)+".rels")
	var rels struct {
		Rels []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := b.decode(relsPath, &rels); err != nil {
		return nil, nil // no relationships: no drawing
	}
	var out []Area
	for _, r := range rels.Rels {
		if !strings.HasSuffix(r.Type, "/drawing") {
			continue
		}
		var d struct {
			Anchors []struct {
				From struct {
					Col int `xml:"col"`
					Row int `xml:"row"`
				} `xml:"from"`
				To struct {
					Col int `xml:"col"`
					Row int `xml:"row"`
				} `xml:"to"`
			} `xml:"twoCellAnchor"`
		}
		if err := b.decode(path.Join(path.Dir(s.Part), r.Target), &d); err != nil {
			return nil, err
		}
		for _, a := range d.Anchors { // 0-based in the drawing
			out = append(out, Area{a.From.Col + 1, a.From.Row + 1, a.To.Col + 1, a.To.Row + 1})
		}
	}
	return out, nil
}

// Inside says whether a lies within p.
func (a Area) Inside(p Area) bool {
	return a.Col1 >= p.Col1 && a.Col2 <= p.Col2 && a.Row1 >= p.Row1 && a.Row2 <= p.Row2
}

// Paper sizes in points (portrait), by ECMA-376 paperSize.
var papers = map[int]struct {
	name string
	w, h float64
}{
	1: {"Letter", 612, 792}, 8: {"A3", 841.89, 1190.55}, 9: {"A4", 595.28, 841.89},
}

// PrintedSheets computes, for every sheet of the workbook, the scale at
// which it prints and the size of its smallest text on paper, as Excel
// lays it out: column widths in the Normal font's digit width (7 pixels),
// fit to the page's width (and height, if asked), the print area where
// there is one.
func PrintedSheets(p string) ([]Print, error) {
	b, err := Open(p)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	mdw := b.styles.digitPixels()
	if mdw == 0 {
		return nil, fmt.Errorf("unknown Normal font %+v: cannot measure column widths", b.styles.Fonts[0])
	}
	areas, err := b.printAreas()
	if err != nil {
		return nil, err
	}
	var out []Print
	for _, s := range b.Sheets {
		x, err := b.sheet(s)
		if err != nil {
			return nil, err
		}
		pr := Print{Sheet: s.Name, Scale: 1}
		pr.Drawings, err = b.drawings(s)
		if err != nil {
			return nil, err
		}
		area, ok := areas[s.index]
		if !ok {
			// What Excel prints: the cells there are, and the charts.
			area = usedArea(x)
			for _, d := range pr.Drawings {
				area.Col2, area.Row2 = max(area.Col2, d.Col2), max(area.Row2, d.Row2)
			}
		}
		pr.Area = area
		paper, landscape := papers[9], false
		fitW, fitH, scale := 0, 0, 100
		if ps := x.PageSetup; ps != nil {
			if p, ok := papers[ps.PaperSize]; ok {
				paper = p
			} else if ps.PaperSize != 0 {
				return nil, fmt.Errorf("%s: paper size %d not known here", s.Name, ps.PaperSize)
			}
			landscape = ps.Orientation == "landscape"
			if ps.FitToWidth != nil {
				fitW = *ps.FitToWidth
			} else {
				fitW = 1
			}
			if ps.FitToHeight != nil {
				fitH = *ps.FitToHeight
			} else {
				fitH = 1
			}
			if ps.Scale > 0 {
				scale = ps.Scale
			}
		}
		pw, ph := paper.w, paper.h
		pr.Paper = paper.name + " portrait"
		if landscape {
			pw, ph = ph, pw
			pr.Paper = paper.name + " landscape"
		}
		// Excel's defaults when a sheet gives no margins: 0.7" and 0.75".
		left, right, top, bottom := 0.7, 0.7, 0.75, 0.75
		if m := x.Margins; m != nil {
			left, right, top, bottom = m.Left, m.Right, m.Top, m.Bottom
		}
		pr.Printable = pw - 72*(left+right)
		printableH := ph - 72*(top+bottom)
		for c := area.Col1; c <= area.Col2; c++ {
			pr.WidthPt += columnPoints(x, c, mdw)
		}
		fit := x.SheetPr != nil && x.SheetPr.PageSetUpPr != nil && x.SheetPr.PageSetUpPr.FitToPage
		if fit {
			if fitW > 0 {
				pr.Scale = min(pr.Scale, pr.Printable*float64(fitW)/pr.WidthPt)
			}
			if fitH > 0 {
				pr.Scale = min(pr.Scale, printableH*float64(fitH)/rowsPoints(x, area))
			}
			// Excel prints at 10% at least, in whole percents.
			pr.Scale = math.Max(0.1, math.Floor(pr.Scale*100)/100)
		} else {
			pr.Scale = float64(scale) / 100
		}
		pr.MinFont, pr.MinCell = b.smallestFont(x, area)
		pr.Effective = pr.MinFont * pr.Scale
		out = append(out, pr)
	}
	return out, nil
}

// usedArea is the block from A1 to the last row and column with a cell.
func usedArea(x *sheetXML) Area {
	a := Area{1, 1, 1, 1}
	for _, r := range x.Rows {
		a.Row2 = max(a.Row2, r.R)
		for _, c := range r.Cells {
			if col, _, err := cellRef(c.R); err == nil {
				a.Col2 = max(a.Col2, col)
			}
		}
	}
	return a
}

// columnPoints is the width of column c in points: Excel's pixels for the
// stored width (which includes the cell padding), at 96 dpi.
func columnPoints(x *sheetXML, c, mdw int) float64 {
	w := 8.43 // Excel's default column width
	for _, col := range x.Cols {
		if c >= col.Min && c <= col.Max {
			w = col.Width
		}
	}
	px := math.Trunc((256*w + math.Trunc(128/float64(mdw))) / 256 * float64(mdw))
	return px * 0.75
}

func rowsPoints(x *sheetXML, area Area) float64 {
	def := 15.0
	if x.FormatPr != nil && x.FormatPr.DefaultRowHeight > 0 {
		def = x.FormatPr.DefaultRowHeight
	}
	heights := map[int]float64{}
	for _, r := range x.Rows {
		if r.Ht > 0 {
			heights[r.R] = r.Ht
		}
	}
	total := 0.0
	for r := area.Row1; r <= area.Row2; r++ {
		if h, ok := heights[r]; ok {
			total += h
		} else {
			total += def
		}
	}
	return total
}

var footerSize = regexp.MustCompile(`&([0-9]+)`)

// smallestFont is the smallest font size of a cell with text in area, or
// of the page header and footer.
func (b *Book) smallestFont(x *sheetXML, area Area) (float64, string) {
	least, where := 0.0, ""
	note := func(sz float64, at string) {
		if sz > 0 && (least == 0 || sz < least) {
			least, where = sz, at
		}
	}
	for _, r := range x.Rows {
		for _, c := range r.Cells {
			col, row, err := cellRef(c.R)
			if err != nil || !area.covers(col, row) {
				continue
			}
			size := b.styles.fontSize(c.S)
			switch c.T {
			case "s":
				i, err := strconv.Atoi(c.V)
				if err == nil && i < len(b.shared) && b.shared[i] > 0 {
					size = b.shared[i]
				}
			case "inlineStr":
				if s := c.Is.smallest(); s > 0 {
					size = s
				}
			}
			if c.V == "" && c.T != "inlineStr" {
				continue // an empty cell prints nothing
			}
			note(size, c.R)
		}
	}
	for _, hf := range []string{x.Footer.OddHeader, x.Footer.OddFooter} {
		// "&8" sets the size of the text after it; "&P" and "&N" are not sizes.
		for _, m := range footerSize.FindAllStringSubmatch(hf, -1) {
			if sz, err := strconv.Atoi(m[1]); err == nil {
				note(float64(sz), "header/footer")
			}
		}
	}
	return least, where
}

// printAreas are the sheets' print areas by sheet index.
func (b *Book) printAreas() (map[int]Area, error) {
	var wb struct {
		Names []struct {
			Name  string `xml:"name,attr"`
			Local *int   `xml:"localSheetId,attr"`
			Ref   string `xml:",chardata"`
		} `xml:"definedNames>definedName"`
	}
	if err := b.decode("xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	out := map[int]Area{}
	for _, n := range wb.Names {
		if n.Name != "_xlnm.Print_Area" || n.Local == nil {
			continue
		}
		ref := n.Ref
		if i := strings.LastIndex(ref, "!"); i >= 0 {
			ref = ref[i+1:]
		}
		a, err := ParseArea(ref)
		if err != nil {
			return nil, fmt.Errorf("print area %q: %w", n.Ref, err)
		}
		out[*n.Local] = a
	}
	return out, nil
}
