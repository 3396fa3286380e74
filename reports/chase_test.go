package reports_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports"
)

// The chase list of a quarter names every carrier that owes the report and
// has not sent it, with operator and district; carriers delisted or
// revoked by the quarter's end, or recognized after it, owe nothing.
func TestChaseListNamesTheMissingCarriers(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "chase-2025Q3.xlsx")
	asOf := time.Date(2025, 10, 16, 0, 0, 0, 0, time.UTC)
	info, err := reports.WriteChase(ctx, st.DB, 2025, 3, asOf, out)
	if err != nil {
		t.Fatal(err)
	}
	// The sample's two carriers that stopped reporting (stories.go).
	if info.Missing != 2 || !info.DueOn.Equal(time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("info %+v", info)
	}
	var registered int
	st.DB.QueryRow("SELECT count(*) FROM carriers WHERE recognized_on <= DATE '2025-09-30'").Scan(&registered)
	if info.Due != registered {
		t.Fatalf("%d carriers owe 2025Q3, want every one recognized by then (%d): the delistings of 2025 take effect on 30 November", info.Due, registered)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "催报清单" || got[1] != "按区县汇总" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("催报清单")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[2][0] != "序号\nNo." || rows[2][7] != "统一社会信用代码\nUSCC" {
		t.Fatalf("rows %q", rows)
	}
	last := map[string]string{}
	for _, r := range rows[3:] {
		if r[6] == "" || r[7] == "" || r[1] == "" || r[9] != "1" {
			t.Errorf("row without operator, district or days overdue: %q", r)
		}
		last[r[2]] = r[8]
	}
	if last["LZ-ZC-0031"] != "2024年第三季度 2024 Q3" || last["LZ-JD-0020"] != "2024年第四季度 2024 Q4" {
		t.Fatalf("last reported %v", last)
	}
	sum, err := f.GetRows("按区县汇总")
	if err != nil {
		t.Fatal(err)
	}
	total := sum[len(sum)-1]
	if total[0] != "合计 Total" || total[3] != "2" {
		t.Fatalf("district totals %q", total)
	}

	// A year on, the carriers delisted or revoked on 30 November 2025 owe
	// nothing, and the ones recognized meanwhile are not yet due.
	due, missing, err := reports.CountMissing(ctx, st.DB, 2026, 1)
	if err != nil {
		t.Fatal(err)
	}
	var ended int
	st.DB.QueryRow(`SELECT count(DISTINCT carrier_id) FROM decisions WHERE action IN ('delist', 'revoke') AND effective_on <= DATE '2026-03-31'`).Scan(&ended)
	var recognized int
	st.DB.QueryRow("SELECT count(*) FROM carriers WHERE recognized_on <= DATE '2026-03-31'").Scan(&recognized)
	if ended == 0 || due != recognized-ended || missing != due {
		t.Fatalf("2026Q1: %d due, %d missing; %d recognized, %d delisted or revoked", due, missing, recognized, ended)
	}
}
