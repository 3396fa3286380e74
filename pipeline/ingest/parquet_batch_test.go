package ingest_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

// TestParquetReadInBatches: a Parquet file read a few rows at a time loads
// what it loads read in one go — the same rows, rejects and warnings, with
// the same record numbers (which decide the winning revisions and name the
// rows in the rejects) — and so does a file with a column named
// file_row_number, which is read whole.
func TestParquetReadInBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString(quarterlyHeader)
	n := 0
	for y := 2017; y <= 2025; y++ {
		for q := 1; q <= 4; q++ {
			for _, id := range []string{"LZ-ZC-0001", "LZ-FH-0001"} {
				n++
				over := map[int]string{0: id, 1: fmt.Sprint(y), 2: fmt.Sprint(q), 3: fmt.Sprintf("%d-%02d-10", y+q/4, q*3%12+1), 4: fmt.Sprint(10 + n)}
				switch n {
				case 11: // unknown carrier
					over[0] = "LZ-XX-9999"
				case 26: // a negative count
					over[9] = "-3"
				case 40: // a spike the checks warn of
					over[13] = "900000"
				}
				b.WriteString(qrow(over))
			}
		}
	}
	b.WriteString(qrow(map[int]string{0: "LZ-FH-0001", 1: "2019", 2: "2", 3: "2019-07-12"})) // a second revision in the same file
	dir := t.TempDir()
	src := writeFile(t, dir, "src.csv", b.String())
	st := mustOpen(t)
	path := filepath.Join(dir, "quarterly.parquet")
	if _, err := st.DB.Exec(fmt.Sprintf("COPY (SELECT * FROM read_csv('%s', all_varchar = true)) TO '%s' (FORMAT parquet)", src, path)); err != nil {
		t.Fatal(err)
	}
	withRowNumber := filepath.Join(t.TempDir(), "quarterly.parquet")
	if _, err := st.DB.Exec(fmt.Sprintf("COPY (SELECT *, 'x' AS file_row_number FROM read_csv('%s', all_varchar = true)) TO '%s' (FORMAT parquet)", src, withRowNumber)); err != nil {
		t.Fatal(err)
	}
	st.Close()

	load := func(batch int, file string) (string, *ingest.Result) {
		t.Helper()
		defer ingest.SetParquetBatch(batch)()
		st := mustOpen(t)
		loadRegistry(t, st)
		res := run(t, st, file)
		checkAccounting(t, st, res)
		return dump(t, st.DB), res
	}
	whole, res := load(1<<20, path)
	if f := res.Files[0]; f.RowsRead != n+1 || f.Rejected == 0 || f.Accepted == 0 {
		t.Fatalf("the file read whole: %+v", f)
	}
	for _, batch := range []int{1, 7, 36, n} {
		got, _ := load(batch, path)
		if diff := cmp.Diff(whole, got); diff != "" {
			t.Fatalf("read %d rows at a time (-whole +batched):\n%s", batch, diff)
		}
	}
	// Read whole whatever the batch: the rows and rejects are the same.
	got, res2 := load(7, withRowNumber)
	if f, w := res2.Files[0], res.Files[0]; f.RowsRead != w.RowsRead || f.Accepted != w.Accepted || f.Rejected != w.Rejected {
		t.Fatalf("with a file_row_number column: %+v, want the counts of %+v", f, w)
	}
	section := func(s, name string) string {
		i := strings.Index(s, "== "+name+"\n")
		j := strings.Index(s[i+1:], "\n== ")
		return s[i : i+1+j]
	}
	for _, name := range []string{"quarterly_report_revisions", "rejects"} {
		if diff := cmp.Diff(section(whole, name), section(got, name)); diff != "" {
			t.Fatalf("%s with a file_row_number column (-want +got):\n%s", name, diff)
		}
	}
}
