package reports

// SetRejectsSheetRows changes how many rows a sheet of the rejects
// workbook holds, for a test.
func SetRejectsSheetRows(n int) (restore func()) {
	old := rejectsSheetRows
	rejectsSheetRows = n
	return func() { rejectsSheetRows = old }
}
