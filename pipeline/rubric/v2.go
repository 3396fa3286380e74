package rubric

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	yamltoken "github.com/goccy/go-yaml/token"
)

// Version 2 rubric files (SPEC §7): schemes of indicators, each indicator a
// value expression and a scoring function. Both versions reduce to
// Normalized, which the assessment compiles to SQL (pipeline/assess).

// ErrVersion2 is what Load, the reader of version 1 files, says of a
// version 2 file; LoadNormalized reads both.
var ErrVersion2 = errors.New("a version 2 rubric, read by LoadNormalized / 第 2 版评分细则")

// Scoring functions of a version 2 indicator.
const (
	ScoreLinear   = "linear"
	ScoreBand     = "band"
	ScoreSteps    = "steps"
	ScorePerUnit  = "per_unit"
	ScoreRelative = "relative"
)

// Quota scopes of a version 2 file.
var quotaScopes = []string{"city", "scheme", "track"}

// The values applies_to may name (SPEC §3.1's registry enums).
var (
	KindCodes  = []string{"maker_space", "incubator", "innovation_center", "demo_base"}
	TrackCodes = []string{"comprehensive", "specialized"}
	LevelCodes = []string{"municipal", "provincial", "national"}
)

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Normalized is a rubric of either version as the engine reads it: schemes
// tried in order, each with its indicators' value expressions and scoring,
// and the rules shared by every scheme.
type Normalized struct {
	Version   int // of the file it came from
	Schemes   []Scheme
	Reporting ReportingPoints
	Grades    Grades // the default; a scheme may replace it
	Quota     Quota  // scope city, scheme or track
	Vetoes    map[string]string
	Funding   Funding
	Decisions Decisions
	// Text is the rubric as stored with a run's results: a version 2
	// file's own text, a version 1 file's canonical YAML (Rubric.YAML).
	Text string
	hash string
}

// Hash is the hex SHA-256 that identifies the rubric's content: for a
// version 1 file Rubric.Hash; for a version 2 file that of its parsed
// content as canonical JSON, so comments, key order and spacing do not
// change it.
func (n *Normalized) Hash() string { return n.hash }

// Scheme (评分方案) scores the carriers its AppliesTo matches.
type Scheme struct {
	Code, NameZH, NameEN string
	AppliesTo            AppliesTo
	Grades               Grades // the file's default when the scheme sets none
	BonusCap             float64
	Indicators           []SchemeIndicator
}

// AppliesTo lists the kinds, tracks and levels a scheme scores; an empty
// list matches every value. All three must match.
type AppliesTo struct {
	Kind  []string `yaml:"kind,omitempty"`
	Track []string `yaml:"track,omitempty"`
	Level []string `yaml:"level,omitempty"`
}

// Matches reports whether a carrier of kind, track and level is in scope.
func (a AppliesTo) Matches(kind, track, level string) bool {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	return in(a.Kind, kind) && in(a.Track, track) && in(a.Level, level)
}

// SchemeIndicator is one scored line of a scheme.
type SchemeIndicator struct {
	Code, NameZH, NameEN string
	Section, Unit        string
	Value                Expr
	Weight               float64
	Score                string
	Target               *Targets     // linear: by level (one number is the same for every level)
	FullAt, ZeroAt       float64      // band
	Steps                [][2]float64 // steps: [threshold, points], thresholds ascending
	Per, Points          float64      // per_unit
	Bonus                bool
}

// Scoring says how the indicator is scored, in the file's terms.
func (ind SchemeIndicator) Scoring() string {
	switch ind.Score {
	case ScoreLinear:
		t := ind.Target
		if t.Municipal == t.Provincial && t.Provincial == t.National {
			return fmt.Sprintf("linear, target %g", t.Municipal)
		}
		return fmt.Sprintf("linear, target municipal %g, provincial %g, national %g", t.Municipal, t.Provincial, t.National)
	case ScoreBand:
		return fmt.Sprintf("band, full at ≤ %g, zero at ≥ %g", ind.FullAt, ind.ZeroAt)
	case ScoreSteps:
		parts := make([]string, len(ind.Steps))
		for i, s := range ind.Steps {
			parts[i] = fmt.Sprintf("≥ %g → %g", s[0], s[1])
		}
		return "steps, " + strings.Join(parts, ", ")
	case ScorePerUnit:
		return fmt.Sprintf("per_unit, %g points per %g", ind.Points, ind.Per)
	}
	return ind.Score
}

// v1Values are the value expressions of the eleven version 1 indicators:
// what the fixed SQL of version 1 computed, now compiled like any other
// (over an empty window the averages and ratios are blank, where that SQL
// gave 0: 0 points either way). Migration 0012 writes the same texts for
// runs stored before.
var v1Values = map[string]string{
	"filed_ratio":    "sum(filed) / sum(incubating)",
	"trainings":      "sum(trainings)",
	"trainees":       "sum(trainees)",
	"events":         "sum(events)",
	"incubating_avg": "avg(incubating)",
	"graduated":      "sum(graduated)",
	"exit_rate":      "sum(exited) / avg(incubating)",
	"jobs_avg":       "avg(jobs)",
	"revenue":        "sum(revenue)",
	"financing":      "sum(financing)",
	"reporting":      "reporting()",
}

// V1Value returns the value expression of a version 1 indicator code.
func V1Value(code string) (string, bool) {
	v, ok := v1Values[code]
	return v, ok
}

// Normalize reduces a version 1 rubric to one scheme, "default", for every
// carrier, with today's eleven indicators: higher ones scored linear with
// their targets, exit_rate scored band.
func (r *Rubric) Normalize() *Normalized {
	s := Scheme{Code: "default", NameZH: "默认方案", NameEN: "Default", Grades: r.Grades}
	for _, ind := range r.Indicators {
		x, err := ParseExpr(v1Values[ind.Code])
		if err != nil {
			panic("rubric: version 1 value of " + ind.Code + ": " + err.Error())
		}
		si := SchemeIndicator{Code: ind.Code, NameZH: ind.NameZH, NameEN: ind.NameEN, Unit: ind.Unit,
			Value: x, Weight: ind.Weight}
		if ind.Direction == BandLower {
			si.Score = ScoreBand
			si.FullAt, si.ZeroAt = ind.Band()
		} else {
			si.Score = ScoreLinear
			t := *ind.Targets
			si.Target = &t
		}
		s.Indicators = append(s.Indicators, si)
	}
	// Copies, so that the normalized form shares no map or slice with r.
	funding := r.canonical().Funding
	funding.Factors = maps.Clone(funding.Factors)
	return &Normalized{Version: 1, Schemes: []Scheme{s}, Reporting: r.Reporting, Grades: r.Grades,
		Quota: r.Quota, Vetoes: maps.Clone(r.Vetoes), Funding: funding, Decisions: r.Decisions,
		Text: r.YAML(), hash: r.Hash()}
}

// The version 2 file as written. Keys a scheme or indicator may omit carry
// omitempty, which checkSchema reads as optional.
type fileV2 struct {
	Version   int               `yaml:"version"`
	Grades    *Grades           `yaml:"grades,omitempty"`
	Quota     *Quota            `yaml:"quota,omitempty"`
	Reporting *ReportingPoints  `yaml:"reporting_points,omitempty"`
	Vetoes    map[string]string `yaml:"vetoes,omitempty"`
	Funding   *Funding          `yaml:"funding,omitempty"`
	Decisions *Decisions        `yaml:"decisions,omitempty"`
	Schemes   []schemeV2        `yaml:"schemes"`
}

type schemeV2 struct {
	Code       string        `yaml:"code"`
	NameZH     string        `yaml:"name_zh"`
	NameEN     string        `yaml:"name_en,omitempty"`
	AppliesTo  *AppliesTo    `yaml:"applies_to,omitempty"`
	Grades     *Grades       `yaml:"grades,omitempty"`
	BonusCap   *float64      `yaml:"bonus_cap,omitempty"`
	Indicators []indicatorV2 `yaml:"indicators"`
}

type indicatorV2 struct {
	Code    string      `yaml:"code"`
	NameZH  string      `yaml:"name_zh"`
	NameEN  string      `yaml:"name_en,omitempty"`
	Section string      `yaml:"section,omitempty"`
	Unit    string      `yaml:"unit,omitempty"`
	Value   string      `yaml:"value"`
	Weight  *float64    `yaml:"weight"`
	Score   string      `yaml:"score"`
	Target  any         `yaml:"target,omitempty"`
	FullAt  *float64    `yaml:"full_at,omitempty"`
	ZeroAt  *float64    `yaml:"zero_at,omitempty"`
	Steps   [][]float64 `yaml:"steps,omitempty"`
	Per     *float64    `yaml:"per,omitempty"`
	Points  *float64    `yaml:"points,omitempty"`
	Bonus   bool        `yaml:"bonus,omitempty"`
}

// FileVersion reads the top-level version key: 1 when absent. Anything but
// 1 or 2 is an error with its line.
func FileVersion(data []byte, name string) (v int, err error) {
	defer GuardYAML(name, &err)
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 0, yamlError(name, err)
	}
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		for _, mv := range mappingValues(d.Body) {
			if keyOf(mv) != "version" {
				continue
			}
			v := unwrap(mv.Value)
			if n, ok := v.(*ast.IntegerNode); ok {
				switch fmt.Sprint(n.Value) {
				case "1":
					return 1, nil
				case "2":
					return 2, nil
				}
			}
			fe := &FileError{File: name, Msg: fmt.Sprintf("version %s: a rubric file is version 1 or 2", v.String())}
			if tk := v.GetToken(); tk != nil && tk.Position != nil {
				fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
			}
			return 0, fe
		}
		break
	}
	return 1, nil
}

// LoadNormalized reads a rubric file of either version, validates it and
// returns its normalized form.
func LoadNormalized(data []byte, name string) (n *Normalized, err error) {
	defer GuardYAML(name, &err)
	v, err := FileVersion(data, name)
	if err != nil {
		return nil, err
	}
	if v == 1 {
		r, err := Load(data, name)
		if err != nil {
			return nil, err
		}
		return r.Normalize(), nil
	}
	return loadV2(data, name)
}

// LoadNormalizedFile is LoadNormalized of the file at path.
func LoadNormalizedFile(path string) (*Normalized, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return LoadNormalized(data, path)
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open rubric: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read rubric: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a rubric", path, maxFileSize)
	}
	return data, nil
}

func loadV2(data []byte, name string) (*Normalized, error) {
	var fv fileV2
	if err := yaml.UnmarshalWithOptions(data, &fv, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		return nil, yamlError(name, err)
	}
	if _, err := checkSchemaOf(data, name, "rubric", reflect.TypeFor[fileV2]()); err != nil {
		return nil, err
	}
	def := Default()
	n := &Normalized{Version: 2, Reporting: def.Reporting, Grades: def.Grades,
		Quota: def.Quota, Vetoes: def.Vetoes, Funding: def.Funding, Decisions: def.Decisions}
	if fv.Reporting != nil {
		n.Reporting = *fv.Reporting
	}
	if fv.Grades != nil {
		n.Grades = *fv.Grades
	}
	if fv.Quota != nil {
		n.Quota = *fv.Quota
	}
	if fv.Vetoes != nil {
		n.Vetoes = fv.Vetoes
	}
	if fv.Funding != nil {
		n.Funding = *fv.Funding
	}
	if fv.Decisions != nil {
		n.Decisions = *fv.Decisions
	}
	n.Funding = (&Rubric{Funding: n.Funding}).canonical().Funding

	var v validator
	v.reporting(n.Reporting)
	v.grades(n.Grades)
	if v.finite("quota.share", n.Quota.Share) && (n.Quota.Share < 0 || n.Quota.Share > 1) {
		v.add("quota.share %g outside [0, 1]", n.Quota.Share)
	}
	if !slices.Contains(quotaScopes, n.Quota.Scope) {
		v.add("quota.scope %q not one of %s", n.Quota.Scope, strings.Join(quotaScopes, ", "))
	}
	v.vetoes(n.Vetoes)
	v.funding(n.Funding)
	v.decisions(n.Decisions)

	if len(fv.Schemes) == 0 {
		v.add("schemes: at least one scheme is needed")
	}
	var file *ast.File // parsed once, for the place of an expression's error
	seen := map[string]bool{}
	for i, fs := range fv.Schemes {
		s := Scheme{Code: fs.Code, NameZH: fs.NameZH, NameEN: fs.NameEN, Grades: n.Grades}
		what := fmt.Sprintf("scheme %q", fs.Code)
		switch {
		case !codePattern.MatchString(fs.Code):
			what = fmt.Sprintf("scheme %d", i+1)
			v.add("%s: code %q is not [a-z][a-z0-9_]*", what, fs.Code)
		case seen[fs.Code]:
			v.add("scheme %q listed twice", fs.Code)
		}
		seen[fs.Code] = true
		if strings.TrimSpace(fs.NameZH) == "" {
			v.add("%s: name_zh is empty", what)
		}
		if fs.AppliesTo != nil {
			s.AppliesTo = *fs.AppliesTo
			v.enum(what+": applies_to.kind", s.AppliesTo.Kind, KindCodes)
			v.enum(what+": applies_to.track", s.AppliesTo.Track, TrackCodes)
			v.enum(what+": applies_to.level", s.AppliesTo.Level, LevelCodes)
		}
		if fs.Grades != nil {
			s.Grades = *fs.Grades
			sub := validator{}
			sub.grades(s.Grades)
			for _, p := range sub.problems {
				v.add("%s: %s", what, p)
			}
		}
		if fs.BonusCap != nil {
			s.BonusCap = *fs.BonusCap
			if v.finite(what+": bonus_cap", s.BonusCap) && s.BonusCap < 0 {
				v.add("%s: bonus_cap %g is negative", what, s.BonusCap)
			}
		}
		if len(fs.Indicators) == 0 {
			v.add("%s: no indicators", what)
		}
		codes := map[string]bool{}
		sum := 0.0
		for j, fi := range fs.Indicators {
			iwhat := fmt.Sprintf("%s, indicator %q", what, fi.Code)
			switch {
			case !codePattern.MatchString(fi.Code):
				iwhat = fmt.Sprintf("%s, indicator %d", what, j+1)
				v.add("%s: code %q is not [a-z][a-z0-9_]*", iwhat, fi.Code)
			case codes[fi.Code]:
				v.add("%s: indicator %q listed twice", what, fi.Code)
			}
			codes[fi.Code] = true
			ind := SchemeIndicator{Code: fi.Code, NameZH: fi.NameZH, NameEN: fi.NameEN, Section: fi.Section,
				Unit: fi.Unit, Score: fi.Score, Bonus: fi.Bonus}
			if strings.TrimSpace(fi.NameZH) == "" {
				v.add("%s: name_zh is empty", iwhat)
			}
			x, err := ParseExpr(fi.Value)
			if err != nil {
				if file == nil {
					file, _ = parser.ParseBytes(data, 0)
				}
				return nil, exprFileError(name, file, fmt.Sprintf("$.schemes[%d].indicators[%d].value", i, j), iwhat, err)
			}
			ind.Value = x
			if fi.Weight != nil {
				ind.Weight = *fi.Weight
			}
			if v.finite(iwhat+": weight", ind.Weight) {
				if ind.Weight < 0 {
					v.add("%s: weight %g is negative", iwhat, ind.Weight)
				}
				if !fi.Bonus {
					sum += ind.Weight
				}
			}
			v.scoring(iwhat, fi, &ind)
			s.Indicators = append(s.Indicators, ind)
		}
		if len(fs.Indicators) > 0 && !math.IsNaN(sum) && math.Abs(sum-100) > weightTolerance {
			v.add("%s: the weights of the indicators that are not bonus sum to %g, want 100", what, sum)
		}
		n.Schemes = append(n.Schemes, s)
	}
	v.bounds(n)
	if len(v.problems) > 0 {
		return nil, fmt.Errorf("%s: %w", name, &ValidationError{Problems: v.problems})
	}
	n.Text = string(data)
	b, err := json.Marshal(fv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sum := sha256.Sum256(append([]byte("incubeval rubric v2\n"), b...))
	n.hash = hex.EncodeToString(sum[:])
	return n, nil
}

// MaxWeight bounds a weight and a bonus cap (a score is kept with 4 digits
// before the point); MaxParam bounds a target, threshold, step, per or
// points, far above any a rubric needs.
const (
	MaxWeight = 1000
	MaxParam  = 1e15
)

// CheckBounds says whether the assessment can compute with n's numbers
// (LoadNormalized has checked it; the assessment checks it again of a
// rubric built otherwise).
func (n *Normalized) CheckBounds() error {
	var v validator
	v.bounds(n)
	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}
	return nil
}

// bounds refuses numbers the assessment cannot hold exactly, and a step
// worth more than its indicator's weight.
func (v *validator) bounds(n *Normalized) {
	big := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) >= MaxParam }
	for _, s := range n.Schemes {
		if s.BonusCap > MaxWeight {
			v.add("scheme %q: bonus_cap %g is above %d / 加分上限不得超过 %d", s.Code, s.BonusCap, MaxWeight, MaxWeight)
		}
		for _, ind := range s.Indicators {
			what := fmt.Sprintf("scheme %q, indicator %q", s.Code, ind.Code)
			if ind.Weight > MaxWeight {
				v.add("%s: weight %g is above %d / 权重不得超过 %d", what, ind.Weight, MaxWeight, MaxWeight)
			}
			xs := []float64{ind.FullAt, ind.ZeroAt, ind.Per, ind.Points}
			if ind.Target != nil {
				xs = append(xs, ind.Target.Municipal, ind.Target.Provincial, ind.Target.National)
			}
			for _, st := range ind.Steps {
				xs = append(xs, st[0], st[1])
				if st[1] < 0 || st[1] > ind.Weight {
					v.add("%s: step points %g outside [0, weight %g]", what, st[1], ind.Weight)
				}
			}
			for _, x := range xs {
				if big(x) {
					v.add("%s: %g is beyond what the assessment computes with (below 10^15) / 数值过大", what, x)
					break
				}
			}
		}
	}
}

// enum checks that every value of list is one of known.
func (v *validator) enum(what string, list, known []string) {
	for _, x := range list {
		if !slices.Contains(known, x) {
			v.add("%s: %q not one of %s", what, x, strings.Join(known, ", "))
		}
	}
}

// scoring checks an indicator's score and its parameters (and only its own)
// and copies them into ind.
func (v *validator) scoring(what string, fi indicatorV2, ind *SchemeIndicator) {
	params := map[string]bool{"target": fi.Target != nil, "full_at": fi.FullAt != nil, "zero_at": fi.ZeroAt != nil,
		"steps": fi.Steps != nil, "per": fi.Per != nil, "points": fi.Points != nil}
	own := map[string][]string{ScoreLinear: {"target"}, ScoreBand: {"full_at", "zero_at"}, ScoreSteps: {"steps"},
		ScorePerUnit: {"per", "points"}, ScoreRelative: nil}
	mine, ok := own[fi.Score]
	if !ok {
		v.add("%s: score %q not one of linear, band, steps, per_unit, relative", what, fi.Score)
		return
	}
	for _, p := range []string{"target", "full_at", "zero_at", "steps", "per", "points"} {
		switch {
		case params[p] && !slices.Contains(mine, p):
			v.add("%s: %s is not used by score %s", what, p, fi.Score)
		case !params[p] && slices.Contains(mine, p):
			v.add("%s: score %s needs %s", what, fi.Score, p)
		}
	}
	switch fi.Score {
	case ScoreLinear:
		if fi.Target != nil {
			ind.Target = v.target(what, fi.Target)
		}
	case ScoreBand:
		if fi.FullAt != nil && fi.ZeroAt != nil {
			ind.FullAt, ind.ZeroAt = *fi.FullAt, *fi.ZeroAt
			if v.finite(what+": full_at", ind.FullAt) && v.finite(what+": zero_at", ind.ZeroAt) && !(ind.FullAt < ind.ZeroAt) {
				v.add("%s: need full_at < zero_at, got full_at %g, zero_at %g", what, ind.FullAt, ind.ZeroAt)
			}
		}
	case ScoreSteps:
		if fi.Steps != nil && len(fi.Steps) == 0 {
			v.add("%s: steps is empty", what)
		}
		for k, st := range fi.Steps {
			if len(st) != 2 {
				v.add("%s: step %d is not [threshold, points]", what, k+1)
				continue
			}
			if !v.finite(fmt.Sprintf("%s: step %d", what, k+1), st[0]) || !v.finite(fmt.Sprintf("%s: step %d", what, k+1), st[1]) {
				continue
			}
			if k > 0 && len(fi.Steps[k-1]) == 2 && !(st[0] > fi.Steps[k-1][0]) {
				v.add("%s: step %d: threshold %g is not above the one before (%g); thresholds ascend", what, k+1, st[0], fi.Steps[k-1][0])
			}
			if st[1] < 0 || st[1] > ind.Weight {
				v.add("%s: step %d: points %g outside [0, weight %g]", what, k+1, st[1], ind.Weight)
			}
			ind.Steps = append(ind.Steps, [2]float64{st[0], st[1]})
		}
	case ScorePerUnit:
		if fi.Per != nil {
			ind.Per = *fi.Per
			if v.finite(what+": per", ind.Per) && ind.Per <= 0 {
				v.add("%s: per %g must be positive", what, ind.Per)
			}
		}
		if fi.Points != nil {
			ind.Points = *fi.Points
			if v.finite(what+": points", ind.Points) && ind.Points <= 0 {
				v.add("%s: points %g must be positive", what, ind.Points)
			}
		}
	}
}

// target reads a linear target: one number, or {municipal, provincial,
// national}; every one positive.
func (v *validator) target(what string, raw any) *Targets {
	num := func(x any) (float64, bool) {
		switch n := x.(type) {
		case float64:
			return n, true
		case uint64:
			return float64(n), true
		case int64:
			return float64(n), true
		case int:
			return float64(n), true
		}
		return 0, false
	}
	var t Targets
	if x, ok := num(raw); ok {
		t = Targets{x, x, x}
	} else if m, ok := raw.(map[string]any); ok {
		for _, k := range sortedKeys(m) {
			if !slices.Contains(LevelCodes, k) {
				v.add("%s: target: unknown level %q (known: %s)", what, k, strings.Join(LevelCodes, ", "))
			}
		}
		for _, level := range LevelCodes {
			x, ok := num(m[level])
			if !ok {
				v.add("%s: target.%s: missing or not a number", what, level)
				return nil
			}
			switch level {
			case "municipal":
				t.Municipal = x
			case "provincial":
				t.Provincial = x
			case "national":
				t.National = x
			}
		}
	} else {
		v.add("%s: target is one number or {municipal, provincial, national}", what)
		return nil
	}
	for _, x := range []float64{t.Municipal, t.Provincial, t.National} {
		if v.finite(what+": target", x) && x <= 0 {
			v.add("%s: target %g must be positive", what, x)
			return nil
		}
	}
	return &t
}

// exprFileError places an expression's error in the file: the value node's
// line and column plus the column in the expression, for a plain or
// quoted scalar on one line; for a block scalar (| or >) or a scalar
// folded over lines, the line only.
func exprFileError(name string, file *ast.File, path, what string, err error) error {
	var ee *ExprError
	if !errors.As(err, &ee) {
		return fmt.Errorf("%s: %s: value: %w", name, what, err)
	}
	fe := &FileError{File: name, Msg: fmt.Sprintf("%s: value: %s", what, ee.Msg)}
	p, perr := yaml.PathString(path)
	if perr != nil || file == nil {
		return fe
	}
	node, ferr := p.FilterFile(file)
	if ferr != nil || node == nil {
		return fe
	}
	tk := node.GetToken()
	if tk == nil || tk.Position == nil {
		return fe
	}
	fe.Line = tk.Position.Line
	switch {
	case tk.Type == yamltoken.LiteralType || tk.Type == yamltoken.FoldedType:
		// The block's text starts on the next line; count the lines of the
		// expression before the error.
		var text string
		if lit, ok := node.(*ast.LiteralNode); ok && lit.Value != nil {
			text = lit.Value.Value
		}
		fe.Line += 1 + strings.Count(prefixRunes(text, ee.Col-1), "\n")
	case strings.Contains(strings.TrimRight(tk.Origin, " \t\r\n"), "\n"):
		// folded over lines: the line where it starts
	case tk.Type == yamltoken.DoubleQuoteType || tk.Type == yamltoken.SingleQuoteType:
		fe.Column = tk.Position.Column + ee.Col
	default:
		fe.Column = tk.Position.Column + ee.Col - 1
	}
	return fe
}

// prefixRunes is s up to its n-th character.
func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
