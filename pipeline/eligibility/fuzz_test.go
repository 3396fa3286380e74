package eligibility_test

import (
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/eligibility"
)

// FuzzLoad: a hostile profile file is refused with a message, never a
// panic, and what loads has conditions with checks.
func FuzzLoad(f *testing.F) {
	for _, name := range eligibility.Embedded() {
		data, _ := eligibility.EmbeddedYAML(name)
		f.Add(data)
	}
	f.Add([]byte(goodProfile))
	f.Add([]byte("version: 1\nconditions: [{code: a, all: [{value: \"((((area_m2\"}]}]"))
	f.Add([]byte("version: 1\ncode: c\nname_zh: c\nname_en: c\nsubjects: carriers\nconditions: [{code: a, name_zh: a, name_en: a, all: [{value: \"quarters()\", over: window, at_least: 4}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := eligibility.Load(data, "f.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error without the file's name: %v", err)
			}
			return
		}
		if len(p.Conditions) == 0 {
			t.Fatal("a profile without conditions loaded")
		}
		for _, c := range p.Conditions {
			if len(c.Checks) == 0 {
				t.Fatalf("condition %s without checks loaded", c.Code)
			}
		}
		// What loads compiles (an error at most, never a panic).
		eligibility.Compile(p, frame2025())
	})
}
