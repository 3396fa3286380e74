package ingest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The plain fast paths of parseNumber, parseInt and parseDate (ASCII
// digits; YYYY-MM-DD) must give what the general paths give, on every
// text: these are the general paths as they were before the fast paths.

// before the plain fast paths: what the fast paths must agree with.

func refParseNumber(s string) (float64, bool) {
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
func refParseInt(s string) (int64, bool) {
	f, ok := refParseNumber(s)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}
func refParseDate(s string) (time.Time, bool) {
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

// fastCases are texts at the edges of the fast paths.
var fastCases = []string{
	"0", "00", "007", "1", "12", "255", "256", "65535", "2147483647", "2147483648",
	"999999999999999", "1000000000000000", "9007199254740992", "9007199254740993", "12345678901234567890",
	"-1", "+1", "1.0", "1.5", "1e3", "1,000", " 12", "12 ", "１２", "0x10", "", " ", "1_000",
	"2025-03-31", "2025/03/31", "2025.03.31", "2025-3-31", "2025-03/31", "2025/03-31", "2025-02-29",
	"2024-02-29", "2025-02-30", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32", "1899-12-31",
	"1900-01-01", "9999-12-31", "0000-01-01", "20250331", "2025-03-31 10:00", "2025-03-31T10:00:00",
	"２０２５-０３-３１", "2025年03月31日", "45000", "45000.5", "60", "2958466", "2025-03-3a", "a025-03-31",
	"2025--3-31", "2025-0331", "12-03-2025", "2025 03 31",
}

func checkFast(t *testing.T, s string) {
	t.Helper()
	if got, ok := parseNumber(s); true {
		want, wok := refParseNumber(s)
		if ok != wok || ok && (got != want || math.Signbit(got) != math.Signbit(want)) {
			t.Errorf("parseNumber(%q) = %v, %v; the general path gives %v, %v", s, got, ok, want, wok)
		}
	}
	if got, ok := parseInt(s); true {
		want, wok := refParseInt(s)
		if ok != wok || ok && got != want {
			t.Errorf("parseInt(%q) = %v, %v; the general path gives %v, %v", s, got, ok, want, wok)
		}
	}
	if got, ok := parseDate(s); true {
		want, wok := refParseDate(s)
		if ok != wok || ok && !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %v; the general path gives %v, %v", s, got, ok, want, wok)
		}
	}
}

func TestFastPathsAgree(t *testing.T) {
	for _, s := range fastCases {
		checkFast(t, s)
	}
	// Random texts of the shapes the fast paths take, and near misses.
	r := rand.New(rand.NewPCG(16, 2026))
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	for range 20000 {
		checkFast(t, digits(1+r.IntN(18)))
		sep := string("-/.x"[r.IntN(4)])
		sep2 := sep
		if r.IntN(8) == 0 {
			sep2 = string("-/."[r.IntN(3)])
		}
		checkFast(t, digits(4)+sep+digits(2)+sep2+digits(2))
		checkFast(t, fmt.Sprintf("%04d-%02d-%02d", 1890+r.IntN(200), r.IntN(14), r.IntN(33)))
		checkFast(t, strconv.Itoa(r.IntN(3_000_000)))
	}
}

func FuzzFastPaths(f *testing.F) {
	for _, s := range fastCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkFast(t, s) })
}

// refCheckControl is checkControl byte by byte, as it was.
func refCheckControl(text []byte) int {
	for i, c := range text {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7F {
			return i
		}
	}
	return -1
}

// checkControl, eight bytes at a time, finds the first control byte at
// the offset the byte-by-byte loop finds, or none when it finds none.
func TestCheckControlAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(0x7F, 0x20))
	alphabet := []byte("abc,0123456789.-\t\n\r\x00\x01\x1f\x7f\x80\xff ~\xe4\xb8\xad")
	for range 20000 {
		n := r.IntN(70)
		text := make([]byte, n)
		for i := range text {
			if r.IntN(6) == 0 {
				text[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				text[i] = byte(0x20 + r.IntN(0x5F)) // printable ASCII
			}
		}
		want := refCheckControl(text)
		fe := checkControl("f.csv", text)
		switch {
		case want < 0 && fe != nil:
			t.Fatalf("%q: rejected, holds no control byte", text)
		case want >= 0 && fe == nil:
			t.Fatalf("%q: passed, holds a control byte at %d", text, want)
		case want >= 0 && !strings.Contains(fe.EN, fmt.Sprintf("offset %d)", want)):
			t.Fatalf("%q: %s, want offset %d", text, fe.EN, want)
		}
	}
}

type csvRecord struct {
	line  int
	cells []string
}

func readAll(t *testing.T, read func(func(int, []string) error) error) []csvRecord {
	t.Helper()
	var out []csvRecord
	if err := read(func(n int, cells []string) error {
		out = append(out, csvRecord{n, slices.Clone(cells)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkPlain compares a quote-free text read line by line with the same
// text read by encoding/csv.
func checkPlain(t *testing.T, text string, comma rune) {
	t.Helper()
	if strings.Contains(text, `"`) {
		return
	}
	tb := &csvTable{path: "f.csv", text: loneCRToLF([]byte(text), false), comma: comma}
	got, want := readAll(t, tb.plainRows), readAll(t, tb.csvRows)
	if !slices.EqualFunc(got, want, func(a, b csvRecord) bool { return a.line == b.line && slices.Equal(a.cells, b.cells) }) {
		t.Fatalf("%q (separator %q): read line by line %v, by encoding/csv %v", text, comma, got, want)
	}
}

// A file without a quote reads line by line as encoding/csv reads it:
// the same records, cells and row numbers, blank lines, CRLF, a missing
// last line's end, separators at the ends, spaces and Chinese included.
func TestPlainRowsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(44, 0x2c))
	pieces := []string{"a", "12", " ", "中文", ",", ",", ";", "\t", "\n", "\n", "\r\n", "\r", "", "x y", "\u00a0", "\xff"}
	for _, comma := range []rune{',', '\t', ';'} {
		for range 5000 {
			var b strings.Builder
			for range r.IntN(30) {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
			checkPlain(t, b.String(), comma)
		}
	}
}

func FuzzPlainRows(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a,b\r\n\r\n1,2", "\n\n,\n", ",,,", "a;b\n1;2", "x\ty\n\n", "中,文\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, comma := range []rune{',', '\t', ';'} {
			checkPlain(t, s, comma)
		}
	})
}
