package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/reports"
)

func gbk(tb testing.TB, s string) string {
	tb.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestPathText: what the database stores of a path is valid UTF-8 — a
// GBK name decoded, other bytes that are not UTF-8 written \xNN — and a
// UTF-8 path is stored as it is.
func TestPathText(t *testing.T) {
	tests := []struct{ path, want string }{
		{"in/季度报表.csv", "in/季度报表.csv"},
		{"in/" + gbk(t, "季度报表") + ".csv", "in/季度报表.csv"},
		{gbk(t, "收件箱") + "/2025/" + gbk(t, "七里河区载体名录") + ".xlsx", "收件箱/2025/七里河区载体名录.xlsx"},
		{gbk(t, "数据") + "/季度报表.csv", "数据/季度报表.csv"}, // a GBK folder, a UTF-8 name
		{"nm/c\xff\xfe.csv", `nm/c\xff\xfe.csv`},
		{"报表\xff.csv", `报表\xff.csv`},                       // UTF-8 with a stray byte: not read as GBK
		{"\xaa\xa1.csv", `\xaa\xa1.csv`},                   // GB18030's user-defined area: not a name
		{"a\x80b.csv", `a\x80b.csv`},                       // a lone byte that GB18030 reads as €
		{"\xe9\x00.csv", `\xe9` + "\x00.csv"},              // a lead byte without its trail
		{"../x/" + gbk(t, "表") + "\n.csv", "../x/表\n.csv"}, // control characters are the terminal's business
	}
	for _, tt := range tests {
		if got := ingest.PathText(tt.path); got != tt.want {
			t.Errorf("PathText(%q) = %q; want %q", tt.path, got, tt.want)
		}
	}
}

// TestFileNamesNotUTF8: a folder holding a GBK-named file (a zip made on
// Chinese Windows), a GBK-named folder and names with random invalid bytes,
// among normal files, is loaded whole — each file under its real path,
// stored under a readable name — and its rejects workbook can be written.
// A name the database could not hold used to abort the batch at that file.
func TestFileNamesNotUTF8(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	files := map[string]string{ // real name → name stored
		"registry.csv":                             "registry.csv",
		gbk(t, "载体名录") + "\xff.csv":                `\xd4\xd8\xcc\xe5\xc3\xfb¼\xff.csv`, // loads first; not GBK either (C2 BC is UTF-8 for ¼)
		gbk(t, "季度报表") + ".csv":                    "季度报表.csv",
		"c\xff\xfe.csv":                            `c\xff\xfe.csv`,
		gbk(t, "数据") + "/" + gbk(t, "事件") + ".csv": "事件.csv",
		"z.csv": "z.csv",
	}
	content := map[string]string{
		"registry.csv":                             registryCSV,
		gbk(t, "载体名录") + "\xff.csv":                registryHeader + "LZ-ZC-0002,第二空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31,,,,,,,\n",
		gbk(t, "季度报表") + ".csv":                    quarterlyHeader + qrow(nil) + qrow(map[int]string{0: "LZ-ZC-0002", 5: "99"}), // one row rejected
		"c\xff\xfe.csv":                            "载体编号,年度,原因\nLZ-FH-0001,2025,场地改造\n",
		gbk(t, "数据") + "/" + gbk(t, "事件") + ".csv": "载体编号,发生日期,类型,说明\nLZ-ZC-0002,2025-03-01,列入经营异常名录,年报未按时公示\n",
		"z.csv": "载体编号,年度,原因\nLZ-ZC-0002,2025,场地改造\n",
	}
	for name := range files {
		writeFile(t, dir, name, content[name])
	}
	res := run(t, st, dir)
	if len(res.Files) != len(files) {
		t.Fatalf("%d files settled; want %d: %+v", len(res.Files), len(files), res.Files)
	}
	want := map[string]string{} // source_path → file_name, as stored
	for _, f := range res.Files {
		if f.Status != ingest.StatusLoaded && f.Status != ingest.StatusPartial {
			t.Fatalf("%q: %s %v", f.Path, f.Status, f.Err)
		}
		// The result keeps the real path: the file is read and moved by it.
		rel, err := filepath.Rel(dir, f.Path)
		if err != nil || files[rel] == "" {
			t.Fatalf("result path %q is not one of the files", f.Path)
		}
		if _, err := os.Stat(f.Path); err != nil {
			t.Fatal(err)
		}
		want[ingest.PathText(f.Path)] = files[rel]
	}
	got := map[string]string{}
	rows, err := st.DB.Query("SELECT source_path, file_name FROM ingest_log")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p, n string
		if err := rows.Scan(&p, &n); err != nil {
			t.Fatal(err)
		}
		got[p] = n
	}
	rows.Close()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("ingest_log (-want +got):\n%s", diff)
	}
	if _, ok := got[filepath.Join(dir, "数据", "事件.csv")]; !ok {
		t.Fatalf("the GBK folder is not stored readably: %q", got)
	}
	// The rejects workbook names the GBK file readably.
	out := filepath.Join(t.TempDir(), "rejects.xlsx")
	if n, err := reports.WriteRejects(context.Background(), st.DB, res.BatchID, out); err != nil || n != 1 {
		t.Fatalf("rejects workbook: %d issues, %v", n, err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cells, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || !slices.ContainsFunc(cells, func(r []string) bool { return slices.Contains(r, "季度报表.csv") }) {
		t.Fatalf("the rejects workbook does not name 季度报表.csv: %q %v", cells, err)
	}
}
