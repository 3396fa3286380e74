package reports_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

const (
	appTpl     = "认定申请"
	appTplHelp = "填报说明"
)

func writeAppTemplate(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := reports.WriteApplicationsTemplate(demoYear, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestApplicationsTemplateHeadersMatchIngestSpec: one header cell per
// column of ingest's applications spec, in its order, its Chinese name
// over readable English; the instructions name the year and the rules.
func TestApplicationsTemplateHeadersMatchIngestSpec(t *testing.T) {
	f := openTemplate(t, writeAppTemplate(t, "a.xlsx"))
	if got := f.GetSheetList(); strings.Join(got, ",") != appTpl+","+appTplHelp {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows(appTpl)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !strings.Contains(rows[0][0], "2025年") {
		t.Fatalf("%d rows, title %q: want title, note and header only, for 2025", len(rows), rows[0][0])
	}
	spec := ingest.Specs[ingest.Applications].Columns
	if len(rows[2]) != len(spec) {
		t.Fatalf("%d header cells, ingest has %d applications columns", len(rows[2]), len(spec))
	}
	for i, c := range spec {
		zh, en, _ := strings.Cut(rows[2][i], "\n")
		if zh != c.ZH || en == "" || strings.Contains(en, "_") || en[0] < 'A' || en[0] > 'Z' {
			t.Errorf("header %d is %q, want %s over readable English for %s", i+1, rows[2][i], c.ZH, c.Name)
		}
	}
	help, err := f.GetRows(appTplHelp)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range help {
		text.WriteString(strings.Join(r, " "))
	}
	for _, want := range []string{"2025 年内", "留空即“否”", "现场核查", "Corrections", "application id twice"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("instructions lack %q", want)
		}
	}
}

// TestApplicationsTemplateValidatesEveryColumn: one rule per column over
// the data rows — drop-downs of the Chinese values ingest takes, dates,
// numbers, 是/否 — each with an input message in Chinese and English
// within Excel's limits.
func TestApplicationsTemplateValidatesEveryColumn(t *testing.T) {
	f := openTemplate(t, writeAppTemplate(t, "a.xlsx"))
	dvs, err := f.GetDataValidations(appTpl)
	if err != nil {
		t.Fatal(err)
	}
	bySqref := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		bySqref[dv.Sqref] = dv
	}
	type want struct{ typ, op, f1, f2 string }
	text := want{}
	count := want{"whole", "greaterThanOrEqual", "0", ""}
	yesNo := want{"list", "", `"是,否"`, ""}
	cols := map[string]want{
		"A": text, "B": text, "C": {"textLength", "equal", "18", ""}, "D": text,
		"E": {"list", "", `"企业,高等院校,科研院所,其他"`, ""}, "F": text,
		"G": {"list", "", `"众创空间,科技企业孵化器,双创中心,创业就业孵化示范基地"`, ""}, "H": {"list", "", `"综合,专业"`, ""},
		"I": {"date", "between", "45658", "46022"}, // 2025-01-01 … 2025-12-31
		"J": {"date", "lessThanOrEqual", "46022", ""}, "K": {"date", "lessThanOrEqual", "46022", ""},
		"L": {"decimal", "greaterThanOrEqual", "0", ""}, "M": {"decimal", "between", "0", "L4"},
		"N": count, "O": {"date", "greaterThanOrEqual", "45658", ""}, "P": count, "Q": count,
		"R": yesNo, "S": yesNo, "T": yesNo, "U": yesNo, "V": yesNo, "W": yesNo, "X": yesNo,
	}
	if len(dvs) != len(cols) {
		t.Errorf("%d validations, want one per column (%d)", len(dvs), len(cols))
	}
	for col, w := range cols {
		dv := bySqref[col+"4:"+col+"2003"]
		if dv == nil {
			t.Errorf("column %s: no validation over rows 4–2003", col)
			continue
		}
		if w.typ != "" && (dv.Type != w.typ || dv.Operator != w.op || dv.Formula1 != w.f1 || dv.Formula2 != w.f2) {
			t.Errorf("column %s: %s %s %q %q, want %+v", col, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, w)
		}
		if !dv.ShowInputMessage || dv.Prompt == nil || dv.PromptTitle == nil {
			t.Errorf("column %s: no input message", col)
			continue
		}
		if !hasHan(*dv.Prompt) || !strings.ContainsAny(*dv.Prompt, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("column %s: prompt %q is not bilingual", col, *dv.Prompt)
		}
		if n := len(utf16.Encode([]rune(*dv.Prompt))); n > 255 {
			t.Errorf("column %s: prompt of %d characters, Excel allows 255", col, n)
		}
		if n := len(utf16.Encode([]rune(*dv.PromptTitle))); n > 32 {
			t.Errorf("column %s: prompt title %q over 32 characters", col, *dv.PromptTitle)
		}
		if w.typ != "" && (!dv.ShowErrorMessage || dv.ErrorStyle == nil || *dv.ErrorStyle != "stop" || dv.Error == nil || !hasHan(*dv.Error)) {
			t.Errorf("column %s: want a stop error with a Chinese message", col)
		}
		if dv.Error != nil && len(utf16.Encode([]rune(*dv.Error))) > 225 {
			t.Errorf("column %s: error message over 225 characters", col)
		}
	}
}

func appDate(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// appTplRow is a filled row of the template as a clerk types it: dates as
// date cells, numbers as numbers, choices from the lists.
func appTplRow(id string) []any {
	return []any{id, "兰州五泉青年众创空间", "91350100M000100Y43", "兰州五泉科技服务有限公司", "企业", "城关区", "众创空间", "综合",
		appDate(2025, 6, 16), appDate(2021, 3, 10), appDate(2022, 5, 1), 800, 680.5, 60, appDate(2030, 12, 31), 15, 5,
		"是", "是", "是", "是", "是", nil, nil}
}

func fillAppTemplate(t *testing.T, path string, rows ...[]any) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		if err := f.SetSheetRow(appTpl, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestApplicationsTemplateRoundTrip: a filled template ingests as
// applications with zero rejects and no note of an ignored column; only
// its first sheet is read, and every value arrives typed.
func TestApplicationsTemplateRoundTrip(t *testing.T) {
	path := writeAppTemplate(t, "认定申请-2025.xlsx")
	second, third := appTplRow("SQ2025-002"), appTplRow("SQ2025-003")
	second[4], second[7], second[14], second[22] = "高等院校", "专业", nil, "是" // owned, invested
	third[18], third[23] = "否", "否"                                       // facilities 否, virtual 否
	fillAppTemplate(t, path, appTplRow("SQ2025-001"), second, third)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := ingest.Ingest(context.Background(), st, []string{path}, ingest.Options{Today: tplToday})
	if err != nil {
		t.Fatal(err)
	}
	fr := res.Files[0]
	if fr.Kind != ingest.Applications || fr.Status != ingest.StatusLoaded || fr.RowsRead != 3 || fr.Accepted != 3 || fr.Rejected != 0 || fr.Warned != 0 {
		t.Fatalf("ingest: %+v %v", fr, fr.Err)
	}
	for _, n := range fr.Notes {
		if strings.Contains(n, "已忽略") || strings.Contains(n, "不同") {
			t.Errorf("note %q: the template should have no extra column and no sheet of another kind", n)
		}
	}
	rows, err := st.DB.Query(`SELECT concat_ws('|', application_id, operator_type, kind, track, applied_on, founded_on, operating_since,
		area_m2, service_area_m2, workstations, coalesce(CAST(lease_end AS VARCHAR), 'owned'), incubated, staff,
		CAST(revenue_stable AS INT) || CAST(facilities AS INT) || CAST(rules AS INT) || CAST(services AS INT)
		|| CAST(seed_fund AS INT) || CAST(invested AS INT) || CAST(virtual AS INT), sheet)
		FROM applications ORDER BY application_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	want := []string{
		"SQ2025-001|enterprise|maker_space|comprehensive|2025-06-16|2021-03-10|2022-05-01|800.0|680.5|60|2030-12-31|15|5|1111100|认定申请",
		"SQ2025-002|university|maker_space|specialized|2025-06-16|2021-03-10|2022-05-01|800.0|680.5|60|owned|15|5|1111110|认定申请",
		"SQ2025-003|enterprise|maker_space|comprehensive|2025-06-16|2021-03-10|2022-05-01|800.0|680.5|60|2030-12-31|15|5|1011100|认定申请",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("applications (-want +got):\n%s", diff)
	}
}

// TestApplicationsTemplateDoesNotBypassValidation: a value the template's
// checks would refuse, written anyway, is still rejected by ingest.
func TestApplicationsTemplateDoesNotBypassValidation(t *testing.T) {
	path := writeAppTemplate(t, "bad.xlsx")
	big, other := appTplRow("SQ2025-002"), appTplRow("SQ2025-003")
	big[12] = 900    // service area over the 800 m²
	other[4] = "个体户" // not an operator type
	fillAppTemplate(t, path, appTplRow("SQ2025-001"), big, other)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := ingest.Ingest(context.Background(), st, []string{path}, ingest.Options{Today: tplToday})
	if err != nil {
		t.Fatal(err)
	}
	if fr := res.Files[0]; fr.Status != ingest.StatusPartial || fr.Accepted != 1 || fr.Rejected != 2 {
		t.Fatalf("%+v, want partial 1 + 2", fr)
	}
	var got string
	if err := st.DB.QueryRow(`SELECT string_agg(row_no || ' ' || column_name || ' ' || rule, '|' ORDER BY row_no) FROM rejects`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "5 service_area_m2 service_area_gt_area|6 operator_type enum"; got != want {
		t.Fatalf("rejects %q, want %q", got, want)
	}
}

func TestApplicationsTemplateIsDeterministic(t *testing.T) {
	a, _ := os.ReadFile(writeAppTemplate(t, "a.xlsx"))
	b, _ := os.ReadFile(writeAppTemplate(t, "b.xlsx"))
	if !bytes.Equal(a, b) {
		t.Fatal("two templates of the same year differ")
	}
	if err := reports.WriteApplicationsTemplate(1999, filepath.Join(t.TempDir(), "x.xlsx")); err == nil {
		t.Fatal("year 1999 accepted")
	}
}
