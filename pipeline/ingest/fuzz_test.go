package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/incubeval/incubeval/pipeline/idcard"
	"github.com/incubeval/incubeval/pipeline/uscc"
	"github.com/marcboeker/go-duckdb"
	"github.com/xuri/excelize/v2"
)

// The fuzz targets feed arbitrary bytes through ReadAll and check the
// promises of SPEC §3.5: a file is either rejected whole with a message, or
// every row read comes back, accepted with typed values or rejected with a
// reason a clerk can read. `go test -run Fuzz` runs the seeds (CI does);
// `go test -fuzz FuzzCSVReader -fuzztime 60s` explores. Seeds live in
// testdata/fuzz/<target>/; workbooks are built here with excelize.

var seedToday = time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)

// seedWorkbookRows are the spreadsheet row numbers of seedWorkbook's data rows.
var seedWorkbookRows = []int{4, 6, 7}

// seedWorkbook is a small quarterly workbook as a clerk sends it: a title
// row, a gap, a bilingual header with a money unit, a real date cell, a
// rejected row, and a second sheet of notes without a header.
func seedWorkbook(tb testing.TB) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	const sheet = "季度报表"
	must(f.SetSheetName("Sheet1", sheet))
	must(f.SetSheetRow(sheet, "A1", &[]any{"2025年第三季度季度报表"}))
	must(f.SetSheetRow(sheet, "A3", &[]any{"载体编号\ncarrier_id", "年度", "季度", "报送日期", "在孵企业（团队）数", "已备案在孵企业数",
		"新入孵企业数", "毕业企业数", "退出企业数", "培训辅导次数", "培训人次", "创业活动次数", "在孵企业从业人数",
		"在孵企业营收（千元）", "知识产权授权数", "获得投融资金额(万元)", "获投融资企业数", "场地使用率", "备注"}))
	must(f.SetSheetRow(sheet, "A4", &[]any{"LZ-001", 2025, 3, time.Date(2025, 10, 9, 0, 0, 0, 0, time.UTC),
		30, 25, 3, 1, 0, 4, 120, 3, 210, 1500.5, 2, 80, 1, 0.85, "按时"}))
	must(f.SetSheetRow(sheet, "A6", &[]any{"LZ-002", "2025", "第三季度", "2025/10/12",
		"12", "12", "1", "0", "1", "2", "40", "1", "60", "300", "0", "0", "0", "60%"}))
	// Filed above incubating: rejected.
	must(f.SetSheetRow(sheet, "A7", &[]any{"LZ-003", 2025, "Q3", "20251016",
		10, 11, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, nil, "备案数有误"}))
	if _, err := f.NewSheet("说明"); err != nil {
		tb.Fatal(err)
	}
	must(f.SetSheetRow("说明", "A1", &[]any{"填报说明：金额单位见表头"}))
	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

// seedRegistryWorkbook has English headers and a registry row per level.
func seedRegistryWorkbook(tb testing.TB) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"carrier_id", "name", "operator_uscc", "operator_name", "district", "kind", "track", "level", "recognized_on", "area_m2", "service_area_m2", "virtual"},
		{"LZ-001", "兰州创客空间", "91350100M000100Y43", "兰州某科技有限公司", "城关区", "众创空间", "综合", "市级", "2023-05-01", 1200, 800, "否"},
		{"LZ-002", "黄河孵化器", "911100001000128855", "某公司", "七里河区", "incubator", "specialized", "国家级", 45000, "", "", "Y"},
		{"LZ-003", "bad", "91350100M000100Y44", "x", "西固区", "other", "综合", "省级", "2099-01-01", 10, 20, "maybe"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			tb.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// seedWorkbookShapes is a quarterly workbook written by another program:
// a valid row, a row with a value beyond the header's last column, and a
// row whose carrier id is longer than Excel allows in a cell (excelize
// would not write one, so the sheet's XML is written here).
func seedWorkbookShapes(tb testing.TB) []byte {
	tb.Helper()
	parts, order := unzipParts(tb, seedWorkbook(tb))
	var x strings.Builder
	x.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := func(n int, cells ...string) {
		fmt.Fprintf(&x, `<row r="%d">`, n)
		for i, c := range cells {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if c != "" {
				fmt.Fprintf(&x, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, col, n, html.EscapeString(c))
			}
		}
		x.WriteString(`</row>`)
	}
	var header []string
	for _, c := range Specs[Quarterly].Columns {
		header = append(header, c.ZH)
	}
	good := strings.Split("LZ-001,2025,3,2025-10-10,20,18,3,1,1,4,90,3,110,600,2,100,2,0.85", ",")
	row(1, header...)
	row(2, good...)
	row(3, append(slices.Clone(good[:17]), "0.85", "", "0.9")...)
	row(4, append([]string{strings.Repeat("L", 40000)}, good[1:]...)...)
	x.WriteString(`</sheetData></worksheet>`)
	parts["xl/worksheets/sheet1.xml"] = []byte(x.String())
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(parts[name])
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// knownFileRules are the FileError rules ReadAll may give (issues.go).
var knownFileRules = []string{"not_spreadsheet", "damaged", "zip_bomb", "encoding", "unclosed_quote", "unknown_header", "missing_columns", "duplicate_column", "empty", "no_rows"}

// checkRead asserts what ReadAll promises for any input.
func checkRead(t *testing.T, info *fileInfo, rows []*Row, err error) {
	t.Helper()
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Fatalf("ReadAll returned %T %v; want a *FileError", err, err)
		}
		if !slices.Contains(knownFileRules, fe.Rule) || fe.ZH == "" || fe.EN == "" {
			t.Fatalf("file rejected without a known rule and a message in both languages: %+v", fe)
		}
		if info != nil || rows != nil {
			t.Fatalf("rejected file still returned rows: %+v %d", info, len(rows))
		}
		return
	}
	spec := Specs[info.Kind]
	if spec == nil {
		t.Fatalf("accepted file of unknown kind %q", info.Kind)
	}
	for _, n := range info.Notes {
		if len(n) > 4096 {
			t.Fatalf("a note of %d bytes: %.200s", len(n), n)
		}
	}
	if len(rows) != info.RowsRead || len(rows) == 0 {
		t.Fatalf("%d rows returned, %d read; want equal and > 0", len(rows), info.RowsRead)
	}
	last := map[string]int{}
	for _, r := range rows {
		if !slices.Contains(info.Sheets, r.Sheet) {
			t.Fatalf("row %d from sheet %q, not one of the loaded sheets %q", r.RowNo, r.Sheet, info.Sheets)
		}
		if prev, seen := last[r.Sheet]; r.RowNo < 1 || seen && r.RowNo <= prev {
			t.Fatalf("sheet %q: row %d follows row %d; want strictly increasing from 1", r.Sheet, r.RowNo, prev)
		}
		last[r.Sheet] = r.RowNo
		if len(r.Vals) != len(spec.Columns) {
			t.Fatalf("row %d has %d values for %d columns", r.RowNo, len(r.Vals), len(spec.Columns))
		}
		for _, is := range r.Errors {
			if is.Rule == "" || is.ZH == "" || is.EN == "" || is.Severity != "error" || is.Row != r.RowNo || is.Sheet != r.Sheet {
				t.Fatalf("row %d: issue without rule, message or place: %+v", r.RowNo, is)
			}
			// However long the cell, what an issue keeps is small.
			if n := utf8.RuneCountInString(is.Raw); n > MaxRawChars {
				t.Fatalf("row %d: an issue keeps a raw value of %d characters", r.RowNo, n)
			}
			if n := utf8.RuneCountInString(is.ZH) + utf8.RuneCountInString(is.EN); n > 4*MaxRawChars {
				t.Fatalf("row %d: messages of %d characters: %.200s", r.RowNo, n, is.EN)
			}
			// A lone CR is a line break: no CSV cell holds one.
			if info.Format == "csv" && strings.Contains(is.Raw, "\r") {
				t.Fatalf("row %d: a CR in the value %q", r.RowNo, is.Raw)
			}
		}
		if spec.personal() {
			// What ingest keeps of a nomination's issues holds no ID number.
			for _, is := range r.Errors {
				kept := spec.shield(is)
				for _, s := range []string{kept.Raw, kept.ZH, kept.EN, kept.Carrier, kept.District} {
					if idcard.Redact(s) != s {
						t.Fatalf("row %d: a reject keeps 17 digits in a row: %q", r.RowNo, s)
					}
				}
			}
		}
		if r.Rejected() {
			continue
		}
		for i, c := range spec.Columns {
			if r.Vals[i] == nil {
				if c.Required {
					t.Fatalf("accepted row %d has no value for required column %s", r.RowNo, c.Name)
				}
				continue
			}
			if msg := misfit(&c, info.Kind, r.Vals[i]); msg != "" {
				t.Fatalf("accepted row %d column %s = %#v: %s", r.RowNo, c.Name, r.Vals[i], msg)
			}
			if s, ok := r.Vals[i].(string); ok {
				if cellChars(s) > MaxCellChars {
					t.Fatalf("accepted row %d column %s holds %d characters, more than a cell", r.RowNo, c.Name, cellChars(s))
				}
				if info.Format == "csv" && strings.Contains(s, "\r") {
					t.Fatalf("accepted row %d column %s holds a CR: %q", r.RowNo, c.Name, s)
				}
			}
		}
	}
}

// misfit says what is wrong with an accepted value of a column, or "".
func misfit(c *Column, kind Kind, v any) string {
	switch c.Type {
	case tText:
		if s, ok := v.(string); !ok || strings.TrimSpace(s) == "" {
			return "want non-blank text"
		}
	case tUSCC:
		if s, ok := v.(string); !ok || uscc.Validate(s) != nil {
			return "want a valid USCC"
		}
	case tEnum:
		s, _ := v.(string)
		if !slices.ContainsFunc(c.Enum, func(e enumValue) bool { return e.Code == s }) {
			return "want an enum code"
		}
	case tInt:
		if n, ok := v.(int32); !ok || n < 0 {
			return "want int32 ≥ 0"
		}
	case tNumber, tMoney:
		if f, ok := v.(float64); !ok || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return "want a finite float64 ≥ 0"
		}
	case tRatio:
		if f, ok := v.(float64); !ok || !(f >= 0 && f <= 1) {
			return "want a float64 in 0–1"
		}
	case tDate:
		d, ok := v.(time.Time)
		if !ok || d.Year() < 1900 || d.Year() > 9999 || d.Location() != time.UTC || !d.Equal(d.Truncate(24*time.Hour)) {
			return "want a UTC date in 1900–9999"
		}
	case tBool:
		if _, ok := v.(bool); !ok {
			return "want bool"
		}
	case tYear:
		maxYear := int32(seedToday.Year())
		if kind == Deferrals {
			maxYear++
		}
		if y, ok := v.(int32); !ok || y < 2000 || y > maxYear {
			return "want a year in 2000–today"
		}
	case tQuarter:
		if q, ok := v.(int32); !ok || q < 1 || q > 4 {
			return "want a quarter 1–4"
		}
	case tCode:
		if s, ok := v.(string); !ok || !isCode(s) {
			return "want a code [a-z][a-z0-9_]*"
		}
	case tScore:
		if d, ok := v.(duckdb.Decimal); !ok || d.Scale != 2 || d.Value == nil || d.Value.Sign() < 0 || d.Value.Cmp(big.NewInt(10000)) > 0 {
			return "want a DECIMAL(5,2) in 0–100"
		}
	case tAmount:
		if d, ok := v.(duckdb.Decimal); !ok || d.Width != 18 || d.Scale != 6 || d.Value == nil || d.Value.Sign() < 0 || d.Value.Cmp(big.NewInt(1e17)) >= 0 {
			return "want a DECIMAL(18,6) in 0 … 10^11"
		}
	case tIDCard:
		if s, ok := v.(string); !ok || idcard.Check(s, seedToday) != nil {
			return "want a valid ID number"
		}
	case tName:
		if s, ok := v.(string); !ok || !slices.Contains(c.Names, s) {
			return "want one of the column's names"
		}
	default:
		return "unknown column type"
	}
	return ""
}

// readAllNoDB reads with no database, which only Parquet needs.
func readAllNoDB(t *testing.T, path string, data []byte) {
	if bytes.HasPrefix(data, []byte("PAR1")) {
		t.Skip("parquet needs a database")
	}
	info, rows, err := ReadAll(context.Background(), nil, path, data, "", seedToday)
	checkRead(t, info, rows, err)
}

func FuzzCSVReader(f *testing.F) {
	// Seeds: testdata/fuzz/FuzzCSVReader.
	f.Fuzz(func(t *testing.T, data []byte) { readAllNoDB(t, "f.csv", data) })
}

func FuzzXLSXReader(f *testing.F) {
	// More seeds (damaged and foreign files): testdata/fuzz/FuzzXLSXReader.
	f.Add(seedWorkbook(f))
	f.Add(seedRegistryWorkbook(f))
	f.Add(seedWorkbookShapes(f))
	f.Fuzz(func(t *testing.T, data []byte) { readAllNoDB(t, "f.xlsx", data) })
}

// FuzzXLSXSheetXML puts the bytes in place of the first worksheet of a valid
// workbook: mutated zips rarely pass their CRC, so this is how the fuzzer
// reaches excelize's sheet parser and the validator behind it.
func FuzzXLSXSheetXML(f *testing.F) {
	parts, order := unzipParts(f, seedWorkbook(f))
	const sheetPart = "xl/worksheets/sheet1.xml"
	f.Add(parts[sheetPart])
	shapes, _ := unzipParts(f, seedWorkbookShapes(f))
	f.Add(shapes[sheetPart])
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>载体编号</t></is></c><c r="B2" t="inlineStr"><is><t>年度</t></is></c><c r="C2" t="inlineStr"><is><t>原因</t></is></c></row>` +
		`<row r="9"><c r="A9" t="inlineStr"><is><t>LZ-9</t></is></c><c r="B9"><v>2026</v></c><c r="C9" t="s"><v>0</v></c></row>` +
		`</sheetData></worksheet>`))
	// Expert scores: a score as a number cell written to 17 digits.
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>carrier_id</t></is></c><c r="B1" t="inlineStr"><is><t>year</t></is></c><c r="C1" t="inlineStr"><is><t>item</t></is></c>` +
		`<c r="D1" t="inlineStr"><is><t>judge</t></is></c><c r="E1" t="inlineStr"><is><t>score</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>LZ-9</t></is></c><c r="B2"><v>2025</v></c><c r="C2" t="inlineStr"><is><t>service_quality</t></is></c>` +
		`<c r="D2" t="inlineStr"><is><t>专家甲</t></is></c><c r="E2"><v>87.450000000000003</v></c></row>` +
		`</sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, sheet []byte) {
		readAllNoDB(t, "f.xlsx", zipWithPart(t, parts, order, sheetPart, sheet))
	})
}

// zipWithPart packs parts in order (stored, not deflated), the part named
// part replaced by body.
func zipWithPart(tb testing.TB, parts map[string][]byte, order []string, part string, body []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			tb.Fatal(err)
		}
		b := parts[name]
		if name == part {
			b = body
		}
		if _, err := w.Write(b); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func unzipParts(tb testing.TB, data []byte) (map[string][]byte, []string) {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	parts := map[string][]byte{}
	var order []string
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		parts[zf.Name] = b
		order = append(order, zf.Name)
	}
	return parts, order
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-03-31", "2025/3/31", "2025.3.31", "2025年3月31日", "20250331", "45747", "45747.5",
		"60", "2025-03-31 10:00:00", "2025-03-31T08:00:00Z", "２０２５－０３－３１", "2025-02-30", "2025-13-45", "abc", "NaN", "1e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDate(s)
		if !ok {
			if !d.IsZero() {
				t.Fatalf("parseDate(%q) failed but returned %v", s, d)
			}
			return
		}
		if d.Year() < 1900 || d.Year() > 9999 || d.Location() != time.UTC || !d.Equal(d.Truncate(24*time.Hour)) {
			t.Fatalf("parseDate(%q) = %v; want a UTC date in 1900–9999", s, d)
		}
		back := d.Format("2006-01-02")
		if d2, ok := parseDate(back); !ok || !d2.Equal(d) {
			t.Fatalf("parseDate(%q) = %v, but parseDate(%q) = %v, %v", s, d, back, d2, ok)
		}
	})
}

// TestFuzzSeedsReachRowValidation keeps the seeds meaningful: the valid ones
// must get past the header to accepted and rejected rows, or the fuzzer
// would only ever explore the rejection of whole files.
func TestFuzzSeedsReachRowValidation(t *testing.T) {
	type want struct {
		kind               Kind
		accepted, rejected int
		enc                string
	}
	corpus := map[string]want{
		"FuzzCSVReader/quarterly_title_row": {Quarterly, 3, 2, "utf-8-bom"},
		"FuzzCSVReader/quarterly_gbk":       {Quarterly, 2, 1, "gb18030"},
		"FuzzCSVReader/registry":            {Registry, 2, 2, "utf-8"},
		"FuzzCSVReader/incidents_tsv":       {Incidents, 2, 1, "utf-8"},
		// Scores of 0–100 with at most two decimals, item codes as a rubric writes them.
		"FuzzCSVReader/expert_scores": {ExpertScores, 3, 4, "utf-8"},
		// Applications: dates, enums and declarations in every spelling,
		// optional ones blank; an impossible date, an unknown operator
		// type, a service area over the whole, a declaration left blank.
		"FuzzCSVReader/applications": {Applications, 3, 4, "utf-8"},
		// Nominations: ID numbers (a lower-case x, spaces, full-width),
		// titles, districts and categories in every spelling, revenue in
		// 元, scores to two decimals; a wrong check character, 30
		// February, an unknown district, a score of 100.01, a revenue of
		// three decimals, an unknown category.
		"FuzzCSVReader/nominations": {Nominations, 4, 6, "utf-8"},
		// A row with more than its header is rejected (extra_fields).
		"FuzzCSVReader/extra_field_thousands":     {Quarterly, 2, 1, "utf-8"},
		"FuzzCSVReader/extra_field_blank_tail":    {Quarterly, 1, 1, "utf-8"},
		"FuzzCSVReader/extra_field_padded_header": {Quarterly, 1, 1, "utf-8"},
		// A lone CR ends a row: four rows, not fewer.
		"FuzzCSVReader/lone_cr": {Quarterly, 4, 0, "utf-8"},
		// A cell over 32,767 characters is rejected (too_long).
		"FuzzCSVReader/long_cell": {Registry, 1, 1, "utf-8"},
		// Well-formed cells spanning lines, and quotes that take in no
		// line, are read; a quote that does take lines in rejects the
		// file (the seeds stray_quote_swallows_rows, unclosed_quote_*).
		"FuzzCSVReader/multiline_cell_wellformed": {Quarterly, 3, 0, "utf-8"},
	}
	check := func(t *testing.T, path string, data []byte, w want) {
		info, rows, err := ReadAll(context.Background(), nil, path, data, "", seedToday)
		checkRead(t, info, rows, err)
		if err != nil {
			t.Fatal(err)
		}
		acc, rej := 0, 0
		for _, r := range rows {
			if r.Rejected() {
				rej++
			} else {
				acc++
			}
		}
		if info.Kind != w.kind || acc != w.accepted || rej != w.rejected || info.Encoding != w.enc {
			for _, r := range rows {
				t.Log(r.RowNo, r.Errors)
			}
			t.Fatalf("%s: %s (%s), %d accepted, %d rejected; want %s (%s), %d, %d",
				path, info.Kind, info.Encoding, acc, rej, w.kind, w.enc, w.accepted, w.rejected)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(corpus)) {
		t.Run(name, func(t *testing.T) {
			data := readCorpusBytes(t, filepath.Join("testdata", "fuzz", name))
			check(t, "f.csv", data, corpus[name])
		})
	}
	t.Run("workbook", func(t *testing.T) { check(t, "f.xlsx", seedWorkbook(t), want{Quarterly, 2, 1, ""}) })
	t.Run("registry workbook", func(t *testing.T) { check(t, "f.xlsx", seedRegistryWorkbook(t), want{Registry, 2, 1, ""}) })
	t.Run("workbook with an extra and a long cell", func(t *testing.T) { check(t, "f.xlsx", seedWorkbookShapes(t), want{Quarterly, 1, 2, ""}) })
}

// readCorpusBytes reads a one-value []byte file of Go's fuzz corpus format.
func readCorpusBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutPrefix(string(b), "go test fuzz v1\n[]byte(")
	body, ok2 := strings.CutSuffix(strings.TrimSpace(body), ")")
	s, err := strconv.Unquote(body)
	if !ok || !ok2 || err != nil {
		t.Fatalf("%s is not a []byte corpus file: %v", path, err)
	}
	return []byte(s)
}
