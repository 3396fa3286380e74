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

// words says in Chinese and English how the indicator is scored:
// “阶梯计分：≥1 得 2 分，≥3 得 4 分”, “每 30 万元得 1 分，最高 10 分”.
func (s indicatorScoring) words() (zh, en string) {
	switch s.score {
	case scoreLinear:
		zh, en = "线性计分：权重 × min(1, 实际值 ÷ 目标值)", "linear: weight × min(1, value ÷ target)"
	case scoreBand:
		full, zero := s.threshold(s.fullAt.Float64), s.threshold(s.zeroAt.Float64)
		zh = fmt.Sprintf("越低越好：≤%s满分，≥%s零分，其间线性", full, zero)
		en = fmt.Sprintf("lower is better: full at ≤ %s, none at ≥ %s, linear between", full, zero)
	case scoreSteps:
		parts, partsEN := make([]string, len(s.steps)), make([]string, len(s.steps))
		for i, st := range s.steps {
			parts[i] = fmt.Sprintf("≥%s 得 %s 分", s.threshold(st[0]), asmNum(st[1]))
			partsEN[i] = fmt.Sprintf("≥ %s: %s", s.threshold(st[0]), asmNum(st[1]))
		}
		zh = "阶梯计分：" + strings.Join(parts, "，") + "；不足 " + s.stepsFloor() + " 不得分"
		en = "steps: " + strings.Join(partsEN, ", ")
	case scorePerUnit:
		sep := "" // 每 100 万元得 1 分; 每 30 得 1 分
		if s.unit == "" || s.unit == "ratio" {
			sep = " "
		}
		per, pts, most := s.perUnit(s.per.Float64), asmNum(s.points.Float64), asmNum(s.weight)
		zh = fmt.Sprintf("每 %s%s得 %s 分，最高 %s 分", per, sep, pts, most)
		en = fmt.Sprintf("%s per %s, at most %s", pts, per, most)
	case scoreRelative:
		zh, en = "相对最优值计分：权重 × 实际值 ÷ 本方案当年最优值", "relative: weight × value ÷ the best of the scheme's carriers this year"
	default:
		zh, en = s.score, s.score
	}
	if s.bonus {
		zh, en = "加分项，"+zh, "bonus; "+en
	}
	return zh, en
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
