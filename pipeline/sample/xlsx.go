package sample

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// excelDate is a date written as an Excel date cell: a serial number with a
// date number format.
type excelDate float64

// book is a workbook planned cell by cell before it is rendered, so that the
// row number of every planted error is known without reading the file back.
type book struct {
	path   string // relative to the output folder
	title  string // document property
	sheets []*sheet
}

type sheet struct {
	name       string
	dateFormat string  // number format of excelDate cells
	rows       [][]any // row 1 first; a nil row is left blank
	widths     []float64
}

// add appends a row and returns its 1-based row number.
func (s *sheet) add(cells ...any) int {
	s.rows = append(s.rows, cells)
	return len(s.rows)
}

// docDate is the fixed creation date of every generated workbook.
const docDate = "2025-10-09T09:00:00Z"

func (b *book) render() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator:        "incubeval sample",
		LastModifiedBy: "incubeval sample",
		Created:        docDate,
		Modified:       docDate,
		Title:          b.title,
		Language:       "zh-CN",
	}); err != nil {
		return nil, fmt.Errorf("document properties: %w", err)
	}
	for i, s := range b.sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return nil, fmt.Errorf("sheet %s: %w", s.name, err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", s.name, err)
		}
		if err := renderSheet(f, s); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

func renderSheet(f *excelize.File, s *sheet) error {
	dateStyle := 0
	if s.dateFormat != "" {
		format := s.dateFormat
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		if err != nil {
			return err
		}
		dateStyle = id
	}
	for i, w := range s.widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(s.name, col, col, w); err != nil {
			return err
		}
	}
	for i, row := range s.rows {
		if row == nil {
			continue
		}
		cells := make([]any, len(row))
		for j, v := range row {
			d, ok := v.(excelDate)
			if !ok {
				cells[j] = v
				continue
			}
			cells[j] = float64(d)
			if dateStyle == 0 {
				return fmt.Errorf("date cell without a date format")
			}
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				return err
			}
			if err := f.SetCellStyle(s.name, cell, cell, dateStyle); err != nil {
				return err
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(s.name, cell, &cells); err != nil {
			return err
		}
	}
	return nil
}
