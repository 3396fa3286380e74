package eligibility_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/eligibility"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestEmbeddedProfiles: both embedded profiles load, with the conditions
// of SPEC §8.2 and §8.3 in order.
func TestEmbeddedProfiles(t *testing.T) {
	want := map[string][]string{
		"municipal_maker_space": {"operator", "space", "incubated", "facilities", "staff", "rules", "services", "seed_fund", "record", "specialized_operator", "not_banned"},
		"provincial_demo_base":  {"operating", "utilization", "space", "scale", "success", "on_time_exit", "revenue"},
	}
	if got := eligibility.Embedded(); strings.Join(got, ",") != "municipal_maker_space,provincial_demo_base" {
		t.Fatalf("embedded %v", got)
	}
	for name, codes := range want {
		p, err := eligibility.Named(name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range p.Conditions {
			got = append(got, c.Code)
			if c.NameZH == "" || c.Text == "" {
				t.Errorf("%s %s: no Chinese name or seed text", name, c.Code)
			}
		}
		if strings.Join(got, ",") != strings.Join(codes, ",") {
			t.Errorf("%s: conditions %v, want %v", name, got, codes)
		}
		if len(p.SHA256) != 64 {
			t.Errorf("%s: sha256 %q", name, p.SHA256)
		}
	}
	if _, err := eligibility.Named("nope"); err == nil || !strings.Contains(err.Error(), "municipal_maker_space") {
		t.Errorf("unknown profile: %v", err)
	}
}

const goodProfile = `version: 1
code: mine
name_zh: 自定义
name_en: Mine
subjects: applications
conditions:
  - code: space
    name_zh: 场地
    name_en: Space
    all:
      - value: area_m2
        at_least: 500
`

// TestProfileRefusals: a profile with a mistake is refused with its line
// (and column where there is one), whatever the mistake.
func TestProfileRefusals(t *testing.T) {
	if _, err := eligibility.Load([]byte(goodProfile), "mine.yaml"); err != nil {
		t.Fatalf("the good profile: %v", err)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"a typo in a key", "at_least: 500", "at_leats: 500", "mine.yaml:12:"},
		{"a typo in a column", "value: area_m2", "value: area_m3", `mine.yaml:11:16: conditions[0].all[0]: value: unknown name "area_m3"`},
		{"an aggregate over applications", "value: area_m2", "value: sum(revenue)", `mine.yaml:11:`},
		{"a date column that is not one", "      - value: area_m2\n        at_least: 500", "      - date: applied_at\n        on_or_before: -1 year", `mine.yaml:11:15: date "applied_at"`},
		{"a shift that is not one", "      - value: area_m2\n        at_least: 500", "      - date: founded_on\n        on_or_before: one year ago", `mine.yaml:12:23: "one year ago"`},
		{"two kinds in one check", "        at_least: 500", "        at_least: 500\n        declared: rules", "mine.yaml:11:"},
		{"a stray key", "        at_least: 500", "        at_least: 500\n        blank: met", "mine.yaml:13:16: blank belongs to a date check"},
		{"unknown subjects", "subjects: applications", "subjects: people", "mine.yaml:5:11: subjects"},
		{"a threshold by level", "at_least: 500", "at_least: {municipal: 500}", "mine.yaml:12:19: unknown track"},
		{"a condition twice", "conditions:\n", "conditions:\n  - code: space\n    name_zh: 场地\n    name_en: Space\n    all: [{value: area_m2, at_least: 1}]\n", "condition \"space\" twice"},
		{"no checks", "    all:\n      - value: area_m2\n        at_least: 500\n", "", "give its checks"},
		{"version 2", "version: 1", "version: 2", "mine.yaml:1:10: version 2"},
		{"an incident type", "      - value: area_m2\n        at_least: 500", "      - no_incidents: {types: [fire], of: operator, from: year_start -1}", `"fire": one of major_accident`},
		{"a carrier's incidents for an application", "      - value: area_m2\n        at_least: 500", "      - no_incidents: {types: [all], of: carrier, from: year_start -1}", "an application has no carrier yet"},
	} {
		text := strings.Replace(goodProfile, c.from, c.to, 1)
		if text == goodProfile {
			t.Fatalf("%s: the replacement did not apply", c.name)
		}
		_, err := eligibility.Load([]byte(text), "mine.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
}

// TestLoadFileEmbeddedCode: a bureau's copy of an embedded profile with a
// threshold changed but its code kept is refused, at the code's line: run,
// it would replace the embedded profile's results in the views (the latest
// run of a code and year) under the embedded profile's names, and explain
// and the workbook would present the bureau's thresholds as the seed's. An
// unchanged copy loads (it is the same profile).
func TestLoadFileEmbeddedCode(t *testing.T) {
	dir := t.TempDir()
	data, _ := eligibility.EmbeddedYAML("municipal_maker_space")
	same := filepath.Join(dir, "same.yaml")
	os.WriteFile(same, data, 0o644)
	if p, err := eligibility.LoadFile(same); err != nil || p.Code != "municipal_maker_space" {
		t.Fatalf("an unchanged copy: %v", err)
	}
	changed := filepath.Join(dir, "mine.yaml")
	os.WriteFile(changed, []byte(strings.Replace(string(data), "at_least: 3", "at_least: 1", 1)), 0o644)
	_, err := eligibility.LoadFile(changed)
	if err == nil || !strings.Contains(err.Error(), "mine.yaml:14:7:") || !strings.Contains(err.Error(), "own code") {
		t.Errorf("a changed copy keeping the embedded code: %v; want it refused at code:", err)
	}
	// With its own code it loads.
	os.WriteFile(changed, []byte(strings.Replace(strings.Replace(string(data), "at_least: 3", "at_least: 1", 1),
		"code: municipal_maker_space", "code: my_maker_space", 1)), 0o644)
	if _, err := eligibility.LoadFile(changed); err != nil {
		t.Errorf("with its own code: %v", err)
	}
}

// TestCarrierProfileCounts: the report counts of the rubric (quarters(),
// on_time(), reporting()) are not a profile's to read — a carrier profile
// using one is refused with its line when loaded, not accepted and then
// a panic when compiled (the command, or the scheduler running
// assessment.eligibility, died with the run ledger's row left running).
func TestCarrierProfileCounts(t *testing.T) {
	for _, count := range []string{"quarters()", "on_time()", "reporting()", "sum(graduated) / quarters()"} {
		text := "version: 1\ncode: c\nname_zh: c\nname_en: c\nsubjects: carriers\nconditions:\n" +
			"  - code: a\n    name_zh: a\n    name_en: a\n    all:\n      - value: " + count + "\n        over: window\n        at_least: 4\n"
		p, err := eligibility.Load([]byte(text), "c.yaml")
		if err == nil {
			// Loaded: it must at least compile.
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: loaded, then Compile panicked: %v", count, r)
					}
				}()
				eligibility.Compile(p, frame2025())
			}()
			continue
		}
		if !strings.Contains(err.Error(), "c.yaml:11:") {
			t.Errorf("%s: %v; want it refused at its line", count, err)
		}
	}
}

// frame2025 is the frame of a 2025 run in sep windows.
func frame2025() eligibility.Frame {
	fr := eligibility.Frame{Year: 2025, Windows: map[int][2]time.Time{}}
	for y := 2016; y <= 2025; y++ {
		s, e, _ := assess.Window(assess.WindowSep, y)
		fr.Windows[y] = [2]time.Time{s, e}
	}
	fr.End = fr.Windows[2025][1]
	return fr
}

// aliasBomb is a profile of a few hundred bytes whose aliases, each
// naming ten of the one before, expand to 10^levels values.
func aliasBomb(levels int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\ncode: bomb\nname_zh: b\nname_en: b\nsubjects: applications\n")
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d", i, i, i-1)
		for range 9 {
			fmt.Fprintf(&b, ", *a%d", i-1)
		}
		b.WriteString("]\n")
	}
	fmt.Fprintf(&b, "conditions:\n  - code: a\n    name_zh: *a%d\n    name_en: a\n    all: [{value: area_m2, at_least: 1}]\n", levels)
	return []byte(b.String())
}

// TestProfileAliasBomb: a profile whose YAML aliases expand without bound
// (a "billion laughs" of a few hundred bytes) is refused before it is
// decoded. Decoded, 10^8 values took the whole machine's memory (24 GB)
// and, the parse never looking at the context, ignored SIGTERM; here 10^6
// (some 400 MB when decoded) must cost next to nothing. Aliases that
// expand modestly still load.
func TestProfileAliasBomb(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := eligibility.Load(aliasBomb(6), "bomb.yaml")
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "bomb.yaml:") || !strings.Contains(err.Error(), "alias") {
		t.Errorf("an alias bomb: %v; want it refused for its aliases", err)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 50 {
		t.Errorf("refusing the alias bomb allocated %d MB", mb)
	}
	// A few aliases, as a careful author may write them, load.
	ok := strings.Replace(goodProfile, "      - value: area_m2\n        at_least: 500",
		"      - &big {value: area_m2, at_least: 500}\n      - *big\n      - <<: *big\n        at_most: 9000", 1)
	if _, err := eligibility.Load([]byte(ok), "ok.yaml"); err != nil {
		t.Errorf("modest aliases: %v", err)
	}
}

// TestProfileNUL: a NUL byte (YAML "\0") in any of a profile's words is
// refused at its line when loaded — it cut the run's SQL short (a C
// string ends at NUL), and the run failed with "Parser Error:
// unterminated quoted string".
func TestProfileNUL(t *testing.T) {
	for _, c := range []struct{ from, to, line string }{
		{"name_zh: 自定义", `name_zh: "自\0定义"`, "mine.yaml:3:"},
		{"name_en: Mine", `name_en: "Mi\0ne"`, "mine.yaml:4:"},
		{"    name_zh: 场地", `    name_zh: "场\0地"`, "mine.yaml:8:"},
		{"      - value: area_m2\n        at_least: 500", `      - review: "before\0after"`, "mine.yaml:11:"},
	} {
		text := strings.Replace(goodProfile, c.from, c.to, 1)
		_, err := eligibility.Load([]byte(text), "mine.yaml")
		if err == nil || !strings.Contains(err.Error(), c.line) {
			t.Errorf("%s: %v; want it refused at %s", c.to, err, c.line)
		}
	}
}

// TestProfileBOM: a profile saved with a byte-order mark (as Windows
// editors may save UTF-8; YAML allows one at the start of a stream) loads
// — it was refused as "value is not allowed in this context" at the first
// key after the comments, a message no clerk could act on.
func TestProfileBOM(t *testing.T) {
	data, _ := eligibility.EmbeddedYAML("provincial_demo_base")
	mine := strings.Replace(string(data), "code: provincial_demo_base", "code: mine", 1)
	for _, text := range []string{"\ufeff" + goodProfile, "\ufeff" + mine} {
		if _, err := eligibility.Load([]byte(text), "bom.yaml"); err != nil {
			t.Errorf("with a BOM: %v", err)
		}
	}
	// An error's line is the file's line, BOM or not.
	_, err := eligibility.Load([]byte("\ufeff"+strings.Replace(goodProfile, "at_least: 500", "at_leats: 500", 1)), "bom.yaml")
	if err == nil || !strings.Contains(err.Error(), "bom.yaml:12:") {
		t.Errorf("a typo after a BOM: %v; want it at line 12", err)
	}
}

// TestProfileNotUTF8: a profile saved in GB18030 (GBK, "ANSI" on a
// Chinese Windows) is refused when loaded, at its first line that is not
// UTF-8, saying to save it as UTF-8 — it loaded, and the run failed with
// "could not bind parameter".
func TestProfileNotUTF8(t *testing.T) {
	data, _ := eligibility.EmbeddedYAML("municipal_maker_space")
	mine := strings.Replace(string(data), "code: municipal_maker_space", "code: mine", 1)
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(mine)
	if err != nil {
		t.Fatal(err)
	}
	_, err = eligibility.Load([]byte(gbk), "gbk.yaml")
	if err == nil || !strings.Contains(err.Error(), "gbk.yaml:1:") || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("a GB18030 profile: %v; want it refused at line 1, asking for UTF-8", err)
	}
}

// TestIncidentsFromAfterReference: no_incidents from a day after the
// reference day (year_start +1: 1 January of the year after D) counts
// nothing and is always met — a check that can never fail. It is refused
// at its line, as window_start +1 (a window not yet ended) is.
func TestIncidentsFromAfterReference(t *testing.T) {
	for _, from := range []string{"year_start +1", "year_start +99", "window_start +1"} {
		text := strings.Replace(goodProfile, "      - value: area_m2\n        at_least: 500",
			"      - no_incidents: {types: [all], of: operator, from: "+from+"}", 1)
		if _, err := eligibility.Load([]byte(text), "mine.yaml"); err == nil || !strings.Contains(err.Error(), "mine.yaml:11:") {
			t.Errorf("from: %s: %v; want it refused at its line", from, err)
		}
	}
	for _, from := range []string{"year_start", "year_start -1", "year_start +0", "window_start -2"} {
		text := strings.Replace(goodProfile, "      - value: area_m2\n        at_least: 500",
			"      - no_incidents: {types: [all], of: operator, from: "+from+"}", 1)
		if _, err := eligibility.Load([]byte(text), "mine.yaml"); err != nil {
			t.Errorf("from: %s: %v", from, err)
		}
	}
}
