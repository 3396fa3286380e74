package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

// TestRuleExtraFields: a row holding more than its header is rejected
// (extra_fields) with the extra part as its value, never loaded shifted or
// truncated; rows padded like their header, and blank cells beyond the
// header of a workbook, are fine.
func TestRuleExtraFields(t *testing.T) {
	padded := strings.TrimSuffix(quarterlyHeader, "\n") + ",\n"
	tests := []struct {
		name, file, content string
		rows                int      // rows read
		rejects             []reject // of the batch
		raw                 string   // raw value of the extra_fields reject
		says                string   // in its English message
	}{
		{"unquoted thousands separator", "q.csv",
			quarterlyHeader + qrow(map[int]string{0: "LZ-FH-0001"}) + qrow(map[int]string{15: "1,000", 16: "0", 17: "0.85"}),
			2, []reject{{3, "", "extra_fields"}}, "0.85", "19 fields, 1 more than the header's 18"},
		{"thousands separator with the last column blank", "q.csv",
			quarterlyHeader + qrow(map[int]string{15: "1,000", 16: "0", 17: ""}),
			1, []reject{{2, "", "extra_fields"}}, "", "the extra fields are blank"},
		{"comma in a name", "r.csv",
			registryHeader + strings.Replace(strings.SplitN(registryCSV, "\n", 3)[1], "兰州青创众创空间", "兰州青创,众创空间", 1) + "\n",
			1, []reject{{2, "", "extra_fields"}}, "否", "a comma in a name without quotes"},
		{"quoted thousands separator is one field", "q.csv",
			quarterlyHeader + qrow(map[int]string{15: `"1,000"`, 16: "0", 17: "0.85"}),
			1, nil, "", ""},
		{"trailing comma on the header and every row (Excel's padding)", "q.csv",
			padded + strings.Replace(qrow(nil), "\n", ",\n", 1),
			1, nil, "", ""},
		{"trailing comma on a row only", "q.csv",
			quarterlyHeader + strings.Replace(qrow(nil), "\n", ",\n", 1),
			1, []reject{{2, "", "extra_fields"}}, "", "separator too many at the end of the line"},
		{"a value under the header's blank padding", "q.csv",
			padded + strings.Replace(qrow(nil), "\n", ",x\n", 1),
			1, []reject{{2, "", "extra_fields"}}, "x", "column S holds \"x\" but the header ends at column R"},
		{"fewer fields than the header", "q.csv",
			quarterlyHeader + strings.TrimSuffix(qrow(nil), ",85%\n") + "\n",
			1, nil, "", ""},
		{"a tab too many", "q.tsv",
			strings.ReplaceAll(quarterlyHeader+qrow(map[int]string{17: "0.85\t0.9"}), ",", "\t"),
			1, []reject{{2, "", "extra_fields"}}, "0.9", "a value holding a tab without quotes"},
		{"workbook: a value beyond the header's last column", "q.xlsx",
			quarterlyHeader + strings.Replace(qrow(nil), "\n", ",0.85\n", 1),
			1, []reject{{2, "", "extra_fields"}}, "0.85", "column S holds \"0.85\" but the header ends at column R"},
		{"workbook: a value two columns beyond", "q.xlsx",
			quarterlyHeader + strings.Replace(qrow(nil), "\n", ",,备注\n", 1),
			1, []reject{{2, "", "extra_fields"}}, ",备注", "column T holds \"备注\""},
		{"workbook: blank cells beyond the header", "q.xlsx",
			quarterlyHeader + strings.Replace(qrow(nil), "\n", ", ,\n", 1),
			1, nil, "", ""},
		{"workbook: a value under an ignored column", "q.xlsx",
			strings.TrimSuffix(quarterlyHeader, "\n") + ",备注\n" + strings.Replace(qrow(nil), "\n", ",按时报送\n", 1),
			1, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			path := writeInput(t, t.TempDir(), tt.file, tt.content)
			before, _ := st.TableCounts(context.Background())
			res := run(t, st, path)
			f := res.Files[0]
			if f.Status == ingest.StatusRejected || f.RowsRead != tt.rows {
				t.Fatalf("want %d rows read, got %+v %v", tt.rows, f, f.Err)
			}
			if diff := cmp.Diff(tt.rejects, rejectsOf(t, st, f.IngestID)); diff != "" {
				t.Fatalf("rejects (-want +got):\n%s", diff)
			}
			if tt.rejects == nil {
				return
			}
			var raw, zh, en string
			if err := st.DB.QueryRow(`SELECT coalesce(raw_value, ''), message_zh, message_en FROM rejects WHERE ingest_id = ? AND rule = 'extra_fields'`,
				f.IngestID).Scan(&raw, &zh, &en); err != nil {
				t.Fatal(err)
			}
			if raw != tt.raw || !strings.Contains(en, tt.says) || !strings.Contains(zh, "本行未导入") {
				t.Fatalf("raw %q, messages:\n%s\n%s\nwant raw %q and %q", raw, zh, en, tt.raw, tt.says)
			}
			// Nothing of a rejected row is loaded, shifted or not.
			after, _ := st.TableCounts(context.Background())
			grew := int64(0)
			for k, n := range after {
				if k != "store.ingests" && k != "store.row_issues" {
					grew += n - before[k]
				}
			}
			if grew != int64(f.Accepted) {
				t.Fatalf("%d rows stored for %d accepted:\n%v\n%v", grew, f.Accepted, before, after)
			}
		})
	}
}

// TestLoneCRIsALineBreak: a carriage return not followed by a line feed
// ends a row, as it does in a spreadsheet (old Mac files); every record is
// read, with the row number a spreadsheet shows, and the archived copy
// keeps the file's own bytes.
func TestLoneCRIsALineBreak(t *testing.T) {
	q := func(quarter, year string) string {
		return strings.TrimSuffix(qrow(map[int]string{1: year, 2: quarter}), "\n")
	}
	gbk := func(s string) string {
		b, err := simplifiedchinese.GB18030.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	head := strings.TrimSuffix(quarterlyHeader, "\n")
	tests := []struct {
		name, content string
		rows          []int // row numbers loaded
	}{
		{"one lone CR among CRLF lines", head + "\r\n" + q("1", "2025") + "\r\n" + q("2", "2025") + "\r" + q("3", "2025") + "\r\n" + q("4", "2024") + "\r\n",
			[]int{2, 3, 4, 5}},
		{"an old Mac file", head + "\r" + q("1", "2025") + "\r" + q("2", "2025") + "\r" + q("3", "2025") + "\r" + q("4", "2024") + "\r",
			[]int{2, 3, 4, 5}},
		{"CR CR LF is a blank row", head + "\r\n" + q("1", "2025") + "\r\r\n" + q("2", "2025") + "\r\n",
			[]int{2, 4}},
		{"LF lines with a lone CR, GB18030", gbk(head + "\n" + q("1", "2025") + "\r" + q("2", "2025") + "\n"),
			[]int{2, 3}},
		{"a lone CR in a quoted cell stays in the cell", head + "\n" + strings.Replace(q("1", "2025"), "LZ-ZC-0001", "\"LZ-ZC-\r0001\"", 1) + "\n" + q("2", "2025") + "\n",
			[]int{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			path := writeFile(t, t.TempDir(), "q.csv", tt.content)
			res := run(t, st, path)
			f := res.Files[0]
			if f.RowsRead != len(tt.rows) || f.Accepted != len(tt.rows) {
				t.Fatalf("want %d rows read and accepted, got %+v", len(tt.rows), f)
			}
			var got []int
			rows, err := st.DB.Query("SELECT row_no FROM quarterly_report_revisions ORDER BY row_no")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n int
				rows.Scan(&n)
				got = append(got, n)
			}
			rows.Close()
			if diff := cmp.Diff(tt.rows, got); diff != "" {
				t.Fatalf("row numbers (-want +got):\n%s", diff)
			}
			var archived string
			st.DB.QueryRow("SELECT archive_path FROM ingest_log WHERE ingest_id = ?", f.IngestID).Scan(&archived)
			b, err := os.ReadFile(filepath.Join(st.Dir(), archived))
			if err != nil || string(b) != tt.content {
				t.Fatalf("the archived copy differs from the file (%v)", err)
			}
		})
	}
}

// TestRuleDuplicateColumn: a header naming one field twice — by synonyms
// (在孵企业(团队)数 and 在孵企业数), in two languages, with two money units
// or by the same name — rejects the file whole (duplicate_column), naming
// the cells and the field: which one holds the official's figure cannot be
// known. Columns that are no field may repeat; they are ignored with a note.
func TestRuleDuplicateColumn(t *testing.T) {
	head := strings.TrimSuffix(quarterlyHeader, "\n")
	row := strings.TrimSuffix(qrow(nil), "\n")
	// withCol inserts a header cell and its value after column at (0-based).
	withCol := func(at int, name, value string) string {
		h, r := strings.Split(head, ","), strings.Split(row, ",")
		h = slices.Insert(h, at+1, name)
		r = slices.Insert(r, at+1, value)
		return strings.Join(h, ",") + "\n" + strings.Join(r, ",") + "\n"
	}
	tests := []struct {
		name, file, content string
		says                []string // in the messages; nil: loaded
	}{
		{"a synonym with another figure", "q.csv", withCol(4, "在孵企业数", "25"),
			[]string{"「在孵企业(团队)数」（E 列）和「在孵企业数」（F 列）都是「在孵企业(团队)数」incubating", `"在孵企业(团队)数" (column E) and "在孵企业数" (column F) both mean incubating`}},
		{"the same header twice", "q.csv", withCol(17, "载体编号", "LZ-FH-0001"),
			[]string{"「载体编号」（A 列）和「载体编号」（S 列）都是「载体编号」carrier_id"}},
		{"Chinese and English names of one field", "q.csv", withCol(0, "carrier_id", "LZ-ZC-0001"),
			[]string{"「载体编号」（A 列）和「carrier_id」（B 列）都是"}},
		{"two money units", "q.csv", withCol(13, "营收(千元)", "6000"),
			[]string{"「在孵企业营收(万元)」（N 列）和「营收(千元)」（O 列）都是「在孵企业营收」revenue"}},
		{"three cells for one field, two for another", "q.csv",
			strings.Replace(head, "年度,季度,", "年度,报告年度,年份,季度,报告季度,", 1) + "\n" +
				strings.Replace(row, "LZ-ZC-0001,2025,3,", "LZ-ZC-0001,2025,2025,2025,3,3,", 1) + "\n",
			[]string{"「年度」（B 列）、「报告年度」（C 列）和「年份」（D 列）都是「年度」year；「季度」（E 列）和「报告季度」（F 列）都是「季度」quarter",
				`"年度" (column B), "报告年度" (column C) and "年份" (column D) all mean year (年度); "季度" (column E) and "报告季度" (column F) both mean quarter`}},
		{"workbook sheet", "q.xlsx", withCol(4, "在孵企业和团队数", "20"),
			[]string{"工作表「Sheet1」表头中同一项有不止一列", "sheet Sheet1: the header has more than one column"}},
		{"a column that is no field, twice", "q.csv", head + ",备注,备注\n" + row + ",a,b\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			path := writeInput(t, t.TempDir(), tt.file, tt.content)
			before, _ := st.TableCounts(context.Background())
			res, err := ingest.Ingest(context.Background(), st, []string{path}, ingest.Options{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			f := res.Files[0]
			if tt.says == nil {
				checkAccounting(t, st, res)
				if f.Status != ingest.StatusLoaded || f.Accepted != 1 || len(f.Notes) != 1 || !strings.Contains(f.Notes[0], "已忽略：备注、备注") {
					t.Fatalf("want the row loaded with a note naming 备注 twice, got %+v %v", f, f.Err)
				}
				return
			}
			if f.Status != ingest.StatusRejected || f.Err.Rule != "duplicate_column" {
				t.Fatalf("want the file rejected whole (duplicate_column), got %+v %v", f, f.Err)
			}
			for _, s := range tt.says {
				if !strings.Contains(f.Err.ZH+"\n"+f.Err.EN, s) {
					t.Errorf("the messages do not say %q:\n%s\n%s", s, f.Err.ZH, f.Err.EN)
				}
			}
			checkRejectedWhole(t, st, before, res)
		})
	}
}
