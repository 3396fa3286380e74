package reports_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// rejectsBatch ingests, in one batch, a registry with a rejected row (a bad
// USCC, in 安宁区), a quarterly file with a rejected row of a carrier of
// 城关区, one of 七里河区 and one of a carrier not in the registry, and a
// file rejected whole.
func rejectsBatch(t *testing.T) (*store.Store, *ingest.Result) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	files := map[string]string{
		"registry.csv": "载体编号,载体名称,运营主体统一社会信用代码,运营主体名称,区县,载体类型,类别,级别,认定日期\n" +
			"LZ-ZC-0001,兰州青创众创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31\n" +
			"LZ-FH-0001,七里河科技企业孵化器,91350100M000100Y43,七里河孵化管理有限公司,七里河区,孵化器,专业,省级,2018-06-01\n" +
			"LZ-ZC-0002,安宁众创空间,911100001000128856,安宁科技有限公司,安宁区,众创空间,综合,市级,2020-01-01\n",
		"季度报表.csv": "载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收(万元),知识产权授权数,获得投融资金额(万元),获投融资企业数\n" +
			"LZ-ZC-0001,2025,3,2025-10-10,20,28,3,1,1,4,90,3,110,600,2,100,2\n" + // filed > incubating
			"LZ-FH-0001,2025,3,2025-10-10,20,18,-3,1,1,4,90,3,110,600,2,100,2\n" + // negative
			"LZ-XX-0099,2025,3,2025-10-10,20,18,3,1,1,4,90,3,110,600,2,100,2\n" + // not in the registry
			"LZ-FH-0001,2025,2,2025-07-10,20,18,3,1,1,4,90,3,110,600,2,100,2\n", // loaded
		"broken.xlsx": "not a workbook",
	}
	var paths []string
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		paths = append(paths, p)
	}
	sort.Strings(paths)
	res, err := ingest.Ingest(ctx, st, paths, ingest.Options{Today: time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return st, res
}

// workbookRows reads the issue rows of a rejects workbook (below its three
// heading rows): file, row, column.
func workbookRows(t *testing.T, path string) []string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("退回清单")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows[3:] {
		for len(r) < 4 {
			r = append(r, "")
		}
		out = append(out, r[0]+" "+r[2]+" "+strings.ReplaceAll(r[3], "\n", " "))
	}
	return out
}

// TestRejectsWorkbookPerDistrictOrCarrier: asked, a batch's rejects go
// into one workbook per submitting district (or carrier), each holding
// only its own; rejects whose district is not known — a carrier not in the
// registry, a file rejected whole — go to a workbook per file; a registry
// row goes with its own district. Every reject is in exactly one workbook.
func TestRejectsWorkbookPerDistrictOrCarrier(t *testing.T) {
	st, res := rejectsBatch(t)
	ctx := context.Background()
	var ids = map[string]int64{}
	for _, f := range res.Files {
		ids[filepath.Base(f.Path)] = f.IngestID
	}
	tests := []struct {
		by   string
		want map[string][]string // workbook → its rows
	}{
		{reports.RejectsByDistrict, map[string][]string{
			"退回清单-城关区.xlsx":  {"季度报表.csv 2 已备案在孵企业数"},
			"退回清单-七里河区.xlsx": {"季度报表.csv 3 新入孵企业数"},
			"退回清单-安宁区.xlsx":  {"registry.csv 4 运营主体统一社会信用代码"},
			"退回清单-文件" + itoa(ids["季度报表.csv"]) + "-季度报表.xlsx":      {"季度报表.csv 4 载体编号"},
			"退回清单-文件" + itoa(ids["broken.xlsx"]) + "-broken.xlsx": {"broken.xlsx  整个文件 whole file"},
		}},
		{reports.RejectsByCarrier, map[string][]string{
			"退回清单-LZ-ZC-0001.xlsx": {"季度报表.csv 2 已备案在孵企业数"},
			"退回清单-LZ-FH-0001.xlsx": {"季度报表.csv 3 新入孵企业数"},
			"退回清单-LZ-ZC-0002.xlsx": {"registry.csv 4 运营主体统一社会信用代码"},
			"退回清单-文件" + itoa(ids["季度报表.csv"]) + "-季度报表.xlsx":      {"季度报表.csv 4 载体编号"},
			"退回清单-文件" + itoa(ids["broken.xlsx"]) + "-broken.xlsx": {"broken.xlsx  整个文件 whole file"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.by, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			files, err := reports.WriteRejectsBy(ctx, st.DB, res.BatchID, dir, tt.by)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			issues := 0
			for _, f := range files {
				got[filepath.Base(f.Path)] = workbookRows(t, f.Path)
				issues += f.Issues
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("workbooks (-want +got):\n%s", diff)
			}
			var total int
			st.DB.QueryRow("SELECT count(*) FROM rejects WHERE batch_id = ?", res.BatchID).Scan(&total)
			if issues != total {
				t.Fatalf("the workbooks hold %d issues, the batch has %d", issues, total)
			}
			left, _ := os.ReadDir(dir)
			if len(left) != len(files) {
				t.Fatalf("%d files in the folder, %d workbooks", len(left), len(files))
			}
		})
	}
	// The single workbook, the default, has the file rejected whole too.
	out := filepath.Join(t.TempDir(), "rejects.xlsx")
	if _, err := reports.WriteRejects(ctx, st.DB, res.BatchID, out); err != nil {
		t.Fatal(err)
	}
	if rows := workbookRows(t, out); len(rows) != 5 || !strings.Contains(strings.Join(rows, "\n"), "broken.xlsx  整个文件 whole file") {
		t.Fatalf("the batch's workbook: %q", rows)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
