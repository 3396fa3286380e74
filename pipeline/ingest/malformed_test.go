package ingest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

func zipOf(tb testing.TB, build func(w *zip.Writer)) string {
	tb.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	build(w)
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.String()
}

// TestMalformedFileRejectedWhole: each malformed file is rejected with one
// clear message, the database is unchanged by it, and a good file in the
// same batch still loads.
func TestMalformedFileRejectedWhole(t *testing.T) {
	goodXLSX, err := os.ReadFile("testdata/golden/xlsx_zh/input/季度报表.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rnd.UintN(256))
	}
	zeros := strings.Repeat("\x00", 300<<20)
	tests := []struct {
		name, file, content, rule string
	}{
		{"empty", "empty.csv", "", "empty"},
		{"header only", "header.csv", quarterlyHeader, "no_rows"},
		{"header only with title", "header.xlsx", "", "no_rows"}, // built below
		{"unknown header", "unknown.csv", "姓名,年龄\n张三,30\n", "unknown_header"},
		{"header below six title rows", "deep.csv", strings.Repeat("标题\n", 6) + quarterlyHeader + qrow(nil), "unknown_header"},
		{"missing required column", "missing.csv", strings.Replace(quarterlyHeader, ",报送日期", "", 1) + "LZ-ZC-0001,2025,3,1\n", "missing_columns"},
		{"binary garbage", "garbage.csv", string(garbage), "not_spreadsheet"},
		{"latin-1 text", "latin1.csv", "carrier_id,name\ncaf\xe9,\xe0 la carte\n", "encoding"},
		{"pdf", "report.csv", "%PDF-1.7\n...", "not_spreadsheet"},
		{"old xls", "old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 500), "not_spreadsheet"},
		{"renamed text as xlsx", "fake.xlsx", quarterlyHeader + qrow(nil), "damaged"},
		{"truncated xlsx", "cut.xlsx", string(goodXLSX[:len(goodXLSX)/2]), "damaged"},
		{"zip that is not a workbook", "doc.xlsx", zipOf(t, func(w *zip.Writer) {
			f, _ := w.Create("word/document.xml")
			f.Write([]byte("<w:document/>"))
		}), "not_spreadsheet"},
		{"zip bomb", "bomb.xlsx", zipOf(t, func(w *zip.Writer) {
			f, _ := w.Create("xl/workbook.xml")
			f.Write([]byte("<workbook/>"))
			f, _ = w.Create("xl/worksheets/sheet1.xml")
			f.Write([]byte(zeros))
		}), "zip_bomb"},
		{"zip declaring 5 GiB", "liar.xlsx", zipOf(t, func(w *zip.Writer) {
			f, _ := w.Create("xl/workbook.xml")
			f.Write([]byte("<workbook/>"))
			f, _ = w.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Store, CompressedSize64: 3, UncompressedSize64: 5 << 30})
			f.Write([]byte("abc"))
		}), "zip_bomb"},
		{"sheet XML cut off inside a row", "cutsheet.xlsx", truncatedSheet(t, goodXLSX), "damaged"},
		{"parquet extension, not parquet", "x.parquet", "carrier_id\nA\n", "damaged"},
		{"truncated parquet", "cut.parquet", "PAR1\x15\x04\x15\x10\x15", "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			dir := t.TempDir()
			bad := writeFile(t, dir, tt.file, tt.content)
			if tt.name == "header only with title" {
				if err := writeXLSX(bad, "2025年季度报表\n"+quarterlyHeader); err != nil {
					t.Fatal(err)
				}
			}
			good := writeFile(t, dir, "good.csv", quarterlyHeader+qrow(nil))
			before, err := st.TableCounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			res, err := ingest.Ingest(context.Background(), st, []string{bad}, ingest.Options{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Files) != 1 || res.Files[0].Status != ingest.StatusRejected {
				t.Fatalf("want the file rejected whole, got %+v", res.Files)
			}
			fe := res.Files[0].Err
			if fe.Rule != tt.rule || fe.ZH == "" || fe.EN == "" {
				t.Fatalf("want rule %s with messages, got %+v", tt.rule, fe)
			}
			checkRejectedWhole(t, st, before, res)
			// In a batch with a good file, the good one still loads.
			res = run(t, st, bad, good)
			if res.Count(ingest.StatusRejected) != 1 || res.Count(ingest.StatusLoaded) != 1 {
				t.Fatalf("batch: %+v", res.Files)
			}
		})
	}
}

// truncatedSheet rewrites a workbook with its first sheet's XML cut off in
// the middle of a row: the zip is intact (CRCs match), only the XML is not.
func truncatedSheet(t *testing.T, src []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	cut := false
	defer func() {
		if !cut {
			t.Fatal("the fixture has no sheet to cut")
		}
	}()
	return zipOf(t, func(w *zip.Writer) {
		for _, f := range zr.File {
			r, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(r)
			r.Close()
			data := b.Bytes()
			if f.Name == "xl/worksheets/sheet2.xml" { // the first sheet, 2024年
				cut = true
				i := bytes.Index(data, []byte("<row r=\"6\""))
				if i < 0 {
					t.Fatal("no row 6 in the sheet")
				}
				data = data[:i+40]
			}
			dst, _ := w.Create(f.Name)
			dst.Write(data)
		}
	})
}
