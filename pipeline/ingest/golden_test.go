package ingest_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
)

var (
	update   = flag.Bool("update", false, "rewrite testdata/golden/*/want.txt from the current output")
	fixtures = flag.Bool("fixtures", false, "rewrite the input files of testdata/golden (then run with -update)")
)

// TestGolden ingests each folder of testdata/golden and compares what was
// loaded, rejected and warned with want.txt; ingesting again changes nothing.
func TestGolden(t *testing.T) {
	if *fixtures {
		makeFixtures(t)
	}
	cases, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			st := mustOpen(t)
			inputs := filepath.Join(dir, "input")
			res := run(t, st, inputs)
			got := dump(t, st.DB)
			wantPath := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", wantPath, diff)
			}
			if res.Count(ingest.StatusRejected) != 0 {
				t.Errorf("a golden input was rejected whole: %+v", res.Files)
			}
			before, _ := st.TableCounts(context.Background())
			again := run(t, st, inputs)
			after, _ := st.TableCounts(context.Background())
			if again.Count(ingest.StatusDuplicate) != len(again.Files) {
				t.Errorf("re-ingest was not a no-op: %+v", again.Files)
			}
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("re-ingest changed the database (-before +after):\n%s", diff)
			}
		})
	}
}

// dump renders what a golden test compares, as CSV sections.
func dump(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []struct{ name, sql string }{
		{"ingest_log", "SELECT file_name, kind, format, encoding, sheets, rows_read, rows_accepted, rows_rejected, rows_warned, status, notes FROM ingest_log ORDER BY ingest_id"},
		{"carriers", "SELECT carrier_id, name, operator_uscc, operator_name, district, kind, track, level, recognized_on, founded_on, area_m2, service_area_m2, workstations, lease_end, staff, virtual, sheet, row_no FROM carriers ORDER BY carrier_id"},
		{"quarterly_report_revisions", "SELECT carrier_id, year, quarter, submitted_on, incubating, filed, new_entrants, graduated, exited, trainings, trainees, events, jobs, revenue, ip_granted, financing, financed, utilization, revision, is_winning, sheet, row_no FROM quarterly_report_revisions ORDER BY carrier_id, year, quarter, revision"},
		{"incidents", "SELECT carrier_id, occurred_on, type, note FROM incidents ORDER BY ALL"},
		{"deferrals", "SELECT carrier_id, year, reason FROM deferrals ORDER BY ALL"},
		{"rejects", "SELECT file_name, sheet, row_no, column_name, raw_value, rule, message_zh, message_en FROM rejects ORDER BY file_name, sheet, row_no, column_name, rule"},
		{"warnings", "SELECT file_name, sheet, row_no, column_name, raw_value, rule, message_en FROM warnings ORDER BY file_name, sheet, row_no, column_name"},
	} {
		fmt.Fprintf(&b, "== %s\n", q.name)
		rows, err := db.Query(q.sql)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		cols, _ := rows.Columns()
		w := csv.NewWriter(&b)
		w.Write(cols)
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			rec := make([]string, len(cols))
			for i, v := range vals {
				rec[i] = store.Text(v)
			}
			w.Write(rec)
		}
		rows.Close()
		w.Flush()
	}
	return b.String()
}

// ---- fixtures ---------------------------------------------------------------

func makeFixtures(t *testing.T) {
	t.Helper()
	write := func(path string, data []byte) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gbk := func(s string) []byte {
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// CSV, UTF-8: Chinese registry with a BOM; English quarterly headers
	// with units in the names; mixed date and quarter spellings; bad rows.
	write("testdata/golden/csv_utf8/input/registry.csv", append([]byte{0xEF, 0xBB, 0xBF}, registryCSV...))
	write("testdata/golden/csv_utf8/input/quarterly.csv", []byte(
		"carrier_id,Year,Quarter,submitted_on,incubating,filed,new_entrants,graduated,exited,trainings,trainees,events,jobs,revenue_kyuan,ip_granted,financing_yuan,financed,utilization,remark\n"+
			"LZ-ZC-0001,2025,Q1,2025/4/10,20,18,3,1,1,4,90,3,110,6000,2,1000000,2,0.85,\n"+
			"LZ-ZC-0001,2025,Q2,2025年7月12日,22,20,3,1,0,4,95,3,115,6200,2,0,0,86%,\n"+
			"LZ-ZC-0001,2025,第三季度,20251020,23,21,2,2,0,5,99,4,120,6500,3,500000.5,1,,late\n"+
			"LZ-FH-0001,2025,3,45940,45,40,5,2,1,6,150,5,220,16000,4,3000000,3,0.9,excel serial date\n"+
			"LZ-FH-0001,2025,2,2025-07-01,45,50,5,2,1,6,150,5,220,16000,4,3000000,3,0.9,filed>incubating\n"+
			",,,,,,,,,,,,,,,,,,\n"+
			"LZ-FH-0002,2025,2,2025-07-01,45,40,5,2,1,6,150,5,220,16000,4,3000000,3,0.9,unknown carrier\n"))
	write("testdata/golden/csv_utf8/input/incidents.csv", []byte("载体编号,发生日期,类型,说明\nLZ-ZC-0001,2025-03-01,列入经营异常名录,年报未按时公示\n"))
	write("testdata/golden/csv_utf8/input/deferrals.csv", []byte("carrier_id,year,reason\nLZ-FH-0001,2024,场地改造\n"))

	// CSV, UTF-8: keys repeated in a file, one occurrence with another
	// error (an invalid number, an unknown carrier, a blank required
	// cell): every occurrence is rejected duplicate_key. Keys are compared
	// as read (full-width carrier_id, 第二季度 = Q2, 列入经营异常名录 =
	// abnormal_operation_list); a row whose key cell is invalid (a year
	// that is not one) has no key and is no row's twin.
	write("testdata/golden/csv_duplicates/input/registry.csv", []byte(registryCSV+
		"LZ-ZC-0901,城关双创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2020-05-01,,abc,800,120,,8,否\n"+
		"LZ-ZC-0901,城关双创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2020-05-01,,1200,800,120,,8,否\n"+
		"ＬＺ－ＺＣ－０９０２,,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2020-05-01,,1200,800,120,,8,否\n"+
		"LZ-ZC-0902,安宁双创空间,911100001000128855,兰州青创科技有限公司,安宁区,众创空间,综合,市级,2020-05-01,,1200,800,120,,8,否\n"))
	write("testdata/golden/csv_duplicates/input/quarterly.csv", []byte(quarterlyHeader+
		qrow(nil)+
		qrow(map[int]string{4: "x"})+
		qrow(map[int]string{0: "LZ-FH-0001", 2: "Q2", 3: "2025-07-10"})+
		qrow(map[int]string{0: "LZ-FH-0001", 2: "第二季度", 3: "2025-07-11"})+
		qrow(map[int]string{0: "LZ-FH-0001"})+
		qrow(map[int]string{0: "LZ-FH-0001", 1: "今年"})+
		qrow(map[int]string{0: "LZ-XX-0001"})+
		qrow(map[int]string{0: "LZ-XX-0001", 5: "30"})))
	write("testdata/golden/csv_duplicates/input/incidents.csv", []byte("载体编号,发生日期,类型,说明\n"+
		"LZ-ZC-0001,2025-03-01,列入经营异常名录,年报未按时公示\n"+
		"LZ-ZC-0001,2025/3/1,abnormal_operation_list,\n"+
		"LZ-FH-0001,2025-04-01,major_accident,\n"))
	write("testdata/golden/csv_duplicates/input/deferrals.csv", []byte("carrier_id,year,reason\n"+
		"LZ-FH-0001,2024,场地改造\n"+
		"LZ-FH-0001,2024,\n"+
		"LZ-FH-0001,1999,太早\n"+
		"LZ-ZC-0001,2025,场地改造\n"))

	// CSV, GBK: full-width brackets in headers, a title row, 是/否.
	write("testdata/golden/csv_gbk/input/名录.csv", gbk("兰州市双创载体名录\n"+strings.ReplaceAll(registryHeader, "(平方米)", "（平方米）")+
		"LZ-SC-0001,西固双创中心,911100001000128855,兰州青创科技有限公司,西固区,双创中心,综合,国家级,2017年1月5日,,3000,2000,200,,12,否\n"))
	write("testdata/golden/csv_gbk/input/西固区季度报表.csv", gbk("2025年季度报表\n"+strings.ReplaceAll(quarterlyHeader, "(万元)", "（万元）")+
		"LZ-SC-0001,2024,4,2025-01-14,60,55,6,3,2,8,220,6,400,2600,5,400,3,88%\n"+
		"LZ-SC-0001,2025,1,2025-04-30,61,55,6,3,2,8,220,6,400,2600,5,400,3,88%\n"+
		"LZ-SC-0001,2025,2,2025-07-15,400,55,6,3,2,8,220,6,400,2600,5,400,3,88%\n"))

	// XLSX: title rows, two yearly sheets, an instructions sheet, date
	// cells, a gap of blank rows, an extra column and a totals row.
	{
		f := excelize.NewFile()
		reg := "名录"
		f.SetSheetName("Sheet1", reg)
		f.SetCellValue(reg, "A1", "兰州市双创载体名录")
		f.SetCellValue(reg, "A2", "（截至2025年9月30日）")
		hdr := strings.Split(strings.TrimSpace(registryHeader), ",")
		f.SetSheetRow(reg, "A3", &hdr)
		dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		rows := [][]any{
			{"LZ-JD-0001", "榆中县创业就业孵化示范基地", usccB, "榆中创业服务中心", "榆中县", "创业就业孵化示范基地", "综合", "省级", time.Date(2016, 8, 1, 0, 0, 0, 0, time.UTC), nil, 8000, 6000, 500, time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC), 20, "否"},
			{"LZ-ZC-0002", "高新区专业众创空间", usccA, "兰州青创科技有限公司", "兰州高新区", "众创空间", "专业", "市级", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), nil, 600, 700, 60, nil, 4, "是"},
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, 4+i)
			f.SetSheetRow(reg, cell, &r)
		}
		f.SetCellStyle(reg, "I4", "I5", dateStyle)
		f.SetCellStyle(reg, "N4", "N5", dateStyle)
		for _, y := range []int{2024, 2025} {
			sh := fmt.Sprintf("%d年", y)
			f.NewSheet(sh)
			f.SetCellValue(sh, "A1", fmt.Sprintf("%d年季度报表", y))
			qh := append(strings.Split(strings.TrimSpace(quarterlyHeader), ","), "备注")
			f.SetSheetRow(sh, "A2", &qh)
			r := 3
			for q := 1; q <= 4; q++ {
				end := time.Date(y, time.Month(q*3)+1, 0, 0, 0, 0, 0, time.UTC)
				if end.After(today) {
					continue
				}
				row := []any{"LZ-JD-0001", y, fmt.Sprintf("第%s季度", []string{"一", "二", "三", "四"}[q-1]), end.AddDate(0, 0, 10),
					40 + q, 35, 4, 1, 1, 5, 120, 3, 300, 1500.25, 2, 200, 1, 0.8 + float64(q)/100, ""}
				cell, _ := excelize.CoordinatesToCellName(1, r)
				f.SetSheetRow(sh, cell, &row)
				f.SetCellStyle(sh, fmt.Sprintf("D%d", r), fmt.Sprintf("D%d", r), dateStyle)
				r++
			}
			r += 2 // blank rows are not rows
			bad := []any{"LZ-JD-0001", y, "Q5", "2025-01-01", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "", "quarter 5"}
			cell, _ := excelize.CoordinatesToCellName(1, r)
			f.SetSheetRow(sh, cell, &bad)
			total := []any{"合计", nil, nil, nil, 170}
			cell, _ = excelize.CoordinatesToCellName(1, r+1)
			f.SetSheetRow(sh, cell, &total)
		}
		f.NewSheet("填表说明")
		f.SetCellValue("填表说明", "A1", "本表按季度填报，金额单位为万元。")
		// The registry sheet goes to its own workbook: one kind per file.
		rf := excelize.NewFile()
		rf.SetSheetName("Sheet1", reg)
		rf.SetCellValue(reg, "A1", "兰州市双创载体名录")
		rf.SetCellValue(reg, "A2", "（截至2025年9月30日）")
		rf.SetSheetRow(reg, "A3", &hdr)
		rds, _ := rf.NewStyle(&excelize.Style{NumFmt: 14})
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, 4+i)
			rf.SetSheetRow(reg, cell, &r)
		}
		rf.SetCellStyle(reg, "I4", "I5", rds)
		rf.SetCellStyle(reg, "N4", "N5", rds)
		f.DeleteSheet(reg)
		for name, wb := range map[string]*excelize.File{"名录.xlsx": rf, "季度报表.xlsx": f} {
			var buf strings.Builder
			if _, err := wb.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			write("testdata/golden/xlsx_zh/input/"+name, []byte(buf.String()))
		}
	}

	// Parquet: typed columns (DATE, INTEGER, DOUBLE) with English names.
	{
		st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "fx.duckdb"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		abs, _ := filepath.Abs("testdata/golden/parquet/input")
		os.MkdirAll(abs, 0o755)
		for _, q := range []string{
			`COPY (SELECT 'LZ-FH-0003' AS carrier_id, '安宁科技企业孵化器' AS name, '` + usccB + `' AS operator_uscc, '安宁孵化有限公司' AS operator_name,
			   '安宁区' AS district, 'incubator' AS kind, 'specialized' AS track, 'national' AS level, DATE '2015-05-20' AS recognized_on,
			   DATE '2010-01-01' AS founded_on, 9000.0 AS area_m2, 7000.5 AS service_area_m2, 800 AS workstations, NULL::DATE AS lease_end, 30 AS staff, false AS virtual)
			 TO '` + abs + `/registry.parquet' (FORMAT PARQUET)`,
			`COPY (SELECT 'LZ-FH-0003' AS carrier_id, 2025 AS year, q AS quarter, (make_date(2025, q*3, 1) + INTERVAL 1 MONTH + INTERVAL 5 DAY)::DATE AS submitted_on,
			   60 + q AS incubating, 55 AS filed, 6 AS new_entrants, 2 AS graduated, 1 AS exited, 7 AS trainings, 200 AS trainees, 5 AS events,
			   420 AS jobs, 2600.5 * q AS revenue, 3 AS ip_granted, CASE WHEN q = 3 THEN -1 ELSE 400 END AS financing, 2 AS financed, 0.9 AS utilization
			 FROM range(1, 4) t(q)) TO '` + abs + `/quarterly.parquet' (FORMAT PARQUET)`,
		} {
			if _, err := st.DB.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
	}
	_ = sort.Strings
}
