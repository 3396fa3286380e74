// Package rubric holds the yearly assessment's rubric as data (SPEC §4.2–4.6):
// indicators with weights and targets, grade thresholds, the excellent quota,
// veto actions, funding tiers and factors, and the decision constants.
//
// A commented default is embedded; an administrator's YAML file can replace
// it. Files are read strictly, and the rubric used is recorded with every
// result by its canonical YAML and hash.
package rubric

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/goccy/go-yaml"
)

// The embedded default rubric, a version 2 file (SPEC §7: one scheme, the
// eleven indicators of §4.2), and the same rubric in the version 1 form,
// which Default returns for readers of version 1 files and their tests.
var (
	//go:embed default.yaml
	defaultYAML []byte
	//go:embed default_v1.yaml
	defaultV1YAML []byte
)

// Rubric is everything SPEC §4.2–4.6 lets an administrator change.
type Rubric struct {
	Indicators []Indicator       `yaml:"indicators" json:"indicators"` // in display order
	Reporting  ReportingPoints   `yaml:"reporting_points,omitempty" json:"reporting_points"`
	Grades     Grades            `yaml:"grades" json:"grades"`
	Quota      Quota             `yaml:"excellent_quota" json:"excellent_quota"`
	Vetoes     map[string]string `yaml:"vetoes" json:"vetoes"` // incident type → VetoFail | VetoCapPass
	Funding    Funding           `yaml:"funding" json:"funding"`
	Decisions  Decisions         `yaml:"decisions,omitempty" json:"decisions"`
	// Version is the file's version key, 1 or absent; Load sets it to 0 so
	// that the canonical YAML and the hash are those of a file without it.
	Version int `yaml:"version,omitempty" json:"-"`
}

// Indicator is one scored line of the assessment. A higher indicator has
// Targets and no band; a band_lower indicator has FullAt and ZeroAt and no
// Targets.
type Indicator struct {
	Code      string   `yaml:"code" json:"code"`
	NameZH    string   `yaml:"name_zh" json:"name_zh"`
	NameEN    string   `yaml:"name_en" json:"name_en"`
	Weight    float64  `yaml:"weight" json:"weight"`
	Direction string   `yaml:"direction" json:"direction"` // Higher or BandLower
	Targets   *Targets `yaml:"targets,omitempty" json:"targets,omitempty"`
	FullAt    *float64 `yaml:"full_at,omitempty" json:"full_at,omitempty"`
	ZeroAt    *float64 `yaml:"zero_at,omitempty" json:"zero_at,omitempty"`
	Unit      string   `yaml:"unit,omitempty" json:"unit,omitempty"` // 万元, 次, 人次, 家, ratio …
}

// Targets of a higher indicator by the carrier's level of recognition.
type Targets struct {
	Municipal  float64 `yaml:"municipal" json:"municipal"`
	Provincial float64 `yaml:"provincial" json:"provincial"`
	National   float64 `yaml:"national" json:"national"`
}

// ReportingPoints are the points per window quarter of the reporting indicator.
type ReportingPoints struct {
	OnTime  float64 `yaml:"on_time" json:"on_time"`
	Late    float64 `yaml:"late" json:"late"`
	Missing float64 `yaml:"missing" json:"missing"`
}

// Grades are the lowest scores of each grade above fail.
type Grades struct {
	Excellent float64 `yaml:"excellent" json:"excellent"`
	Good      float64 `yaml:"good" json:"good"`
	Pass      float64 `yaml:"pass" json:"pass"`
}

// Quota limits excellent grades to a share of the year's graded carriers.
type Quota struct {
	Share float64 `yaml:"share" json:"share"`
	Scope string  `yaml:"scope" json:"scope"` // only "city" (SPEC §4.7)
}

// Funding sets the subsidy of a graded carrier: a tier's cap × the grade's factor.
type Funding struct {
	Tiers       []Tier             `yaml:"tiers" json:"tiers"`                                 // national, specialized, standard
	Factors     map[string]float64 `yaml:"factors" json:"factors"`                             // excellent, good, pass, fail
	BudgetYuan  *int64             `yaml:"budget_yuan,omitempty" json:"budget_yuan,omitempty"` // nil: no budget
	RoundDownTo int64              `yaml:"round_down_to" json:"round_down_to"`                 // yuan
}

// Tier is a funding tier. Which carriers fall in it is fixed by its code
// (SPEC §4.6): national level → national; else specialized track →
// specialized; else standard.
type Tier struct {
	Code    string `yaml:"code" json:"code"`
	NameZH  string `yaml:"name_zh" json:"name_zh"`
	NameEN  string `yaml:"name_en" json:"name_en"`
	CapYuan int64  `yaml:"cap_yuan" json:"cap_yuan"`
}

// Decisions are the constants of dynamic management (SPEC §4.4).
type Decisions struct {
	DecisionDay string `yaml:"decision_day" json:"decision_day"` // "MM-DD" of the assessment year
	RectifyDays int    `yaml:"rectify_days" json:"rectify_days"`
	BanYears    int    `yaml:"ban_years" json:"ban_years"`
}

// Directions of an indicator.
const (
	Higher    = "higher"     // points = weight × min(1, value / target)
	BandLower = "band_lower" // full at ≤ FullAt, zero at ≥ ZeroAt, linear between
)

// Veto actions.
const (
	VetoFail    = "fail"     // the grade is fail
	VetoCapPass = "cap_pass" // the grade is at most pass
)

// FalseData is the incident type that always fails and revokes; no rubric may change that.
const FalseData = "false_data"

// indicators lists the codes the assessment SQL computes, with their direction.
var indicators = []struct{ code, direction string }{
	{"filed_ratio", Higher},
	{"trainings", Higher},
	{"trainees", Higher},
	{"events", Higher},
	{"incubating_avg", Higher},
	{"graduated", Higher},
	{"exit_rate", BandLower},
	{"jobs_avg", Higher},
	{"revenue", Higher},
	{"financing", Higher},
	{"reporting", Higher},
}

var (
	vetoTypes  = []string{"major_accident", "environmental_violation", "research_misconduct", "abnormal_operation_list", "serious_dishonesty_list"}
	gradeCodes = []string{"excellent", "good", "pass", "fail"}
	tierCodes  = []string{"national", "specialized", "standard"}
)

// IndicatorCodes returns the eleven indicator codes in SPEC order.
func IndicatorCodes() []string {
	codes := make([]string, len(indicators))
	for i, ind := range indicators {
		codes[i] = ind.code
	}
	return codes
}

// VetoTypes returns the configurable veto incident types (all but FalseData).
func VetoTypes() []string { return slices.Clone(vetoTypes) }

// DefaultYAML returns the embedded, commented default rubric file (version 2).
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// DefaultV1YAML returns the default rubric written as a version 1 file.
func DefaultV1YAML() []byte { return bytes.Clone(defaultV1YAML) }

// DefaultNormalized returns a fresh copy of the embedded default rubric,
// the one the assessment uses when no rubric is given.
func DefaultNormalized() *Normalized {
	n, err := LoadNormalized(defaultYAML, "default.yaml")
	if err != nil {
		panic("rubric: embedded default: " + err.Error())
	}
	return n
}

// Default returns a fresh copy of the default rubric in its version 1 form
// (the same indicators, targets and rules as DefaultNormalized).
func Default() *Rubric {
	r, err := Load(defaultV1YAML, "default_v1.yaml")
	if err != nil {
		panic("rubric: embedded default: " + err.Error())
	}
	return r
}

// maxFileSize bounds a rubric file; the default is a few kilobytes.
const maxFileSize = 1 << 20

// LoadFile reads and validates the rubric at path.
func LoadFile(path string) (*Rubric, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Load(data, path)
}

// Load parses a rubric strictly and validates it. name (usually the file's
// path) prefixes every error, which also names the line where it has one.
// reporting_points and decisions may be omitted; SPEC's values are then used.
//
// Load reads version 1 files only (no version key, or version: 1); a
// version 2 file is refused with ErrVersion2 (LoadNormalized reads both).
func Load(data []byte, name string) (_ *Rubric, err error) {
	defer GuardYAML(name, &err)
	v, err := FileVersion(data, name)
	if err != nil {
		return nil, err
	}
	if v == 2 {
		return nil, fmt.Errorf("%s: %w", name, ErrVersion2)
	}
	var r Rubric
	if err := yaml.UnmarshalWithOptions(data, &r, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		return nil, yamlError(name, err)
	}
	// go-yaml cannot report a missing key or a fraction in an integer field;
	// checkSchema does, with the line.
	present, err := checkSchema(data, name)
	if err != nil {
		return nil, err
	}
	if !present["reporting_points"] {
		r.Reporting = ReportingPoints{OnTime: 1, Late: 0.5, Missing: 0}
	}
	if !present["decisions"] {
		r.Decisions = Decisions{DecisionDay: "11-30", RectifyDays: 90, BanYears: 3}
	}
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r.Version = 0
	return &r, nil
}

// Hash is the hex SHA-256 of the rubric's canonical JSON (fixed field names,
// sorted map keys, tiers in tier order), so the same rubric written with other
// comments, key order or spacing hashes the same. It is empty for a rubric
// holding NaN or an infinity, which Validate refuses.
func (r *Rubric) Hash() string {
	b, err := json.Marshal(r.canonical())
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// YAML is the canonical YAML of the rubric, without comments, to store with
// results; Load reads it back to a rubric with the same Hash.
func (r *Rubric) YAML() string {
	b, err := yaml.MarshalWithOptions(r.canonical(), yaml.Indent(2), yaml.IndentSequence(true), yaml.AutoInt())
	if err != nil {
		panic("rubric: encode yaml: " + err.Error()) // plain data: cannot happen
	}
	return string(b)
}

// canonical returns a copy in which order carries no meaning the source did
// not: tiers sorted by tier code (maps are sorted by both encoders).
func (r *Rubric) canonical() *Rubric {
	c := *r
	c.Indicators = slices.Clone(r.Indicators)
	c.Funding.Tiers = slices.Clone(r.Funding.Tiers)
	slices.SortStableFunc(c.Funding.Tiers, func(a, b Tier) int {
		return rank(tierCodes, a.Code) - rank(tierCodes, b.Code)
	})
	return &c
}

// rank is code's position in codes, or len(codes) if it is not there.
func rank(codes []string, code string) int {
	if i := slices.Index(codes, code); i >= 0 {
		return i
	}
	return len(codes)
}

// Indicator returns the indicator with the given code.
func (r *Rubric) Indicator(code string) (Indicator, bool) {
	for _, ind := range r.Indicators {
		if ind.Code == code {
			return ind, true
		}
	}
	return Indicator{}, false
}

// Target returns the target of indicator code for a carrier of level
// (municipal, provincial or national); 0 for an unknown code or level, or a
// band_lower indicator.
func (r *Rubric) Target(code, level string) float64 {
	ind, ok := r.Indicator(code)
	if !ok {
		return 0
	}
	return ind.Target(level)
}

// Target returns the indicator's target for level; 0 if it has none.
func (ind Indicator) Target(level string) float64 {
	if ind.Targets == nil {
		return 0
	}
	switch level {
	case "municipal":
		return ind.Targets.Municipal
	case "provincial":
		return ind.Targets.Provincial
	case "national":
		return ind.Targets.National
	}
	return 0
}

// Band returns a band_lower indicator's full_at and zero_at; zeros otherwise.
func (ind Indicator) Band() (fullAt, zeroAt float64) {
	if ind.FullAt != nil {
		fullAt = *ind.FullAt
	}
	if ind.ZeroAt != nil {
		zeroAt = *ind.ZeroAt
	}
	return fullAt, zeroAt
}

// Cap returns the cap in yuan of the tier with the given code; 0 if unknown.
func (f Funding) Cap(tier string) int64 {
	for _, t := range f.Tiers {
		if t.Code == tier {
			return t.CapYuan
		}
	}
	return 0
}

// Date returns the decision date of assessment year y as a civil date
// (midnight UTC); the zero time if DecisionDay is invalid, which Validate refuses.
func (d Decisions) Date(y int) time.Time {
	md, err := time.Parse("01-02", d.DecisionDay)
	if err != nil {
		return time.Time{}
	}
	return time.Date(y, md.Month(), md.Day(), 0, 0, 0, 0, time.UTC)
}
