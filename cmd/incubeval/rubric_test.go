package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/rubric"
)

func TestRubricCheckPrintsSchemes(t *testing.T) {
	code, stdout, stderr := runCLI(t, "rubric", "check", "../../deploy/rubrics/national-three-part.yaml")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"第 2 版 version 2, 3 个方案 scheme(s) — 检查通过 OK",
		"方案 Scheme 1 comprehensive: 综合孵化器 / Comprehensive incubators",
		"适用 Applies to: 类型 kind incubator; 类别 track comprehensive; 级别 level 全部 any",
		"加分上限 bonus cap 5",
		"workstations_per_staff: 每名服务人员对应工位数 / Workstations per staff member [服务能力] (个)",
		"计算 value: workstations / staff",
		"计分 score: steps, ≥ 6 → 4, ≥ 12 → 7, ≥ 24 → 10; 权重 weight 10",
		"计算 value: expert(service_quality)",
		"计分 score: relative; 加分 bonus, at most 3",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestRubricCheckVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "default.yaml")
	if err := os.WriteFile(path, rubric.DefaultV1YAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "rubric", "check", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"第 1 版 version 1, 1 个方案", "方案 Scheme 1 default", "计算 value: sum(exited) / avg(incubating)",
		"计分 score: band, full at ≤ 0.15, zero at ≥ 0.5; 权重 weight 5", "计分 score: linear, target municipal 12, provincial 18, national 24; 权重 weight 10"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestRubricCheckRefusesWithPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	src := "version: 2\nschemes:\n  - code: all\n    name_zh: 全部\n    indicators:\n      - code: x\n        name_zh: 甲\n        value: sum(trainings) / bogus\n        weight: 100\n        score: relative\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "rubric", "check", path)
	if code != exitFail || stdout != "" || !strings.Contains(stderr, path+":8:33: ") || !strings.Contains(stderr, `unknown name "bogus"`) {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %s:8:33", code, stdout, stderr, path)
	}
}

func TestRubricShowPrintsTheDefault(t *testing.T) {
	code, stdout, _ := runCLI(t, "rubric", "show")
	if code != exitOK || stdout != string(rubric.DefaultYAML()) {
		t.Errorf("exit %d; output is not the embedded default", code)
	}
}

func TestRubricUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"rubric", "check"}, {"rubric", "check", "a", "b"}, {"rubric", "bogus"}, {"rubric", "show", "x"}} {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || !hasHan(stderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 in both languages", args, code, stderr)
		}
	}
	code, stdout, _ := runCLI(t, "rubric", "check", "--help")
	if code != exitOK || !hasHan(strings.SplitN(stdout, "\n", 2)[0]) {
		t.Errorf("help: exit %d, first line %q", code, strings.SplitN(stdout, "\n", 2)[0])
	}
}

// A version 2 rubric that does not hold is refused by assess, naming the
// file and what to fix, before any database is touched.
func TestAssessRefusesABadRubricFirst(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "none.duckdb")
	src, err := os.ReadFile("../../deploy/rubrics/by-kind.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), "value: sum(trainings)", "value: sum(trainingz)", 1)
	path := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "--db", db, "assess", "--year", "2024", "--rubric", path)
	if code != exitFail || !strings.Contains(stderr, path+":") || !strings.Contains(stderr, "trainingz") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("assess made %s", db)
	}
}

// --sql prints the statements the assessment runs for the rubric, written
// from its parsed expressions: the rubric's own names are not in them.
func TestRubricCheckPrintsItsSQL(t *testing.T) {
	code, stdout, stderr := runCLI(t, "rubric", "check", "--sql", "../../deploy/rubrics/national-three-part.yaml")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"-- a_sums\nCREATE OR REPLACE TEMP TABLE a_sums AS", "-- a_points\nCREATE OR REPLACE TEMP TABLE a_points AS",
		"FROM expert_values WHERE item IN ('service_quality'", "WHERE s.sno = 2"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	sqlPart := stdout[strings.Index(stdout, "-- a_sums"):]
	if strings.Contains(sqlPart, "孵化") {
		t.Error("a name of the rubric reached the SQL")
	}
}
