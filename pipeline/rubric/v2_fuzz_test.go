package rubric

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadNormalized: a rubric file is written by hand, so whatever its
// bytes, loading either returns a normalized rubric whose schemes' weights
// sum to 100 and whose expressions print back and parse again, or an
// error that names the file — never a panic.
func FuzzLoadNormalized(f *testing.F) {
	f.Add(DefaultYAML())
	for _, name := range []string{"by-kind.yaml", "national-three-part.yaml"} {
		if data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "rubrics", name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("version: 2\nschemes: []\n"))
	f.Add([]byte("version: 2\nschemes:\n  - code: a\n    name_zh: 甲\n    indicators:\n      - {code: x, name_zh: 乙, value: 'sum(jobs) /', weight: 100, score: linear, target: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := LoadNormalized(data, "fuzz.yaml")
		if err != nil {
			var fe *FileError
			var ve *ValidationError
			if !errors.As(err, &fe) && !errors.As(err, &ve) && err.Error() == "" {
				t.Fatalf("an error that says nothing: %#v", err)
			}
			return
		}
		if len(n.Schemes) == 0 {
			t.Fatal("a rubric without a scheme loaded")
		}
		for _, s := range n.Schemes {
			total := 0.0
			for _, ind := range s.Indicators {
				if !ind.Bonus {
					total += ind.Weight
				}
				if ind.Value == nil {
					t.Fatalf("scheme %s indicator %s has no parsed value", s.Code, ind.Code)
				}
				if _, err := ParseExpr(ind.Value.String()); err != nil {
					t.Fatalf("scheme %s indicator %s: %q does not parse back: %v", s.Code, ind.Code, ind.Value.String(), err)
				}
			}
			if total < 100-1e-6 || total > 100+1e-6 {
				t.Fatalf("scheme %s weighs %v", s.Code, total)
			}
		}
	})
}

// The input the fuzzer found: go-yaml panics on the empty tag node; every
// reader of a file refuses it with a message instead.
func TestMalformedTagIsRefusedNotAPanic(t *testing.T) {
	data := []byte("version: 2\nschemes:\n  - cA9X: X\n    X0C9: \xb2\n    indicators:\n     !0 #00\n")
	for name, load := range map[string]func() error{
		"LoadNormalized": func() error { _, err := LoadNormalized(data, "bad.yaml"); return err },
		"Load of v1":     func() error { _, err := Load([]byte("indicators:\n  !0 #00\n"), "bad.yaml"); return err },
	} {
		var fe *FileError
		if err := load(); !errors.As(err, &fe) || fe.File != "bad.yaml" {
			t.Errorf("%s: %v, want a FileError naming the file", name, err)
		}
	}
}
