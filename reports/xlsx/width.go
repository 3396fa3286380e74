package xlsx

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// TextWidth is the width of s in Excel's column units, the one display-width
// model of the workbooks: a CJK or full-width character takes two, anything
// else one.
func TextWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if IsWide(r) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// IsWide says whether r prints two columns wide: Han characters, full-width
// forms, CJK punctuation and symbols.
func IsWide(r rune) bool {
	if r < 0x1100 {
		return false
	}
	if r >= 0x4E00 && r <= 0x9FFF { // CJK Unified Ideographs, all Han: most of the text
		return true
	}
	return (unicode.Is(unicode.Han, r) ||
		(r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) ||
		(r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6))
}

// Padding is the part of a column's width that text cannot use.
const Padding = 1.5

// Lines is how many lines s takes in a column of width w (roughly:
// breaks anywhere in CJK text, at spaces in Latin text).
func Lines(s string, w float64) int {
	n := 0
	for _, line := range strings.Split(s, "\n") {
		avail := w - Padding
		if avail < 2 {
			avail = 2
		}
		cur, lines := 0.0, 1
		for _, word := range words(line) {
			ww := TextWidth(word)
			if cur > 0 && cur+ww > avail {
				lines++
				cur = 0
				word = strings.TrimLeft(word, " ")
				ww = TextWidth(word)
			}
			for ww > avail { // a word longer than the column breaks inside
				lines++
				ww -= avail
			}
			cur += ww
		}
		n += lines
	}
	return n
}

// words cuts a line before every space and around every CJK character.
func words(s string) []string {
	var words []string
	start := 0
	for i, r := range s {
		if i > start && (r == ' ' || TextWidth(string(r)) == 2) {
			words = append(words, s[start:i])
			start = i
		}
		if TextWidth(string(r)) == 2 {
			_, size := utf8.DecodeRuneInString(s[i:])
			words = append(words, s[i:i+size])
			start = i + size
		}
	}
	if start < len(s) {
		words = append(words, s[start:])
	}
	return words
}

// BreakZH breaks a Chinese label into lines of at most width (in
// TextWidth units), between characters but never inside a bracketed
// part, so that no line starts with a closing bracket or ends with an
// opening one: "在孵企业（团队）数（季均）" → "在孵企业\n（团队）数\n（季均）".
func BreakZH(s string, width float64) string {
	if TextWidth(s) <= width {
		return s
	}
	var units []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if rs[i] == '（' || rs[i] == '(' {
			j := i
			for j < len(rs) && rs[j] != '）' && rs[j] != ')' {
				j++
			}
			if j < len(rs) {
				units = append(units, string(rs[i:j+1]))
				i = j + 1
				continue
			}
		}
		units = append(units, string(rs[i]))
		i++
	}
	var lines []string
	cur := ""
	for _, u := range units {
		if cur != "" && TextWidth(cur+u) > width {
			lines = append(lines, cur)
			cur = ""
		}
		cur += u
	}
	return strings.Join(append(lines, cur), "\n")
}

// FitHeight caps a row height estimated from its text at the most a row
// can be (409 points): one long but accepted value (a name of 32,767
// characters) must not stop a workbook being written. The cell still holds
// the whole text; the reader scrolls it.
func FitHeight(h float64) float64 { return min(h, excelize.MaxRowHeight) }
