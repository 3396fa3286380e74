package reports_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

func TestRejectsWorkbookMatchesView(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	csv := "载体编号,发生日期,类型,说明\nLZ-X-1,2025-01-01,major_accident,\nLZ-X-2,2025-13-01,火灾,\n"
	p := filepath.Join(dir, "incidents.csv")
	os.WriteFile(p, []byte(csv), 0o644)
	res, err := ingest.Ingest(ctx, st, []string{p}, ingest.Options{Today: time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out", "rejects.xlsx")
	n, err := reports.WriteRejects(ctx, st.DB, res.BatchID, out)
	if err != nil {
		t.Fatal(err)
	}
	var want int
	st.DB.QueryRow("SELECT count(*) FROM rejects WHERE batch_id = ?", res.BatchID).Scan(&want)
	// Row 2: unknown carrier; row 3: unknown carrier, bad date, bad type.
	if n != want || n != 4 {
		t.Fatalf("workbook has %d issues, view has %d, want 4", n, want)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "退回清单" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("退回清单")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3+n {
		t.Fatalf("%d rows, want title, note, header and %d issues", len(rows), n)
	}
	if rows[2][0] != "文件\nFile" || rows[2][3] != "列\nColumn" || rows[2][5] != "问题\nProblem" || rows[2][6] != "修改方法\nHow to fix it" || rows[2][8] != "规则代码\nRule code" {
		t.Fatalf("header %q", rows[2])
	}
	// A clerk reads the column as the template names it and the problem
	// in words; the codes follow for analysts, outside the print area.
	code := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^[a-z]+$`)
	var seen []string
	for _, r := range rows[3:] {
		if r[0] != "incidents.csv" || r[6] == "" || r[7] == "" {
			t.Fatalf("issue row %q lacks file or messages", r)
		}
		for j, v := range r[:8] {
			if j != 4 && code.MatchString(v) {
				t.Errorf("issue row %q shows the code %q in column %d where a clerk reads it", r, v, j+1)
			}
		}
		seen = append(seen, r[3]+"|"+r[5]+"|"+r[8]+"|"+r[9])
		if _, err := strconv.Atoi(r[2]); err != nil {
			t.Fatalf("row number %q", r[2])
		}
	}
	for _, w := range []string{"发生日期|不是有效日期\nNot a valid date|date|occurred_on", "载体编号|载体不在名录中\nCarrier not in the registry|unknown_carrier|carrier_id"} {
		if !slices.Contains(seen, w) {
			t.Errorf("no issue row reads %q: %q", w, seen)
		}
	}
	layout, err := f.GetPageLayout("退回清单")
	if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
		t.Fatalf("page layout %+v %v: want landscape, one page wide", layout, err)
	}
	// Same data, same cell values.
	out2 := filepath.Join(dir, "again.xlsx")
	if _, err := reports.WriteRejects(ctx, st.DB, res.BatchID, out2); err != nil {
		t.Fatal(err)
	}
	f2, _ := excelize.OpenFile(out2)
	defer f2.Close()
	rows2, _ := f2.GetRows("退回清单")
	for i := range rows {
		for j := range rows[i] {
			if rows[i][j] != rows2[i][j] {
				t.Fatalf("cell %d,%d differs between runs: %q vs %q", i, j, rows[i][j], rows2[i][j])
			}
		}
	}
}

// TestRejectsWorkbookSpillsOverSheets: more rejects than a sheet holds go
// on to further sheets, each with its headings, in order, none lost and no
// empty sheet; a value stored long ago unclipped is clipped in the cell.
func TestRejectsWorkbookSpillsOverSheets(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var csv strings.Builder
	csv.WriteString("载体编号,发生日期,类型,说明\n")
	for i := range 8 {
		fmt.Fprintf(&csv, "LZ-X-%d,2025-01-01,major_accident,\n", i) // unknown carrier: one issue each
	}
	p := filepath.Join(dir, "incidents.csv")
	os.WriteFile(p, []byte(csv.String()), 0o644)
	res, err := ingest.Ingest(ctx, st, []string{p}, ingest.Options{Today: time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.Exec(`UPDATE store.row_issues SET raw_value = repeat('兰', 100000) WHERE row_no = 9`); err != nil {
		t.Fatal(err)
	}
	read := func(path string) (names []string, rows [][]string) {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		names = f.GetSheetList()
		for _, name := range names {
			got, err := f.GetRows(name)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) < 4 || got[2][0] != "文件\nFile" {
				t.Fatalf("sheet %s has no headings: %q", name, got)
			}
			rows = append(rows, got[3:]...)
		}
		return names, rows
	}
	one := filepath.Join(dir, "one.xlsx")
	if n, err := reports.WriteRejects(ctx, st.DB, res.BatchID, one); err != nil || n != 8 {
		t.Fatalf("%d issues, %v", n, err)
	}
	_, all := read(one)
	for _, tt := range []struct {
		perSheet int
		sheets   []string
	}{
		{4, []string{"退回清单", "退回清单 (2)"}},
		{3, []string{"退回清单", "退回清单 (2)", "退回清单 (3)"}},
		{8, []string{"退回清单"}},
	} {
		t.Run(fmt.Sprint(tt.perSheet, " per sheet"), func(t *testing.T) {
			defer reports.SetRejectsSheetRows(tt.perSheet + 3)()
			path := filepath.Join(t.TempDir(), "rejects.xlsx")
			n, err := reports.WriteRejects(ctx, st.DB, res.BatchID, path)
			if err != nil || n != 8 {
				t.Fatalf("%d issues, %v", n, err)
			}
			names, rows := read(path)
			if !slices.Equal(names, tt.sheets) {
				t.Fatalf("sheets %q, want %q", names, tt.sheets)
			}
			if diff := cmp.Diff(all, rows); diff != "" {
				t.Fatalf("rows over several sheets differ from one sheet (-one +several):\n%s", diff)
			}
		})
	}
	last := all[len(all)-1]
	if last[2] != "9" || utf8.RuneCountInString(last[4]) > ingest.MaxRawChars || !strings.HasSuffix(last[4], "…[共 100000 字符 / 100000 characters in all]") {
		t.Fatalf("the long value was not clipped: row %s, %d characters", last[2], utf8.RuneCountInString(last[4]))
	}
}
