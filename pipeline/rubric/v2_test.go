package rubric

import (
	"errors"
	"github.com/google/go-cmp/cmp"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// minimalV2 is a version 2 file with one scheme; tests replace parts of it.
const minimalV2 = `version: 2
schemes:
  - code: all
    name_zh: 全部
    indicators:
      - code: trainings
        name_zh: 培训
        value: sum(trainings)
        weight: 60
        score: linear
        target: {municipal: 12, provincial: 18, national: 24}
      - code: exits
        name_zh: 退出率
        value: sum(exited) / avg(incubating)
        weight: 40
        score: band
        full_at: 0.15
        zero_at: 0.5
`

func TestVersion2Loads(t *testing.T) {
	n, err := LoadNormalized([]byte(minimalV2), "r.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if n.Version != 2 || len(n.Schemes) != 1 || len(n.Schemes[0].Indicators) != 2 {
		t.Fatalf("got %+v", n)
	}
	ind := n.Schemes[0].Indicators[0]
	if ind.Value.String() != "sum(trainings)" || ind.Target.Provincial != 18 || ind.Score != ScoreLinear {
		t.Errorf("indicator %+v", ind)
	}
	// Omitted: the embedded default's values.
	def := Default()
	if n.Grades != def.Grades || n.Quota != def.Quota || n.Reporting != def.Reporting || n.Decisions != def.Decisions {
		t.Errorf("defaults not applied: %+v", n)
	}
	if !n.Schemes[0].AppliesTo.Matches("incubator", "specialized", "national") {
		t.Error("a scheme without applies_to must match every carrier")
	}
}

func TestVersion2Refusals(t *testing.T) {
	indicator := func(extra string) string {
		return strings.Replace(minimalV2, "        weight: 40\n", "        weight: 40\n"+extra, 1)
	}
	cases := []struct {
		name, file, want string
	}{
		{"unknown key", strings.Replace(minimalV2, "    name_zh: 全部\n", "    name_zh: 全部\n    colour: red\n", 1),
			`r.yaml:5:5: unknown field "colour"`},
		{"unknown key in an indicator", indicator("        direction: higher\n"), `r.yaml:16:9: unknown field "direction"`},
		{"unknown column in value", strings.Replace(minimalV2, "value: sum(trainings)", "value: sum(trainingz)", 1),
			`r.yaml:8:20: scheme "all", indicator "trainings": value: unknown quarterly column "trainingz"`},
		{"unknown column in a quoted value", strings.Replace(minimalV2, "value: sum(trainings)", `value: "sum(trainings) + bogus"`, 1),
			`r.yaml:8:34: scheme "all", indicator "trainings": value: unknown name "bogus"`},
		{"unknown name in a block value", strings.Replace(minimalV2, "value: sum(trainings)", "value: |\n          sum(trainings)\n          + bogus", 1),
			`r.yaml:10: scheme "all", indicator "trainings": value: unknown name "bogus"`},
		{"weights sum to 99", strings.Replace(minimalV2, "weight: 40", "weight: 39", 1),
			`scheme "all": the weights of the indicators that are not bonus sum to 99, want 100`},
		{"a bonus weight does not count", indicator("        bonus: true\n"),
			`the weights of the indicators that are not bonus sum to 60, want 100`},
		{"steps descending", strings.Replace(minimalV2, "score: band\n        full_at: 0.15\n        zero_at: 0.5", "score: steps\n        steps: [[3, 10], [1, 20]]", 1),
			`step 2: threshold 1 is not above the one before (3); thresholds ascend`},
		{"step points above the weight", strings.Replace(minimalV2, "score: band\n        full_at: 0.15\n        zero_at: 0.5", "score: steps\n        steps: [[1, 10], [3, 41]]", 1),
			`step 2: points 41 outside [0, weight 40]`},
		{"a step is a pair", strings.Replace(minimalV2, "score: band\n        full_at: 0.15\n        zero_at: 0.5", "score: steps\n        steps: [[1, 10, 3]]", 1),
			`step 1 is not [threshold, points]`},
		{"band backwards", strings.Replace(minimalV2, "full_at: 0.15", "full_at: 0.6", 1), `need full_at < zero_at, got full_at 0.6, zero_at 0.5`},
		{"per_unit per zero", strings.Replace(minimalV2, "score: band\n        full_at: 0.15\n        zero_at: 0.5", "score: per_unit\n        per: 0\n        points: 1", 1),
			`per 0 must be positive`},
		{"per_unit points missing", strings.Replace(minimalV2, "score: band\n        full_at: 0.15\n        zero_at: 0.5", "score: per_unit\n        per: 3", 1),
			`score per_unit needs points`},
		{"a parameter of another score", indicator("        target: 3\n"), `target is not used by score band`},
		{"linear target not positive", strings.Replace(minimalV2, "target: {municipal: 12, provincial: 18, national: 24}", "target: 0", 1), `target 0 must be positive`},
		{"linear target unknown level", strings.Replace(minimalV2, "national: 24}", "national: 24, county: 3}", 1), `target: unknown level "county"`},
		{"unknown score", strings.Replace(minimalV2, "score: band", "score: curve", 1), `score "curve" not one of`},
		{"scope not in the list", "quota: {share: 0.3, scope: district}\n" + minimalV2, `quota.scope "district" not one of city, scheme, track`},
		{"duplicate indicator code", strings.Replace(minimalV2, "code: exits", "code: trainings", 1), `scheme "all": indicator "trainings" listed twice`},
		{"bad indicator code", strings.Replace(minimalV2, "code: exits", "code: Exits", 1), `indicator 2: code "Exits" is not [a-z][a-z0-9_]*`},
		{"duplicate scheme code", minimalV2 + strings.SplitN(minimalV2, "schemes:\n", 2)[1], `scheme "all" listed twice`},
		{"applies_to kind", strings.Replace(minimalV2, "    name_zh: 全部\n", "    name_zh: 全部\n    applies_to: {kind: [makerspace]}\n", 1),
			`scheme "all": applies_to.kind: "makerspace" not one of maker_space, incubator, innovation_center, demo_base`},
		{"applies_to level", strings.Replace(minimalV2, "    name_zh: 全部\n", "    name_zh: 全部\n    applies_to: {level: [city]}\n", 1),
			`applies_to.level: "city" not one of municipal, provincial, national`},
		{"empty schemes", "version: 2\nschemes: []\n", `schemes: at least one scheme is needed`},
		{"schemes missing", "version: 2\n", `missing key "schemes"`},
		{"missing value", strings.Replace(minimalV2, "        value: sum(trainings)\n", "", 1), `missing key "value"`},
		{"version 3", strings.Replace(minimalV2, "version: 2", "version: 3", 1), `r.yaml:1:10: version 3: a rubric file is version 1 or 2`},
		{"scheme grades", strings.Replace(minimalV2, "    name_zh: 全部\n", "    name_zh: 全部\n    grades: {excellent: 70, good: 75, pass: 60}\n", 1),
			`scheme "all": grades: need 0 < pass < good < excellent ≤ 100`},
		{"negative bonus cap", strings.Replace(minimalV2, "    name_zh: 全部\n", "    name_zh: 全部\n    bonus_cap: -1\n", 1), `bonus_cap -1 is negative`},
		{"a v1 veto", "vetoes: {false_data: fail}\n" + minimalV2, `vetoes.false_data: not configurable`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadNormalized([]byte(c.file), "r.yaml")
			if err == nil {
				t.Fatalf("loaded; want an error with %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to contain %q", err, c.want)
			}
		})
	}
}

func TestLoadRefusesVersion2(t *testing.T) {
	_, err := Load([]byte(minimalV2), "r.yaml")
	if !errors.Is(err, ErrVersion2) {
		t.Fatalf("Load of a version 2 file: %v, want ErrVersion2", err)
	}
}

// A version 1 file may say so; it loads, stores and hashes as one without
// the key.
func TestVersion1KeyChangesNothing(t *testing.T) {
	with := append([]byte("version: 1\n"), DefaultV1YAML()...)
	r, err := Load(with, "v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	if r.Hash() != def.Hash() || r.YAML() != def.YAML() {
		t.Error("version: 1 changed the hash or the stored YAML")
	}
	if strings.Contains(def.YAML(), "version") {
		t.Error("the stored YAML of a version 1 rubric names a version")
	}
}

func TestNormalizeDefault(t *testing.T) {
	n := Default().Normalize()
	if n.Version != 1 || len(n.Schemes) != 1 || n.Schemes[0].Code != "default" {
		t.Fatalf("got %+v", n)
	}
	if !n.Schemes[0].AppliesTo.Matches("demo_base", "comprehensive", "municipal") {
		t.Error("the default scheme must apply to every carrier")
	}
	want := []string{
		"filed_ratio: sum(filed) / sum(incubating)",
		"trainings: sum(trainings)",
		"trainees: sum(trainees)",
		"events: sum(events)",
		"incubating_avg: avg(incubating)",
		"graduated: sum(graduated)",
		"exit_rate: sum(exited) / avg(incubating)",
		"jobs_avg: avg(jobs)",
		"revenue: sum(revenue)",
		"financing: sum(financing)",
		"reporting: reporting()",
	}
	inds := n.Schemes[0].Indicators
	if len(inds) != len(want) {
		t.Fatalf("%d indicators, want %d", len(inds), len(want))
	}
	sum := 0.0
	for i, ind := range inds {
		if got := ind.Code + ": " + ind.Value.String(); got != want[i] {
			t.Errorf("indicator %d: %q, want %q", i+1, got, want[i])
		}
		wantScore := ScoreLinear
		if ind.Code == "exit_rate" {
			wantScore = ScoreBand
			if ind.FullAt != 0.15 || ind.ZeroAt != 0.5 {
				t.Errorf("exit_rate band %g–%g", ind.FullAt, ind.ZeroAt)
			}
		} else if ind.Target == nil || *ind.Target != *Default().Indicators[i].Targets {
			t.Errorf("%s: target %+v", ind.Code, ind.Target)
		}
		if ind.Score != wantScore {
			t.Errorf("%s: score %s, want %s", ind.Code, ind.Score, wantScore)
		}
		sum += ind.Weight
	}
	if sum != 100 {
		t.Errorf("weights sum to %g", sum)
	}
	// LoadNormalized of a version 1 file is the same.
	m, err := LoadNormalized(DefaultV1YAML(), "default_v1.yaml")
	if err != nil || len(m.Schemes) != 1 || m.Schemes[0].Indicators[6].Value.String() != "sum(exited) / avg(incubating)" {
		t.Errorf("LoadNormalized of the default: %v", err)
	}
}

func TestDeployExamplesLoad(t *testing.T) {
	paths, err := filepath.Glob("../../deploy/rubrics/*.yaml")
	if err != nil || len(paths) < 2 {
		t.Fatalf("deploy examples: %v %v", paths, err)
	}
	for _, p := range paths {
		n, err := LoadNormalizedFile(p)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if n.Version != 2 {
			t.Errorf("%s: version %d", p, n.Version)
		}
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	n, err := LoadNormalizedFile("../../deploy/rubrics/by-kind.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range n.Schemes {
		codes = append(codes, s.Code)
	}
	if got := strings.Join(codes, ","); got != "maker_space,incubator,demo_base,innovation_center" {
		t.Errorf("by-kind schemes %s", got)
	}
	n, err = LoadNormalizedFile("../../deploy/rubrics/national-three-part.yaml")
	if err != nil {
		t.Fatal(err)
	}
	scores := map[string]bool{}
	sections := map[string]bool{}
	bonus, experts := 0, 0
	for _, s := range n.Schemes {
		for _, ind := range s.Indicators {
			scores[ind.Score] = true
			sections[ind.Section] = true
			if ind.Bonus {
				bonus++
			}
			experts += len(ExpertItems(ind.Value))
		}
	}
	for _, want := range []string{ScoreSteps, ScorePerUnit, ScoreRelative, ScoreLinear, ScoreBand} {
		if !scores[want] {
			t.Errorf("national example has no %s score", want)
		}
	}
	for _, want := range []string{"服务能力", "孵化绩效", "可持续发展"} {
		if !sections[want] {
			t.Errorf("national example has no section %s", want)
		}
	}
	if bonus == 0 || experts == 0 || n.Quota.Scope != "track" {
		t.Errorf("national example: %d bonus items, %d expert items, quota scope %s", bonus, experts, n.Quota.Scope)
	}
}

// The embedded default is a version 2 file saying exactly what the version
// 1 default says: one scheme for every carrier, the same indicators,
// expressions, scoring, targets and rules.
func TestDefaultVersion2IsTheVersion1Default(t *testing.T) {
	v2 := DefaultNormalized()
	v1 := Default().Normalize()
	if v2.Version != 2 || v2.Text != string(DefaultYAML()) || v2.Hash() == "" || v2.Hash() == v1.Hash() {
		t.Fatalf("version %d, hash %q (v1 %q)", v2.Version, v2.Hash(), v1.Hash())
	}
	v1.Version, v2.Version = 0, 0
	v1.Text, v2.Text = "", ""
	v1.hash, v2.hash = "", ""
	exprs := cmp.Comparer(func(a, b Expr) bool { return a.String() == b.String() })
	if d := cmp.Diff(v1, v2, exprs, cmp.AllowUnexported(Normalized{})); d != "" {
		t.Errorf("the version 2 default differs from the version 1 one (-v1 +v2):\n%s", d)
	}
}

// Numbers the assessment cannot hold are refused with the rubric.
func TestVersion2Bounds(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{"weight: 10\n        score: linear", "weight: 1001\n        score: linear", "weight 1001 is above 1000"},
		{"target: {municipal: 6, provincial: 8, national: 10}", "target: 10000000000000000", "beyond what the assessment computes"},
	} {
		src, err := os.ReadFile("../../deploy/rubrics/by-kind.yaml")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Replace(string(src), c.from, c.to, 1)
		if text == string(src) {
			t.Fatalf("by-kind.yaml has no %q", c.from)
		}
		if _, err := LoadNormalized([]byte(text), "b.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.to, err, c.want)
		}
	}
}
