package main

import "testing"

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
		{"", ""},
	}
	for _, c := range cases {
		if got := termSafe(c.in); got != c.want {
			t.Errorf("termSafe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
