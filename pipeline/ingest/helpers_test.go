package ingest_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
)

// today anchors every test's "not in the future" rules.
var today = time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)

func mustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "t.duckdb"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func writeFile(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func run(tb testing.TB, st *store.Store, paths ...string) *ingest.Result {
	tb.Helper()
	res, err := ingest.Ingest(context.Background(), st, paths, ingest.Options{Today: today})
	if err != nil {
		tb.Fatal(err)
	}
	checkAccounting(tb, st, res)
	checkWinners(tb, st)
	return res
}

// checkAccounting asserts rows_read = rows_accepted + rows_rejected for
// every file, in the result and in the ingest_log view, and that the rows
// in the base tables and rejects agree with the log.
func checkAccounting(tb testing.TB, st *store.Store, res *ingest.Result) {
	tb.Helper()
	for _, f := range res.Files {
		if f.Accepted+f.Rejected != f.RowsRead {
			tb.Errorf("%s: %d read != %d accepted + %d rejected", f.Path, f.RowsRead, f.Accepted, f.Rejected)
		}
	}
	var bad int
	err := st.DB.QueryRow(`
		SELECT count(*) FROM ingest_log l
		LEFT JOIN (SELECT ingest_id, count(*) n FROM (` + acceptedRows() + `) GROUP BY 1) a USING (ingest_id)
		LEFT JOIN (SELECT ingest_id, count(DISTINCT (coalesce(sheet,''), row_no)) n FROM rejects WHERE row_no IS NOT NULL GROUP BY 1) r USING (ingest_id)
		LEFT JOIN (SELECT ingest_id, count(*) n FROM rejects WHERE row_no IS NULL GROUP BY 1) w USING (ingest_id)
		WHERE rows_read <> rows_accepted + rows_rejected
		   OR rows_accepted <> coalesce(a.n, 0) OR rows_rejected - rows_retried <> coalesce(r.n, 0)
		   OR (status = 'rejected') <> (coalesce(w.n, 0) = 1)
		   OR status = 'rejected' AND rows_read <> 0`).Scan(&bad)
	if err != nil {
		tb.Fatal(err)
	}
	if bad != 0 {
		tb.Errorf("%d ingest_log rows do not account for their rows", bad)
	}
	// Over the files, each row read once: accepted once, or still rejected.
	var files, rows int
	if err := st.DB.QueryRow(`SELECT coalesce(sum(rows_read) FILTER (WHERE retry_of IS NULL), 0),
		coalesce(sum(rows_accepted) + sum(rows_rejected - rows_retried), 0) FROM ingest_log`).Scan(&files, &rows); err != nil {
		tb.Fatal(err)
	}
	if files != rows {
		tb.Errorf("the files hold %d rows, but %d are accepted or still rejected", files, rows)
	}
}

// acceptedRows is a query of every row accepted, of every kind: its
// ingest_id, sheet and row_no.
func acceptedRows() string {
	var q []string
	for _, k := range ingest.Kinds {
		q = append(q, "SELECT ingest_id, sheet, row_no FROM "+ingest.Specs[k].Table)
	}
	return strings.Join(q, " UNION ALL ")
}

// checkRejectedWhole asserts that the files a batch rejected whole changed
// the database by their ingest_log row only (SPEC §10): status rejected,
// the rule and both messages, 0 read = 0 accepted + 0 rejected, and one
// line in rejects; every other table is as before.
func checkRejectedWhole(tb testing.TB, st *store.Store, before map[string]int64, res *ingest.Result) {
	tb.Helper()
	after, err := st.TableCounts(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	want := maps.Clone(before)
	want["store.ingests"] += int64(res.Count(ingest.StatusRejected))
	if diff := cmp.Diff(want, after); diff != "" {
		tb.Fatalf("a file rejected whole changed the database beyond its ingest_log row (-want +got):\n%s", diff)
	}
	for _, f := range res.Files {
		if f.Status != ingest.StatusRejected {
			continue
		}
		var status, rule, zh, en string
		var read, acc, rej, lines int
		err := st.DB.QueryRow(`SELECT status, rule, message_zh, message_en, rows_read, rows_accepted, rows_rejected,
			(SELECT count(*) FROM rejects r WHERE r.ingest_id = l.ingest_id AND r.row_no IS NULL AND r.rule = l.rule AND r.message_en = l.message_en)
			FROM ingest_log l WHERE ingest_id = ?`, f.IngestID).Scan(&status, &rule, &zh, &en, &read, &acc, &rej, &lines)
		if err != nil {
			tb.Fatalf("%s: no ingest_log row #%d: %v", f.Path, f.IngestID, err)
		}
		if status != ingest.StatusRejected || rule != f.Err.Rule || zh != f.Err.ZH || en != f.Err.EN || read != 0 || acc != 0 || rej != 0 || lines != 1 {
			tb.Fatalf("%s: ingest_log says %s %s %q %q %d = %d + %d, %d line(s) in rejects; want rejected %s with its messages, 0 = 0 + 0, 1 line",
				f.Path, status, rule, zh, en, read, acc, rej, lines, f.Err.Rule)
		}
	}
}

func count(tb testing.TB, st *store.Store, q string, args ...any) int {
	tb.Helper()
	var n int
	if err := st.DB.QueryRow(q, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

const registryHeader = "载体编号,载体名称,运营主体统一社会信用代码,运营主体名称,区县,载体类型,类别,级别,认定日期,运营主体成立日期,场地面积(平方米),办公及公共服务面积(平方米),工位数,租赁截止日期,管理服务人员数,虚拟空间\n"

// Valid codes (GB 32100 and GB 11714 checks both hold).
const (
	usccA = "911100001000128855"
	usccB = "91350100M000100Y43"
)

const registryCSV = registryHeader +
	"LZ-ZC-0001,兰州青创众创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31,2015-01-01,1200,800,120,2028-12-31,8,否\n" +
	"LZ-FH-0001,七里河科技企业孵化器,91350100M000100Y43,七里河孵化管理有限公司,七里河区,孵化器,专业,省级,2018/6/1,,5000,3000,300,,15,是\n"

const quarterlyHeader = "载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收(万元),知识产权授权数,获得投融资金额(万元),获投融资企业数,场地使用率\n"

// qrow is a valid quarterly row for LZ-ZC-0001, 2025 Q3, with overrides by
// column index (0 carrier_id … 17 utilization).
func qrow(over map[int]string) string {
	cells := strings.Split("LZ-ZC-0001,2025,3,2025-10-10,20,18,3,1,1,4,90,3,110,600,2,100,2,85%", ",")
	for i, v := range over {
		cells[i] = v
	}
	return strings.Join(cells, ",") + "\n"
}

// loadRegistry ingests the two-carrier registry into st.
func loadRegistry(tb testing.TB, st *store.Store) {
	tb.Helper()
	res := run(tb, st, writeFile(tb, tb.TempDir(), "registry.csv", registryCSV))
	if res.Files[0].Accepted != 2 {
		tb.Fatalf("registry: %+v", res.Files[0])
	}
}

type reject struct {
	Row          int
	Column, Rule string
}

func rejectsOf(tb testing.TB, st *store.Store, ingestID int64) []reject {
	tb.Helper()
	rows, err := st.DB.Query(`SELECT row_no, coalesce(column_name, ''), rule FROM rejects WHERE ingest_id = ? ORDER BY row_no, column_name, rule`, ingestID)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []reject
	for rows.Next() {
		var r reject
		if err := rows.Scan(&r.Row, &r.Column, &r.Rule); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// writeInput writes content into dir as name: as a workbook (writeXLSX)
// when name ends in .xlsx, else as it is. It returns the path.
func writeInput(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	if !strings.HasSuffix(name, ".xlsx") {
		return writeFile(tb, dir, name, content)
	}
	path := filepath.Join(dir, name)
	if err := writeXLSX(path, content); err != nil {
		tb.Fatal(err)
	}
	return path
}

// writeXLSX writes CSV-like text (comma-separated, one row per line) as the
// first sheet of a workbook, every cell as a string.
func writeXLSX(path, content string) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, line := range strings.Split(strings.TrimRight(content, "\n"), "\n") {
		cells := strings.Split(line, ",")
		vals := make([]any, len(cells))
		for j, c := range cells {
			vals[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}
