package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/sample"
)

// readBothWays reads a workbook with the lean reader and through excelize.
// lean is nil when the lean reader declines; then only excelize's reading
// counts. When it reads the workbook, it must give what excelize gives:
// the same sheets, the same row numbers and the same cells.
func readBothWays(t *testing.T, data []byte) (lean bool) {
	t.Helper()
	zr, fe := checkZip("f.xlsx", data)
	if fe != nil {
		return false
	}
	lt := openLean(zr)
	if lt == nil {
		return false
	}
	et, fe := openExcelize(context.Background(), "f.xlsx", zr, len(data))
	if fe != nil {
		t.Fatalf("the lean reader read a workbook that excelize refuses: %s", fe.EN)
	}
	defer et.Close()
	if got, want := lt.Sheets(), et.Sheets(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q; excelize %q", got, want)
	}
	for _, sheet := range et.Sheets() {
		got, gerr := dumpRows(lt, sheet)
		want, werr := dumpRows(et, sheet)
		if werr != nil {
			t.Fatalf("sheet %q: the lean reader read it, excelize fails: %v", sheet, werr)
		}
		if gerr != nil {
			t.Fatalf("sheet %q: %v", sheet, gerr)
		}
		if got != want {
			t.Fatalf("sheet %q:\nlean:\n%s\nexcelize:\n%s", sheet, got, want)
		}
	}
	return true
}

func dumpRows(t table, sheet string) (string, error) {
	var b strings.Builder
	err := t.Rows(sheet, func(n int, cells []string) error {
		fmt.Fprintf(&b, "%d %q\n", n, cells)
		return nil
	})
	return b.String(), err
}

// workbookOf builds a package from parts in the given order.
func workbookOf(t *testing.T, parts [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withPart replaces (or adds, or with body "-" removes) one part of a workbook.
func withPart(t *testing.T, data []byte, name, body string) []byte {
	t.Helper()
	parts, order := unzipParts(t, data)
	var out [][2]string
	found := false
	for _, n := range order {
		if n == name {
			found = true
			if body == "-" {
				continue
			}
			out = append(out, [2]string{n, body})
			continue
		}
		out = append(out, [2]string{n, string(parts[n])})
	}
	if !found && body != "-" {
		out = append(out, [2]string{name, body})
	}
	return workbookOf(t, out)
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">` +
	`<dimension ref="A1:C9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>`

// TestLeanXLSXReadsAsExcelize: every workbook of the tests, the seeds and
// the benchmark's generator, and hand-made sheets of every kind of cell,
// read the same with the lean reader as through excelize; the ones the lean
// reader should read, it reads, and the unusual ones it leaves to excelize.
func TestLeanXLSXReadsAsExcelize(t *testing.T) {
	base := seedWorkbook(t)
	books := map[string][]byte{
		"seed":          base,
		"seed registry": seedRegistryWorkbook(t),
		"seed shapes":   seedWorkbookShapes(t),
		"by hand": workbookOf(t, [][2]string{
			{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`},
			{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
			{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="` + nsMain + `" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="季度 &amp; 报表" sheetId="1" r:id="rId1"/></sheets></workbook>`},
			{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>`},
			{"xl/worksheets/sheet1.xml", `<worksheet xmlns="` + nsMain + `"><sheetData><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>0</v></c></row></sheetData></worksheet>`},
			{"xl/sharedStrings.xml", `<sst xmlns="` + nsMain + `"><si><t>&lt;&gt;&quot;&apos;</t></si><si><t>LZ-1</t></si></sst>`},
		}),
	}
	for _, dir := range []string{"testdata/golden/xlsx_zh/input"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			books[f] = b
		}
	}
	dir := t.TempDir()
	gen, err := sample.QuarterXLSX(dir, 3, 2025, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range gen {
		if filepath.Ext(f) != ".xlsx" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		books["generated "+filepath.Base(f)] = b
	}
	corpus, _ := filepath.Glob("testdata/fuzz/FuzzXLSXReader/*")
	declines := map[string]bool{}
	for _, f := range corpus {
		books[f] = readCorpusBytes(t, f)
		declines[f] = true
	}
	sheet := func(rows string) []byte {
		return withPart(t, base, "xl/worksheets/sheet1.xml", sheetHead+`<sheetData>`+rows+`</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`)
	}
	lean := map[string]string{
		"every kind of cell": `<row r="1" spans="1:9" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" s="3"><v>45939</v></c><c r="C1" t="str"><f>A1&amp;"x"</f><v>cached &amp; text</v></c>` +
			`<c r="D1" t="b"><v>1</v></c><c r="E1" t="e"><v>#DIV/0!</v></c><c r="F1"><f>1/0</f></c><c r="G1" t="inlineStr"><is><t xml:space="preserve"> a&#x4E00;&#20013; </t></is></c>` +
			`<c r="H1" t="d"><v>2025-10-09T00:00:00Z</v></c><c r="J1" t="n"><v>1.5E-3</v></c><c r="K1" t="s"/><c r="L1" s="2"/><c r="M1" t="inlineStr"><is/></c><c r="N1" t="inlineStr"><v>x</v></c></row>` +
			`<row r="3"/><row r="4" hidden="1"><c r="C4"><v>  spaced  </v></c></row>` + "\n" + `<row r="7"><c r="XFD7"><v>far</v></c></row>`,
		"no rows":           ``,
		"formula, no value": `<row r="2"><c r="B2"><f t="shared" ref="B2:B3" si="0">A2</f></c></row><row r="3"><c r="B3"><f t="shared" si="0"/><v>3</v></c></row>`,
		"phonetic":          `<row r="1"><c r="A1" t="inlineStr"><is><t>载体</t><phoneticPr fontId="1" type="noConversion"/></is></c></row>`,
	}
	for name, rows := range lean {
		books[name] = sheet(rows)
	}
	decline := map[string]string{
		"rows out of order":      `<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>`,
		"row without number":     `<row><c r="A1"><v>1</v></c></row>`,
		"cell without reference": `<row r="1"><c><v>1</v></c></row>`,
		"cells out of order":     `<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>`,
		"cell of another row":    `<row r="1"><c r="A2"><v>1</v></c></row>`,
		"lower-case reference":   `<row r="1"><c r="a1"><v>1</v></c></row>`,
		"absolute reference":     `<row r="1"><c r="$A$1"><v>1</v></c></row>`,
		"string index too large": `<row r="1"><c r="A1" t="s"><v>999</v></c></row>`,
		"string index spaced":    `<row r="1"><c r="A1" t="s"><v> 0</v></c></row>`,
		"rich text":              `<row r="1"><c r="A1" t="inlineStr"><is><r><rPr><b/></rPr><t>a</t></r><r><t>b</t></r></is></c></row>`,
		"escaped CR":             `<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c></row>`,
		"two values":             `<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>`,
		"unknown entity":         `<row r="1"><c r="A1"><v>&nbsp;</v></c></row>`,
		"CDATA":                  `<row r="1"><c r="A1"><v><![CDATA[1]]></v></c></row>`,
		"comment":                `<!-- x --><row r="1"><c r="A1"><v>1</v></c></row>`,
		"mismatched end":         `<row r="1"><c r="A1"><v>1</c></v></row>`,
		"bad style":              `<row r="1"><c r="A1" s="x"><v>1</v></c></row>`,
		"prefixed row number":    `<row x:r="1"><c r="A1"><v>1</v></c></row>`,
		"too many rows":          `<row r="1048577"><c r="A1048577"><v>1</v></c></row>`,
		"element in a value":     `<row r="1"><c r="A1"><v>1<b/></v></c></row>`,
		"element in a row":       `<row r="1"><extLst/><c r="A1"><v>1</v></c></row>`,
		"bad formula flag":       `<row r="1"><c r="A1"><f ca="maybe">1</f><v>1</v></c></row>`,
	}
	for name, rows := range decline {
		books[name] = sheet(rows)
		declines[name] = true
	}
	books["row after sheetData"] = withPart(t, base, "xl/worksheets/sheet1.xml", sheetHead+`<sheetData/><foo><row r="1"/></foo></worksheet>`)
	declines["row after sheetData"] = true
	books["sheet cut off"] = withPart(t, base, "xl/worksheets/sheet1.xml", sheetHead+`<sheetData><row r="1"><c r="A1"><v>1</v></c></row>`)
	declines["sheet cut off"] = true
	books["CRLF"] = withPart(t, base, "xl/worksheets/sheet1.xml", strings.ReplaceAll(sheetHead, "\n", "\r\n")+`<sheetData/></worksheet>`)
	declines["CRLF"] = true
	books["no shared strings"] = withPart(t, books["every kind of cell"], "xl/sharedStrings.xml", "-")
	declines["no shared strings"] = true // A1 refers to a string that is not there
	{
		// A stored part whose bytes no longer match its checksum.
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		parts, order := unzipParts(t, base)
		for _, n := range order {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(parts[n])
		}
		zw.Close()
		b := buf.Bytes()
		i := bytes.Index(b, []byte("<v>"))
		b[i+3] ^= 1 // another digit: well-formed still
		books["checksum mismatch"] = b
		declines["checksum mismatch"] = true
	}
	books["strict namespace"] = withPart(t, base, "xl/worksheets/sheet1.xml", `<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><sheetData/></worksheet>`)
	declines["strict namespace"] = true
	books["unreferenced damaged sheet"] = withPart(t, base, "xl/worksheets/sheet9.xml", `<worksheet><sheetData>`)
	declines["unreferenced damaged sheet"] = true
	books["shared strings in a foreign namespace"] = withPart(t, base, "xl/sharedStrings.xml", `<sst xmlns="urn:x"><si><t>a</t></si></sst>`)
	declines["shared strings in a foreign namespace"] = true
	books["bad string count"] = withPart(t, base, "xl/sharedStrings.xml", `<sst xmlns="`+nsMain+`" count="many"><si><t>a</t></si></sst>`)
	declines["bad string count"] = true

	// The workbook's own parts: excelize interprets them, whatever they say.
	wb := func(sheets string) []byte {
		return withPart(t, base, "xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="`+nsMain+`" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`+sheets+`</sheets></workbook>`)
	}
	books["sheets in another order"] = wb(`<sheet name="备注" sheetId="2" r:id="rId5"/><sheet name="季度报表" sheetId="1" r:id="rId1" state="hidden"/>`)
	books["one part, two sheets"] = wb(`<sheet name="甲" sheetId="1" r:id="rId1"/><sheet name="乙" sheetId="2" r:id="rId1"/>`)
	books["sheet names equal but for case"] = wb(`<sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="DATA" sheetId="2" r:id="rId5"/>`)
	declines["sheet names equal but for case"] = true
	books["a sheet without a part"] = wb(`<sheet name="季度报表" sheetId="1" r:id="rId1"/><sheet name="x" sheetId="3" r:id="rId9"/>`)
	declines["a sheet without a part"] = true
	books["a bad sheet name"] = wb(`<sheet name="a/b" sheetId="1" r:id="rId1"/>`)
	declines["a bad sheet name"] = true
	books["no sheets"] = wb(``)
	books["bad sheet id"] = withPart(t, base, "xl/workbook.xml", `<workbook xmlns="`+nsMain+`" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="first" r:id="rId1"/></sheets></workbook>`)
	declines["bad sheet id"] = true
	books["workbook in a foreign namespace"] = withPart(t, base, "xl/workbook.xml", `<workbook xmlns="urn:x" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	declines["workbook in a foreign namespace"] = true
	books["damaged content types"] = withPart(t, base, "[Content_Types].xml", `<Types xmlns="urn:not-content-types"/>`)
	declines["damaged content types"] = true

	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range books {
			if !yield(k) {
				return
			}
		}
	}) {
		t.Run(name, func(t *testing.T) {
			got := readBothWays(t, books[name])
			if got == declines[name] {
				t.Errorf("lean reader read it: %v; want %v", got, !declines[name])
			}
		})
	}
}

// FuzzXLSXLean puts the bytes in place of the first worksheet, as
// FuzzXLSXSheetXML does, and checks that whatever the lean reader reads it
// reads as excelize does.
func FuzzXLSXLean(f *testing.F) {
	parts, order := unzipParts(f, seedWorkbook(f))
	const sheetPart = "xl/worksheets/sheet1.xml"
	f.Add(parts[sheetPart])
	shapes, _ := unzipParts(f, seedWorkbookShapes(f))
	f.Add(shapes[sheetPart])
	f.Add([]byte(sheetHead + `<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="str"><f>1</f><v>x</v></c></row>` +
		`<row r="3"><c r="B3" t="inlineStr"><is><t>a&amp;b</t><phoneticPr fontId="1"/></is></c><c r="D3"><f/></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, sheet []byte) {
		readBothWays(t, zipWithPart(t, parts, order, sheetPart, sheet))
	})
}

var _ = excelize.TotalRows
