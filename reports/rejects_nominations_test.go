package reports_test

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// idRun is 17 digits in a row: more of an ID number than a mask shows.
var idRun = regexp.MustCompile(`[0-9０-９]{17}`)

// noIDNumberIn fails if any part of the workbook at path — cells, shared
// strings, properties, every file the .xlsx holds — has 17 digits in a
// row.
func noIDNumberIn(t *testing.T, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if m := idRun.Find(data); m != nil {
			t.Errorf("%s: %s holds %s", filepath.Base(path), f.Name, m)
		}
	}
}

// TestRejectsOfNominationsNeverShowAnIDNumber: rejected nominations — a
// wrong check character, 30 February with its right check character, a
// duplicated nomination_id (both rows), an ID number typed as the credit
// code — go back in the rejects workbook, whole or by district (the
// duplicates to their file's, as an application's do), with the
// number masked as 620102********1239; no workbook, and neither the view
// rejects nor reject_history, holds an ID number whole.
func TestRejectsOfNominationsNeverShowAnIDNumber(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ok := sample.EligibleNomination("TR2022-001", 2022, "rising")
	check := sample.EligibleNomination("TR2022-002", 2022, "rising")
	wrong := "0" // a check character one off
	if check.PersonID[17] == '0' {
		wrong = "1"
	}
	check.PersonID = check.PersonID[:17] + wrong
	feb30 := sample.EligibleNomination("TR2022-003", 2022, "star")
	feb30.PersonID, feb30.District = "620102198702301239", "安宁区"
	twin := sample.EligibleNomination("TR2022-004", 2022, "master")
	twin.District = "西固区"
	uscc := sample.EligibleNomination("TR2022-005", 2022, "rising")
	uscc.EnterpriseUSCC = uscc.PersonID
	path := filepath.Join(dir, "创业人才推荐2022.csv")
	if err := os.WriteFile(path, sample.NominationsCSV(ok, check, feb30, twin, twin, uscc), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Ingest(ctx, st, []string{path}, ingest.Options{Today: time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Files[0]; f.Kind != ingest.Nominations || f.Accepted != 1 || f.Rejected != 5 {
		t.Fatalf("nominations: %+v", f)
	}
	whole := filepath.Join(dir, "rejects.xlsx")
	n, err := reports.WriteRejects(ctx, st.DB, res.BatchID, whole)
	if err != nil || n != 5 {
		t.Fatalf("%d issues, %v", n, err)
	}
	files, err := reports.WriteRejectsBy(ctx, st.DB, res.BatchID, filepath.Join(dir, "out"), reports.RejectsByDistrict)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range files {
		got[filepath.Base(f.Path)] = workbookRows(t, f.Path)
		noIDNumberIn(t, f.Path)
	}
	want := map[string][]string{
		"退回清单-城关区.xlsx": {"创业人才推荐2022.csv 3 身份证号", "创业人才推荐2022.csv 7 统一社会信用代码"},
		"退回清单-安宁区.xlsx": {"创业人才推荐2022.csv 4 身份证号"},
		// A duplicated id names no district (as for applications).
		"退回清单-文件" + itoa(res.Files[0].IngestID) + "-创业人才推荐2022.xlsx": {"创业人才推荐2022.csv 5 推荐编号", "创业人才推荐2022.csv 6 推荐编号"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("workbooks (-want +got):\n%s", diff)
	}
	noIDNumberIn(t, whole)
	// The values the clerk reads: masked, the first six and the last four.
	rows := sheetValues(t, whole)
	for _, w := range []string{"620102********1239", check.PersonID[:6] + "********" + check.PersonID[14:], uscc.PersonID[:6] + "********" + uscc.PersonID[14:]} {
		if !strings.Contains(rows, w) {
			t.Errorf("the rejects workbook does not show %s", w)
		}
	}
	for _, view := range []string{"rejects", "reject_history"} {
		var n int
		if err := st.DB.QueryRow(`SELECT count(*) FROM ` + view + ` WHERE regexp_matches(concat_ws('|', raw_value, message_zh, message_en, carrier_id, district), '[0-9]{17}')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows show an ID number", view, n)
		}
	}
	// The accepted nomination keeps its number whole, for the once-only rule.
	var id string
	if err := st.DB.QueryRow(`SELECT person_id FROM nominations`).Scan(&id); err != nil || id != ok.PersonID {
		t.Fatalf("stored %q, %v; want %s", id, err, ok.PersonID)
	}
}

// sheetValues is every cell of the rejects sheet, one row a line.
func sheetValues(t *testing.T, path string) string {
	t.Helper()
	f := openTemplate(t, path)
	rows, err := f.GetRows("退回清单")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	return b.String()
}
