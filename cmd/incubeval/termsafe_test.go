package main

import (
	"strings"
	"testing"
)

func TestTermSafeEscapesWhatATerminalActsOn(t *testing.T) {
	cases := []struct{ in, want string }{
		{"西固区季度报表.csv", "西固区季度报表.csv"},
		{"a\nloaded    fake.csv: 999 read", `a\nloaded    fake.csv: 999 read`},
		{"\x1b[2J\x1b[31mred", `\x1b[2J\x1b[31mred`},
		{"tab\there\r", `tab\there\r`},
		{"del\x7f", `del\x7f`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"evil\u202egpj.csv", `evil\u202egpj.csv`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"a\u200bb\u2028c\ufeff", `a\u200bb\u2028c\ufeff`},
		{"", ""},
	}
	for _, c := range cases {
		if got := termSafe(c.in); got != c.want {
			t.Errorf("termSafe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTermSafeLinesKeepsLineBreaksOnly(t *testing.T) {
	got := termSafeLines("LINE 1: SELECT \x1b[31mx\n               ^")
	want := "LINE 1: SELECT \\x1b[31mx\n               ^"
	if got != want {
		t.Errorf("termSafeLines = %q, want %q", got, want)
	}
}

// TestErrorsPrintEscaped: an error naming a file the user gave (here a -f
// file that does not exist) cannot repaint the terminal.
func TestErrorsPrintEscaped(t *testing.T) {
	code, _, stderr := runCLI(t, "--db", t.TempDir()+"/x.duckdb", "sql", "-f", "/nonexistent/\x1b[2J\x1b[31mq.sql")
	if code == 0 {
		t.Fatalf("exit 0; stderr %q", stderr)
	}
	if strings.ContainsRune(stderr, 0x1b) || !strings.Contains(stderr, `\x1b[2J`) {
		t.Errorf("stderr not escaped: %q", stderr)
	}
}
