package xlsx

import "strconv"

// Number formats: one per kind of quantity, the same in every workbook, so
// that a figure reads alike on every sheet and in every letter.
const (
	FmtCount   = "#,##0"      // counts, ranks, days
	FmtDecimal = "#,##0.00"   // 万元, quarterly averages (quarters of whole counts)
	FmtHalves  = "#,##0.0"    // quarters reported on time (a late one counts half)
	FmtRatio   = "0.0%"       // shares and rates
	FmtScore   = "0.00"       // scores and points (rounded to two decimals)
	FmtYuan    = "#,##0"      // money in yuan
	FmtDate    = "yyyy-mm-dd" // dates
	FmtGeneral = "General"    // weights; an indicator not known here, shown in full

	FmtSignedScore = "+0.00;-0.00;0.00" // a change of score
	FmtSignedCount = "+#,##0;-#,##0;0"  // a change of rank, or of yuan
)

// Thousands is n with a comma every three digits, as FmtCount and FmtYuan
// show it in a cell, for text (notes, letters, the terminal).
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}
