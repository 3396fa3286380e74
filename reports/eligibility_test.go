package reports_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/uscc"
	"github.com/incubeval/incubeval/reports"
)

// The small world of pipeline/eligibility's tests (harness_test.go,
// carriers_test.go), written as CSV files and ingested through the real
// path.

// eligToday is "today" in these tests: after 2025's window.
var eligToday = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

type eligWorld struct {
	t                              *testing.T
	st                             *store.Store
	dir                            string
	registry, quarterly, incidents []string
	batch                          int
}

func newEligWorld(t *testing.T) *eligWorld {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "w.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &eligWorld{t: t, st: st, dir: dir}
}

// eligOperator is a valid USCC for the n-th operator.
func eligOperator(n int) string {
	code, err := uscc.Complete('9', '1', "620102", fmt.Sprintf("MA%06d", n))
	if err != nil {
		panic(err)
	}
	return code
}

// eligBase is a registry row: a municipal demonstration base unless changed.
type eligBase struct {
	id, kind, level, district, recognized, lease string
	area, service                                string
	op                                           int
}

func (w *eligWorld) carrier(b eligBase) {
	if b.kind == "" {
		b.kind = "demo_base"
	}
	if b.level == "" {
		b.level = "municipal"
	}
	if b.district == "" {
		b.district = "城关区"
	}
	w.registry = append(w.registry, strings.Join([]string{b.id, b.id + " 孵化基地", eligOperator(b.op), fmt.Sprintf("运营公司%d", b.op),
		b.district, b.kind, "comprehensive", b.level, b.recognized, b.area, b.service, b.lease}, ","))
}

// steady reports the twelve quarters of windows 2023–2025 (sep: 2022Q4 …
// 2025Q3) with the given utilization in each window, the last quarter's
// stocks, and graduated, exits and revenue (in cents) spread so that
// their sums are the ones given.
func (w *eligWorld) steady(id string, util [3]string, incubating, jobs, graduated, exits int, revenueCents int64) {
	i := 0
	for y := 2022; y <= 2025; y++ {
		for q := 1; q <= 4; q++ {
			if (y == 2022 && q < 4) || (y == 2025 && q == 4) {
				continue
			}
			window := 0
			switch {
			case y == 2023 && q == 4, y == 2024 && q < 4:
				window = 1
			case y == 2024 && q == 4, y == 2025:
				window = 2
			}
			g, x, cents := graduated/12, exits/12, revenueCents/12
			if i == 11 {
				g, x, cents = graduated-11*(graduated/12), exits-11*(exits/12), revenueCents-11*(revenueCents/12)
			}
			end := time.Date(y, time.Month(q*3)+1, 0, 0, 0, 0, 0, time.UTC)
			w.quarterly = append(w.quarterly, fmt.Sprintf("%s,%d,%d,%s,%d,0,0,%d,%d,1,10,1,%d,%d.%02d,0,0,0,%s",
				id, y, q, end.AddDate(0, 0, 10).Format("2006-01-02"), incubating, g, x, jobs, cents/100, cents%100, util[window]))
			i++
		}
	}
}

func (w *eligWorld) incident(id, date, typ string) {
	w.incidents = append(w.incidents, fmt.Sprintf("%s,%s,%s,", id, date, typ))
}

func (w *eligWorld) load() {
	w.t.Helper()
	w.batch++
	dir := filepath.Join(w.dir, fmt.Sprintf("batch%d", w.batch))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		w.t.Fatal(err)
	}
	write := func(name, header string, rows []string) {
		if len(rows) > 0 {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(header+"\n"+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
				w.t.Fatal(err)
			}
		}
	}
	write("registry.csv", "carrier_id,name,operator_uscc,operator_name,district,kind,track,level,recognized_on,area_m2,service_area_m2,lease_end", w.registry)
	write("quarterly.csv", "carrier_id,year,quarter,submitted_on,incubating,filed,new_entrants,graduated,exited,trainings,trainees,events,jobs,revenue,ip_granted,financing,financed,utilization", w.quarterly)
	write("incidents.csv", "carrier_id,occurred_on,type,note", w.incidents)
	w.registry, w.quarterly, w.incidents = nil, nil, nil
	res, err := ingest.Ingest(context.Background(), w.st, []string{dir}, ingest.Options{Today: eligToday})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, rejected, _ := res.Totals(); rejected > 0 {
		w.t.Fatalf("test data rejected: %+v", res.Files)
	}
}

// run loads what is pending and runs profile p for year y.
func (w *eligWorld) run(p *eligibility.Profile, y int) *eligibility.Result {
	w.t.Helper()
	w.load()
	res, err := eligibility.Run(context.Background(), w.st, p, eligibility.Options{Year: y, Today: eligToday})
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

// demoBases is carriers_test.go's world: four municipal demonstration
// bases, each condition of SPEC §8.3 exactly at its threshold (AT), a hair
// short (PAST), a window without utilization and an incident on the
// window's first day (GAP), an incident the day before it (OLD); and two
// carriers the profile does not apply to. E is 30 September 2025.
func demoBases(t *testing.T) *eligWorld {
	w := newEligWorld(t)
	w.carrier(eligBase{id: "AT", recognized: "2022-09-30", area: "3000", service: "2250", lease: "2028-09-30", op: 1})
	w.steady("AT", [3]string{"0.85", "0.85", "0.85"}, 50, 500, 21, 14, 500000)
	w.carrier(eligBase{id: "PAST", district: "七里河区", recognized: "2022-10-01", area: "2999.99", service: "2249.99", lease: "2028-09-29", op: 2})
	w.steady("PAST", [3]string{"0.85", "0.8499", "0.85"}, 49, 499, 20, 14, 499999)
	w.carrier(eligBase{id: "GAP", recognized: "2020-01-01", area: "5000", service: "4000", op: 3})
	w.steady("GAP", [3]string{"0.9", "", "0.9"}, 60, 600, 30, 10, 600000)
	w.incident("GAP", "2022-10-01", "abnormal_operation_list")
	w.carrier(eligBase{id: "OLD", district: "安宁区", recognized: "2020-01-01", area: "5000", service: "4000", op: 4})
	w.steady("OLD", [3]string{"0.9", "0.9", "0.9"}, 60, 600, 30, 10, 600000)
	w.incident("OLD", "2022-09-30", "major_accident")
	w.carrier(eligBase{id: "INC", kind: "incubator", recognized: "2020-01-01", area: "5000", service: "4000", op: 5})
	w.carrier(eligBase{id: "PROV", level: "provincial", recognized: "2020-01-01", area: "5000", service: "4000", op: 6})
	return w
}

// eligSheets reads every sheet of a workbook as rows of cells.
func eligSheets(t *testing.T, path string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"结果", "核查清单", "公示", "说明"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	out := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		out[s] = rows
	}
	return out
}

// cellAt is row r, column c (1-based) of rows, or "".
func cellAt(rows [][]string, r, c int) string {
	if r-1 < len(rows) && c-1 < len(rows[r-1]) {
		return rows[r-1][c-1]
	}
	return ""
}

// groupCol is the first column of the group of the condition whose
// header (row 3 of 结果) starts with name.
func groupCol(t *testing.T, rows [][]string, name string) int {
	t.Helper()
	for c, h := range rows[2] {
		if c >= 8 && strings.HasPrefix(h, name) {
			return c + 1
		}
	}
	t.Fatalf("no condition %s in the header %q", name, rows[2])
	return 0
}

// TestEligibilityWorkbookShowsTheStoredRun: each sheet of the workbook of
// the provincial demonstration-base run shows what the run stored, at each
// boundary of SPEC §8.3.
func TestEligibilityWorkbookShowsTheStoredRun(t *testing.T) {
	w := demoBases(t)
	p, err := eligibility.Named("provincial_demo_base")
	if err != nil {
		t.Fatal(err)
	}
	w.run(p, 2025)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "eligibility-provincial_demo_base-2025.xlsx")
	info, err := reports.WriteEligibility(ctx, w.st.DB, "provincial_demo_base", 2025, out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != out || info.Subjects != 4 || info.Eligible != 2 || info.ToReview != 4 {
		t.Fatalf("info %+v; want 4 subjects, 2 recommended, 4 to review", info)
	}
	sheets := eligSheets(t, out)

	// 结果: the recommended first, then those not met; by district (in
	// the database's order of text, as every list of ours), then id.
	res := sheets["结果"]
	if !strings.HasPrefix(res[0][0], "2025年省级创业就业孵化示范基地推荐 核查结果") {
		t.Errorf("title %q", res[0][0])
	}
	if cellAt(res, 3, 6) != "结论\nOutcome" || cellAt(res, 4, 9) != "值\nValue" || cellAt(res, 4, 11) != "结果\nOutcome" {
		t.Errorf("header rows %q / %q", res[2], res[3])
	}
	type line struct{ no, id, district, outcome, unmet, review string }
	var got []line
	for _, r := range res[4:] {
		got = append(got, line{r[0], r[1], r[3], r[5], r[6], r[7]})
	}
	want := []line{
		{"1", "AT", "城关区", "推荐\nrecommended", "", "到期出园率"},
		{"2", "OLD", "安宁区", "推荐\nrecommended", "", "到期出园率"},
		{"3", "PAST", "七里河区", "不符合\nnot met", "运营时间与记录、孵化场所利用率、孵化场地、孵化规模、孵化成功率、累计总营收", "到期出园率"},
		{"4", "GAP", "城关区", "不符合\nnot met", "运营时间与记录、孵化场所利用率", "到期出园率"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("results\n got %q\nwant %q", got, want)
	}
	// Seven conditions, three columns each, named as the run stored them.
	if len(res[3]) != 8+7*3 {
		t.Errorf("%d columns, want 8 + 7 × 3", len(res[3]))
	}
	byID := map[string]int{} // id → row
	for i, r := range res[4:] {
		byID[r[1]] = i + 5
	}
	if cellAt(res, byID["AT"], 5) != eligOperator(1) {
		t.Errorf("AT's USCC %q", cellAt(res, byID["AT"], 5))
	}
	group := func(id, cond string) [3]string {
		c, r := groupCol(t, res, cond), byID[id]
		return [3]string{cellAt(res, r, c), cellAt(res, r, c+1), cellAt(res, r, c+2)}
	}
	for _, tt := range []struct {
		id, cond string
		want     [3]string
	}{
		{"AT", "孵化成功率\nSuccess rate", [3]string{"0.6", "≥ 0.6", "符合\nmet"}},
		{"AT", "孵化场所利用率", [3]string{"2023: 0.85\n2024: 0.85\n2025: 0.85", "≥ 0.85", "符合\nmet"}},
		{"PAST", "孵化场所利用率", [3]string{"2023: 0.85\n2024: 0.8499\n2025: 0.85", "≥ 0.85", "不符合\nnot met"}},
		{"GAP", "孵化场所利用率", [3]string{"2023: 0.9\n2024: —\n2025: 0.9", "≥ 0.85", "不符合\nnot met"}},
		{"AT", "孵化场地", [3]string{"3000\n0.75\n2028-09-30", "≥ 3000\n≥ 0.75\n≥ 2028-09-30", "符合\nmet"}},
		{"PAST", "孵化场地", [3]string{"2999.99\n0.7499991667\n2028-09-29", "≥ 3000\n≥ 0.75\n≥ 2028-09-30", "不符合\nnot met"}},
		{"GAP", "孵化场地", [3]string{"5000\n0.8\n—", "≥ 3000\n≥ 0.75\n≥ 2028-09-30", "符合\nmet"}},
		{"AT", "运营时间与记录", [3]string{"2022-09-30\n0", "≤ 2022-09-30\n0 (2022-10-01 … 2025-09-30)", "符合\nmet"}},
		{"GAP", "运营时间与记录", [3]string{"2020-01-01\n1", "≤ 2022-09-30\n0 (2022-10-01 … 2025-09-30)", "不符合\nnot met"}},
		{"AT", "孵化规模", [3]string{"21\n50\n500", "≥ 20\n≥ 50\n≥ 500", "符合\nmet"}},
		{"AT", "累计总营收", [3]string{"5000", "≥ 5000", "符合\nmet"}},
		{"PAST", "累计总营收", [3]string{"4999.99", "≥ 5000", "不符合\nnot met"}},
		{"AT", "到期出园率", [3]string{"—", "见核查清单 see checklist", "待核实\nreview"}},
	} {
		if got := group(tt.id, tt.cond); got != tt.want {
			t.Errorf("%s, %s: %q, want %q", tt.id, strings.SplitN(tt.cond, "\n", 2)[0], got, tt.want)
		}
	}

	// 核查清单: on_time_exit for every subject, those not met included.
	chk := sheets["核查清单"]
	if cellAt(chk, 3, 8) != "核查结果\n符合/不符合\nFinding" {
		t.Errorf("checklist header %q", chk[2])
	}
	var ids []string
	for _, r := range chk[3:] {
		if len(r) < 7 || r[0] == "" {
			continue
		}
		ids = append(ids, r[1])
		if r[4] != "到期出园率\nOn-time exit rate" || r[5] != "（五）入孵创业实体到期出园率总体不低于85%" ||
			!strings.HasPrefix(r[6], "需核对在孵企业名册") {
			t.Errorf("checklist row %q", r)
		}
		if len(r) > 7 {
			t.Errorf("checklist row %q: the reviewer's columns are not blank", r)
		}
	}
	if want := []string{"AT", "OLD", "PAST", "GAP"}; !slices.Equal(ids, want) {
		t.Errorf("checklist subjects %q, want %q", ids, want)
	}

	// 公示: only the recommended, with their operators.
	notice := sheets["公示"]
	if cellAt(notice, 2, 1) != "2025年省级创业就业孵化示范基地拟推荐名单公示" {
		t.Errorf("notice title %q", cellAt(notice, 2, 1))
	}
	if !strings.Contains(cellAt(notice, 3, 1), "公示期为5个工作日") || !strings.Contains(cellAt(notice, 4, 1), "联系人：") {
		t.Errorf("notice text %q / %q", cellAt(notice, 3, 1), cellAt(notice, 4, 1))
	}
	var listed [][]string
	for _, r := range notice[6:] {
		if len(r) > 1 && r[1] != "" {
			listed = append(listed, r)
		}
	}
	if len(listed) != 2 || listed[0][1] != "AT 孵化基地" || listed[0][2] != "运营公司1" || listed[1][1] != "OLD 孵化基地" ||
		listed[1][2] != "运营公司4" || listed[1][4] != "创业就业孵化示范基地\n（综合类）" {
		t.Errorf("notice rows %q", listed)
	}

	// 说明: the run's profile, hash and conditions.
	method := strings.Join(slices.Concat(sheets["说明"]...), "\n")
	for _, s := range []string{p.SHA256, "省级创业就业孵化示范基地推荐", "2025-09-30", "（六）孵化基地累计总营收5000万以上",
		"· sum(revenue)（累计 on record） ≥ 5000", "否则 → 推荐"} {
		if !strings.Contains(method, s) {
			t.Errorf("说明 does not say %q", s)
		}
	}

	// The same run, the same bytes; the SHA-256 reported is the file's.
	again := filepath.Join(t.TempDir(), "again.xlsx")
	if _, err := reports.WriteEligibility(ctx, w.st.DB, "provincial_demo_base", 2025, again); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Error("two writes of the same run differ")
	}
	if h := sha256.Sum256(a); info.SHA256 != hex.EncodeToString(h[:]) {
		t.Errorf("reported SHA-256 %s, the file's is %x", info.SHA256, h)
	}
	checkPrints(t, out)
}

// TestEligibilityWorkbookNamesComeFromTheRun: a profile written by a
// bureau shows its own conditions, names and words, not the embedded
// profiles'.
func TestEligibilityWorkbookNamesComeFromTheRun(t *testing.T) {
	w := demoBases(t)
	p, err := eligibility.Load([]byte(`version: 1
code: custom_demo
name_zh: 自定义示范基地推荐
name_en: A custom recommendation
source: 测试用条件
subjects: carriers
applies_to: {kind: [demo_base], level: [municipal]}
conditions:
  - code: big
    name_zh: 自定义条件
    name_en: Custom condition
    text: 场地不低于4000平方米
    all:
      - value: area_m2
        at_least: 4000
  - code: roster
    name_zh: 自定义核查
    name_en: Custom review
    text: 核对名册
    all:
      - review: 核对名册原件
`), "custom.yaml")
	if err != nil {
		t.Fatal(err)
	}
	w.run(p, 2025)
	out := filepath.Join(t.TempDir(), "eligibility-custom_demo-2025.xlsx")
	info, err := reports.WriteEligibility(context.Background(), w.st.DB, "custom_demo", 2025, out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Subjects != 4 || info.Eligible != 2 || info.ToReview != 4 {
		t.Fatalf("info %+v; want GAP and OLD (5000 m²) recommended", info)
	}
	sheets := eligSheets(t, out)
	res := sheets["结果"]
	if len(res[3]) != 8+2*3 || cellAt(res, 3, 9) != "自定义条件\nCustom condition" || cellAt(res, 3, 12) != "自定义核查\nCustom review" {
		t.Fatalf("header %q / %q", res[2], res[3])
	}
	if r := res[4]; r[1] != "GAP" || r[8] != "5000" || r[9] != "≥ 4000" || r[10] != "符合\nmet" {
		t.Errorf("first row %q", r)
	}
	if r := res[5]; r[1] != "OLD" || r[5] != "推荐\nrecommended" || r[7] != "自定义核查" {
		t.Errorf("second row %q", r)
	}
	chk := sheets["核查清单"]
	if r := chk[3]; r[4] != "自定义核查\nCustom review" || r[5] != "核对名册" || r[6] != "核对名册原件" {
		t.Errorf("checklist row %q", r)
	}
	if got := cellAt(sheets["公示"], 2, 1); got != "2025年自定义示范基地拟推荐名单公示" {
		t.Errorf("notice title %q", got)
	}
	method := strings.Join(slices.Concat(sheets["说明"]...), "\n")
	for _, s := range []string{"自定义示范基地推荐", "测试用条件", "1. 自定义条件", "场地不低于4000平方米", "area_m2 ≥ 4000", "核对名册原件"} {
		if !strings.Contains(method, s) {
			t.Errorf("说明 does not say %q", s)
		}
	}
	for _, s := range []string{"孵化场所利用率", "到期出园率"} {
		if strings.Contains(method, s) || strings.Contains(strings.Join(res[2], " "), s) {
			t.Errorf("the embedded profile's %q shows in a custom profile's workbook", s)
		}
	}
}

// TestEligibilityWorkbookRefusesWithoutARun: no stored run of the profile
// and year, no workbook, and a message saying what to run; a file already
// at the path is left as it was, and a write that fails at the end (the
// path is a folder) leaves nothing behind.
func TestEligibilityWorkbookRefusesWithoutARun(t *testing.T) {
	w := demoBases(t)
	p, err := eligibility.Named("provincial_demo_base")
	if err != nil {
		t.Fatal(err)
	}
	w.run(p, 2025)
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "eligibility-provincial_demo_base-2024.xlsx")
	if err := os.WriteFile(out, []byte("the last good copy"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		profile string
		year    int
	}{{"provincial_demo_base", 2024}, {"municipal_maker_space", 2025}} {
		_, err := reports.WriteEligibility(ctx, w.st.DB, tt.profile, tt.year, out)
		if !errors.Is(err, reports.ErrNoEligibilityRun) {
			t.Fatalf("%s %d: %v, want ErrNoEligibilityRun", tt.profile, tt.year, err)
		}
		if hint := fmt.Sprintf("run incubeval eligibility --profile %s --year %d first", tt.profile, tt.year); !strings.Contains(err.Error(), hint) ||
			!strings.Contains(err.Error(), "请先运行") {
			t.Errorf("%v: does not say %q in both languages", err, hint)
		}
	}
	if b, _ := os.ReadFile(out); string(b) != "the last good copy" {
		t.Errorf("a refused write changed the file: %q", b)
	}
	// The rename fails after the whole workbook is written: the folder
	// stays, no temporary file is left beside it.
	folder := filepath.Join(dir, "eligibility-provincial_demo_base-2025.xlsx")
	if err := os.MkdirAll(filepath.Join(folder, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := reports.WriteEligibility(ctx, w.st.DB, "provincial_demo_base", 2025, folder); err == nil {
		t.Fatal("a workbook written over a folder")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"eligibility-provincial_demo_base-2024.xlsx", "eligibility-provincial_demo_base-2025.xlsx"}; !slices.Equal(names, want) {
		t.Errorf("the folder holds %q, want %q (no temporary file left)", names, want)
	}
}

// The results print on A3 at 100%, each condition's value, threshold and
// outcome whole on one page: LibreOffice breaks the pages across exactly
// where the workbook does, none within a group; the checklist and the
// method on their own pages.
func TestEligibilityRendersInLibreOffice(t *testing.T) {
	st := demoStore(t)
	path := filepath.Join(t.TempDir(), "eligibility-provincial_demo_base-2025.xlsx")
	if _, err := reports.WriteEligibility(context.Background(), st.DB, "provincial_demo_base", demoYear, path); err != nil {
		t.Fatal(err)
	}
	for _, p := range checkPrints(t, path) {
		want := map[string]struct {
			paper string
			row   int // the first row printed
		}{"结果": {"A3 landscape", 3}, "核查清单": {"A4 landscape", 1}, "公示": {"A4 portrait", 2}, "说明": {"A4 portrait", 1}}[p.Sheet]
		if p.Paper != want.paper || p.Area.Row1 != want.row {
			t.Errorf("%s prints %v on %s, want from row %d on %s", p.Sheet, p.Area, p.Paper, want.row, want.paper)
		}
	}
	office := soffice(t)
	if office == "" {
		t.Skip("LibreOffice is not installed (no soffice or libreoffice on PATH): the PDF rendering check is skipped")
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	across := 1
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			r, _ := f.Open()
			x, _ := io.ReadAll(r)
			r.Close()
			across += bytes.Count(x, []byte(`<brk id=`)) // column breaks only: rows break where they fall
		}
	}
	zr.Close()
	if across < 2 {
		t.Fatalf("the results of seven conditions print on one page across")
	}
	pages := pagesBySheet(t, renderPDF(t, office, path, t.TempDir()), []string{"结果", "核查清单", "说明"})
	if pages == nil {
		return
	}
	if pages["结果"]%across != 0 || pages["核查清单"] < 1 || pages["说明"] < 1 {
		t.Errorf("pages %v: 结果 should print %d pages across each band of rows", pages, across)
	}
}
