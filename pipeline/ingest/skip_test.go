package ingest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

// TestTxtIsReadOnlyWithARecognisedHeader: a .txt file is read as delimited
// text when it holds a recognised header, and otherwise skipped with a
// note — never rejected (SPEC §10: a stray README.txt in the inbox). Files
// skipped by name say the real reason: a hidden file, Excel's lock file of
// an open workbook, another extension.
func TestTxtIsReadOnlyWithARecognisedHeader(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	writeFile(t, dir, "registry.txt", strings.ReplaceAll(registryCSV, ",", "\t"))
	writeFile(t, dir, "quarterly.txt", quarterlyHeader+qrow(nil))
	writeFile(t, dir, "README.txt", "收件箱说明\n请把季度报表放在这里。\nPut the quarterly reports here, one file per district.\n")
	writeFile(t, dir, "empty.txt", "")
	writeFile(t, dir, "latin1.txt", "caf\xe9, \xe0 la carte\n")
	writeFile(t, dir, "binary.txt", "\x00\x01\x02\xff\xfe binary")
	// A recognised header lacking a column is a report with a mistake:
	// rejected whole, as a .csv would be.
	writeFile(t, dir, "broken.txt", strings.Replace(quarterlyHeader, ",报送日期", "", 1)+"LZ-ZC-0001,2025,3,1\n")
	writeFile(t, dir, ".hidden.csv", quarterlyHeader+qrow(nil))
	writeFile(t, dir, "~$季度报表.xlsx", "lock")
	writeFile(t, dir, "notes.docx", "not an input")
	res, err := ingest.Ingest(t.Context(), st, []string{dir}, ingest.Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	type fate struct{ File, Status string }
	var got []fate
	for _, f := range res.Files {
		got = append(got, fate{filepath.Base(f.Path), f.Status})
	}
	want := []fate{{"registry.txt", ingest.StatusLoaded}, {"quarterly.txt", ingest.StatusLoaded}, {"broken.txt", ingest.StatusRejected}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	skipped := map[string]string{}
	for _, s := range res.Skipped {
		if s.ZH == "" || s.EN == "" {
			t.Errorf("%s: skipped without a reason: %+v", s.Path, s)
		}
		skipped[filepath.Base(s.Path)] = s.Reason
	}
	wantSkip := map[string]string{
		"README.txt": "not_a_table", "empty.txt": "not_a_table", "latin1.txt": "not_a_table", "binary.txt": "not_a_table",
		".hidden.csv": "hidden", "~$季度报表.xlsx": "excel_lock", "notes.docx": "not_input",
	}
	if diff := cmp.Diff(wantSkip, skipped); diff != "" {
		t.Fatalf("skipped (-want +got):\n%s", diff)
	}
	for _, s := range res.Skipped {
		if s.Reason == "excel_lock" && !strings.Contains(s.EN, "close") {
			t.Errorf("the lock file's note does not say to close the workbook: %s", s.EN)
		}
	}
	// Nothing of a skipped file is in the database.
	if n := count(t, st, "SELECT count(*) FROM ingest_log WHERE file_name IN ('README.txt', 'empty.txt', 'latin1.txt', 'binary.txt')"); n != 0 {
		t.Fatalf("%d skipped files in ingest_log", n)
	}
}
