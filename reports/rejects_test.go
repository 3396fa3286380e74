package reports_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

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
	if rows[2][0] != "文件\nFile" || rows[2][6] != "问题及修改方法\nProblem and how to fix it (Chinese)" {
		t.Fatalf("header %q", rows[2])
	}
	for _, r := range rows[3:] {
		if r[0] != "incidents.csv" || r[6] == "" || r[7] == "" {
			t.Fatalf("issue row %q lacks file or messages", r)
		}
		if _, err := strconv.Atoi(r[2]); err != nil {
			t.Fatalf("row number %q", r[2])
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
