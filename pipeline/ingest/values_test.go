package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"hash/crc32"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestNumbersAcceptSeparatorsFullWidthAndExponents(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12", 12, true},
		{" 12.5 ", 12.5, true},
		{"1,234.5", 1234.5, true},
		{"１，２３４．５", 1234.5, true}, // full-width digits, comma and point
		{"1.2E-2", 0.012, true},   // Excel's raw value of a small number
		{"-3", -3, true},          // the sign is the validator's business
		{"", 0, false},
		{"   ", 0, false},
		{"abc", 0, false},
		{"12元", 0, false},
		{"1..2", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"-Infinity", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseNumber(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestIntegersMayBeWrittenAsWholeDecimals(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 12, true},
		{"12.0", 12, true}, // Excel and Parquet doubles
		{"1,200", 1200, true},
		{"1e3", 1000, true},
		{"１２", 12, true},
		{"0", 0, true},
		{"-4", -4, true}, // the sign is the validator's business
		{"12.5", 0, false},
		{"1e20", 0, false}, // beyond float64's exact integers
		{"twelve", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseInt(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseInt(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestQuarterSpellings(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"3", 3, true},
		{"3.0", 3, true},
		{"Q3", 3, true},
		{"q3", 3, true},
		{"Ｑ３", 3, true},
		{"第三季度", 3, true},
		{"第3季度", 3, true},
		{"三季度", 3, true},
		{"3季度", 3, true},
		{"第一季度", 1, true},
		{"第四季度", 4, true},
		{" Q2 ", 2, true},
		{"5", 5, true}, // parsed; the validator says 1–4
		{"第五季度", 0, false},
		{"Q", 0, false},
		{"Q3.5", 0, false},
		{"abc", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseQuarter(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseQuarter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestYearSpellings(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"2025", 2025, true},
		{"2025.0", 2025, true},
		{"2025年", 2025, true},
		{"２０２５年", 2025, true},
		{"2025.5", 0, false},
		{"二〇二五", 0, false},
		{"年", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseYear(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseYear(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDateFormatsOfSpec(t *testing.T) {
	mar31 := day(2025, 3, 31)
	tests := []struct {
		name string
		in   string
		want time.Time // zero: rejected
	}{
		{"iso", "2025-03-31", mar31},
		{"slashes without zeros", "2025/3/31", mar31},
		{"slashes with zeros", "2025/03/31", mar31},
		{"dots", "2025.3.31", mar31},
		{"chinese", "2025年3月31日", mar31},
		{"chinese without 日", "2025年3月31", mar31},
		{"chinese 号", "2025年3月31号", mar31},
		{"compact", "20250331", mar31},
		{"full-width digits and dashes", "２０２５－０３－３１", mar31},
		{"full-width chinese", "２０２５年３月３１日", mar31},
		{"surrounding spaces", "  2025-03-31  ", mar31},

		{"time after space", "2025-03-31 10:20:30", mar31},
		{"short time after slashes", "2025/3/31 0:00", mar31},
		{"iso with T", "2025-03-31T08:00:00Z", mar31},
		{"chinese with time", "2025年3月31日 14:30", mar31},
		{"compact with time", "20250331 23:59:59", mar31},

		{"excel serial", "45747", mar31},
		{"excel serial with time fraction", "45747.75", mar31},
		{"excel serial written as decimal", "45747.0", mar31},
		{"excel serial with time part", "45747 10:00", mar31},
		{"leap day", "2024-02-29", day(2024, 2, 29)},

		// Excel's 1900 date system counts a 29 February 1900 that never was.
		{"serial 1 is 1900-01-01", "1", day(1900, 1, 1)},
		{"serial 59 is 1900-02-28", "59", day(1900, 2, 28)},
		{"serial 60 is the fictitious 1900-02-29", "60", time.Time{}},
		{"serial 61 is 1900-03-01", "61", day(1900, 3, 1)},
		{"last serial", "2958465", day(9999, 12, 31)},

		{"february 30", "2025-02-30", time.Time{}},
		{"month 13 day 45", "2025-13-45", time.Time{}},
		{"no leap day in 2025", "20250229", time.Time{}},
		{"no leap day in 1900", "1900-02-29", time.Time{}},
		{"compact month 13", "20251301", time.Time{}},
		{"day 0", "2025-03-00", time.Time{}},
		{"letters", "abc", time.Time{}},
		{"empty", "", time.Time{}},
		{"two-digit year", "25/3/31", time.Time{}},
		{"day first", "31/03/2025", time.Time{}},
		{"year and month only", "2025-03", time.Time{}},
		{"before 1900", "1899-12-31", time.Time{}},
		{"serial 0", "0", time.Time{}},
		{"negative serial", "-1", time.Time{}},
		{"serial after 9999", "2958466", time.Time{}},
		{"NaN is not a serial", "NaN", time.Time{}},
		{"infinity is not a serial", "Inf", time.Time{}},
		{"words after the date", "2025-03-31 前", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseDate(tt.in)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Fatalf("parseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
			}
			if ok && got.Location() != time.UTC {
				t.Fatalf("parseDate(%q) is in %v, want UTC", tt.in, got.Location())
			}
		})
	}
}

func TestRatioAsDecimalOrPercent(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"0.85", 0.85, true},
		{"85%", 0.85, true},
		{"８５％", 0.85, true},
		{"85 %", 0.85, true},
		{" 85% ", 0.85, true},
		{"100%", 1, true},
		{"0%", 0, true},
		{"1", 1, true},
		{"150%", 1.5, true}, // parsed; the validator says 0–1
		{"%", 0, false},
		{"abc%", 0, false},
		{"八成", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRatio(tt.in)
		if ok != tt.ok || ok && math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("parseRatio(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// A score is kept exactly, to the hundredth; more decimals are refused,
// beyond the 15 significant digits a spreadsheet shows.
func TestScoresInHundredths(t *testing.T) {
	tests := []struct {
		in   float64
		want int64
		ok   bool
	}{
		{87.45, 8745, true},
		{87.4 + 0.05, 8745, true}, // 87.45000000000000284
		{0.1 + 0.2, 30, true},     // 0.30000000000000004
		{100, 10000, true},
		{99.99, 9999, true},
		{0.01, 1, true},
		{0, 0, true},
		{math.Copysign(0, -1), 0, true},
		{87.255, 0, false},
		{0.001, 0, false},
		{99.999999, 0, false},
		{1e-13, 0, false}, // beyond 15 digits of a number near 100, not of this one
	}
	for _, tt := range tests {
		got, ok := hundredths(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("hundredths(%v) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestItemCodes(t *testing.T) {
	for s, want := range map[string]bool{
		"service_quality": true, "a": true, "x1_2": true, "z_": true,
		"": false, "_a": false, "1a": false, "Service": false, "a-b": false, "a b": false, "服务": false, "ａ": false,
	} {
		if isCode(s) != want {
			t.Errorf("isCode(%q) = %v, want %v", s, !want, want)
		}
	}
}

func TestBooleanSpellings(t *testing.T) {
	tests := []struct {
		in       string
		want, ok bool
	}{
		{"true", true, true},
		{"TRUE", true, true},
		{"false", false, true},
		{"False", false, true},
		{"1", true, true},
		{"0", false, true},
		{"是", true, true},
		{"否", false, true},
		{"Y", true, true},
		{"N", false, true},
		{"y", true, true},
		{"n", false, true},
		{"ｙ", true, true},
		{"yes", true, true},
		{"no", false, true},
		{"有", true, true},
		{"无", false, true},
		// A ticked form: 是 √, 否 ×.
		{"√", true, true},
		{"✓", true, true},
		{"✔", true, true},
		{"×", false, true},
		{"✗", false, true},
		{"✘", false, true},
		{"x", false, false},
		{"2", false, false},
		{"maybe", false, false},
		{"是的", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		got, ok := parseBool(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseBool(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHeaderKeyIgnoresWidthCaseAndSpaces(t *testing.T) {
	same := [][2]string{
		{"营收（千元）", "营收(千元)"},
		{"在孵企业营收（万元）", "在孵企业营收(万元)"},
		{"Carrier_ID", "carrier_id"},
		{" CARRIER ID ", "carrier_id"},
		{"carrier-id", "carrier_id"},
		{"ｃａｒｒｉｅｒ＿ｉｄ", "carrier_id"},
		{"载 体 编 号", "载体编号"},
		{"载体编号\u3000", "载体编号"},
		{"*载体编号", "载体编号"},
		{"＊载体编号：", "载体编号"},
		{"载体编号\ncarrier_id", "载体编号carrier_id"},
	}
	for _, p := range same {
		if a, b := headerKey(p[0]), headerKey(p[1]); a != b {
			t.Errorf("headerKey(%q) = %q, headerKey(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{
		{"营收(千元)", "营收(万元)"},
		{"营收(元)", "营收(千元)"},
		{"载体编号", "载体名称"},
	}
	for _, p := range differ {
		if headerKey(p[0]) == headerKey(p[1]) {
			t.Errorf("headerKey(%q) = headerKey(%q); want different", p[0], p[1])
		}
	}
}

func TestHeaderMoneyUnitsConvertToWanYuan(t *testing.T) {
	tests := []struct {
		kind   Kind
		cell   string
		col    string // "" when the cell must not resolve
		factor float64
	}{
		{Quarterly, "在孵企业营收", "revenue", 1},
		{Quarterly, "revenue", "revenue", 1},
		{Quarterly, "在孵企业营收(万元)", "revenue", 1},
		{Quarterly, "在孵企业营收(千元)", "revenue", 0.1},
		{Quarterly, "在孵企业营收（千元）", "revenue", 0.1},
		{Quarterly, "营收（千元）", "revenue", 0.1},
		{Quarterly, "在孵企业营收 (千元)", "revenue", 0.1},
		{Quarterly, "revenue_kyuan", "revenue", 0.1},
		{Quarterly, "Revenue (kyuan)", "revenue", 0.1},
		{Quarterly, "revenue_yuan", "revenue", 1e-4},
		{Quarterly, "在孵企业营收(元)", "revenue", 1e-4},
		{Quarterly, "在孵企业营收(亿元)", "revenue", 1e4},
		{Quarterly, "在孵企业营收(百万元)", "revenue", 100},
		{Quarterly, "获得投融资金额", "financing", 1},
		{Quarterly, "获得投融资金额(元)", "financing", 1e-4},
		{Quarterly, "获得投融资金额（元）", "financing", 1e-4},
		{Quarterly, "financing_kyuan", "financing", 0.1},
		{Quarterly, "在孵企业营收(千元)\nrevenue", "revenue", 0.1},
		{Quarterly, "在孵企业营收(美元)", "", 0}, // an unknown unit is not 万元
		{Quarterly, "在孵企业(团队)数", "incubating", 1},
		{Quarterly, "在孵企业（团队）数", "incubating", 1},
		{Quarterly, "场地使用率", "utilization", 1},
		{Quarterly, "备注", "", 0},
	}
	for _, tt := range tests {
		m, ok := resolveHeader(tt.kind, tt.cell)
		if tt.col == "" {
			if ok {
				t.Errorf("resolveHeader(%s, %q) = %s ×%v; want no match", tt.kind, tt.cell, Specs[tt.kind].Columns[m.col].Name, m.factor)
			}
			continue
		}
		if !ok {
			t.Errorf("resolveHeader(%s, %q): no match; want %s ×%v", tt.kind, tt.cell, tt.col, tt.factor)
			continue
		}
		if got := Specs[tt.kind].Columns[m.col].Name; got != tt.col || m.factor != tt.factor {
			t.Errorf("resolveHeader(%s, %q) = %s ×%v; want %s ×%v", tt.kind, tt.cell, got, m.factor, tt.col, tt.factor)
		}
	}
}

func TestHeaderBilingualCellsMatchEitherPart(t *testing.T) {
	tests := []struct {
		kind Kind
		cell string
		col  string
	}{
		{Registry, "载体编号\ncarrier_id", "carrier_id"},
		{Registry, "carrier_id\n载体编号", "carrier_id"},
		{Registry, "载体编号 / carrier_id", "carrier_id"},
		{Registry, "载体编号|carrier_id", "carrier_id"},
		{Registry, "统一社会信用代码\r\nUSCC", "operator_uscc"},
		{Quarterly, "报送日期\nsubmitted_on", "submitted_on"},
		{Quarterly, "季度\nQuarter", "quarter"},
		{Incidents, "发生日期\noccurred_on", "occurred_on"},
		{Deferrals, "原因\nreason", "reason"},
		{Quarterly, "载体编号\ncarrier_id", "carrier_id"},
	}
	for _, tt := range tests {
		m, ok := resolveHeader(tt.kind, tt.cell)
		if !ok {
			t.Errorf("resolveHeader(%s, %q): no match; want %s", tt.kind, tt.cell, tt.col)
			continue
		}
		if got := Specs[tt.kind].Columns[m.col].Name; got != tt.col {
			t.Errorf("resolveHeader(%s, %q) = %s; want %s", tt.kind, tt.cell, got, tt.col)
		}
	}
}

func encodeWith(t *testing.T, enc interface{ Bytes([]byte) ([]byte, error) }, s string) []byte {
	t.Helper()
	b, err := enc.Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSVEncodingIsDetected(t *testing.T) {
	const text = "载体编号,年度,季度\nLZ-001,2025,第三季度\n"
	gbk := encodeWith(t, simplifiedchinese.GBK.NewEncoder(), text)
	if bytes.Equal(gbk, []byte(text)) {
		t.Fatal("GBK encoder returned UTF-8")
	}
	utf16le := encodeWith(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), text)
	utf16be := encodeWith(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder(), text)
	tests := []struct {
		name string
		data []byte
		enc  string
	}{
		{"utf-8", []byte(text), "utf-8"},
		{"utf-8 with bom", append([]byte("\xEF\xBB\xBF"), text...), "utf-8-bom"},
		{"gbk", gbk, "gb18030"},
		{"utf-16le with bom", utf16le, "utf-16le"},
		{"utf-16be with bom", utf16be, "utf-16be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, fe := decodeText("f.csv", tt.data)
			if fe != nil {
				t.Fatalf("decodeText: %v", fe)
			}
			if string(got) != text || enc != tt.enc {
				t.Fatalf("decodeText = %q (%s); want %q (%s)", got, enc, text, tt.enc)
			}
		})
	}
}

func TestCSVUnknownEncodingIsRejected(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		rule string
	}{
		{"latin-1", []byte("caf\xe9 ,x\n"), "encoding"},
		{"latin-1 at end of file", []byte("name\ncaf\xe9"), "encoding"},
		{"bom then gbk", append([]byte("\xEF\xBB\xBF"), encodeWith(t, simplifiedchinese.GBK.NewEncoder(), "载体编号\n")...), "encoding"},
		{"utf-16 with odd length", []byte("\xFF\xFEa\x00b"), "encoding"},
		{"nul byte", []byte("a,b\x00\nc,d\n"), "not_spreadsheet"},
		{"utf-16 without bom", []byte("a\x00,\x00b\x00\n\x00"), "not_spreadsheet"},
		{"control character", []byte("a,b\x01\n"), "not_spreadsheet"},
		{"control character after bom", []byte("\xEF\xBB\xBFa,\x1b[0m\n"), "not_spreadsheet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, fe := decodeText("f.csv", tt.data)
			if fe == nil || fe.Rule != tt.rule {
				t.Fatalf("decodeText = %q (%s), %v; want rule %s", got, enc, fe, tt.rule)
			}
			if fe.ZH == "" || fe.EN == "" {
				t.Fatalf("rejection without a message: %+v", fe)
			}
		})
	}
}

// archiveOf builds a zip of the named parts, in name order.
func archiveOf(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	var names []string
	for name := range parts {
		names = append(names, name)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipBomb200MB is a workbook whose sheet is 200 MB of zeros; deflate makes
// ~200 KB of it (about 1 030×), built in memory in well under a second.
func zipBomb200MB(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		if _, err := zw.Create(name); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 200 {
		if _, err := w.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipClaiming writes parts of 1 MB whose headers claim the given inflated
// sizes: the limits are judged on the headers, before anything is inflated.
func zipClaiming(t *testing.T, sizes map[string]uint64) []byte {
	t.Helper()
	var names []string
	for name := range sizes {
		names = append(names, name)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if _, err := zw.Create("xl/workbook.xml"); err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte{0x42}, 1<<20)
	for _, name := range names {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
			CompressedSize64: uint64(len(body)), UncompressedSize64: sizes[name], CRC32: crc32.ChecksumIEEE(body)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMalformedFileIsRejectedBeforeParsing(t *testing.T) {
	workbook := seedWorkbook(t)
	manyParts := map[string]string{"xl/workbook.xml": ""}
	for i := range maxZipEntries {
		manyParts["xl/p"+strconv.Itoa(i)] = ""
	}
	tests := []struct {
		name string
		path string
		data []byte
		rule string
	}{
		{"empty", "f.csv", nil, "empty"},
		{"truncated workbook is damaged", "f.xlsx", workbook[:len(workbook)/2], "damaged"},
		{"zip header only is damaged", "f.xlsx", []byte("PK\x03\x04garbage"), "damaged"},
		{"200 MB of zeros is a zip bomb", "f.xlsx", zipBomb200MB(t), "zip_bomb"},
		{"more than 1 GiB inflated is a zip bomb", "f.xlsx", zipClaiming(t, map[string]uint64{
			"xl/worksheets/sheet1.xml": 600 << 20, "xl/worksheets/sheet2.xml": 600 << 20}), "zip_bomb"},
		{"too many parts is a zip bomb", "f.xlsx", archiveOf(t, manyParts), "zip_bomb"},
		{"zip without xl/workbook.xml", "f.xlsx", archiveOf(t, map[string]string{"word/document.xml": "<w/>", "[Content_Types].xml": "<Types/>"}), "not_spreadsheet"},
		{"zip named csv is still checked", "f.csv", archiveOf(t, map[string]string{"a.txt": "a,b"}), "not_spreadsheet"},
		{"ole2 (xls or encrypted)", "f.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...), "not_spreadsheet"},
		{"ole2 named csv", "f.csv", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, "not_spreadsheet"},
		{"pdf", "f.xlsx", []byte("%PDF-1.7\n"), "not_spreadsheet"},
		{"text named xlsx", "f.xlsx", []byte("载体编号,年度\n"), "damaged"},
		{"text named parquet", "f.parquet", []byte("载体编号,年度\n"), "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, _, _, fe := open(context.Background(), nil, tt.path, tt.path, tt.data)
			if tab != nil {
				tab.Close()
			}
			if fe == nil || fe.Rule != tt.rule {
				t.Fatalf("open(%s) = %v; want rule %s", tt.path, fe, tt.rule)
			}
			if fe.ZH == "" || fe.EN == "" || fe.Path != tt.path {
				t.Fatalf("rejection without a message or path: %+v", fe)
			}
		})
	}
	t.Run("valid workbook passes", func(t *testing.T) {
		if _, fe := checkZip("f.xlsx", workbook); fe != nil {
			t.Fatalf("checkZip(valid workbook) = %v", fe)
		}
	})
}

func TestRowNumbersAreTheSpreadsheets(t *testing.T) {
	header := "载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收,知识产权授权数,获得投融资金额,获投融资企业数\n"
	data := func(id string) string { return id + ",2025,3,2025-10-10,1,1,0,0,0,0,0,0,1,0,0,0,0\n" }
	tests := []struct {
		name string
		csv  string
		want []int
	}{
		{"plain", header + data("A") + data("B"), []int{2, 3}},
		// encoding/csv skips empty lines; a spreadsheet shows them as rows.
		{"title row and blank lines", "2025年第三季度季度报表\n\n" + header + data("A") + "\n\n" + data("B"), []int{4, 7}},
		{"blank row of separators", header + ",,,\n" + data("A"), []int{3}},
		{"crlf and blank lines", strings.ReplaceAll(header+"\n"+data("A")+data("B"), "\n", "\r\n"), []int{3, 4}},
		// A quoted cell with line breaks is one spreadsheet row.
		{"multi-line first cell", header + "\"A\nx\",2025,3,2025-10-10,1,1,0,0,0,0,0,0,1,0,0,0,0\n\n" + data("B"), []int{2, 4}},
		{"multi-line last cell", strings.TrimSuffix(header, "\n") + ",备注\n" + strings.TrimSuffix(data("A"), "\n") + ",\"a\n\nb\"\n" + data("B"), []int{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows, err := ReadAll(context.Background(), nil, "f.csv", []byte(tt.csv), "", seedToday)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, r := range rows {
				got = append(got, r.RowNo)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("row numbers %v; want %v", got, tt.want)
			}
		})
	}
	t.Run("xlsx with gaps", func(t *testing.T) {
		_, rows, err := ReadAll(context.Background(), nil, "f.xlsx", seedWorkbook(t), "", seedToday)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, r := range rows {
			got = append(got, r.RowNo)
		}
		if !slices.Equal(got, seedWorkbookRows) {
			t.Fatalf("row numbers %v; want %v", got, seedWorkbookRows)
		}
	})
}

func TestBilingualMoneyHeaderTakesTheNamedUnit(t *testing.T) {
	tests := []struct {
		cell   string
		factor float64
		ok     bool
	}{
		{"在孵企业营收\nrevenue_kyuan", 0.1, true},
		{"revenue_yuan\n在孵企业营收", 1e-4, true},
		{"在孵企业营收(万元)\nrevenue", 1, true},
		{"在孵企业营收(万元)\nrevenue_kyuan", 0, false}, // two units: match nothing
		{"在孵企业营收\nfinancing", 0, false},         // two columns: match nothing
	}
	for _, tt := range tests {
		m, ok := resolveHeader(Quarterly, tt.cell)
		if ok != tt.ok || (ok && m.factor != tt.factor) {
			t.Errorf("resolveHeader(%q) = %+v, %v; want factor %v, %v", tt.cell, m, ok, tt.factor, tt.ok)
		}
	}
}

func TestNumbersRejectHexAndSpecialValues(t *testing.T) {
	for _, s := range []string{"0x1p5", "Inf", "-Inf", "NaN", "1_000", "0x10"} {
		if f, ok := parseNumber(s); ok {
			t.Errorf("parseNumber(%q) = %v, want rejected", s, f)
		}
	}
}
