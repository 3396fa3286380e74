package ingest_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

// rawWorkbook builds a workbook from parts written by hand, every cell a
// string (shared, when shared is set, else inline): excelize will not write
// a cell longer than Excel allows, but a file made by another program can
// hold one.
func rawWorkbook(t *testing.T, rows [][]string, shared bool) []byte {
	t.Helper()
	return rawWorkbookSheet(t, rows, shared, "Sheet1")
}

// rawWorkbookSheet is rawWorkbook with the sheet's name.
func rawWorkbookSheet(t *testing.T, rows [][]string, shared bool, name string) []byte {
	t.Helper()
	var sheet, sst strings.Builder
	index := map[string]int{}
	var strs []string
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, row := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, v := range row {
			ref := fmt.Sprintf("%s%d", string(rune('A'+j%26)), i+1)
			if j >= 26 {
				ref = "A" + ref
			}
			if shared {
				k, ok := index[v]
				if !ok {
					k = len(strs)
					index[v] = k
					strs = append(strs, v)
				}
				fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, k)
			} else {
				fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, html.EscapeString(v))
			}
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(strs), len(strs))
	for _, v := range strs {
		fmt.Fprintf(&sst, `<si><t>%s</t></si>`, html.EscapeString(v))
	}
	sst.WriteString(`</sst>`)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + html.EscapeString(name) + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet.String()},
		{"xl/sharedStrings.xml", sst.String()},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// csvRows splits CSV-like test text (no quotes) into cells.
func csvRows(text string) [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		out = append(out, strings.Split(line, ","))
	}
	return out
}

// registryRow is the first registry row of registryCSV with cell i set to v.
func registryRow(i int, v string) string {
	cells := strings.Split(strings.SplitN(registryCSV, "\n", 3)[1], ",")
	cells[i] = v
	return strings.Join(cells, ",") + "\n"
}

// TestRuleTooLong: a cell of more than 32,767 characters (Excel's limit,
// counted as Excel does: UTF-16 units) is rejected in every format, under
// a column or not, with its value stored clipped; one of 32,767 loads whole.
func TestRuleTooLong(t *testing.T) {
	const limit = ingest.MaxCellChars
	han := func(n int) string { return strings.Repeat("兰", n) }
	tests := []struct {
		name, file string
		content    string // CSV text, or for .xlsx the rows of a hand-made workbook
		column     string // of the too_long reject, "" when accepted
		chars      int    // the long cell's length, as the marker gives it
	}{
		{"csv name of 32,768 characters", "r.csv", registryHeader + registryRow(1, han(limit+1)), "name", limit + 1},
		{"csv name of 32,767 characters loads", "r.csv", registryHeader + registryRow(1, han(limit)), "", 0},
		{"csv name of 17 million characters", "r.csv", registryHeader + registryRow(1, strings.Repeat("A", 17_000_000)), "name", 17_000_000},
		{"emoji count two", "r.csv", registryHeader + registryRow(1, strings.Repeat("😀", limit/2+1)), "name", limit/2 + 1},
		{"emoji within the limit load", "r.csv", registryHeader + registryRow(1, strings.Repeat("😀", limit/2)+"兰"), "", 0},
		{"an ignored column", "r.csv", strings.TrimSuffix(registryHeader, "\n") + ",备注\n" + strings.TrimSuffix(registryRow(1, "x"), "\n") + "," + han(limit+1) + "\n", "", limit + 1},
		{"an id that normalising makes too long", "r.csv", registryHeader + registryRow(0, strings.Repeat("㍿", 9000)), "carrier_id", 9000},
		{"workbook, inline", "r.xlsx", registryHeader + registryRow(1, han(40_000)), "name", 40_000},
		{"workbook, shared string in every row", "s.xlsx", registryHeader + registryRow(3, han(40_000)) + strings.Replace(registryRow(3, han(40_000)), "LZ-ZC-0001", "LZ-ZC-0002", 1), "operator_name", 40_000},
		{"parquet", "r.parquet", registryHeader + registryRow(1, han(40_000)), "name", 40_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			switch filepath.Ext(tt.file) {
			case ".xlsx":
				if err := os.WriteFile(path, rawWorkbook(t, csvRows(tt.content), tt.file == "s.xlsx"), 0o644); err != nil {
					t.Fatal(err)
				}
			case ".parquet":
				src := writeFile(t, dir, "src.csv", tt.content)
				if _, err := st.DB.Exec(fmt.Sprintf("COPY (SELECT * FROM read_csv('%s', all_varchar = true, max_line_size = 10000000)) TO '%s' (FORMAT parquet)", src, path)); err != nil {
					t.Fatal(err)
				}
			default:
				writeFile(t, dir, tt.file, tt.content)
			}
			res := run(t, st, path)
			f := res.Files[0]
			if f.Status == ingest.StatusRejected {
				t.Fatalf("rejected whole: %v", f.Err)
			}
			if tt.chars == 0 {
				var name string
				st.DB.QueryRow("SELECT name FROM carriers").Scan(&name)
				if f.Accepted != f.RowsRead || utf8.RuneCountInString(name) < limit/2 {
					t.Fatalf("want accepted whole, got %+v, name of %d characters", f, utf8.RuneCountInString(name))
				}
				return
			}
			if f.Rejected != f.RowsRead || f.Accepted != 0 {
				t.Fatalf("want every row rejected, got %+v", f)
			}
			rows, err := st.DB.Query(`SELECT coalesce(column_name, ''), rule, raw_value, message_zh, message_en FROM rejects WHERE ingest_id = ?`, f.IngestID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var col, rule, raw, zh, en string
				if err := rows.Scan(&col, &rule, &raw, &zh, &en); err != nil {
					t.Fatal(err)
				}
				if rule != "too_long" {
					continue
				}
				n++
				marker := fmt.Sprintf("…[共 %d 字符 / %d characters in all]", tt.chars, tt.chars)
				if col != tt.column || !strings.HasSuffix(raw, marker) || utf8.RuneCountInString(raw) > ingest.MaxRawChars ||
					!strings.Contains(en, "32767") || len(zh)+len(en) > 2000 {
					t.Fatalf("column %q, raw of %d characters ending %q, messages\n%s\n%s", col, utf8.RuneCountInString(raw), raw[max(0, len(raw)-80):], zh, en)
				}
				if tt.column == "" && !strings.Contains(en, `column Q (header "备注")`) {
					t.Fatalf("the ignored column is not named: %s", en)
				}
			}
			if n != f.Rejected {
				t.Fatalf("%d too_long rejects for %d rows", n, f.Rejected)
			}
		})
	}
}

// TestRejectsCannotBloat: however long a value, or however often a row is
// repeated, what is stored for a reject and a note is small: the raw value
// clipped to 1,000 characters with a marker, a message quoting at most a
// short part of it, a duplicate message naming at most ten rows.
func TestRejectsCannotBloat(t *testing.T) {
	long := strings.Repeat("9", 30000) + "x" // not a number, within the cell limit
	tests := []struct {
		name, file, content string
		rule                string
	}{
		{"a long value quoted by its message", "q.csv", quarterlyHeader + qrow(map[int]string{4: long}), "integer"},
		{"a long unknown carrier id", "q.csv", quarterlyHeader + qrow(map[int]string{0: long}), "unknown_carrier"},
		{"a long kind", "r.csv", registryHeader + registryRow(5, long), "enum"},
		{"a long header cell", "q.csv", strings.TrimSuffix(quarterlyHeader, "\n") + "," + long + "\n" + qrow(map[int]string{0: "NOPE"}), "unknown_carrier"},
		{"5,000 ignored columns", "q.csv", strings.TrimSuffix(quarterlyHeader, "\n") + strings.Repeat(",备注", 5000) + "\n" + qrow(map[int]string{0: "NOPE"}), "unknown_carrier"},
		{"3,000 copies of one row", "q.csv", quarterlyHeader + strings.Repeat(qrow(nil), 3000), "duplicate_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			res := run(t, st, writeFile(t, t.TempDir(), tt.file, tt.content))
			f := res.Files[0]
			var n, raw, msg int
			var notes string
			if err := st.DB.QueryRow(`SELECT count(*), max(length(coalesce(raw_value, ''))), max(length(message_zh) + length(message_en)),
				(SELECT coalesce(notes, '') FROM ingest_log WHERE ingest_id = ?) FROM rejects WHERE ingest_id = ? AND rule = ?`,
				f.IngestID, f.IngestID, tt.rule).Scan(&n, &raw, &msg, &notes); err != nil {
				t.Fatal(err)
			}
			if n == 0 || raw > ingest.MaxRawChars || msg > 800 || len(notes) > 1000 {
				t.Fatalf("%d %s rejects: raw up to %d characters, messages up to %d, notes %d bytes", n, tt.rule, raw, msg, len(notes))
			}
		})
	}
}

func TestClip(t *testing.T) {
	s := strings.Repeat("兰", 5000)
	c := ingest.Clip(s, ingest.MaxRawChars)
	if utf8.RuneCountInString(c) != ingest.MaxRawChars || !strings.HasSuffix(c, "…[共 5000 字符 / 5000 characters in all]") || !strings.HasPrefix(c, "兰兰兰") {
		t.Fatalf("%d characters: %q", utf8.RuneCountInString(c), c[len(c)-60:])
	}
	if ingest.Clip(c, ingest.MaxRawChars) != c || ingest.Clip("short", 10) != "short" {
		t.Fatal("clipping twice changed the value")
	}
}
