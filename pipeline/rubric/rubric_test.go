package rubric

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// specIndicators is SPEC §4.2's table: the default must match it.
var specIndicators = []struct {
	code                            string
	weight                          float64
	municipal, provincial, national float64
}{
	{"filed_ratio", 10, 0.9, 0.9, 0.9},
	{"trainings", 10, 12, 18, 24},
	{"trainees", 10, 300, 500, 800},
	{"events", 5, 10, 15, 20},
	{"incubating_avg", 10, 20, 40, 60},
	{"graduated", 10, 3, 5, 8},
	{"exit_rate", 5, 0, 0, 0},
	{"jobs_avg", 10, 100, 200, 400},
	{"revenue", 10, 2000, 5000, 10000},
	{"financing", 10, 300, 800, 1500},
	{"reporting", 10, 4, 4, 4},
}

func TestDefaultIsSpecRubric(t *testing.T) {
	r := Default()
	if err := r.Validate(); err != nil {
		t.Fatalf("default does not validate: %v", err)
	}
	if len(r.Indicators) != len(specIndicators) {
		t.Fatalf("default has %d indicators, want %d", len(r.Indicators), len(specIndicators))
	}
	sum := 0.0
	for i, want := range specIndicators {
		got := r.Indicators[i]
		sum += got.Weight
		if got.Code != want.code || got.Weight != want.weight {
			t.Errorf("indicator %d = %s weight %g, want %s weight %g", i, got.Code, got.Weight, want.code, want.weight)
		}
		for _, lt := range []struct {
			level string
			want  float64
		}{{"municipal", want.municipal}, {"provincial", want.provincial}, {"national", want.national}} {
			if g := r.Target(want.code, lt.level); g != lt.want {
				t.Errorf("Target(%s, %s) = %g, want %g", want.code, lt.level, g, lt.want)
			}
		}
	}
	if sum != 100 {
		t.Errorf("default weights sum to %g, want 100", sum)
	}
	exit, _ := r.Indicator("exit_rate")
	if full, zero := exit.Band(); exit.Direction != BandLower || full != 0.15 || zero != 0.50 {
		t.Errorf("exit_rate = %s %g..%g, want band_lower 0.15..0.5", exit.Direction, full, zero)
	}
	if r.Grades != (Grades{Excellent: 85, Good: 75, Pass: 60}) {
		t.Errorf("grades = %+v", r.Grades)
	}
	if r.Quota != (Quota{Share: 0.30, Scope: "city"}) {
		t.Errorf("quota = %+v", r.Quota)
	}
	if r.Reporting != (ReportingPoints{OnTime: 1, Late: 0.5, Missing: 0}) {
		t.Errorf("reporting points = %+v", r.Reporting)
	}
	for _, typ := range VetoTypes() {
		if r.Vetoes[typ] != VetoFail {
			t.Errorf("veto %s = %q, want fail", typ, r.Vetoes[typ])
		}
	}
	if len(r.Vetoes) != 5 {
		t.Errorf("default has %d vetoes, want 5", len(r.Vetoes))
	}
	for tier, cap := range map[string]int64{"national": 400000, "specialized": 300000, "standard": 200000} {
		if got := r.Funding.Cap(tier); got != cap {
			t.Errorf("cap %s = %d, want %d", tier, got, cap)
		}
	}
	for grade, f := range map[string]float64{"excellent": 1, "good": 0.8, "pass": 0.6, "fail": 0} {
		if got, ok := r.Funding.Factors[grade]; !ok || got != f {
			t.Errorf("factor %s = %g, want %g", grade, got, f)
		}
	}
	if r.Funding.BudgetYuan != nil || r.Funding.RoundDownTo != 100 {
		t.Errorf("budget %v, round down to %d; want none, 100", r.Funding.BudgetYuan, r.Funding.RoundDownTo)
	}
	if r.Decisions != (Decisions{DecisionDay: "11-30", RectifyDays: 90, BanYears: 3}) {
		t.Errorf("decisions = %+v", r.Decisions)
	}
	if got, want := r.Decisions.Date(2025), time.Date(2025, 11, 30, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("decision date 2025 = %v, want %v", got, want)
	}
}

func TestDefaultIsAFreshCopy(t *testing.T) {
	a := Default()
	a.Indicators[0].Weight = 0
	a.Vetoes["major_accident"] = VetoCapPass
	if b := Default(); b.Indicators[0].Weight != 10 || b.Vetoes["major_accident"] != VetoFail {
		t.Error("changing one Default() changed the next")
	}
}

func TestHashIsStableAndSensitive(t *testing.T) {
	base := Default().Hash()
	if len(base) != 64 {
		t.Fatalf("hash %q is not hex sha-256", base)
	}
	if again := Default().Hash(); again != base {
		t.Fatalf("two loads of the default hash differently: %s, %s", base, again)
	}
	budget := int64(5_000_000)
	for _, tc := range []struct {
		name   string
		change func(r *Rubric)
	}{
		{"weight", func(r *Rubric) { r.Indicators[1].Weight, r.Indicators[3].Weight = 9, 6 }},
		{"target", func(r *Rubric) { r.Indicators[1].Targets.National = 25 }},
		{"indicator order", func(r *Rubric) { r.Indicators[0], r.Indicators[1] = r.Indicators[1], r.Indicators[0] }},
		{"threshold", func(r *Rubric) { r.Grades.Excellent = 90 }},
		{"quota", func(r *Rubric) { r.Quota.Share = 0.2 }},
		{"veto action", func(r *Rubric) { r.Vetoes["abnormal_operation_list"] = VetoCapPass }},
		{"factor", func(r *Rubric) { r.Funding.Factors["good"] = 0.7 }},
		{"budget", func(r *Rubric) { r.Funding.BudgetYuan = &budget }},
		{"reporting points", func(r *Rubric) { r.Reporting.Late = 0.25 }},
		{"rectify days", func(r *Rubric) { r.Decisions.RectifyDays = 60 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Default()
			tc.change(r)
			if r.Hash() == base {
				t.Errorf("changing the %s left the hash unchanged", tc.name)
			}
		})
	}
}

// reordered is the default rubric written differently: other key order,
// flow and block styles, other comments and spacing, tiers and vetoes
// reordered, numbers spelt otherwise, and the optional sections left out.
const reordered = `# a rubric written by hand
funding:
  round_down_to: 1e2
  factors: {fail: 0, pass: 0.60, good: 0.8, excellent: 1}
  tiers:
    - {cap_yuan: 200000, code: standard, name_en: Other carriers, name_zh: 其他载体}
    - {code: national, name_zh: 国家级载体, name_en: National carriers, cap_yuan: 400000}
    - {code: specialized, name_zh: 专业类载体, name_en: Specialized carriers, cap_yuan: 300000}
vetoes: {serious_dishonesty_list: fail, abnormal_operation_list: fail, research_misconduct: fail,
  environmental_violation: fail, major_accident: fail}
grades: {pass: 60, good: 75.0, excellent: 85}
excellent_quota: {scope: city, share: .3}
indicators:
- {unit: ratio, weight: 10, code: filed_ratio, name_zh: 在孵企业备案率, name_en: Share of incubatees filed, direction: higher, targets: {national: 0.9, provincial: 0.9, municipal: 0.9}}
- {code: trainings, name_zh: 培训辅导次数, name_en: Training sessions, weight: 10, direction: higher, targets: {municipal: 12, provincial: 18, national: 24}, unit: 次}
- {code: trainees, name_zh: 培训人次, name_en: Trainees, weight: 10, direction: higher, targets: {municipal: 300, provincial: 500, national: 800}, unit: 人次}
- {code: events, name_zh: 创业活动次数, name_en: Entrepreneurship events, weight: 5, direction: higher, targets: {municipal: 10, provincial: 15, national: 20}, unit: 次}
- {code: incubating_avg, name_zh: 在孵企业（团队）数（季均）, name_en: Incubatees (quarterly average), weight: 10, direction: higher, targets: {municipal: 20, provincial: 40, national: 60}, unit: 家}
- {code: graduated, name_zh: 毕业企业数, name_en: Graduated enterprises, weight: 10, direction: higher, targets: {municipal: 3, provincial: 5, national: 8}, unit: 家}
- code: exit_rate        # lower is better
  zero_at: 0.5
  full_at: 0.150
  direction: band_lower
  weight: 5
  name_en: Exit rate
  name_zh: 在孵企业退出率
  unit: ratio
- {code: jobs_avg, name_zh: 在孵企业从业人数（季均）, name_en: Jobs in incubatees (quarterly average), weight: 10, direction: higher, targets: {municipal: 100, provincial: 200, national: 400}, unit: 人}
- {code: revenue, name_zh: 在孵企业营收, name_en: Incubatee revenue, weight: 10, direction: higher, targets: {municipal: 2000, provincial: 5000, national: 10000}, unit: 万元}
- {code: financing, name_zh: 获得投融资金额, name_en: Financing raised, weight: 10, direction: higher, targets: {municipal: 300, provincial: 800, national: 1500}, unit: 万元}
- {code: reporting, name_zh: 数据按时报送, name_en: Timely reporting, weight: 10, direction: higher, targets: {municipal: 4, provincial: 4, national: 4}, unit: 季度}
`

func TestHashIgnoresHowTheRubricIsWritten(t *testing.T) {
	want := Default()
	for _, tc := range []struct {
		name string
		data string
	}{
		{"reordered, restyled, optional sections omitted", reordered},
		{"canonical yaml", want.YAML()},
		{"default file with crlf line ends", strings.ReplaceAll(string(DefaultV1YAML()), "\n", "\r\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Load([]byte(tc.data), "other.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if got.Hash() != want.Hash() {
				t.Errorf("hash differs from the default's\n got:\n%s\nwant:\n%s", got.YAML(), want.YAML())
			}
			if got.YAML() != want.YAML() {
				t.Error("canonical yaml differs from the default's")
			}
		})
	}
}

// edit returns the default file with old (which must occur once) replaced by
// new, and the 1-based line on which new begins.
func edit(t *testing.T, old, new string) ([]byte, int) {
	t.Helper()
	src := string(DefaultV1YAML())
	if n := strings.Count(src, old); n != 1 {
		t.Fatalf("%q occurs %d times in default.yaml, want 1", old, n)
	}
	i := strings.Index(src, old)
	return []byte(src[:i] + new + src[i+len(old):]), strings.Count(src[:i], "\n") + 1
}

func TestStrictErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		rule     string
		old, new string
		at       string // the text of the line the error must name
		msg      string
	}{
		{"unknown key", "  round_down_to: 100\n", "  round_down_to: 100\n  round_up_to: 100\n", "round_up_to", `unknown field "round_up_to"`},
		{"unknown key in an indicator", "    weight: 5\n    direction: higher", "    weight: 5\n    wieght: 5\n    direction: higher", "wieght", `unknown field "wieght"`},
		{"wrong type", "    weight: 5\n    direction: higher", "    weight: ten\n    direction: higher", "weight: ten", `"ten" is not a number`},
		{"wrong type of a section", "grades:\n", "grades: [85, 75, 60]\ngrades_was:\n", "grades: [", "sequence was used where mapping is expected"},
		{"duplicate key", "    weight: 5\n    direction: higher", "    weight: 5\n    weight: 6\n    direction: higher", "weight: 6", `mapping key "weight" already defined`},
		{"duplicate top-level key", "  ban_years: 3\n", "  ban_years: 3\ngrades: {}\n", "grades: {}", `mapping key "grades" already defined`},
		{"duplicate map key", "    good: 0.8         # 良好\n", "    good: 0.8\n    good: 0.7\n", "good: 0.7", `mapping key "good" already defined`},
		{"missing key", "    weight: 5\n    direction: higher", "    direction: higher", "code: events", `indicators[3]: missing key "weight"`},
		{"missing section", "grades:\n  excellent: 85\n  good: 75\n  pass: 60\n", "", "indicators:", `missing key "grades"`},
		{"key without value", "  share: 0.30", "  share:", "share:", "excellent_quota: share: no value"},
		{"fraction in whole yuan", "      cap_yuan: 300000\n", "      cap_yuan: 300000.5\n", "300000.5", "funding.tiers[1].cap_yuan: 300000.5 is not a whole number"},
		{"fraction in days", "  rectify_days: 90\n", "  rectify_days: 90.5\n", "90.5", "decisions.rectify_days: 90.5 is not a whole number"},
		{"syntax", "  share: 0.30", "  share: [0.30", "scope: city", "must be specified"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			data, _ := edit(t, tc.old, tc.new)
			line := lineOf(t, data, tc.at)
			_, err := Load(data, "rubric.yaml")
			if err == nil {
				t.Fatal("loaded, want an error")
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %q (%T) is not a *FileError", err, err)
			}
			prefix := "rubric.yaml:" + strconv.Itoa(line) + ":"
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error = %q, want %q… and %q", err, prefix, tc.msg)
			}
		})
	}
}

// lineOf returns the 1-based line of the only line of data that contains text.
func lineOf(t *testing.T, data []byte, text string) int {
	t.Helper()
	line := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			if line != 0 {
				t.Fatalf("%q is on lines %d and %d", text, line, i+1)
			}
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("%q is on no line", text)
	}
	return line
}

func TestEmptyFileRefused(t *testing.T) {
	for _, data := range []string{"", "# only a comment\n", "---\n"} {
		if _, err := Load([]byte(data), "empty.yaml"); err == nil || !strings.Contains(err.Error(), "empty.yaml: empty rubric") {
			t.Errorf("Load(%q) = %v, want empty rubric", data, err)
		}
	}
}

func TestValidateRules(t *testing.T) {
	for _, tc := range []struct {
		rule   string
		change func(r *Rubric)
		want   string // substring of the error; "" means valid
	}{
		{"weights sum to 100", func(r *Rubric) { r.Indicators[0].Weight = 9 }, "weights sum to 99, want 100"},
		{"weights sum to 100 over 100", func(r *Rubric) { r.Indicators[0].Weight = 10.5 }, "weights sum to 100.5, want 100"},
		{"weights sum to 100 within float rounding", func(r *Rubric) {
			for i := range r.Indicators {
				r.Indicators[i].Weight = 9.1 // ten × 9.1 + 9 sums to 99.99999999999999 in float64
			}
			r.Indicators[10].Weight = 9
		}, ""},
		{"weights not negative", func(r *Rubric) { r.Indicators[0].Weight, r.Indicators[1].Weight = -5, 25 }, `indicator "filed_ratio": weight -5 is negative`},
		{"weights are numbers", func(r *Rubric) { r.Indicators[0].Weight = math.NaN() }, `indicator "filed_ratio": weight NaN is not a number`},
		{"zero weight allowed", func(r *Rubric) { r.Indicators[3].Weight, r.Indicators[0].Weight = 0, 15 }, ""},
		{"every indicator present", func(r *Rubric) { r.Indicators = r.Indicators[:10] }, `missing indicator "reporting"`},
		{"no indicator twice", func(r *Rubric) { r.Indicators[1] = r.Indicators[0] }, `indicator "filed_ratio" listed twice`},
		{"no unknown indicator", func(r *Rubric) { r.Indicators[3].Code = "patents" }, `unknown indicator "patents"`},
		{"targets positive", func(r *Rubric) { r.Indicators[1].Targets.Provincial = 0 }, `indicator "trainings": target provincial 0 must be positive`},
		{"higher needs targets", func(r *Rubric) { r.Indicators[1].Targets = nil }, `indicator "trainings": missing targets`},
		{"higher has no band", func(r *Rubric) { x := 0.1; r.Indicators[1].FullAt = &x }, `indicator "trainings": full_at and zero_at are for band_lower only`},
		{"direction fixed by code", func(r *Rubric) { r.Indicators[1].Direction = BandLower }, `indicator "trainings": direction "band_lower", want higher`},
		{"band full below zero", func(r *Rubric) { x := 0.6; r.Indicators[6].FullAt = &x }, "need 0 ≤ full_at < zero_at, got full_at 0.6, zero_at 0.5"},
		{"band not negative", func(r *Rubric) { x := -0.1; r.Indicators[6].FullAt = &x }, "need 0 ≤ full_at < zero_at"},
		{"band at zero allowed", func(r *Rubric) { x := 0.0; r.Indicators[6].FullAt = &x }, ""},
		{"band needs both ends", func(r *Rubric) { r.Indicators[6].ZeroAt = nil }, `indicator "exit_rate": band_lower needs full_at and zero_at`},
		{"band has no targets", func(r *Rubric) { r.Indicators[6].Targets = &Targets{1, 1, 1} }, `indicator "exit_rate": targets are not used by band_lower`},
		{"names present", func(r *Rubric) { r.Indicators[2].NameZH = " " }, `indicator "trainees": name_zh is empty`},
		{"thresholds ordered", func(r *Rubric) { r.Grades.Good = 90 }, "grades: need 0 < pass < good < excellent ≤ 100, got pass 60, good 90, excellent 85"},
		{"thresholds at most 100", func(r *Rubric) { r.Grades.Excellent = 101 }, "excellent 101"},
		{"pass above zero", func(r *Rubric) { r.Grades.Pass = 0 }, "got pass 0"},
		{"quota share in [0,1]", func(r *Rubric) { r.Quota.Share = 1.5 }, "excellent_quota.share 1.5 outside [0, 1]"},
		{"quota share zero allowed", func(r *Rubric) { r.Quota.Share = 0 }, ""},
		{"quota city-wide only", func(r *Rubric) { r.Quota.Scope = "district" }, `excellent_quota.scope "district" not supported`},
		{"veto cap_pass accepted", func(r *Rubric) { r.Vetoes["research_misconduct"] = VetoCapPass }, ""},
		{"veto action fail or cap_pass", func(r *Rubric) { r.Vetoes["major_accident"] = "warn" }, `vetoes.major_accident: action "warn" not one of fail, cap_pass`},
		{"false data not configurable", func(r *Rubric) { r.Vetoes[FalseData] = VetoFail }, "vetoes.false_data: not configurable"},
		{"no unknown veto", func(r *Rubric) { r.Vetoes["fire"] = VetoFail }, `vetoes: unknown incident type "fire"`},
		{"every veto set", func(r *Rubric) { delete(r.Vetoes, "major_accident") }, "vetoes: missing major_accident"},
		{"factors in [0,1]", func(r *Rubric) { r.Funding.Factors["good"] = 1.2 }, "funding.factors.good 1.2 outside [0, 1]"},
		{"factor for every grade", func(r *Rubric) { delete(r.Funding.Factors, "pass") }, "funding.factors: missing pass"},
		{"no unknown grade factor", func(r *Rubric) { r.Funding.Factors["outstanding"] = 1 }, `funding.factors: unknown grade "outstanding"`},
		{"caps not negative", func(r *Rubric) { r.Funding.Tiers[0].CapYuan = -1 }, `funding tier "national": cap_yuan -1 is negative`},
		{"every tier present", func(r *Rubric) { r.Funding.Tiers = r.Funding.Tiers[:2] }, `funding: missing tier "standard"`},
		{"no unknown tier", func(r *Rubric) { r.Funding.Tiers[2].Code = "district" }, `funding: unknown tier "district"`},
		{"budget positive", func(r *Rubric) { var b int64; r.Funding.BudgetYuan = &b }, "funding.budget_yuan 0 must be positive"},
		{"round down positive", func(r *Rubric) { r.Funding.RoundDownTo = 0 }, "funding.round_down_to 0 must be positive"},
		{"reporting points ordered", func(r *Rubric) { r.Reporting.Late = 2 }, "reporting_points: need 0 ≤ missing ≤ late ≤ on_time"},
		{"decision day a date", func(r *Rubric) { r.Decisions.DecisionDay = "11-31" }, `decisions.decision_day "11-31" is not a MM-DD date`},
		{"decision day every year", func(r *Rubric) { r.Decisions.DecisionDay = "02-29" }, "does not occur every year"},
		{"rectify days positive", func(r *Rubric) { r.Decisions.RectifyDays = 0 }, "decisions.rectify_days 0 must be positive"},
		{"ban years not negative", func(r *Rubric) { r.Decisions.BanYears = -1 }, "decisions.ban_years -1 is negative"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			r := Default()
			tc.change(r)
			err := r.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && err == nil:
				t.Errorf("accepted, want %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("error = %q, want %q", err, tc.want)
			}
			var ve *ValidationError
			if err != nil && !errors.As(err, &ve) {
				t.Errorf("error %T is not a *ValidationError", err)
			}
		})
	}
}

// TestLoadValidates runs the rules through files, as an administrator meets them.
func TestLoadValidates(t *testing.T) {
	for _, tc := range []struct {
		rule     string
		old, new string
		want     []string // substrings of the error; none means valid
	}{
		{"weights sum to 100", "    weight: 5\n    direction: higher", "    weight: 4\n    direction: higher", []string{"rubric.yaml: invalid rubric: weights sum to 99, want 100"}},
		{"false data not configurable", "  major_accident: fail", "  false_data: fail\n  major_accident: fail",
			[]string{"vetoes.false_data: not configurable: false data always fails and revokes the carrier"}},
		{"veto cap_pass accepted", "  research_misconduct: fail", "  research_misconduct: cap_pass", nil},
		{"no unknown indicator", "code: events", "code: patents", []string{`unknown indicator "patents"`, `missing indicator "events"`}},
		{"band_lower needs its band", "    zero_at: 0.50\n", "", []string{`indicator "exit_rate": band_lower needs full_at and zero_at`}},
		{"budget optional", "  # budget_yuan: 5000000", "  budget_yuan: 5000000", nil},
		{"partial optional section", "  rectify_days: 90\n", "", []string{`decisions: missing key "rectify_days"`}},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			data, _ := edit(t, tc.old, tc.new)
			r, err := Load(data, "rubric.yaml")
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if r.Hash() == Default().Hash() {
					t.Error("the change did not change the hash")
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error = %q, want %q", err, w)
				}
			}
		})
	}
}

func TestBudgetParsedWhenPresent(t *testing.T) {
	data, _ := edit(t, "  # budget_yuan: 5000000", "  budget_yuan: 5000000")
	r, err := Load(data, "budget.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if r.Funding.BudgetYuan == nil || *r.Funding.BudgetYuan != 5_000_000 {
		t.Fatalf("budget = %v, want 5000000", r.Funding.BudgetYuan)
	}
	back, err := Load([]byte(r.YAML()), "canonical.yaml")
	if err != nil || back.Funding.BudgetYuan == nil || *back.Funding.BudgetYuan != 5_000_000 {
		t.Fatalf("canonical yaml lost the budget: %v", err)
	}
}

func TestLoadFileNamesThePath(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "rubric.yaml")
	if err := os.WriteFile(good, DefaultV1YAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := LoadFile(good)
	if err != nil || r.Hash() != Default().Hash() {
		t.Fatalf("LoadFile(default copy) = %v", err)
	}
	data, line := edit(t, "    weight: 5\n    direction: higher", "    weight: ten\n    direction: higher")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":"+strconv.Itoa(line)+":") {
		t.Errorf("LoadFile(bad) = %v, want it to start with %s:%d:", err, bad, line)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("LoadFile(missing) succeeded")
	}
}

func TestHelpers(t *testing.T) {
	r := Default()
	for _, tc := range []struct {
		code, level string
		want        float64
	}{
		{"trainings", "provincial", 18},
		{"revenue", "national", 10000},
		{"exit_rate", "national", 0},
		{"patents", "national", 0},
		{"trainings", "county", 0},
	} {
		if got := r.Target(tc.code, tc.level); got != tc.want {
			t.Errorf("Target(%s, %s) = %g, want %g", tc.code, tc.level, got, tc.want)
		}
	}
	if !slices.Equal(IndicatorCodes()[:3], []string{"filed_ratio", "trainings", "trainees"}) || len(IndicatorCodes()) != 11 {
		t.Errorf("IndicatorCodes() = %v", IndicatorCodes())
	}
	if slices.Contains(VetoTypes(), FalseData) || len(VetoTypes()) != 5 {
		t.Errorf("VetoTypes() = %v", VetoTypes())
	}
}
