package assess

import (
	"math"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/rubric"
)

// A rubric built other than by reading a file (a version 1 one, whose
// targets have no upper bound, or one made in Go) is refused by Compile
// when a number cannot be computed with, before any SQL is written.
func TestCompileRefusesNumbersBeyondTheSteps(t *testing.T) {
	for _, c := range []struct {
		what string
		edit func(*rubric.SchemeIndicator)
		want string
	}{
		{"huge target", func(i *rubric.SchemeIndicator) {
			i.Target = &rubric.Targets{Municipal: 1e16, Provincial: 1, National: 1}
		}, "beyond what the assessment computes"},
		{"NaN target", func(i *rubric.SchemeIndicator) {
			i.Target = &rubric.Targets{Municipal: math.NaN(), Provincial: 1, National: 1}
		}, "beyond what the assessment computes"},
		{"weight", func(i *rubric.SchemeIndicator) { i.Weight = 5000 }, "weight 5000 is above 1000"},
		{"step over the weight", func(i *rubric.SchemeIndicator) {
			i.Score, i.Target, i.Steps = rubric.ScoreSteps, nil, [][2]float64{{1, 20}}
		}, "step points 20 outside [0, weight 10]"},
	} {
		n := rubric.DefaultNormalized()
		c.edit(&n.Schemes[0].Indicators[1]) // trainings, weight 10
		if _, err := Compile(n); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.what, err, c.want)
		}
	}
	if _, err := Compile(rubric.DefaultNormalized()); err != nil {
		t.Errorf("the default: %v", err)
	}
}
