package reports_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports"
)

const (
	nomTpl     = "创业人才推荐"
	nomTplHelp = "填报说明"
	nomTplYear = 2022
)

func writeNomTemplate(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := reports.WriteNominationsTemplate(nomTplYear, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestNominationsTemplateHeadersMatchIngestSpec: one header cell per
// column of ingest's nominations spec, in its order, its Chinese name
// (revenue with its unit) over readable English; the instructions name
// the year's criteria and say how the ID number is kept and shown.
func TestNominationsTemplateHeadersMatchIngestSpec(t *testing.T) {
	f := openTemplate(t, writeNomTemplate(t, "n.xlsx"))
	if got := f.GetSheetList(); strings.Join(got, ",") != nomTpl+","+nomTplHelp {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows(nomTpl)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !strings.Contains(rows[0][0], "2022年") {
		t.Fatalf("%d rows, title %q: want title, note and header only, for 2022", len(rows), rows[0][0])
	}
	spec := ingest.Specs[ingest.Nominations].Columns
	if len(rows[2]) != len(spec) {
		t.Fatalf("%d header cells, ingest has %d nominations columns", len(rows[2]), len(spec))
	}
	for i, c := range spec {
		want := c.ZH
		if c.Name == "revenue" {
			want += "(万元)"
		}
		zh, en, _ := strings.Cut(rows[2][i], "\n")
		if zh != want || en == "" || strings.Contains(en, "_") || en[0] < 'A' || en[0] > 'Z' {
			t.Errorf("header %d is %q, want %s over readable English for %s", i+1, rows[2][i], want, c.Name)
		}
	}
	help, err := f.GetRows(nomTplHelp)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range help {
		text.WriteString(strings.Join(r, " "))
	}
	for _, want := range []string{"成立日期晚于 2020-11-30（不超过 2 年）", "带动就业 50 人以上", "知识产权 2 项以上", "founded after 2019-11-30",
		"620102********1234", "2021—2023", "30 November", "nomination id twice"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("instructions lack %q", want)
		}
	}
}

// TestNominationsTemplateValidatesEveryColumn: one rule per column over
// the data rows — the programme's districts and categories and the
// titles as drop-downs, the year, 18 characters, dates, counts, 是/否,
// money, a score of 0–100 — each with an input message in Chinese and
// English within Excel's limits; the ID number's column is text.
func TestNominationsTemplateValidatesEveryColumn(t *testing.T) {
	f := openTemplate(t, writeNomTemplate(t, "n.xlsx"))
	dvs, err := f.GetDataValidations(nomTpl)
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
	p := talent.Default()
	cols := map[string]want{
		"A": text, "B": {"whole", "between", "2022", "2022"}, "C": text, "D": {"textLength", "equal", "18", ""}, "E": text,
		"F": {"textLength", "equal", "18", ""}, "G": {"date", "lessThanOrEqual", "44926", ""}, // 2022-12-31
		"H": {"list", "", `"` + strings.Join(p.DistrictNames(), ",") + `"`, ""},
		"I": {"list", "", `"` + strings.Join(p.CategoryNames(), ",") + `"`, ""},
		"J": {"list", "", `"新锐创客,创业新秀,创业达人"`, ""},
		"K": count, "L": yesNo, "M": {"decimal", "greaterThanOrEqual", "0", ""}, "N": count,
		"O": yesNo, "P": yesNo, "Q": yesNo, "R": {"decimal", "between", "0", "100"},
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
	// 18 digits typed into a General cell would become 6.2E+17.
	style, err := f.GetCellStyle(nomTpl, "D4")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil || st.NumFmt != 49 {
		t.Fatalf("the ID number column's format %d, %v; want text (49)", st.NumFmt, err)
	}
}

// nomTplRow is a filled row of the template as a clerk types it: dates as
// date cells, numbers as numbers, choices from the lists, the ID number
// as text.
func nomTplRow(id, personID string) []any {
	return []any{id, 2022, "张伟", personID, "兰州金城数字科技有限公司", "91350100M000100Y43", appDate(2021, 3, 10),
		"城关区", "大学生青年群体", "新锐创客", 8, "是", 120.5, 1, "是", "是", "否", 87.25}
}

func fillNomTemplate(t *testing.T, path string, rows ...[]any) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		if err := f.SetSheetRow(nomTpl, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestNominationsTemplateRoundTrip: a filled template ingests as
// nominations with zero rejects and no note of an ignored column; only
// its first sheet is read, and every value arrives typed.
func TestNominationsTemplateRoundTrip(t *testing.T) {
	path := writeNomTemplate(t, "创业人才推荐-2022.xlsx")
	second, third := nomTplRow("TR2022-002", "62010219950505056x"), nomTplRow("TR2022-003", "620102198702281231")
	second[7], second[8], second[9], second[16] = "七里河区", "残疾人创业群体", "创业新秀", "是"
	third[9], third[12], third[13], third[17] = "创业达人", 500, 2, 100
	fillNomTemplate(t, path, nomTplRow("TR2022-001", "620103199003151236"), second, third)
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
	if fr.Kind != ingest.Nominations || fr.Status != ingest.StatusLoaded || fr.RowsRead != 3 || fr.Accepted != 3 || fr.Rejected != 0 || fr.Warned != 0 {
		t.Fatalf("ingest: %+v %v", fr, fr.Err)
	}
	for _, n := range fr.Notes {
		if strings.Contains(n, "已忽略") || strings.Contains(n, "不同") {
			t.Errorf("note %q: the template should have no extra column and no sheet of another kind", n)
		}
	}
	rows, err := st.DB.Query(`SELECT concat_ws('|', nomination_id, year, person_id, founded_on, district, category, title, jobs,
		CAST(jobs_stable AS INT) || CAST(clean_record AS INT) || CAST(prospect AS INT) || CAST(influence AS INT),
		revenue, ip_count, contest_score, sheet)
		FROM nominations ORDER BY nomination_id`)
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
		"TR2022-001|2022|620103199003151236|2021-03-10|城关区|大学生青年群体|rising|8|1110|120.500000|1|87.25|创业人才推荐",
		"TR2022-002|2022|62010219950505056X|2021-03-10|七里河区|残疾人创业群体|star|8|1111|120.500000|1|87.25|创业人才推荐",
		"TR2022-003|2022|620102198702281231|2021-03-10|城关区|大学生青年群体|master|8|1110|500.000000|2|100.00|创业人才推荐",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("nominations (-want +got):\n%s", diff)
	}
}

// TestNominationsTemplateDoesNotBypassValidation: a value the template's
// checks would refuse, written anyway, is still rejected by ingest: an
// ID number typed as a number, which Excel keeps to 15 digits, and a
// district not in the programme.
func TestNominationsTemplateDoesNotBypassValidation(t *testing.T) {
	path := writeNomTemplate(t, "bad.xlsx")
	number, other := nomTplRow("TR2022-002", ""), nomTplRow("TR2022-003", "620104199207012349")
	number[3] = 6.20103199003151e17 // what Excel keeps of 620103199003151236 typed into a number cell
	other[7] = "兰州新区"
	fillNomTemplate(t, path, nomTplRow("TR2022-001", "620103199003151236"), number, other)
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
	if want := "5 person_id idcard_check|6 district unknown_district"; got != want {
		t.Fatalf("rejects %q, want %q", got, want)
	}
}

func TestNominationsTemplateIsDeterministic(t *testing.T) {
	a, _ := os.ReadFile(writeNomTemplate(t, "a.xlsx"))
	b, _ := os.ReadFile(writeNomTemplate(t, "b.xlsx"))
	if !bytes.Equal(a, b) {
		t.Fatal("two templates of the same year differ")
	}
	if err := reports.WriteNominationsTemplate(1999, filepath.Join(t.TempDir(), "x.xlsx")); err == nil {
		t.Fatal("year 1999 accepted")
	}
}
