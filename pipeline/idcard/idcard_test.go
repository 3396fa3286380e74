package idcard

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// today anchors "not after today".
var today = time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)

// TestCheckStandardExample: the example of GB 11643-1999 itself, and its
// lower-case form, are valid; the standard's other example, born in 1880,
// has a right check digit and is refused for its year.
func TestCheckStandardExample(t *testing.T) {
	for _, id := range []string{"11010519491231002X", "11010519491231002x"} {
		if err := Check(id, today); err != nil {
			t.Errorf("Check(%s) = %v, want nil", id, err)
		}
	}
	if c, _ := CheckChar("44052418800101001"); c != '4' {
		t.Fatalf("check character of the 1880 example %c, want 4", c)
	}
	if err := Check("440524188001010014", today); rule(err) != "idcard_birth" {
		t.Fatalf("born 1880: %v, want idcard_birth", err)
	}
}

func rule(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return ""
	}
	return e.Rule
}

// TestCheckRules: each rule at its boundary, by a number that breaks it
// alone (its check character right unless the rule is the check).
func TestCheckRules(t *testing.T) {
	tests := []struct {
		name, id, rule string
	}{
		{"valid", Complete("62010219870228123"), ""},
		{"valid, check X", "11010519491231002X", ""},
		{"17 characters", "62010219870228123", "idcard_length"},
		{"19 characters", Complete("62010219870228123") + "1", "idcard_length"},
		{"empty", "", "idcard_length"},
		{"a letter inside", "6201021987022A1231", "idcard_char"},
		{"a letter at the end but X", "62010219870228123Y", "idcard_char"},
		{"full-width digit", "６20102198702281231", "idcard_char"},
		{"a space", "620102 9870228123" + "1", "idcard_char"},
		{"province 10", Complete("10010219870228123"), "idcard_region"},
		{"province 83", Complete("83010219870228123"), "idcard_region"},
		{"province 11", Complete("11010219870228123"), ""},
		{"province 82", Complete("82010219870228123"), ""},
		{"province 19 (none)", Complete("19010219870228123"), "idcard_region"},
		{"30 February, check right", Complete("62010219870230123"), "idcard_birth"},
		{"month 13", Complete("62010219871301123"), "idcard_birth"},
		{"day 0", Complete("62010219870100123"), "idcard_birth"},
		{"29 February of a leap year", Complete("62010220000229123"), ""},
		{"29 February 1900", Complete("62010219000229123"), "idcard_birth"},
		{"1 January 1900", Complete("62010219000101123"), ""},
		{"31 December 1899", Complete("62010218991231123"), "idcard_birth"},
		{"born today", Complete("62010220251120123"), ""},
		{"born tomorrow", Complete("62010220251121123"), "idcard_birth"},
		{"check wrong", "620102198702281230", "idcard_check"},
		{"check X wrong", "62010219870228123X", "idcard_check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.id, today)
			if rule(err) != tt.rule || (err == nil) != (tt.rule == "") {
				t.Fatalf("Check(%s) = %v, want rule %q", tt.id, err, tt.rule)
			}
			if err == nil {
				return
			}
			// A message never quotes the number, nor its birth date.
			var e *Error
			errors.As(err, &e)
			for _, msg := range []string{e.ZH, e.EN} {
				if msg == "" || len(tt.id) >= 14 && strings.Contains(msg, tt.id[6:14]) {
					t.Errorf("message %q quotes the birth date or is empty", msg)
				}
			}
		})
	}
}

// TestCompleteAndCheckChar: Complete appends what CheckChar computes, the
// result checks, and it refuses anything but 17 digits.
func TestCompleteAndCheckChar(t *testing.T) {
	id := Complete("62010219870228123")
	if id != "620102198702281231" || Check(id, today) != nil {
		t.Fatalf("Complete = %s", id)
	}
	for _, bad := range []string{"6201021987022812", "6201021987022812A"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Complete(%q) did not panic", bad)
				}
			}()
			Complete(bad)
		}()
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		" 11010519491231002x ":  "11010519491231002X",
		"110105 19491231 002X":  "11010519491231002X",
		"620102198702281231":    "620102198702281231",
		"x":                     "X",
		"11010519491231002X\t ": "11010519491231002X",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"620102198702281234":  "620102********1234",
		"11010519491231002X":  "110105********002X",
		"62010219870228123":   "620102***********",
		"6201021987022812345": "620102*************",
		"张三":                  "张三",
		"123456":              "123456",
		"1234567":             "123456*",
		"甘肃省兰州市城关区某某街道某某号院某某号楼某某单元一二三四五号": "甘肃省兰州市************************…",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRedact: every run of 17 digits or more in a text, with an X after
// it, is masked; shorter runs (a year, a count, a 15-digit amount) stay.
func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"身份证号 620102198702281231 有误": "身份证号 620102********1231 有误",
		"620102198702281231,x":       "620102********1231,x",
		"11010519491231002x":         "110105********002x",
		"６２０１０２１９８７０２２８１２３１":         "６２０１０２********１２３１",
		"2025,123456789012345,17":    "2025,123456789012345,17",
		"62010219870228123 and 1234": "620102*********** and 1234",
		"no digits":                  "no digits",
		"a620102198702281231b":       "a620102********1231b",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCheck: Check never panics; what it accepts is 18 characters, masks
// to 620102********1234 form, completes to itself and carries a birth
// date; its messages never quote the number; Redact leaves no run of 17
// digits in any text.
func FuzzCheck(f *testing.F) {
	// Seeds: testdata/fuzz/FuzzCheck.
	f.Fuzz(func(t *testing.T, s string) {
		id := Normalize(s)
		err := Check(id, today)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Rule == "" || e.ZH == "" || e.EN == "" {
				t.Fatalf("Check(%q) = %#v: want an *Error with a rule and two messages", id, err)
			}
			if len(id) >= 17 && (strings.Contains(e.ZH, id[:17]) || strings.Contains(e.EN, id[:17])) {
				t.Fatalf("Check(%q): a message quotes the number", id)
			}
		} else {
			if len(id) != 18 || Complete(id[:17]) != strings.ToUpper(id) {
				t.Fatalf("Check(%q) accepted a number that does not complete to itself", id)
			}
			m := Mask(id)
			if utf8.RuneCountInString(m) != 18 || m[:6] != id[:6] || m[6:14] != "********" || m[14:] != id[14:] {
				t.Fatalf("Mask(%q) = %q", id, m)
			}
			if b, ok := Birth(id); !ok || b.After(today) || b.Year() < 1900 {
				t.Fatalf("Birth(%q) = %v, %v", id, b, ok)
			}
		}
		if hasLongRun(Redact(s)) {
			t.Fatalf("Redact(%q) = %q still holds 17 digits in a row", s, Redact(s))
		}
		if !utf8.ValidString(s) {
			return
		}
		if Redact(s) != s && !hasLongRun(s) {
			t.Fatalf("Redact(%q) changed a text without a long run of digits", s)
		}
	})
}
