package talent_test

import (
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/talent"
)

// TestDefaultProgramme: seed 001's years, day, criteria and quotas.
func TestDefaultProgramme(t *testing.T) {
	p := talent.Default()
	if len(p.Years) != 3 || p.Years[0] != 2021 || p.Years[2] != 2023 || p.SelectionDay(2022).Format("2006-01-02") != "2022-11-30" {
		t.Errorf("years %v, day %v", p.Years, p.SelectionDay(2022))
	}
	if talent.Quota(p.Districts) != 1800 || talent.Quota(p.Categories) != 180 || len(p.Districts) != 9 || len(p.Categories) != 10 {
		t.Errorf("quotas: districts %d in %d, categories %d in %d", talent.Quota(p.Districts), len(p.Districts), talent.Quota(p.Categories), len(p.Categories))
	}
	m := p.Criteria[talent.Master]
	if m.FoundedWithinYears != 5 || m.MinJobs != 50 || m.MinRevenue != 500 || m.MinIPCount != 2 || !m.Influence || !m.CleanRecord || !m.JobsStable {
		t.Errorf("master criteria %+v", m)
	}
	if r := p.Criteria[talent.Rising]; r.FoundedWithinYears != 2 || r.MinJobs != 5 || r.MinRevenue != 50 || !r.Prospect || r.Influence {
		t.Errorf("rising criteria %+v", r)
	}
}

func TestProgrammeRefusals(t *testing.T) {
	good := string(talent.DefaultYAML())
	for _, c := range []struct{ from, to, want string }{
		{"selection_day: \"11-30\"", "selection_day: \"02-30\"", "selection_day"},
		{"years: [2021, 2022, 2023]", "years: [2022, 2021]", "ascending"},
		{"    min_jobs: 50\n", "    min_jobs: 50\n    min_jbos: 3\n", "p.yaml:"},
		{"  - {name: 城关区, quota: 600}", "  - {name: 城关区, quota: -1}", "quota -1"},
		{"  - {name: 七里河区, quota: 300}", "  - {name: 城关区, quota: 300}", "城关区 twice"},
		{"  rising:          # 新锐创客", "  rookie:          # 新锐创客", "unknown title"},
	} {
		text := strings.Replace(good, c.from, c.to, 1)
		if text == good {
			t.Fatalf("%q: not replaced", c.from)
		}
		if _, err := talent.Load([]byte(text), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q → %q: %v, want %q", c.from, c.to, err, c.want)
		}
	}
}
