package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
)

// A form template is the sheet of one input kind that an applicant or a
// district clerk fills in, one row per subject, and its instructions: the
// applications (认定申请) and the nominations (创业人才推荐). The quarterly
// template, with its carriers sheet, is laid out in template.go.

// formColumn is one column of a form sheet: its bilingual header
// (ingest's Chinese name over readable English), width, the style of its
// data cells (a number format) and the validation over them.
type formColumn struct {
	header string
	width  float64
	style  int
	dv     *excelize.DataValidation // its Sqref is set here
}

// writeFormSheet lays out a form sheet: the title and note (rows 1–2),
// the header (row 3), and from templateFirstRow on templateRows rows with
// each column's number format and validation, boxed once a row has a
// value; the first two columns and the header frozen, printed as the
// templates are.
func writeFormSheet(f *excelize.File, st *xlsx.Styles, sheet string, cols []formColumn, title, note string) error {
	last := templateFirstRow + templateRows - 1
	lastCol, _ := excelize.ColumnNumberToName(len(cols))
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = c.width
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, c.width); err != nil {
			return err
		}
		if err := f.SetColStyle(sheet, col, c.style); err != nil {
			return err
		}
	}
	if err := templateBanner(f, st, sheet, widths, title, note); err != nil {
		return err
	}
	lines := 1
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, templateFirstRow-1)
		if err := f.SetCellStr(sheet, cell, c.header); err != nil {
			return err
		}
		zh, en, _ := strings.Cut(c.header, "\n")
		lines = max(lines, xlsx.Lines(zh, c.width)+xlsx.Lines(en, c.width))
	}
	if err := f.SetCellStyle(sheet, "A3", lastCol+"3", st.Header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, templateFirstRow-1, xlsx.FitHeight(float64(lines)*13+6)); err != nil {
		return err
	}
	for i, c := range cols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		c.dv.Sqref = fmt.Sprintf("%s%d:%s%d", col, templateFirstRow, col, last)
		if err := f.AddDataValidation(sheet, c.dv); err != nil {
			return err
		}
	}
	boxed, err := f.NewConditionalStyle(&excelize.Style{Border: templateBorder})
	if err != nil {
		return err
	}
	if err := f.SetConditionalFormat(sheet, fmt.Sprintf("A%d:%s%d", templateFirstRow, lastCol, last), []excelize.ConditionalFormatOptions{
		{Type: "formula", Criteria: fmt.Sprintf("COUNTA($A%d:$%s%d)>0", templateFirstRow, lastCol, templateFirstRow), Format: &boxed},
	}); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: templateFirstRow - 1,
		TopLeftCell: fmt.Sprintf("C%d", templateFirstRow), ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: fmt.Sprintf("A%d", templateFirstRow), ActiveCell: fmt.Sprintf("A%d", templateFirstRow), Pane: "bottomRight"}}}); err != nil {
		return err
	}
	return templatePage.Apply(f, sheet)
}

// writeFormHelp writes a form's instructions: the title and note, then one
// row per item in Chinese and English, as tall as its wrapped text.
func writeFormHelp(f *excelize.File, st *xlsx.Styles, sheet, title, note string, rows []templateHelpRow) error {
	widths := []float64{20, 58, 58}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	if err := templateBanner(f, st, sheet, widths, title, note); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A3", &[]any{"项目\nItem", "说明\n(中文)", "Explanation\n(English)"}); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A3", "C3", st.Header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 3, 30); err != nil {
		return err
	}
	item, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun", Size: 10, Bold: true}, Border: templateBorder,
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	for i, r := range rows {
		n := i + 4
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", n), &[]any{r.item, r.zh, r.en}); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, fmt.Sprintf("A%d", n), fmt.Sprintf("A%d", n), item); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, fmt.Sprintf("B%d", n), fmt.Sprintf("C%d", n), st.Body); err != nil {
			return err
		}
		lines := max(templateTextLines(r.item, widths[0]), templateTextLines(r.zh, widths[1]), templateTextLines(r.en, widths[2]))
		if err := f.SetRowHeight(sheet, n, xlsx.FitHeight(float64(lines)*13.5+4)); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return templatePage.Apply(f, sheet)
}

// writeFormBook writes a form workbook for year to path: sheet, filled by
// writeSheet, and helpSheet, by writeHelp; title in its properties. It is
// dated by its year, so that the same year gives the same bytes. what
// names the sheet in an error ("applications").
func writeFormBook(year int, path, sheet, helpSheet, what, title string, writeSheet, writeHelp func(*excelize.File, *xlsx.Styles) error) error {
	if year < 2000 || year > 9999 {
		return fmt.Errorf("template: no such year %d", year)
	}
	f := xlsx.New()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(helpSheet); err != nil {
		return err
	}
	st, err := xlsx.NewStyles(f)
	if err != nil {
		return err
	}
	if err := writeSheet(f, st); err != nil {
		return fmt.Errorf("%s sheet: %w", what, err)
	}
	if err := writeHelp(f, st); err != nil {
		return fmt.Errorf("instructions sheet: %w", err)
	}
	f.SetActiveSheet(0)
	if err := xlsx.Props(f, title, "", time.Time{}); err != nil {
		return err
	}
	_, err = xlsx.Save(f, path, xlsx.Options{Stamp: xlsx.Stamp(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))})
	return err
}
