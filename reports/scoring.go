package reports

import (
	"database/sql"
	"fmt"
	"strings"
)

// indicatorScoring is how an indicator is scored, as the run stored it
// (rubric_indicators): the scoring function and its parameters, weight,
// unit and whether it is a bonus item (加分项). The workbooks and
// letters say it in words; they never score with it.
type indicatorScoring struct {
	score          string // linear, band, steps, per_unit, relative
	weight         float64
	unit           string
	targets        [3]sql.NullFloat64 // linear: municipal, provincial, national
	fullAt, zeroAt sql.NullFloat64    // band
	steps          [][2]float64       // steps: [threshold, points]
	per, points    sql.NullFloat64    // per_unit
	bonus          bool
}

// Scoring functions (SPEC §7).
const (
	scoreLinear   = "linear"
	scoreBand     = "band"
	scoreSteps    = "steps"
	scorePerUnit  = "per_unit"
	scoreRelative = "relative"
)

// threshold prints a threshold of the indicator: a ratio as a percentage.
func (s indicatorScoring) threshold(x float64) string {
	if s.unit == "ratio" {
		return asmPct(x)
	}
	return asmNum(x)
}

// perUnit prints "30 万元", "10%" or "30": an amount in the unit.
func (s indicatorScoring) perUnit(x float64) string {
	switch s.unit {
	case "ratio":
		return asmPct(x)
	case "":
		return asmNum(x)
	}
	return asmNum(x) + " " + s.unit
}

// wordsZH says in Chinese how the indicator is scored:
// “阶梯计分：≥1 得 2 分，≥3 得 4 分”, “每 30 万元 1 分，最高 10 分”.
func (s indicatorScoring) wordsZH() string {
	var w string
	switch s.score {
	case scoreLinear:
		w = "线性计分：权重 × min(1, 实际值 ÷ 目标值)"
	case scoreBand:
		w = fmt.Sprintf("越低越好：≤%s满分，≥%s零分，其间线性", s.threshold(s.fullAt.Float64), s.threshold(s.zeroAt.Float64))
	case scoreSteps:
		parts := make([]string, len(s.steps))
		for i, st := range s.steps {
			parts[i] = fmt.Sprintf("≥%s 得 %s 分", s.threshold(st[0]), asmNum(st[1]))
		}
		w = "阶梯计分：" + strings.Join(parts, "，") + "；不足 " + s.stepsFloor() + " 不得分"
	case scorePerUnit:
		sep := "" // 每 100 万元得 1 分; 每 30 得 1 分
		if s.unit == "" || s.unit == "ratio" {
			sep = " "
		}
		w = fmt.Sprintf("每 %s%s得 %s 分，最高 %s 分", s.perUnit(s.per.Float64), sep, asmNum(s.points.Float64), asmNum(s.weight))
	case scoreRelative:
		w = "相对最优值计分：权重 × 实际值 ÷ 本方案当年最优值"
	default:
		w = s.score
	}
	if s.bonus {
		w = "加分项，" + w
	}
	return w
}

// wordsEN is wordsZH in English.
func (s indicatorScoring) wordsEN() string {
	var w string
	switch s.score {
	case scoreLinear:
		w = "linear: weight × min(1, value ÷ target)"
	case scoreBand:
		w = fmt.Sprintf("lower is better: full at ≤ %s, none at ≥ %s, linear between", s.threshold(s.fullAt.Float64), s.threshold(s.zeroAt.Float64))
	case scoreSteps:
		parts := make([]string, len(s.steps))
		for i, st := range s.steps {
			parts[i] = fmt.Sprintf("≥ %s: %s", s.threshold(st[0]), asmNum(st[1]))
		}
		w = "steps: " + strings.Join(parts, ", ")
	case scorePerUnit:
		w = fmt.Sprintf("%s per %s, at most %s", asmNum(s.points.Float64), s.perUnit(s.per.Float64), asmNum(s.weight))
	case scoreRelative:
		w = "relative: weight × value ÷ the best of the scheme's carriers this year"
	default:
		w = s.score
	}
	if s.bonus {
		w = "bonus; " + w
	}
	return w
}

func (s indicatorScoring) stepsFloor() string {
	if len(s.steps) == 0 {
		return "—"
	}
	return s.threshold(s.steps[0][0])
}

// short names a scoring that has no target, for a target cell.
func (s indicatorScoring) short() string {
	switch s.score {
	case scoreSteps:
		return "阶梯 Steps"
	case scorePerUnit:
		return "按量 Per unit"
	case scoreRelative:
		return "相对最优 Relative"
	}
	return ""
}

// bonusName joins an indicator's Chinese and English names with sep,
// marked as a bonus item (加分项) when it is one and its name does not
// already say so.
func bonusName(zh, en string, bonus bool, sep string) string {
	if bonus {
		if !strings.Contains(zh, "加分") {
			zh += "［加分项］"
		}
		if !strings.Contains(strings.ToLower(en), "bonus") {
			en += " [bonus]"
		}
	}
	return zh + sep + en
}
