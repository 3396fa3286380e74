package ingest

import (
	"fmt"
	"unicode/utf8"
)

// MaxCellChars is Excel's limit of characters in one cell. A longer cell is
// rejected (rule too_long): no spreadsheet could have held it, and every
// value loaded must fit a workbook cell again, untruncated.
const MaxCellChars = 32767

// MaxRawChars caps the raw value stored with a rejected row or a warning,
// so that a huge cell cannot bloat the database; a message quotes at most
// quoteChars of a value. Both keep a marker saying how long it was.
const (
	MaxRawChars = 1000
	quoteChars  = 120
)

// Clip returns s if it has at most n characters, or else as many of its
// first characters as fit in n with a marker giving the length of the
// whole: "…[共 17000000 字符 / 17000000 characters in all]". The result has
// at most n characters, so clipping twice changes nothing.
func Clip(s string, n int) string {
	if len(s) <= n { // bytes ≥ characters
		return s
	}
	total := utf8.RuneCountInString(s)
	if total <= n {
		return s
	}
	marker := fmt.Sprintf("…[共 %d 字符 / %d characters in all]", total, total)
	keep := max(0, n-utf8.RuneCountInString(marker))
	cut := 0
	for range keep {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	return s[:cut] + marker
}

// clipq clips a value quoted in a message.
func clipq(s string) string { return Clip(s, quoteChars) }

// cellChars counts the characters of s as Excel counts them against
// MaxCellChars: in UTF-16 code units, so that a character beyond the Basic
// Multilingual Plane (an emoji, a rare CJK ideograph) counts two.
func cellChars(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
