package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// termSafe makes text from a file or the database safe to print on a
// terminal: control characters (C0, DEL, C1), the bidirectional overrides
// that reorder what a reader sees, and bytes that are not UTF-8 are
// written as escapes (\n, \x1b, \u202e, \xff), so a file name or a cell
// cannot move the cursor, recolour the screen or fake a line of output.
// Other text, Chinese included, is unchanged.
func termSafe(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r < 0x20 || r == 0x7f || unsafeRune(r) {
			return true
		}
		i += size
	}
	return false
}

// unsafeRune: C1 controls, the Unicode bidirectional controls, the line
// and paragraph separators, and the invisible characters (zero-width
// space, joiners, word joiner, byte-order mark) that make two names look
// alike.
func unsafeRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200e || r == 0x200f || r == 0x061c ||
		(r >= 0x200b && r <= 0x200d) || r == 0x2028 || r == 0x2029 || (r >= 0x2060 && r <= 0x2064) || r == 0xfeff
}

// termSafeLines is termSafe for a message of several lines (an error with
// DuckDB's caret display, a ledger note): line breaks stay, everything
// else a terminal would act on is escaped.
func termSafeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = termSafe(l)
	}
	return strings.Join(lines, "\n")
}
