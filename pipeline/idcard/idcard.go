// Package idcard validates, masks and completes the 18-character citizen
// identity number (公民身份号码) of GB 11643-1999 that a nomination of the
// 百千万 programme carries (SPEC §9): a six-digit address code, the birth
// date as YYYYMMDD, a three-digit sequence code and a check character
// computed by ISO 7064 MOD 11-2 over the first seventeen.
//
// An ID number is personal data: the database keeps it (the programme's
// once-only rule needs it), and whatever is shown to a person — a
// workbook, a rejects list, a terminal — shows it masked (Mask). Errors
// never quote the number, nor its birth date.
package idcard

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// weights of positions 1–17: 2^(18-i) mod 11.
var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// checkChars maps the weighted sum mod 11 to the check character.
const checkChars = "10X98765432"

// provinces are the province-level codes of GB/T 2260 that begin an
// address code: 11 北京 … 65 新疆, 71 台湾, 81 香港, 82 澳门.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// Error explains why a number is invalid, in Chinese and English, without
// quoting it; Rule is a stable code for reports.
type Error struct {
	Rule   string // idcard_length, idcard_char, idcard_region, idcard_birth, idcard_check
	ZH, EN string
}

func (e *Error) Error() string { return e.EN }

// Normalize removes spaces anywhere and upper-cases a final x: the form
// the database keeps. It does not fold full-width digits (ingest does).
func Normalize(s string) string {
	s = strings.Join(strings.Fields(s), "")
	if strings.HasSuffix(s, "x") {
		s = s[:len(s)-1] + "X"
	}
	return s
}

// CheckChar returns the check character of the first 17 digits.
func CheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, &Error{"idcard_length", fmt.Sprintf("需要 17 位数字，实际 %d 位", utf8.RuneCountInString(first17)),
			fmt.Sprintf("need 17 digits, got %d characters", utf8.RuneCountInString(first17))}
	}
	sum := 0
	for i := range 17 {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, &Error{"idcard_char", fmt.Sprintf("第 %d 位应为数字", i+1), fmt.Sprintf("character %d is not a digit", i+1)}
		}
		sum += int(c-'0') * weights[i]
	}
	return checkChars[sum%11], nil
}

// Valid reports whether id is a valid number today (in China, UTC+8).
func Valid(id string) error {
	now := time.Now().In(time.FixedZone("CST", 8*3600))
	return Check(id, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
}

// Check reports whether id (normalized: no spaces; a final x is taken as
// X) is a valid number on the day today: 18 characters, 17 digits then a
// digit or X; a province code of GB/T 2260; a birth date that exists, in
// 1900 or later and not after today; and the right check character. The
// first rule broken is reported.
func Check(id string, today time.Time) error {
	if n := utf8.RuneCountInString(id); n != 18 {
		return &Error{"idcard_length", fmt.Sprintf("应为 18 位，实际 %d 位", n), fmt.Sprintf("must be 18 characters, got %d", n)}
	}
	if len(id) != 18 {
		return &Error{"idcard_char", "含有数字和 X 以外的字符（如全角或中文字符）", "holds a character other than a digit or X (full-width, Chinese …)"}
	}
	for i := range 17 {
		if c := id[i]; c < '0' || c > '9' {
			return &Error{"idcard_char", fmt.Sprintf("第 %d 位应为数字（只有第 18 位可以是 X）", i+1),
				fmt.Sprintf("character %d must be a digit (only the 18th may be X)", i+1)}
		}
	}
	last := id[17]
	if last == 'x' {
		last = 'X'
	}
	if (last < '0' || last > '9') && last != 'X' {
		return &Error{"idcard_char", "第 18 位应为数字或 X", "character 18 must be a digit or X"}
	}
	if !provinces[id[:2]] {
		return &Error{"idcard_region", "前两位不是有效的省级行政区划代码（如甘肃为 62）",
			"the first two digits are not a province code (Gansu is 62)"}
	}
	if _, err := birth(id, today); err != nil {
		return err
	}
	c, _ := CheckChar(id[:17]) // 17 digits: cannot fail
	if last != c {
		return &Error{"idcard_check", "校验码（第 18 位）与前 17 位不符，号码中有错字，请对照身份证逐位核对",
			"the check character (the 18th) does not match the first 17: a character is wrong; compare it with the card"}
	}
	return nil
}

// birth reads the birth date of positions 7–14 and checks that it exists,
// is in 1900 or later and is not after today.
func birth(id string, today time.Time) (time.Time, error) {
	bad := func(zh, en string) (time.Time, error) {
		return time.Time{}, &Error{"idcard_birth", "第 7–14 位出生日期" + zh, "the birth date (characters 7–14) " + en}
	}
	y, m, d := atoi(id[6:10]), atoi(id[10:12]), atoi(id[12:14])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	switch {
	case m < 1 || m > 12 || d < 1 || t.Day() != d:
		return bad("不是真实的日期", "is not a real date")
	case y < 1900:
		return bad("早于 1900 年", "is before 1900")
	case t.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)):
		return bad("晚于今天", "is after today")
	}
	return t, nil
}

func atoi(digits string) int {
	n := 0
	for i := 0; i < len(digits); i++ {
		n = n*10 + int(digits[i]-'0')
	}
	return n
}

// Birth is the birth date a valid number carries.
func Birth(id string) (time.Time, bool) {
	if len(id) != 18 {
		return time.Time{}, false
	}
	for i := 6; i < 14; i++ {
		if id[i] < '0' || id[i] > '9' {
			return time.Time{}, false
		}
	}
	t, err := birth(id, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
	return t, err == nil
}

// Complete appends the check character to 17 digits: a valid number when
// they hold a province code and a real birth date. It is for tests and
// sample data, and panics unless prefix17 is 17 digits.
func Complete(prefix17 string) string {
	c, err := CheckChar(prefix17)
	if err != nil {
		panic("idcard.Complete(" + prefix17 + "): " + err.Error())
	}
	return prefix17 + string(c)
}

// maxStars bounds the stars Mask writes for a value that is not 18
// characters long.
const maxStars = 24

// Mask is what a person may be shown of an ID number: the first six
// characters (the address code), eight stars for the birth date and the
// last four — 620102********1234. A value of another length shows its
// first six characters and a star for each further one (up to 24, then
// …), so that a clerk sees how long it was and nothing else; six
// characters or fewer are no number and show as they are.
func Mask(s string) string {
	r := []rune(s)
	switch n := len(r); {
	case n == 18:
		return string(r[:6]) + "********" + string(r[14:])
	case n > 6:
		stars := strings.Repeat("*", min(n-6, maxStars))
		if n-6 > maxStars {
			stars += "…"
		}
		return string(r[:6]) + stars
	}
	return s
}

// Redact masks, in a text, every run of 17 or more digits (half-width or
// full-width) with what follows it if that is an X: a number typed into
// the wrong cell, or quoted by a message, shows as Mask shows it.
func Redact(text string) string {
	if !hasLongRun(text) {
		return text
	}
	var b strings.Builder
	r := []rune(text)
	for i := 0; i < len(r); {
		j := i
		for j < len(r) && isDigit(r[j]) {
			j++
		}
		if j-i < 17 {
			if j == i {
				j++
			}
			b.WriteString(string(r[i:j]))
			i = j
			continue
		}
		if j < len(r) && isX(r[j]) {
			j++
		}
		b.WriteString(Mask(string(r[i:j])))
		i = j
	}
	return b.String()
}

// hasLongRun reports whether text holds 17 digits in a row.
func hasLongRun(text string) bool {
	n := 0
	for _, c := range text {
		if !isDigit(c) {
			n = 0
			continue
		}
		if n++; n >= 17 {
			return true
		}
	}
	return false
}

func isDigit(c rune) bool { return c >= '0' && c <= '9' || c >= '０' && c <= '９' }
func isX(c rune) bool     { return c == 'X' || c == 'x' || c == 'Ｘ' || c == 'ｘ' }
