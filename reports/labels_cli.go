package reports

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
