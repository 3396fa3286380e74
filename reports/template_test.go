package reports_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

const (
	tplReport   = "季度报表"
	tplCarriers = "在册载体"
	tplHelp     = "填报说明"
	tplQuarter  = 3
	tplLastRow  = 2003 // validation covers rows 4 to 2003
)

// tplToday is after the demo quarter's end, as in the demo fixture.
var tplToday = time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)

func writeTemplate(t *testing.T, st *store.Store, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := reports.WriteTemplate(context.Background(), st.DB, demoYear, tplQuarter, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func openTemplate(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// templateCarrierIDs reads the carriers sheet's ids.
func templateCarrierIDs(t *testing.T, f *excelize.File) []string {
	t.Helper()
	rows, err := f.GetRows(tplCarriers)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows[3:] {
		if len(r) > 0 {
			ids = append(ids, r[0])
		}
	}
	return ids
}

func TestTemplateHeadersMatchIngestSpec(t *testing.T) {
	f := openTemplate(t, writeTemplate(t, demoStore(t), "t.xlsx"))
	if got := f.GetSheetList(); strings.Join(got, ",") != tplReport+","+tplCarriers+","+tplHelp {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows(tplReport)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("report sheet has %d rows, want title, note and header only", len(rows))
	}
	if !strings.Contains(rows[0][0], "2025年第三季度") || !strings.Contains(rows[1][0], "2025-10-15") {
		t.Fatalf("title %q / note %q: want the quarter and its due date", rows[0][0], rows[1][0])
	}
	spec := ingest.Specs[ingest.Quarterly].Columns
	if len(rows[2]) != len(spec) {
		t.Fatalf("%d header cells, ingest has %d quarterly columns", len(rows[2]), len(spec))
	}
	// The English line is readable ("Carrier ID", not carrier_id) and says
	// the column's name, so that ingest recognises it by either line
	// (TestTemplateRoundTrip ingests it).
	for i, c := range spec {
		zh, en, _ := strings.Cut(rows[2][i], "\n")
		key := strings.ToLower(strings.ReplaceAll(en, " ", ""))
		if !strings.HasPrefix(zh, c.ZH) || strings.Contains(en, "_") || en == "" || en[0] < 'A' || en[0] > 'Z' ||
			!strings.HasPrefix(key, strings.ReplaceAll(c.Name, "_", "")) {
			t.Errorf("header %d is %q, want %s over readable English for %s", i+1, rows[2][i], c.ZH, c.Name)
		}
	}
	for _, money := range []int{13, 15} { // revenue, financing
		if !strings.Contains(rows[2][money], "(万元)") {
			t.Errorf("money header %q does not name its unit", rows[2][money])
		}
	}
	help, err := f.GetRows(tplHelp)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range help {
		text.WriteString(strings.Join(r, " "))
	}
	for _, want := range []string{"2025-10-15", "万元", "Revisions", "更正", "报送方式", "How to send it"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("instructions lack %q", want)
		}
	}
	panes, err := f.GetPanes(tplReport)
	if err != nil || !panes.Freeze || panes.YSplit != 3 || panes.XSplit != 1 {
		t.Errorf("report sheet panes %+v %v: want the header and carrier_id frozen", panes, err)
	}
	layout, err := f.GetPageLayout(tplReport)
	if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
		t.Errorf("page layout %+v %v: want landscape, one page wide", layout, err)
	}
}

// TestTemplateValidatesEveryColumn: one rule per column over the data rows,
// each with an input message in Chinese and English within Excel's limits.
func TestTemplateValidatesEveryColumn(t *testing.T) {
	f := openTemplate(t, writeTemplate(t, demoStore(t), "t.xlsx"))
	dvs, err := f.GetDataValidations(tplReport)
	if err != nil {
		t.Fatal(err)
	}
	bySqref := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		bySqref[dv.Sqref] = dv
	}
	type want struct{ typ, op, f1, f2 string }
	count := want{"whole", "greaterThanOrEqual", "0", ""}
	money := want{"decimal", "greaterThanOrEqual", "0", ""}
	cols := map[string]want{
		"A": {"list", "", "CarrierIDs", ""},
		"B": {"list", "", `"2025"`, ""},
		"C": {"list", "", `"3"`, ""},
		"D": {"date", "greaterThanOrEqual", "45930", ""}, // 2025-09-30
		"E": count, "F": {"whole", "between", "0", "E4"}, "G": count, "H": count, "I": count,
		"J": count, "K": count, "L": count, "M": count, "N": money, "O": count, "P": money, "Q": count,
		"R": {"decimal", "between", "0", "1"},
	}
	if len(dvs) != len(cols) {
		t.Errorf("%d validations, want one per column (%d)", len(dvs), len(cols))
	}
	for col, w := range cols {
		dv := bySqref[col+"4:"+col+"2003"]
		if dv == nil {
			t.Errorf("column %s: no validation over rows 4–%d", col, tplLastRow)
			continue
		}
		if dv.Type != w.typ || dv.Operator != w.op || dv.Formula1 != w.f1 || dv.Formula2 != w.f2 {
			t.Errorf("column %s: %s %s %q %q, want %+v", col, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, w)
		}
		if !dv.ShowInputMessage || dv.Prompt == nil || dv.PromptTitle == nil {
			t.Errorf("column %s: no input message", col)
			continue
		}
		if !hasHan(*dv.Prompt) || !strings.ContainsAny(*dv.Prompt, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("column %s: prompt %q is not bilingual", col, *dv.Prompt)
		}
		// Excel refuses to open a file whose messages exceed its limits.
		if n := len(utf16.Encode([]rune(*dv.Prompt))); n > 255 {
			t.Errorf("column %s: prompt of %d characters, Excel allows 255", col, n)
		}
		if n := len(utf16.Encode([]rune(*dv.PromptTitle))); n > 32 {
			t.Errorf("column %s: prompt title %q over 32 characters", col, *dv.PromptTitle)
		}
		if col != "A" && (!dv.ShowErrorMessage || dv.ErrorStyle == nil || *dv.ErrorStyle != "stop" || dv.Error == nil || !hasHan(*dv.Error)) {
			t.Errorf("column %s: want a stop error with a Chinese message", col)
		}
		if dv.Error != nil && len(utf16.Encode([]rune(*dv.Error))) > 225 {
			t.Errorf("column %s: error message over 225 characters", col)
		}
	}
	var list string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "CarrierIDs" {
			list = dn.RefersTo
		}
	}
	if want := "'在册载体'!$A$4:$A$" + strconv.Itoa(3+len(templateCarrierIDs(t, f))); list != want {
		t.Errorf("CarrierIDs refers to %q, want %q", list, want)
	}
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestTemplateListsCurrentCarriers: the carriers recognised by the quarter's
// end, without those delisted or revoked; kinds in Chinese.
func TestTemplateListsCurrentCarriers(t *testing.T) {
	st := demoStore(t)
	f := openTemplate(t, writeTemplate(t, st, "t.xlsx"))
	rows, err := st.DB.Query(`SELECT carrier_id FROM carriers c WHERE recognized_on <= DATE '2025-09-30'
		AND carrier_id NOT IN (SELECT carrier_id FROM decisions WHERE action IN ('delist', 'revoke')) ORDER BY carrier_id`)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		want = append(want, id)
	}
	rows.Close()
	var gone int
	st.DB.QueryRow("SELECT count(*) FROM decisions WHERE action IN ('delist', 'revoke')").Scan(&gone)
	if gone == 0 {
		t.Fatal("the demo has no delisted or revoked carrier to leave out")
	}
	got := templateCarrierIDs(t, f)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("carriers sheet lists %d carriers, want %d (%d delisted or revoked left out)", len(got), len(want), gone)
	}
	data, _ := f.GetRows(tplCarriers)
	kinds := map[string]bool{"众创空间": true, "科技企业孵化器": true, "双创中心": true, "创业就业孵化示范基地": true}
	for _, r := range data[3:] {
		if len(r) < 7 || !kinds[r[4]] || r[1] == "" || r[2] == "" || r[3] == "" {
			t.Fatalf("carrier row %q: want id, name, operator, district, kind in Chinese, track, level", r)
		}
	}
}

// tplRow is a valid report row for a carrier.
func tplRow(id string) []any {
	return []any{id, demoYear, tplQuarter, time.Date(2025, 10, 10, 0, 0, 0, 0, time.UTC),
		30, 20, 3, 1, 0, 4, 120, 3, 150, 1234.5, 2, 300.25, 1, 0.85}
}

// fillTemplate fills the report sheet from row 4, as a clerk would.
func fillTemplate(t *testing.T, path string, rows ...[]any) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		if err := f.SetSheetRow(tplReport, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

func ingestTemplate(t *testing.T, st *store.Store, path string) ingest.FileResult {
	t.Helper()
	res, err := ingest.Ingest(context.Background(), st, []string{path}, ingest.Options{Today: tplToday})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 {
		t.Fatalf("%d files ingested", len(res.Files))
	}
	fr := res.Files[0]
	if fr.Err != nil {
		t.Fatalf("template rejected whole: %v", fr.Err)
	}
	return fr
}

// TestTemplateRoundTrip: a filled template ingests as a quarterly report
// with zero rejects, and only its report sheet is read.
func TestTemplateRoundTrip(t *testing.T) {
	st := demoStore(t)
	path := writeTemplate(t, st, "LZ-2025Q3.xlsx")
	ids := templateCarrierIDs(t, openTemplate(t, path))[:5]
	var rows [][]any
	for _, id := range ids {
		rows = append(rows, tplRow(id))
	}
	rows[1][17] = nil // utilization is optional
	fillTemplate(t, path, rows...)
	fr := ingestTemplate(t, st, path)
	if fr.Kind != ingest.Quarterly || fr.Status != ingest.StatusLoaded || fr.RowsRead != 5 || fr.Accepted != 5 || fr.Rejected != 0 || fr.Warned != 0 {
		t.Fatalf("ingest: kind %s status %s read %d accepted %d rejected %d warned %d; notes %q",
			fr.Kind, fr.Status, fr.RowsRead, fr.Accepted, fr.Rejected, fr.Warned, fr.Notes)
	}
	t.Logf("notes: %q", fr.Notes)
	for _, n := range fr.Notes {
		if strings.Contains(n, "已忽略") || strings.Contains(n, "不同") {
			t.Errorf("note %q: the template should have no extra column and no sheet of another kind", n)
		}
	}
	var n int
	var revenue, financing float64
	var utilization *float64
	var submitted time.Time
	if err := st.DB.QueryRow(`SELECT count(*) FROM quarterly_report_revisions WHERE ingest_id = ? AND year = 2025 AND quarter = 3 AND sheet = ?`,
		fr.IngestID, tplReport).Scan(&n); err != nil || n != 5 {
		t.Fatalf("%d revisions from the template (%v), want 5", n, err)
	}
	if err := st.DB.QueryRow(`SELECT CAST(revenue AS DOUBLE), CAST(financing AS DOUBLE), utilization, submitted_on
		FROM quarterly_report_revisions WHERE ingest_id = ? AND carrier_id = ?`, fr.IngestID, ids[0]).Scan(&revenue, &financing, &utilization, &submitted); err != nil {
		t.Fatal(err)
	}
	if revenue != 1234.5 || financing != 300.25 || utilization == nil || *utilization != 0.85 || !submitted.Equal(time.Date(2025, 10, 10, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("row of %s: revenue %v financing %v utilization %v submitted %v", ids[0], revenue, financing, utilization, submitted)
	}
	if err := st.DB.QueryRow(`SELECT utilization IS NULL FROM quarterly_report_revisions WHERE ingest_id = ? AND carrier_id = ?`,
		fr.IngestID, ids[1]).Scan(new(bool)); err != nil {
		t.Fatal(err)
	}
}

// TestTemplateDoesNotBypassValidation: a value the drop-downs would refuse,
// written into the file anyway, is still rejected by ingest with a message.
func TestTemplateDoesNotBypassValidation(t *testing.T) {
	st := demoStore(t)
	path := writeTemplate(t, st, "bad.xlsx")
	ids := templateCarrierIDs(t, openTemplate(t, path))
	good, negative, tooMany := tplRow(ids[0]), tplRow(ids[1]), tplRow(ids[2])
	negative[4] = -1 // incubating
	tooMany[5] = 40  // filed > incubating (30)
	fillTemplate(t, path, good, negative, tooMany)
	fr := ingestTemplate(t, st, path)
	if fr.Status != ingest.StatusPartial || fr.Accepted != 1 || fr.Rejected != 2 {
		t.Fatalf("status %s accepted %d rejected %d, want partial 1 + 2", fr.Status, fr.Accepted, fr.Rejected)
	}
	rows, err := st.DB.Query(`SELECT sheet, row_no, column_name, rule, message_zh, message_en FROM rejects
		WHERE ingest_id = ? ORDER BY row_no, column_name`, fr.IngestID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var sheet, col, rule, zh, en string
		var row int
		if err := rows.Scan(&sheet, &row, &col, &rule, &zh, &en); err != nil {
			t.Fatal(err)
		}
		if sheet != tplReport || zh == "" || en == "" {
			t.Errorf("reject on sheet %q row %d lacks a message: %q %q", sheet, row, zh, en)
		}
		got = append(got, strconv.Itoa(row)+" "+col+" "+rule)
		if rule == "negative" && !strings.Contains(zh, "不能为负数") {
			t.Errorf("negative count message %q", zh)
		}
	}
	if want := "5 incubating negative|6 filed filed_gt_incubating"; strings.Join(got, "|") != want {
		t.Fatalf("rejects %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestTemplateDueDateMatchesViews: the due date printed is the one the views
// judge timeliness by.
func TestTemplateDueDateMatchesViews(t *testing.T) {
	st := demoStore(t)
	f := openTemplate(t, writeTemplate(t, st, "t.xlsx"))
	var due string
	if err := st.DB.QueryRow("SELECT DISTINCT CAST(due_on AS VARCHAR) FROM quarterly_reports WHERE year = ? AND quarter = ?", demoYear, tplQuarter).Scan(&due); err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(tplHelp)
	for _, r := range rows {
		if len(r) > 1 && strings.HasPrefix(r[0], "截止日期") {
			if !strings.HasPrefix(r[1], due) {
				t.Fatalf("instructions say due %q, the views say %s", r[1], due)
			}
			return
		}
	}
	t.Fatal("no due date row in the instructions")
}

// TestTemplateWithoutDatabase: no database, no carriers: the template is
// still written, carrier_id is free text with its input message.
func TestTemplateWithoutDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.xlsx")
	if err := reports.WriteTemplate(context.Background(), nil, demoYear, 4, path); err != nil {
		t.Fatal(err)
	}
	f := openTemplate(t, path)
	if ids := templateCarrierIDs(t, f); len(ids) != 1 || !strings.Contains(ids[0], "没有在册载体") {
		t.Fatalf("carriers sheet %q, want one line saying there are none", ids)
	}
	dvs, _ := f.GetDataValidations(tplReport)
	for _, dv := range dvs {
		if dv.Sqref == "A4:A2003" && (dv.Type == "list" || !dv.ShowInputMessage) {
			t.Fatalf("carrier_id without carriers: %+v, want no list, an input message", dv)
		}
	}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "CarrierIDs" {
			t.Fatalf("CarrierIDs defined over an empty list: %q", dn.RefersTo)
		}
	}
	if err := reports.WriteTemplate(context.Background(), nil, demoYear, 5, path); err == nil {
		t.Fatal("quarter 5 accepted")
	}
}

func TestTemplateIsDeterministic(t *testing.T) {
	st := demoStore(t)
	a, _ := os.ReadFile(writeTemplate(t, st, "a.xlsx"))
	b, _ := os.ReadFile(writeTemplate(t, st, "b.xlsx"))
	if !bytes.Equal(a, b) {
		t.Fatal("two templates from the same database differ")
	}
}

// TestTemplateInLibreOffice: an independent reader renders the template, and
// a template filled and saved again by an office suite still ingests with
// zero rejects.
func TestTemplateInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed: template not rendered")
	}
	if testing.Short() {
		t.Skip("-short: LibreOffice rendering skipped")
	}
	st := demoStore(t)
	dir := t.TempDir()
	path := writeTemplate(t, st, "t.xlsx")
	ids := templateCarrierIDs(t, openTemplate(t, path))
	fillTemplate(t, path, tplRow(ids[0]), tplRow(ids[1]))
	convert := func(to, src, outDir string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
			"--headless", "--convert-to", to, "--outdir", outDir, src)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice --convert-to %s: %v\n%s", to, err, out)
		}
		out := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(src), ".xlsx")+"."+strings.SplitN(to, ":", 2)[0])
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			t.Fatalf("soffice wrote nothing: %v", err)
		}
		return out
	}
	convert("pdf", path, dir)
	resaved := convert("xlsx", path, filepath.Join(dir, "resaved"))
	fr := ingestTemplate(t, st, resaved)
	if fr.Status != ingest.StatusLoaded || fr.Accepted != 2 || fr.Rejected != 0 {
		t.Fatalf("template saved by LibreOffice: status %s accepted %d rejected %d; notes %q", fr.Status, fr.Accepted, fr.Rejected, fr.Notes)
	}
}
