package reports

import "database/sql"

// The Chinese labels of labels.go for the command line (`incubeval
// explain`), so that a terminal and a workbook name a code alike.

// ReasonZH is one reason code ("missing_reports", "veto:major_accident")
// in Chinese; an unknown code is returned as it is.
func ReasonZH(code string) string { return reasonLabel(code) }

// ActionZH is a decision's action (keep, rectify, delist, revoke) in Chinese.
func ActionZH(code string) string { return label(actionZH, code) }

// LevelZH is a carrier's level (municipal, provincial, national) in Chinese.
func LevelZH(code string) string { return label(levelZH, code) }

// OutcomeZH is a result's outcome (graded, not_assessed, deferred) in Chinese.
func OutcomeZH(code string) string { return label(outcomeZH, code) }

// ScoringZH says in Chinese and English how an indicator is scored, from
// what the run stored of it (rubric_indicators: score, weight, unit,
// full_at, zero_at, steps, per, points, bonus), as 说明 says it: “阶梯计分：
// ≥1 得 2 分，≥3 得 4 分”, “每 30 万元 1 分，最高 10 分”.
func ScoringZH(score string, weight float64, unit string, fullAt, zeroAt sql.NullFloat64, steps any, per, points sql.NullFloat64, bonus bool) (zh, en string) {
	s := indicatorScoring{score: score, weight: weight, unit: unit, fullAt: fullAt, zeroAt: zeroAt,
		steps: scannedSteps(steps), per: per, points: points, bonus: bonus}
	return s.words()
}
