package reports

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/incubeval/incubeval/pipeline/rubric"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// rubricIndicator is one indicator of a scheme of the run, in the scheme's
// display order, as rubric_indicators holds it.
type rubricIndicator struct {
	indicatorScoring
	scheme        string
	code          string
	ord           int
	zh, en        string
	valueKind     asmKind
	direction     string
	section, expr string
}

// rubricScheme is one scheme (评分方案) of the run, in the order they are
// tried, with its indicators (rubric_schemes, rubric_indicators).
type rubricScheme struct {
	code, zh, en          string
	kinds, tracks, levels []string // applies_to; nil: every value
	excellent, good, pass sql.NullFloat64
	bonusCap              float64
	indicators            []rubricIndicator
	// sheet is its rankings sheet when the run has more than one scheme.
	sheet string
}

// grades says the scheme's grade thresholds, “优秀 ≥85 分，良好 ≥75 分，
// 合格 ≥60 分”; empty when the run did not keep them.
func (s *rubricScheme) grades() (zh, en string) {
	if !s.excellent.Valid || !s.good.Valid || !s.pass.Valid {
		return "", ""
	}
	e, g, p := asmNum(s.excellent.Float64), asmNum(s.good.Float64), asmNum(s.pass.Float64)
	return fmt.Sprintf("优秀 ≥%s 分，良好 ≥%s 分，合格 ≥%s 分", e, g, p),
		fmt.Sprintf("excellent ≥ %s, good ≥ %s, pass ≥ %s", e, g, p)
}

// readSchemes reads run's schemes (评分方案) in the order they are tried,
// each with its indicators in display order: the names, units, sections,
// value expressions, targets and scoring stored with the run.
func readSchemes(ctx context.Context, db *sql.DB, run int64) ([]*rubricScheme, error) {
	rows, err := sqlfiles.Rows(ctx, db, "assessment_schemes", sql.Named("run_id", run))
	if err != nil {
		return nil, err
	}
	var schemes []*rubricScheme
	byCode := map[string]*rubricScheme{}
	for rows.Next() {
		s := &rubricScheme{}
		var kinds, tracks, levels any
		if err := rows.Scan(&s.code, &s.zh, &s.en, &kinds, &tracks, &levels, &s.excellent, &s.good, &s.pass, &s.bonusCap); err != nil {
			rows.Close()
			return nil, err
		}
		s.kinds, s.tracks, s.levels = scannedStrings(kinds), scannedStrings(tracks), scannedStrings(levels)
		schemes = append(schemes, s)
		byCode[s.code] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = sqlfiles.Rows(ctx, db, "assessment_indicators", sql.Named("run_id", run))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ind rubricIndicator
		var steps any
		if err := rows.Scan(&ind.scheme, &ind.code, &ind.ord, &ind.weight, &ind.zh, &ind.en, &ind.unit, &ind.direction,
			&ind.targets[0], &ind.targets[1], &ind.targets[2], &ind.fullAt, &ind.zeroAt,
			&ind.section, &ind.expr, &ind.score, &ind.bonus, &steps, &ind.per, &ind.points); err != nil {
			return nil, err
		}
		ind.steps = scannedSteps(steps)
		ind.valueKind = asmIndicatorKind(ind.code, ind.unit, ind.expr)
		s := byCode[ind.scheme]
		if s == nil { // a scheme the run did not list: shown all the same
			s = &rubricScheme{code: ind.scheme, zh: ind.scheme, en: ind.scheme}
			schemes = append(schemes, s)
			byCode[s.code] = s
		}
		s.indicators = append(s.indicators, ind)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return schemes, nil
}

// scannedStrings converts a scanned DuckDB list (VARCHAR[]) to strings; NULL
// stays nil.
func scannedStrings(v any) []string {
	if v == nil {
		return nil
	}
	return asmStrings(v)
}

// scannedSteps converts a scanned DOUBLE[][] of [threshold, points] pairs.
func scannedSteps(v any) [][2]float64 {
	xs, _ := v.([]any)
	var out [][2]float64
	for _, x := range xs {
		pair, _ := x.([]any)
		if len(pair) != 2 {
			continue
		}
		t, ok1 := pair[0].(float64)
		p, ok2 := pair[1].(float64)
		if ok1 && ok2 {
			out = append(out, [2]float64{t, p})
		}
	}
	return out
}

// plainSchemes says a run scored as SPEC §4.2 does: one scheme of the
// eleven indicators, each with its own value expression, scored linear or
// band, no section, no bonus, and the run's grade thresholds (when the run
// kept them: valid). The workbooks then describe it as they always have;
// anything else is described scheme by scheme, with formulas and scorings.
func plainSchemes(schemes []*rubricScheme, valid bool, excellent, good, pass float64) bool {
	if len(schemes) != 1 {
		return false
	}
	s := schemes[0]
	if s.bonusCap != 0 || (valid && (s.excellent.Float64 != excellent ||
		s.good.Float64 != good || s.pass.Float64 != pass)) {
		return false
	}
	for _, ind := range s.indicators {
		v1, ok := rubric.V1Value(ind.code)
		if !ok || (ind.expr != "" && ind.expr != v1) || ind.bonus || ind.section != "" ||
			(ind.score != scoreLinear && ind.score != scoreBand) {
			return false
		}
	}
	return true
}
