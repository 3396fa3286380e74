package reports

import (
	"context"
	"database/sql"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
)

// SetRejectsSheetRows changes how many rows a sheet of the rejects
// workbook holds, for a test.
func SetRejectsSheetRows(n int) (restore func()) {
	old := rejectsSheetRows
	rejectsSheetRows = n
	return func() { rejectsSheetRows = old }
}

// WriteAssessmentLists writes the list sheets of year's assessment
// workbook to path as WriteAssessment lays them out, with every text in
// their rows replaced by stretch(text), for a test that the print layout
// holds whatever the data.
func WriteAssessmentLists(ctx context.Context, db *sql.DB, year int, path string, stretch func(string) string) error {
	run, err := loadAsmRun(ctx, db, year, false)
	if err != nil {
		return err
	}
	f := xlsx.New()
	defer f.Close()
	st, err := newAsmStyles(f)
	if err != nil {
		return err
	}
	var rows []*xlsx.Rows
	for _, load := range []func(context.Context, *sql.DB, *asmStyles, *asmRun) (*asmList, error){
		loadAsmRankings, loadAsmRectify, loadAsmDelist, loadAsmFunding, loadAsmCompliance,
	} {
		ls, err := load(ctx, db, st, run)
		if err != nil {
			return err
		}
		for _, rows := range [][][]any{ls.rows, ls.totals} {
			for _, row := range rows {
				for j, v := range row {
					switch v := v.(type) {
					case string:
						row[j] = stretch(v)
					case excelize.Cell:
						if s, ok := v.Value.(string); ok {
							v.Value = stretch(s)
							row[j] = v
						}
					}
				}
			}
		}
		r, err := writeAsmList(f, st, ls)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		return err
	}
	_, err = xlsx.Save(f, path, xlsx.Options{Rows: rows})
	return err
}
