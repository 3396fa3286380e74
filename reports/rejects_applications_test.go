package reports_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// TestRejectsOfApplicationsPerDistrict: a rejected application goes back
// to its own district (the row's), by its application_id; one whose
// district is not known — blank, or a duplicated id — goes to its file's
// workbook, even when its id is a registered carrier's (an application's
// id names no carrier).
func TestRejectsOfApplicationsPerDistrict(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := filepath.Join(dir, "registry.csv")
	os.WriteFile(reg, []byte("载体编号,载体名称,运营主体统一社会信用代码,运营主体名称,区县,载体类型,类别,级别,认定日期\n"+
		"LZ-FH-0001,七里河科技企业孵化器,91350100M000100Y43,七里河孵化管理有限公司,七里河区,孵化器,专业,省级,2018-06-01\n"), 0o644)
	d := time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)
	ok := sample.MakerSpaceApplication("SQ-1", d)
	tooBig := sample.MakerSpaceApplication("SQ-2", d) // 城关区
	tooBig.ServiceArea = 900
	other := sample.MakerSpaceApplication("SQ-3", d)
	other.District, other.OperatorType = "安宁区", "个体户"
	blank := sample.MakerSpaceApplication("LZ-FH-0001", d) // a carrier's id, no district
	blank.District = ""
	twin := sample.MakerSpaceApplication("SQ-4", d)
	app := filepath.Join(dir, "认定申请.csv")
	os.WriteFile(app, sample.ApplicationsCSV(ok, tooBig, other, blank, twin, twin), 0o644)
	res, err := ingest.Ingest(ctx, st, []string{reg, app}, ingest.Options{Today: time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var appID int64
	for _, f := range res.Files {
		if f.Kind == ingest.Applications {
			appID = f.IngestID
			if f.Accepted != 1 || f.Rejected != 5 {
				t.Fatalf("applications: %+v", f)
			}
		}
	}
	files, err := reports.WriteRejectsBy(ctx, st.DB, res.BatchID, filepath.Join(dir, "out"), reports.RejectsByDistrict)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range files {
		got[filepath.Base(f.Path)] = workbookRows(t, f.Path)
	}
	want := map[string][]string{
		"退回清单-城关区.xlsx":                        {"认定申请.csv 3 办公及公共服务面积(平方米)"},
		"退回清单-安宁区.xlsx":                        {"认定申请.csv 4 运营主体类型"},
		"退回清单-文件" + itoa(appID) + "-认定申请.xlsx": {"认定申请.csv 5 区县", "认定申请.csv 6 申请编号", "认定申请.csv 7 申请编号"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("workbooks (-want +got):\n%s", diff)
	}
}
