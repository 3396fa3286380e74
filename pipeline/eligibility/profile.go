// Package eligibility checks subjects — applications for recognition, or
// registered carriers for recommendation — against a profile of
// conditions (SPEC §8). A profile is data, as a rubric is: a strict YAML
// file, parsed here into a typed form and compiled into SQL (compile.go);
// two are embedded (profiles/), and a bureau may write its own.
package eligibility

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/incubeval/incubeval/pipeline/rubric"
)

// Subjects of a profile.
const (
	Applications = "applications" // 认定申请 of year Y (SPEC §8.1)
	Carriers     = "carriers"     // registered carriers active at the end of Y's window
)

// Outcomes of a condition (and the check it is made of).
const (
	Met    = "met"
	NotMet = "not_met"
	Review = "review"
)

// Check kinds.
const (
	CheckValue     = "value"     // a number ≥ / ≤ a threshold
	CheckDate      = "date"      // a date on or before / after the reference day shifted
	CheckDeclared  = "declared"  // a declaration (是/否): 否 is review
	CheckColumn    = "column"    // a coded column in / not in a list
	CheckIncidents = "incidents" // no incident of the types since a day
	CheckBanned    = "not_banned"
	CheckReview    = "review" // always for a person to confirm
)

// Profile is a parsed, validated profile.
type Profile struct {
	Code, NameZH, NameEN string
	Source               string // where its conditions come from (the seed)
	Subjects             string // Applications or Carriers
	AppliesTo            rubric.AppliesTo
	// Priority (applications): the declaration that, with every condition
	// met, makes the outcome priority (优先认定) rather than eligible.
	Priority   string
	Conditions []Condition
	// Text is the file as read; SHA256 its hex digest. Both are stored with
	// each run.
	Text   []byte
	SHA256 string
}

// Condition is one line of the seed: met when all (or, with Any, one) of
// its checks are, or outright when the Unless declaration is 是.
type Condition struct {
	Code, NameZH, NameEN string
	Text                 string // the seed's words
	Unless               string // a boolean column: when true, met
	Any                  bool
	Checks               []Check
}

// Check is one test of a condition.
type Check struct {
	Kind string
	// value: Expr over the subject's columns (applications) or its
	// registry columns and quarterly aggregates over Over (carriers).
	Expr    rubric.Expr
	Over    string // carriers: "record", "window", or "windows" (each of the last Windows)
	Windows int
	AtLeast *Threshold
	AtMost  *Threshold
	// date: Column on or before (Before) or on or after the reference day
	// shifted by Shift; BlankMet says what a blank date is.
	Column   string
	Shift    Shift
	Before   bool
	BlankMet bool
	// column: Column's code in In (or, with NotIn, not in it).
	In    []string
	NotIn bool
	// incidents: none of Types at the carriers Of ("operator": every
	// carrier with the subject's operator USCC; "carrier": its own) from
	// From to the reference day.
	Types []string
	Of    string
	From  From
	// review: what a person must confirm.
	Review string
}

// Threshold is a number, or one per track.
type Threshold struct {
	Comprehensive, Specialized float64
}

// Shift is a calendar shift: the same day, Years and Months and Days away
// (SPEC §8: "D − 1 year" is the same calendar day a year before; from 29
// February, the 28th).
type Shift struct{ Years, Months, Days int }

// From is the first day incidents count: the 1 January of the reference
// day's year + Years ("year_start -1"), or the first day of the window of
// Y + Years ("window_start -2").
type From struct {
	Anchor string // "year_start" or "window_start"
	Years  int
}

// IncidentTypes are the incident types of SPEC §3.3.
var IncidentTypes = []string{"major_accident", "environmental_violation", "research_misconduct",
	"abnormal_operation_list", "serious_dishonesty_list", "false_data"}

// The columns each kind of subject has, by what they hold.
type columns struct {
	numbers, dates, flags, codes []string
	env                          rubric.Env
}

var subjectColumns = map[string]columns{
	Applications: {
		numbers: []string{"area_m2", "service_area_m2", "workstations", "incubated", "staff"},
		dates:   []string{"applied_on", "founded_on", "operating_since", "lease_end"},
		flags:   []string{"revenue_stable", "facilities", "rules", "services", "seed_fund", "invested", "virtual"},
		codes:   []string{"operator_type", "kind", "track", "district"},
	},
	Carriers: {
		numbers: rubric.RegistryColumns,
		dates:   []string{"recognized_on", "founded_on", "lease_end"},
		flags:   []string{"virtual"},
		codes:   []string{"kind", "track", "level", "district"},
	},
}

func init() {
	for k, c := range subjectColumns {
		// Aggregates of the quarterly reports, not the rubric's report
		// counts (quarters(), on_time(), reporting()): compile.go has no
		// SQL for them.
		c.env = rubric.Env{Names: c.numbers, Aggregates: k == Carriers}
		subjectColumns[k] = c
	}
}

// The file's shape (strict: an unknown key is an error with its line).
type fileV1 struct {
	Version    int               `yaml:"version"`
	Code       string            `yaml:"code"`
	NameZH     string            `yaml:"name_zh"`
	NameEN     string            `yaml:"name_en"`
	Source     string            `yaml:"source,omitempty"`
	Subjects   string            `yaml:"subjects"`
	AppliesTo  *rubric.AppliesTo `yaml:"applies_to,omitempty"`
	Priority   string            `yaml:"priority,omitempty"`
	Conditions []conditionFile   `yaml:"conditions"`
}

type conditionFile struct {
	Code   string      `yaml:"code"`
	NameZH string      `yaml:"name_zh"`
	NameEN string      `yaml:"name_en"`
	Text   string      `yaml:"text,omitempty"`
	Unless string      `yaml:"unless,omitempty"`
	All    []checkFile `yaml:"all,omitempty"`
	Any    []checkFile `yaml:"any,omitempty"`
}

type checkFile struct {
	Value       string         `yaml:"value,omitempty"`
	Over        string         `yaml:"over,omitempty"`
	AtLeast     any            `yaml:"at_least,omitempty"`
	AtMost      any            `yaml:"at_most,omitempty"`
	Date        string         `yaml:"date,omitempty"`
	OnOrBefore  string         `yaml:"on_or_before,omitempty"`
	OnOrAfter   string         `yaml:"on_or_after,omitempty"`
	Blank       string         `yaml:"blank,omitempty"`
	Declared    string         `yaml:"declared,omitempty"`
	Column      string         `yaml:"column,omitempty"`
	In          []string       `yaml:"in,omitempty"`
	NotIn       []string       `yaml:"not_in,omitempty"`
	NoIncidents *incidentsFile `yaml:"no_incidents,omitempty"`
	NotBanned   string         `yaml:"not_banned,omitempty"`
	Review      string         `yaml:"review,omitempty"`
}

type incidentsFile struct {
	Types []string `yaml:"types"`
	Of    string   `yaml:"of"`
	From  string   `yaml:"from"`
}

//go:embed profiles/*.yaml
var embedded embed.FS

// Embedded lists the embedded profiles' codes, sorted.
func Embedded() []string {
	entries, _ := embedded.ReadDir("profiles")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return out
}

// EmbeddedYAML is the text of an embedded profile.
func EmbeddedYAML(code string) ([]byte, bool) {
	if !slices.Contains(Embedded(), code) {
		return nil, false
	}
	data, err := embedded.ReadFile("profiles/" + code + ".yaml")
	return data, err == nil
}

// ErrUnknownProfile is an embedded profile name that is not one.
var ErrUnknownProfile = errors.New("unknown profile")

// Named loads an embedded profile by its code.
func Named(code string) (*Profile, error) {
	data, ok := EmbeddedYAML(code)
	if !ok {
		return nil, fmt.Errorf("%w %q; the embedded profiles are %s (or --profile-file FILE) / 没有名为 %q 的内置条件", ErrUnknownProfile, code, strings.Join(Embedded(), ", "), code)
	}
	return Load(data, "profiles/"+code+".yaml")
}

const maxFileSize = 1 << 20

// LoadFile loads a profile file: a regular file only (SPEC §10) — a FIFO
// would otherwise hold the open until something writes to it, and a device
// or a folder is no profile.
func LoadFile(path string) (*Profile, error) {
	notRegular := func(fi os.FileInfo) error {
		return fmt.Errorf("%s: not a regular file (%s), not read as a profile / 不是普通文件，不能作为条件文件读取", path, fi.Mode().Type())
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open profile: %w", err)
	} else if !fi.Mode().IsRegular() {
		return nil, notRegular(fi)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open profile: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, fmt.Errorf("open profile: %w", err)
	} else if !fi.Mode().IsRegular() {
		return nil, notRegular(fi)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a profile", path, maxFileSize)
	}
	p, err := Load(data, path)
	if err != nil {
		return nil, err
	}
	// A file is a bureau's own profile: under an embedded profile's code
	// its run would replace that profile's results in the views, shown
	// with the embedded names as if they were the seed's conditions.
	if text, ok := EmbeddedYAML(p.Code); ok && !bytes.Equal(text, data) {
		file, _ := parser.ParseBytes(data, 0)
		v := &validator{name: path, file: file}
		v.fail("$.code", "code %q is an embedded profile's, and this file differs from it: give your profile its own code (e.g. %s_local) / 自定义条件请使用自己的 code，不能与内置条件同名",
			p.Code, p.Code)
		return nil, v.err
	}
	return p, nil
}

var (
	codePattern  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	shiftPattern = regexp.MustCompile(`^([+-]?)(\d{1,3}) (year|years|month|months|day|days)$`)
	fromPattern  = regexp.MustCompile(`^(year_start|window_start)(?: ([+-]\d{1,2}))?$`)
	overPattern  = regexp.MustCompile(`^(record|window|windows ([1-9]))$`)
)

// Load parses a profile strictly and validates it; name (the file's path)
// prefixes every error, with the line where there is one.
func Load(read []byte, name string) (p *Profile, err error) {
	defer rubric.GuardYAML(name, &err)
	// A byte-order mark, as Windows editors may save UTF-8, is allowed at
	// the start of a YAML stream; go-yaml reads it as text. The file is
	// stored (and hashed) as read.
	data := bytes.TrimPrefix(read, []byte("\ufeff"))
	// Words not in UTF-8 (a file saved as GBK) would reach the database
	// as bytes it cannot bind.
	if !utf8.Valid(data) {
		line := 1
		for _, l := range bytes.Split(data, []byte("\n")) {
			if !utf8.Valid(l) {
				break
			}
			line++
		}
		return nil, &rubric.FileError{File: name, Line: line,
			Msg: "not UTF-8 (saved as GBK/GB18030?): save the profile as UTF-8 / 文件不是 UTF-8 编码，请另存为 UTF-8"}
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, rubric.YAMLError(name, err)
	}
	// Before anything decodes it: aliases that stand for millions of values.
	if err := rubric.CheckAliases(file, name); err != nil {
		return nil, err
	}
	var f fileV1
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		return nil, rubric.YAMLError(name, err)
	}
	if _, err := rubric.CheckSchema(data, name, "profile", reflect.TypeFor[fileV1]()); err != nil {
		return nil, err
	}
	v := &validator{name: name, file: file}
	p = v.profile(&f)
	if v.err != nil {
		return nil, v.err
	}
	p.Text = bytes.Clone(read)
	sum := sha256.Sum256(read)
	p.SHA256 = hex.EncodeToString(sum[:])
	return p, nil
}

// validator keeps the first problem, placed at its YAML path's line.
type validator struct {
	name string
	file *ast.File
	err  error
}

func (v *validator) fail(path, format string, args ...any) {
	if v.err != nil {
		return
	}
	fe := &rubric.FileError{File: v.name, Msg: fmt.Sprintf(format, args...)}
	if pp, err := yaml.PathString(path); err == nil {
		if node, err := pp.FilterFile(v.file); err == nil && node != nil {
			if tk := node.GetToken(); tk != nil && tk.Position != nil {
				fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
			}
		}
	}
	v.err = fe
}

func (v *validator) profile(f *fileV1) *Profile {
	p := &Profile{Code: f.Code, NameZH: f.NameZH, NameEN: f.NameEN, Source: f.Source, Subjects: f.Subjects, Priority: f.Priority}
	if f.Version != 1 {
		v.fail("$.version", "version %d: a profile file is version 1", f.Version)
	}
	if !codePattern.MatchString(f.Code) || len(f.Code) > 64 {
		v.fail("$.code", "code %q: write lower-case letters, digits and _ (at most 64)", f.Code)
	}
	v.words("$.name_zh", f.NameZH)
	v.words("$.name_en", f.NameEN)
	v.words("$.source", f.Source)
	cols, ok := subjectColumns[f.Subjects]
	if !ok {
		v.fail("$.subjects", "subjects %q: applications or carriers", f.Subjects)
		return p
	}
	if f.AppliesTo != nil {
		if f.Subjects != Carriers && len(f.AppliesTo.Level) > 0 {
			v.fail("$.applies_to.level", "an application has no level yet: applies_to chooses applications by kind and track")
		}
		v.enum("$.applies_to.kind", f.AppliesTo.Kind, rubric.KindCodes)
		v.enum("$.applies_to.track", f.AppliesTo.Track, rubric.TrackCodes)
		v.enum("$.applies_to.level", f.AppliesTo.Level, rubric.LevelCodes)
		p.AppliesTo = *f.AppliesTo
	}
	if f.Priority != "" {
		if f.Subjects != Applications {
			v.fail("$.priority", "priority is an application's declaration; the subjects of this profile are carriers")
		} else if !slices.Contains(cols.flags, f.Priority) {
			v.fail("$.priority", "priority %q: one of the declarations %s", f.Priority, strings.Join(cols.flags, ", "))
		}
	}
	if len(f.Conditions) == 0 {
		v.fail("$.conditions", "a profile has at least one condition")
	}
	seen := map[string]bool{}
	for i, cf := range f.Conditions {
		path := fmt.Sprintf("$.conditions[%d]", i)
		c := Condition{Code: cf.Code, NameZH: cf.NameZH, NameEN: cf.NameEN, Text: cf.Text, Unless: cf.Unless}
		v.words(path+".name_zh", cf.NameZH)
		v.words(path+".name_en", cf.NameEN)
		v.words(path+".text", cf.Text)
		if !codePattern.MatchString(cf.Code) || len(cf.Code) > 64 {
			v.fail(path+".code", "code %q: write lower-case letters, digits and _ (at most 64)", cf.Code)
		}
		if seen[cf.Code] {
			v.fail(path+".code", "condition %q twice", cf.Code)
		}
		seen[cf.Code] = true
		if cf.Unless != "" && !slices.Contains(cols.flags, cf.Unless) {
			v.fail(path+".unless", "unless %q: one of the %s columns %s", cf.Unless, f.Subjects, strings.Join(cols.flags, ", "))
		}
		list, key := cf.All, "all"
		switch {
		case len(cf.All) > 0 && len(cf.Any) > 0:
			v.fail(path, "condition %q: all or any, not both", cf.Code)
		case len(cf.Any) > 0:
			list, key, c.Any = cf.Any, "any", true
		case len(cf.All) == 0:
			v.fail(path, "condition %q: give its checks under all: (every one) or any: (one is enough)", cf.Code)
		}
		for j, kf := range list {
			c.Checks = append(c.Checks, v.check(fmt.Sprintf("%s.%s[%d]", path, key, j), f.Subjects, cols, kf))
		}
		p.Conditions = append(p.Conditions, c)
	}
	return p
}

// words refuses a NUL byte in a profile's words: the run's SQL quotes
// them, and a C string ends at NUL.
func (v *validator) words(path, s string) {
	if strings.ContainsRune(s, 0) {
		v.fail(path, "%q holds a NUL byte (\\0)", s)
	}
}

func (v *validator) enum(path string, got, known []string) {
	for i, x := range got {
		if !slices.Contains(known, x) {
			v.fail(fmt.Sprintf("%s[%d]", path, i), "%q: one of %s", x, strings.Join(known, ", "))
		}
	}
}

func (v *validator) check(path, subjects string, cols columns, f checkFile) Check {
	kinds := map[string]bool{CheckValue: f.Value != "", CheckDate: f.Date != "", CheckDeclared: f.Declared != "",
		CheckColumn: f.Column != "", CheckIncidents: f.NoIncidents != nil, CheckBanned: f.NotBanned != "", CheckReview: f.Review != ""}
	var set []string
	for _, k := range []string{CheckValue, CheckDate, CheckDeclared, CheckColumn, CheckIncidents, CheckBanned, CheckReview} {
		if kinds[k] {
			set = append(set, k)
		}
	}
	if len(set) != 1 {
		v.fail(path, "a check is one of value, date, declared, column, no_incidents, not_banned, review (found %d)", len(set))
		return Check{}
	}
	c := Check{Kind: set[0]}
	// Keys that belong to another kind of check are mistakes.
	stray := func(name string, present bool, kinds ...string) {
		if present && !slices.Contains(kinds, c.Kind) {
			v.fail(path+"."+name, "%s belongs to a %s check, not a %s one", name, strings.Join(kinds, " or "), c.Kind)
		}
	}
	stray("over", f.Over != "", CheckValue)
	stray("at_least", f.AtLeast != nil, CheckValue)
	stray("at_most", f.AtMost != nil, CheckValue)
	stray("on_or_before", f.OnOrBefore != "", CheckDate)
	stray("on_or_after", f.OnOrAfter != "", CheckDate)
	stray("blank", f.Blank != "", CheckDate)
	stray("in", f.In != nil, CheckColumn)
	stray("not_in", f.NotIn != nil, CheckColumn)
	switch c.Kind {
	case CheckValue:
		x, err := rubric.ParseExprIn(f.Value, cols.env)
		if err != nil {
			if v.err == nil {
				v.err = rubric.ExprFileError(v.name, v.file, path+".value", strings.TrimPrefix(path, "$."), err)
			}
			return c
		}
		c.Expr = x
		aggregates := false
		rubric.Walk(x, func(e rubric.Expr) {
			if _, ok := e.(*rubric.Agg); ok {
				aggregates = true
			}
			if _, ok := e.(*rubric.Count); ok {
				aggregates = true
			}
		})
		switch {
		case f.Over != "" && !aggregates:
			v.fail(path+".over", "over says which quarters an aggregate reads; %q reads none", f.Value)
		case f.Over == "" && aggregates:
			v.fail(path+".value", "%q reads quarterly reports: say which with over: record, window or windows N", f.Value)
		case f.Over != "":
			m := overPattern.FindStringSubmatch(f.Over)
			if m == nil {
				v.fail(path+".over", "over %q: record (every report up to the window end), window (the year's window) or windows N (each of the last N windows, N 1–9)", f.Over)
				break
			}
			c.Over = m[1]
			if m[2] != "" {
				c.Over, c.Windows = "windows", int(m[2][0]-'0')
			}
		}
		c.AtLeast = v.threshold(path+".at_least", f.AtLeast)
		c.AtMost = v.threshold(path+".at_most", f.AtMost)
		if c.AtLeast == nil && c.AtMost == nil {
			v.fail(path, "a value check needs at_least or at_most")
		}
	case CheckDate:
		c.Column = f.Date
		if !slices.Contains(cols.dates, f.Date) {
			v.fail(path+".date", "date %q: one of the %s dates %s", f.Date, subjects, strings.Join(cols.dates, ", "))
		}
		shift := f.OnOrAfter
		at := path + ".on_or_after"
		switch {
		case (f.OnOrBefore == "") == (f.OnOrAfter == ""):
			v.fail(path, "a date check needs on_or_before or on_or_after (one of them), e.g. on_or_before: -1 year")
		case f.OnOrBefore != "":
			shift, at, c.Before = f.OnOrBefore, path+".on_or_before", true
		}
		c.Shift = v.shift(at, shift)
		switch f.Blank {
		case "", NotMet:
		case Met:
			c.BlankMet = true
		default:
			v.fail(path+".blank", "blank %q: met or not_met (what a blank date counts as)", f.Blank)
		}
	case CheckDeclared:
		c.Column = f.Declared
		if !slices.Contains(cols.flags, f.Declared) {
			v.fail(path+".declared", "declared %q: one of the %s declarations %s", f.Declared, subjects, strings.Join(cols.flags, ", "))
		}
	case CheckColumn:
		c.Column = f.Column
		if !slices.Contains(cols.codes, f.Column) {
			v.fail(path+".column", "column %q: one of %s", f.Column, strings.Join(cols.codes, ", "))
		}
		switch {
		case (f.In == nil) == (f.NotIn == nil):
			v.fail(path, "a column check needs in: [...] or not_in: [...] (one of them)")
		case f.NotIn != nil:
			c.In, c.NotIn = f.NotIn, true
		default:
			c.In = f.In
		}
		if len(c.In) == 0 {
			v.fail(path, "a column check lists at least one code")
		}
		for i, x := range c.In {
			if len(x) > 200 || strings.ContainsAny(x, "\x00\n") {
				v.fail(fmt.Sprintf("%s.in[%d]", path, i), "%q is not a code", x)
			}
		}
	case CheckIncidents:
		n := f.NoIncidents
		c.Types, c.Of = n.Types, n.Of
		if slices.Equal(n.Types, []string{"all"}) {
			c.Types = slices.Clone(IncidentTypes)
		} else {
			v.enum(path+".no_incidents.types", n.Types, IncidentTypes)
		}
		if len(c.Types) == 0 {
			v.fail(path+".no_incidents.types", "list the incident types (or [all])")
		}
		if n.Of != "operator" && n.Of != "carrier" {
			v.fail(path+".no_incidents.of", "of %q: operator (every carrier with the subject's operator USCC) or carrier (its own)", n.Of)
		}
		if n.Of == "carrier" && subjects == Applications {
			v.fail(path+".no_incidents.of", "an application has no carrier yet: of: operator")
		}
		m := fromPattern.FindStringSubmatch(n.From)
		if m == nil {
			v.fail(path+".no_incidents.from", "from %q: year_start N (1 January of the reference day's year + N) or window_start N (the first day of the window of Y + N), e.g. year_start -1", n.From)
			break
		}
		c.From.Anchor = m[1]
		if m[2] != "" {
			c.From.Years, _ = strconv.Atoi(m[2])
		}
		// Counted to the reference day: from a later year, nothing is
		// counted and the check can never fail.
		if c.From.Years > 0 {
			v.fail(path+".no_incidents.from", "from %q starts after the reference day, so no incident would ever count: give 0 or fewer years (e.g. year_start -1)", n.From)
		}
	case CheckBanned:
		if f.NotBanned != "operator" {
			v.fail(path+".not_banned", "not_banned %q: operator (a ban is the operator's, SPEC §4.4)", f.NotBanned)
		}
	case CheckReview:
		c.Review = f.Review
		v.words(path+".review", f.Review)
		if len(f.Review) > 500 {
			v.fail(path+".review", "at most 500 bytes")
		}
	}
	return c
}

func (v *validator) shift(path, s string) Shift {
	m := shiftPattern.FindStringSubmatch(s)
	if m == nil {
		v.fail(path, "%q: a shift of the reference day such as -1 year, -12 months, +3 years, 0 days", s)
		return Shift{}
	}
	n, _ := strconv.Atoi(m[2])
	if m[1] == "-" {
		n = -n
	}
	switch strings.TrimSuffix(m[3], "s") {
	case "year":
		return Shift{Years: n}
	case "month":
		return Shift{Months: n}
	}
	return Shift{Days: n}
}

// threshold reads a number, or {comprehensive, specialized}.
func (v *validator) threshold(path string, raw any) *Threshold {
	if raw == nil {
		return nil
	}
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
	var t Threshold
	if x, ok := num(raw); ok {
		t = Threshold{x, x}
	} else if m, ok := raw.(map[string]any); ok {
		for k := range m {
			if !slices.Contains(rubric.TrackCodes, k) {
				v.fail(path, "unknown track %q (known: %s)", k, strings.Join(rubric.TrackCodes, ", "))
			}
		}
		a, okA := num(m["comprehensive"])
		b, okB := num(m["specialized"])
		if !okA || !okB {
			v.fail(path, "a threshold is one number or {comprehensive: N, specialized: N}")
			return nil
		}
		t = Threshold{a, b}
	} else {
		v.fail(path, "a threshold is one number or {comprehensive: N, specialized: N}")
		return nil
	}
	for _, x := range []float64{t.Comprehensive, t.Specialized} {
		if x != x || x > 1e15 || x < -1e15 {
			v.fail(path, "%g is not a threshold incubeval holds exactly (at most 1e15)", x)
		}
	}
	return &t
}

// Condition returns the condition with code.
func (p *Profile) Condition(code string) (Condition, bool) {
	for _, c := range p.Conditions {
		if c.Code == code {
			return c, true
		}
	}
	return Condition{}, false
}
