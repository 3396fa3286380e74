package ingest

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Cell values arrive as text from every format (xlsx raw values, CSV fields,
// Parquet cast to VARCHAR); these functions turn them into typed values.
// Each returns ok=false for text it does not recognise; the caller turns that
// into a row issue naming the column.

// fold applies NFKC (full-width → half-width, ideographic space → space) and
// trims. Clerks type `８５％` and `（千元）` as often as `85%` and `(千元)`.
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.TrimSpace(norm.NFKC.String(s))
		}
	}
	return strings.TrimSpace(s)
}

// parseNumber accepts plain decimals, thousands separators and scientific
// notation (Excel writes raw values like 1.2E-2).
func parseNumber(s string) (float64, bool) {
	if n, ok := plainInt(s); ok {
		return float64(n), true
	}
	s = fold(s)
	if strings.ContainsRune(s, ',') {
		s = strings.ReplaceAll(s, ",", "")
	}
	if s == "" || !decimalText(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// decimalText admits what a spreadsheet writes for a number — digits, sign,
// point, exponent — and not what else Go would parse (0x1p5, Inf, NaN).
func decimalText(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '+', c == '-', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

// parseInt accepts whole numbers, also written as 12.0 (Excel, Parquet doubles).
func parseInt(s string) (int64, bool) {
	if n, ok := plainInt(s); ok {
		return n, true
	}
	f, ok := parseNumber(s)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// plainInt reads a cell of ASCII digits only (no sign, separator, space
// or decimal point; at most 15 digits, below 2^53), the form nearly every
// count cell has: the value parseNumber's general path gives it, without
// folding or a float.
func plainInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

var cnDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '1': 1, '2': 2, '3': 3, '4': 4}

// parseQuarter accepts 3, 3.0, Q3, q3, 第三季度, 第3季度, 三季度, 3季度.
func parseQuarter(s string) (int, bool) {
	s = strings.ToUpper(fold(s))
	s = strings.TrimPrefix(s, "第")
	s = strings.TrimSuffix(s, "季度")
	s = strings.TrimPrefix(s, "Q")
	if r := []rune(s); len(r) == 1 {
		if q, ok := cnDigits[r[0]]; ok {
			return q, true
		}
	}
	if n, ok := parseInt(s); ok {
		return int(n), true
	}
	return 0, false
}

// parseYear accepts 2025, 2025.0 and 2025年.
func parseYear(s string) (int, bool) {
	s = strings.TrimSuffix(fold(s), "年")
	n, ok := parseInt(s)
	if !ok {
		return 0, false
	}
	return int(n), true
}

// excelEpoch is day 0 of Excel's 1900 date system as Excel counts it (the
// fictitious 29 February 1900 makes serials ≥ 61 line up with 30 December 1899).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate accepts 2025-03-31, 2025/3/31, 2025.3.31, 2025年3月31日, 20250331,
// an optional time part after a space or T, and Excel serial day numbers.
func parseDate(s string) (time.Time, bool) {
	if len(s) == 10 && (s[4] == '-' || s[4] == '/' || s[4] == '.') && s[7] == s[4] {
		// 2025-03-31, the form nearly every cell has: the same date as
		// the general path below makes of it, without its allocations.
		y, okY := plainInt(s[:4])
		m, okM := plainInt(s[5:7])
		d, okD := plainInt(s[8:])
		if okY && okM && okD {
			return makeDate(int(y), int(m), int(d))
		}
	}
	s = fold(s)
	if s == "" {
		return time.Time{}, false
	}
	if i := strings.IndexAny(s, " T"); i > 0 && strings.ContainsRune(s[i:], ':') {
		s = s[:i]
	}
	if allDigits(s) && len(s) == 8 {
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[4:6])
		d, _ := strconv.Atoi(s[6:])
		return makeDate(y, m, d)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		// An Excel serial: 1 (1900-01-01) to 2958465 (9999-12-31); the
		// negated test also refuses NaN. 60 is the fictitious 1900-02-29.
		if !(f >= 1 && f <= 2958465) {
			return time.Time{}, false
		}
		days := int(math.Floor(f))
		if days == 60 {
			return time.Time{}, false
		}
		if days < 61 {
			days++ // before the fictitious 1900-02-29
		}
		return excelEpoch.AddDate(0, 0, days), true
	}
	s = strings.TrimSuffix(s, "日")
	s = strings.TrimSuffix(s, "号")
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '-' || r == '/' || r == '.' || r == '年' || r == '月'
	})
	if len(parts) != 3 || len(parts[0]) != 4 {
		return time.Time{}, false
	}
	var n [3]int
	for i, p := range parts {
		if !allDigits(p) || len(p) > 4 {
			return time.Time{}, false
		}
		n[i], _ = strconv.Atoi(p)
	}
	return makeDate(n[0], n[1], n[2])
}

func makeDate(y, m, d int) (time.Time, bool) {
	if y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 2025-02-30 rolls over; reject it
		return time.Time{}, false
	}
	return t, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseRatio accepts 0.85 and 85% (also 85 %). Whether it lies in 0–1 is
// checked by the caller so that the message can say so.
func parseRatio(s string) (float64, bool) {
	s = fold(s)
	if p, found := strings.CutSuffix(s, "%"); found {
		f, ok := parseNumber(strings.TrimSpace(p))
		return f / 100, ok
	}
	return parseNumber(s)
}

// parseBool accepts true/false, 1/0, 是/否, Y/N, yes/no, 有/无, and a tick
// or a cross (√/×, ✓/✗) as on a paper form.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(fold(s)) {
	case "true", "1", "是", "y", "yes", "有", "t", "√", "✓", "✔":
		return true, true
	case "false", "0", "否", "n", "no", "无", "f", "×", "✗", "✘":
		return false, true
	}
	return false, false
}

// normText collapses inner runs of white space and trims; names and ids
// copied from documents carry stray spaces and line breaks.
func normText(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// isCode reports whether s is a code as a rubric writes one, [a-z][a-z0-9_]*
// (pipeline/rubric: the codes of schemes, indicators and expert items).
func isCode(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
		default:
			return false
		}
	}
	return true
}

// hundredths reads a number of at most two decimals exactly, as a count of
// hundredths; ok is false when it has more. The number is taken to 15
// significant digits, the precision a spreadsheet shows: a workbook holds
// 87.45 as the double nearest it, and a cell computed as =87.4+0.05 a few
// units of the 17th digit away, and both are 87.45 to the clerk.
func hundredths(f float64) (n int64, ok bool) {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'e', 14, 64))
	if !ok {
		return 0, false
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}
