package rubric

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// ValidationError lists every rule a rubric breaks, in rubric order.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "invalid rubric: " + strings.Join(e.Problems, "; ")
}

// weightTolerance absorbs float rounding in the sum of weights (33.3+33.3+33.4).
const weightTolerance = 1e-9

// Validate checks the rubric against the rules the assessment relies on and
// returns a *ValidationError listing every problem, or nil.
func (r *Rubric) Validate() error {
	var v validator
	v.indicators(r.Indicators)
	v.reporting(r.Reporting)
	v.grades(r.Grades)
	v.quota(r.Quota)
	v.vetoes(r.Vetoes)
	v.funding(r.Funding)
	v.decisions(r.Decisions)
	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}
	return nil
}

type validator struct{ problems []string }

func (v *validator) add(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

// finite reports whether x is a usable number, recording a problem if not.
func (v *validator) finite(what string, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		v.add("%s %v is not a number", what, x)
		return false
	}
	return true
}

func (v *validator) indicators(inds []Indicator) {
	seen := map[string]bool{}
	sum := 0.0
	for i, ind := range inds {
		what := fmt.Sprintf("indicator %q", ind.Code)
		if ind.Code == "" {
			what = fmt.Sprintf("indicator %d", i+1)
			v.add("%s: missing code", what)
		}
		known := slices.IndexFunc(indicators, func(k struct{ code, direction string }) bool { return k.code == ind.Code })
		switch {
		case ind.Code == "":
		case known < 0:
			v.add("unknown indicator %q (known: %s)", ind.Code, strings.Join(IndicatorCodes(), ", "))
		case seen[ind.Code]:
			v.add("indicator %q listed twice", ind.Code)
		}
		seen[ind.Code] = true
		if strings.TrimSpace(ind.NameZH) == "" {
			v.add("%s: name_zh is empty", what)
		}
		if strings.TrimSpace(ind.NameEN) == "" {
			v.add("%s: name_en is empty", what)
		}
		if v.finite(what+": weight", ind.Weight) {
			if ind.Weight < 0 {
				v.add("%s: weight %g is negative", what, ind.Weight)
			}
			sum += ind.Weight
		}
		if known >= 0 && ind.Direction != indicators[known].direction {
			v.add("%s: direction %q, want %s", what, ind.Direction, indicators[known].direction)
			continue
		}
		switch ind.Direction {
		case Higher:
			v.higher(what, ind)
		case BandLower:
			v.bandLower(what, ind)
		default:
			v.add("%s: direction %q not one of %s, %s", what, ind.Direction, Higher, BandLower)
		}
	}
	for _, code := range IndicatorCodes() {
		if !seen[code] {
			v.add("missing indicator %q", code)
		}
	}
	if math.Abs(sum-100) > weightTolerance {
		v.add("weights sum to %g, want 100", sum)
	}
}

func (v *validator) higher(what string, ind Indicator) {
	if ind.FullAt != nil || ind.ZeroAt != nil {
		v.add("%s: full_at and zero_at are for %s only", what, BandLower)
	}
	if ind.Targets == nil {
		v.add("%s: missing targets", what)
		return
	}
	for _, t := range []struct {
		level string
		value float64
	}{
		{"municipal", ind.Targets.Municipal},
		{"provincial", ind.Targets.Provincial},
		{"national", ind.Targets.National},
	} {
		name := what + ": target " + t.level
		if v.finite(name, t.value) && t.value <= 0 {
			v.add("%s %g must be positive", name, t.value)
		}
	}
}

func (v *validator) bandLower(what string, ind Indicator) {
	if ind.Targets != nil {
		v.add("%s: targets are not used by %s (set full_at and zero_at)", what, BandLower)
	}
	if ind.FullAt == nil || ind.ZeroAt == nil {
		v.add("%s: %s needs full_at and zero_at", what, BandLower)
		return
	}
	full, zero := *ind.FullAt, *ind.ZeroAt
	if !v.finite(what+": full_at", full) || !v.finite(what+": zero_at", zero) {
		return
	}
	if full < 0 || full >= zero {
		v.add("%s: need 0 ≤ full_at < zero_at, got full_at %g, zero_at %g", what, full, zero)
	}
}

func (v *validator) reporting(p ReportingPoints) {
	if !v.finite("reporting_points.on_time", p.OnTime) ||
		!v.finite("reporting_points.late", p.Late) ||
		!v.finite("reporting_points.missing", p.Missing) {
		return
	}
	if !(0 <= p.Missing && p.Missing <= p.Late && p.Late <= p.OnTime && p.OnTime > 0) {
		v.add("reporting_points: need 0 ≤ missing ≤ late ≤ on_time and on_time > 0, got on_time %g, late %g, missing %g",
			p.OnTime, p.Late, p.Missing)
	}
}

func (v *validator) grades(g Grades) {
	if !v.finite("grades.excellent", g.Excellent) || !v.finite("grades.good", g.Good) || !v.finite("grades.pass", g.Pass) {
		return
	}
	if !(0 < g.Pass && g.Pass < g.Good && g.Good < g.Excellent && g.Excellent <= 100) {
		v.add("grades: need 0 < pass < good < excellent ≤ 100, got pass %g, good %g, excellent %g", g.Pass, g.Good, g.Excellent)
	}
}

func (v *validator) quota(q Quota) {
	if v.finite("excellent_quota.share", q.Share) && (q.Share < 0 || q.Share > 1) {
		v.add("excellent_quota.share %g outside [0, 1]", q.Share)
	}
	if q.Scope != "city" {
		v.add("excellent_quota.scope %q not supported (only \"city\")", q.Scope)
	}
}

func (v *validator) vetoes(vetoes map[string]string) {
	for _, typ := range sortedKeys(vetoes) {
		action := vetoes[typ]
		switch {
		case typ == FalseData:
			v.add("vetoes.%s: not configurable: false data always fails and revokes the carrier", FalseData)
		case !slices.Contains(vetoTypes, typ):
			v.add("vetoes: unknown incident type %q (known: %s)", typ, strings.Join(vetoTypes, ", "))
		case action != VetoFail && action != VetoCapPass:
			v.add("vetoes.%s: action %q not one of %s, %s", typ, action, VetoFail, VetoCapPass)
		}
	}
	for _, typ := range vetoTypes {
		if _, ok := vetoes[typ]; !ok {
			v.add("vetoes: missing %s (set %s or %s)", typ, VetoFail, VetoCapPass)
		}
	}
}

func (v *validator) funding(f Funding) {
	seen := map[string]bool{}
	for i, t := range f.Tiers {
		what := fmt.Sprintf("funding tier %q", t.Code)
		switch {
		case t.Code == "":
			what = fmt.Sprintf("funding tier %d", i+1)
			v.add("%s: missing code", what)
		case !slices.Contains(tierCodes, t.Code):
			v.add("funding: unknown tier %q (known: %s)", t.Code, strings.Join(tierCodes, ", "))
		case seen[t.Code]:
			v.add("funding: tier %q listed twice", t.Code)
		}
		seen[t.Code] = true
		if strings.TrimSpace(t.NameZH) == "" {
			v.add("%s: name_zh is empty", what)
		}
		if strings.TrimSpace(t.NameEN) == "" {
			v.add("%s: name_en is empty", what)
		}
		if t.CapYuan < 0 {
			v.add("%s: cap_yuan %d is negative", what, t.CapYuan)
		}
	}
	for _, code := range tierCodes {
		if !seen[code] {
			v.add("funding: missing tier %q", code)
		}
	}
	for _, g := range sortedKeys(f.Factors) {
		x := f.Factors[g]
		switch {
		case !slices.Contains(gradeCodes, g):
			v.add("funding.factors: unknown grade %q (known: %s)", g, strings.Join(gradeCodes, ", "))
		case !v.finite("funding.factors."+g, x):
		case x < 0 || x > 1:
			v.add("funding.factors.%s %g outside [0, 1]", g, x)
		}
	}
	for _, g := range gradeCodes {
		if _, ok := f.Factors[g]; !ok {
			v.add("funding.factors: missing %s", g)
		}
	}
	if f.BudgetYuan != nil && *f.BudgetYuan <= 0 {
		v.add("funding.budget_yuan %d must be positive (omit it for no budget)", *f.BudgetYuan)
	}
	if f.RoundDownTo <= 0 {
		v.add("funding.round_down_to %d must be positive", f.RoundDownTo)
	}
}

func (v *validator) decisions(d Decisions) {
	md, err := time.Parse("01-02", d.DecisionDay)
	switch {
	case err != nil || len(d.DecisionDay) != 5:
		v.add("decisions.decision_day %q is not a MM-DD date", d.DecisionDay)
	case md.Month() == time.February && md.Day() == 29:
		v.add("decisions.decision_day %q does not occur every year", d.DecisionDay)
	}
	if d.RectifyDays <= 0 {
		v.add("decisions.rectify_days %d must be positive", d.RectifyDays)
	}
	if d.BanYears < 0 {
		v.add("decisions.ban_years %d is negative", d.BanYears)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
