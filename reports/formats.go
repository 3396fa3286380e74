package reports

import (
	"strings"

	"github.com/incubeval/incubeval/reports/xlsx"
)

// indicatorFormat is the number format of an indicator's values, targets
// and group medians: by its unit where the unit says it (a ratio, 万元),
// else by what the assessment makes of it (sql/assess): averages over the
// quarters reported, the reporting points in halves, sums of whole counts.
// An indicator not known here is shown as it is, never rounded.
func indicatorFormat(code, unit string) string {
	switch {
	case unit == "ratio":
		return xlsx.FmtRatio
	case unit == "万元":
		return xlsx.FmtDecimal
	case strings.HasSuffix(code, "_avg"):
		return xlsx.FmtDecimal
	case code == "reporting":
		return xlsx.FmtHalves
	case code == "trainings" || code == "trainees" || code == "events" || code == "graduated":
		return xlsx.FmtCount
	}
	return xlsx.FmtGeneral
}

// indicatorUnit is the unit as it is shown after an indicator's name.
func indicatorUnit(unit string) string {
	if unit == "ratio" {
		return "%"
	}
	return unit
}
