package reports

import (
	"regexp"
	"strings"

	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/reports/xlsx"
)

// indicatorFormat is the number format of an indicator's values, targets
// and group medians, from what the run stored of it (rubric_indicators):
// by its unit where the unit says it (a ratio, 万元); one of the eleven
// indicators of SPEC §4.2 with its own value expression as the assessment
// always showed it (averages over the quarters reported, the reporting
// points in halves, sums of whole counts); any other by its value
// expression and unit: the reporting points in halves, an average in two
// decimals, a whole count (sum, last, min or max of a column, quarters(),
// on_time(), a registry count) in a counting unit (次, 家, 人 …) without
// decimals and any other value in such a unit with two. Anything else is
// shown as it is, never rounded.
func indicatorFormat(code, unit, expr string) string {
	switch unit {
	case "ratio":
		return xlsx.FmtRatio
	case "万元":
		return xlsx.FmtDecimal
	}
	if v1, ok := rubric.V1Value(code); ok && (expr == "" || expr == v1) {
		switch {
		case strings.HasSuffix(code, "_avg"):
			return xlsx.FmtDecimal
		case code == "reporting":
			return xlsx.FmtHalves
		case code == "trainings" || code == "trainees" || code == "events" || code == "graduated":
			return xlsx.FmtCount
		}
		return xlsx.FmtGeneral
	}
	expr = strings.TrimSpace(expr)
	switch {
	case expr == "reporting()":
		return xlsx.FmtHalves
	case fmtAverage.MatchString(expr):
		return xlsx.FmtDecimal
	case !countUnits[unit]:
		return xlsx.FmtGeneral
	case fmtWhole.MatchString(expr):
		return xlsx.FmtCount
	}
	return xlsx.FmtDecimal
}

var (
	// countUnits count whole things: people, firms, times, items.
	countUnits = map[string]bool{
		"次": true, "人次": true, "家": true, "人": true, "个": true, "项": true, "件": true, "场": true,
		"名": true, "期": true, "户": true, "间": true, "套": true, "家次": true, "季度": true, "个数": true,
	}
	fmtAverage = regexp.MustCompile(`^avg\(\s*[a-z_0-9]+\s*\)$`)
	fmtWhole   = regexp.MustCompile(`^((sum|last|min|max)\(\s*[a-z_0-9]+\s*\)|quarters\(\s*\)|on_time\(\s*\)|workstations|staff)$`)
)

// indicatorUnit is the unit as it is shown after an indicator's name.
func indicatorUnit(unit string) string {
	if unit == "ratio" {
		return "%"
	}
	return unit
}
