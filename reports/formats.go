package reports

import "strings"

// Number formats: one per kind of quantity, the same in every workbook, so
// that a figure reads alike on every sheet and in every letter.
const (
	fmtCount   = "#,##0"      // counts, ranks, days
	fmtDecimal = "#,##0.00"   // 万元, quarterly averages (quarters of whole counts)
	fmtHalves  = "#,##0.0"    // quarters reported on time (a late one counts half)
	fmtRatio   = "0.0%"       // shares and rates
	fmtScore   = "0.00"       // scores and points (rounded to two decimals)
	fmtYuan    = "#,##0"      // money in yuan
	fmtDate    = "yyyy-mm-dd" // dates
	fmtGeneral = "General"    // weights; an indicator not known here, shown in full
)

// indicatorFormat is the number format of an indicator's values, targets
// and group medians: by its unit where the unit says it (a ratio, 万元),
// else by what the assessment makes of it (sql/assess): averages over the
// quarters reported, the reporting points in halves, sums of whole counts.
// An indicator not known here is shown as it is, never rounded.
func indicatorFormat(code, unit string) string {
	switch {
	case unit == "ratio":
		return fmtRatio
	case unit == "万元":
		return fmtDecimal
	case strings.HasSuffix(code, "_avg"):
		return fmtDecimal
	case code == "reporting":
		return fmtHalves
	case code == "trainings" || code == "trainees" || code == "events" || code == "graduated":
		return fmtCount
	}
	return fmtGeneral
}

// indicatorUnit is the unit as it is shown after an indicator's name.
func indicatorUnit(unit string) string {
	if unit == "ratio" {
		return "%"
	}
	return unit
}
