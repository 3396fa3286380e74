//go:build linux

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/pipeline/store"
)

// explain names the indicators in Chinese (the rubric stored with the run,
// the code beside it) and the decision and grade in both languages, and
// finds the carrier whatever the case of the id typed.
func TestExplainSpeaksChineseAndMatchesIDsInAnyCase(t *testing.T) {
	db := copyDemo(t, t.TempDir())
	var first string
	for _, id := range []string{"LZ-ZC-0007", "lz-zc-0007", " Lz-Zc-0007 "} {
		code, out, stderr := runCLI(t, "--db", db, "explain", "--carrier", id, "--year", "2025")
		if code != exitOK {
			t.Fatalf("explain --carrier %q: exit %d\n%s", id, code, stderr)
		}
		for _, want := range []string{"LZ-ZC-0007 兰州汇川青年众创空间", "在孵企业备案率 (filed_ratio)", "培训辅导次数 (trainings)",
			"指标 indicator", "得分 points", "等级 grade 不合格 fail", "决定 decision: 摘牌 delist", "采用的季度报表",
			"评分方案 scheme: 默认方案 Default (default)", "sum(filed) / sum(incubating)", "越低越好：≤15%满分，≥50%零分"} {
			if !strings.Contains(out, want) {
				t.Errorf("explain --carrier %q: no %q in\n%s", id, want, out)
			}
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("explain --carrier %q differs from LZ-ZC-0007:\n%s", id, out)
		}
	}
	code, _, stderr := runCLI(t, "--db", db, "explain", "--carrier", "NO-SUCH", "--year", "2025")
	if code != exitFail || !strings.Contains(stderr, "NO-SUCH has no result") || !strings.Contains(stderr, "没有评价结果") {
		t.Fatalf("explain unknown: exit %d %s", code, stderr)
	}
}

// explain names the indicators as the run stored them (rubric_indicators),
// even when the rubric text it recorded no longer reads — never the
// default rubric's names for a run made with another.
func TestExplainNamesTheRunsIndicators(t *testing.T) {
	dir := t.TempDir()
	db := copyDemo(t, dir)
	custom := strings.Replace(string(rubric.DefaultYAML()), "name_zh: 培训辅导次数", "name_zh: 辅导活动场次", 1)
	path := filepath.Join(dir, "rubric.yaml")
	if err := os.WriteFile(path, []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "--db", db, "assess", "--year", "2025", "--rubric", path); code != exitOK {
		t.Fatalf("assess --rubric: exit %d\n%s%s", code, out, stderr)
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Exec(context.Background(), "UPDATE store.assessment_runs SET rubric_yaml = 'indicators: ['")
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "--db", db, "explain", "--carrier", "LZ-ZC-0007", "--year", "2025")
	if code != exitOK || !strings.Contains(out, "辅导活动场次 (trainings)") || strings.Contains(out, "培训辅导次数") {
		t.Fatalf("explain: exit %d, want the run's name of trainings\n%s%s", code, out, stderr)
	}
}

// explain shows the formula of each value and how it is scored, by the
// carrier's scheme.
func TestExplainShowsFormulasAndScoringOfTheScheme(t *testing.T) {
	db := copyDemo(t, t.TempDir())
	if code, _, stderr := runCLI(t, "--db", db, "assess", "--year", "2025", "--rubric", "../../deploy/rubrics/national-three-part.yaml"); code != exitOK {
		t.Fatalf("assess: exit %d\n%s", code, stderr)
	}
	code, out, stderr := runCLI(t, "--db", db, "explain", "--carrier", "LZ-FH-0017", "--year", "2025")
	if code != exitOK {
		t.Fatalf("explain: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"评分方案 scheme: 综合孵化器 Comprehensive incubators (comprehensive)",
		"计算式 formula", "workstations / staff", "sum(revenue) / avg(incubating)",
		"阶梯计分：≥6 得 4 分，≥12 得 7 分，≥24 得 10 分", "每 100 万元得 1 分，最高 10 分", "相对最优值计分", "加分项，阶梯计分"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// Not another scheme's indicators.
	if strings.Contains(out, "platform_quality") {
		t.Errorf("explain shows the specialized scheme's indicator:\n%s", out)
	}
}
