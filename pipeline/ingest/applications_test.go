package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
)

// Applications (认定申请, SPEC §8.1): the fifth kind of input.

const appHeader = "申请编号,载体名称,运营主体统一社会信用代码,运营主体名称,运营主体类型,区县,载体类型,类别,申请日期,运营主体成立日期,开始运营日期," +
	"场地面积(平方米),办公及公共服务面积(平方米),工位数,租赁截止日期,入孵企业(团队)数,管理服务人员数," +
	"有稳定经营收入,配套设施齐全,管理制度健全,孵化服务体系完善,设立或引进种子基金,有实质投资行为,虚拟空间\n"

// Column indexes of appHeader.
const (
	aID = iota
	aName
	aUSCC
	aOperator
	aOperatorType
	aDistrict
	aKind
	aTrack
	aApplied
	aFounded
	aOperating
	aArea
	aServiceArea
	aWorkstations
	aLeaseEnd
	aIncubated
	aStaff
	aRevenueStable
	aFacilities
	aRules
	aServices
	aSeedFund
	aInvested
	aVirtual
)

// arow is a valid application row, SQ-001, with overrides by column index.
func arow(over map[int]string) string {
	cells := strings.Split("SQ-001,兰州五泉众创空间,"+usccB+",兰州五泉科技有限公司,企业,城关区,众创空间,综合,2025-06-16,2021-03-10,2022-05-01,"+
		"800,680,60,2030-12-31,15,5,是,是,是,是,是,否,否", ",")
	for i, v := range over {
		cells[i] = v
	}
	return strings.Join(cells, ",") + "\n"
}

// applicationLines lists the view applications, one line per application:
// id|operator_type|kind|track|applied_on|area|service_area|workstations|
// lease_end|incubated|staff|the seven declarations as 1/0|revisions.
func applicationLines(tb testing.TB, st *store.Store) []string {
	tb.Helper()
	return lines(queryLines(tb, st, `SELECT concat_ws('|', application_id, operator_type, kind, track, applied_on,
		area_m2, service_area_m2, workstations, coalesce(CAST(lease_end AS VARCHAR), 'owned'), incubated, staff,
		CAST(revenue_stable AS INT) || CAST(facilities AS INT) || CAST(rules AS INT) || CAST(services AS INT)
		|| CAST(seed_fund AS INT) || CAST(invested AS INT) || CAST(virtual AS INT), revisions)
		FROM applications ORDER BY application_id`))
}

// TestApplicationsRecognisedByTheirHeader: a file of applications is
// recognised from its header — Chinese, English, synonyms under a title
// row, bilingual cells, a workbook — with no registry loaded (an
// applicant is not a carrier), and every column is stored typed.
func TestApplicationsRecognisedByTheirHeader(t *testing.T) {
	english := "application_id,name,operator_uscc,operator_name,operator_type,district,kind,track,applied_on,founded_on,operating_since," +
		"area_m2,service_area_m2,workstations,lease_end,incubated,staff,revenue_stable,facilities,rules,services,seed_fund,invested,virtual\n"
	synonyms := "2025年市级众创空间认定申请汇总表" + strings.Repeat(",", 23) + "\n" +
		"申报编号,拟认定载体名称,统一社会信用代码,申报单位,单位性质,所在区县,申报类型,申报类别,申报日期,成立日期,投入运营日期," +
		"场地面积,办公及公共服务面积,工位数量,租赁到期日期,入孵企业数,管理服务人员,是否有稳定经营收入,是否配套设施齐全," +
		"是否管理制度健全,是否孵化服务体系完善,是否设立或引进种子基金,是否有实质投资行为,是否虚拟空间\n"
	bilingual := strings.Replace(strings.Replace(appHeader, "申请编号", "\"申请编号\napplication_id\"", 1), "申请日期", "申请日期 applied_on", 1)
	tests := []struct{ name, file, body string }{
		{"Chinese", "申请.csv", appHeader + arow(nil)},
		{"English", "applications.csv", english + arow(map[int]string{aOperatorType: "enterprise", aKind: "maker_space", aTrack: "comprehensive"})},
		{"synonyms and a title row", "汇总.csv", synonyms + arow(map[int]string{aOperatorType: "公司", aApplied: "2025年6月16日"})},
		{"bilingual cells", "bi.csv", bilingual + arow(map[int]string{aID: "ＳＱ－００１"})},
		{"workbook", "申请.xlsx", appHeader + arow(map[int]string{aApplied: "2025/6/16"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			f := run(t, st, writeInput(t, t.TempDir(), tt.file, tt.body)).Files[0]
			if f.Kind != ingest.Applications || f.Status != ingest.StatusLoaded || f.RowsRead != 1 || f.Accepted != 1 {
				t.Fatalf("got %+v; want one applications row loaded", f)
			}
			want := []string{"SQ-001|enterprise|maker_space|comprehensive|2025-06-16|800.0|680.0|60|2030-12-31|15|5|1111100|1"}
			if diff := cmp.Diff(want, applicationLines(t, st)); diff != "" {
				t.Fatalf("applications (-want +got):\n%s", diff)
			}
			if got := queryLines(t, st, `SELECT concat_ws('|', name, operator_uscc, operator_name, district, founded_on, operating_since)
				FROM applications`); got != "兰州五泉众创空间|"+usccB+"|兰州五泉科技有限公司|城关区|2021-03-10|2022-05-01\n" {
				t.Fatalf("text and dates: %q", got)
			}
			if kind := queryLines(t, st, "SELECT kind FROM ingest_log WHERE ingest_id = ?", f.IngestID); kind != "applications\n" {
				t.Fatalf("ingest_log.kind %q", kind)
			}
		})
	}
}

// TestApplicationsAndRegistryNeverConfused: the registry and applications
// share name, operator, district, kind, track and the areas; a registry
// file is read as a registry and an applications file as applications,
// in one batch, whichever comes first, and neither is read as the other
// even when forced (--kind): the other's header is not there.
func TestApplicationsAndRegistryNeverConfused(t *testing.T) {
	dir := t.TempDir()
	reg := writeFile(t, dir, "a-名录.csv", registryCSV)
	app := writeFile(t, dir, "0-申请.csv", appHeader+arow(nil))
	st := mustOpen(t)
	res := run(t, st, app, reg)
	kinds := map[string]ingest.Kind{}
	for _, f := range res.Files {
		kinds[f.Path] = f.Kind
		if f.Status != ingest.StatusLoaded {
			t.Errorf("%s: %+v", f.Path, f)
		}
	}
	if kinds[reg] != ingest.Registry || kinds[app] != ingest.Applications {
		t.Fatalf("kinds %v", kinds)
	}
	if n := count(t, st, "SELECT count(*) FROM carriers"); n != 2 {
		t.Fatalf("%d carriers, want the registry's 2", n)
	}
	for _, c := range []struct {
		path string
		as   ingest.Kind
		zh   string
	}{{reg, ingest.Applications, "认定申请"}, {app, ingest.Registry, "载体名录"}} {
		res, err := ingest.Ingest(context.Background(), mustOpen(t), []string{c.path}, ingest.Options{Today: today, Kind: c.as})
		if err != nil {
			t.Fatal(err)
		}
		if f := res.Files[0]; f.Status != ingest.StatusRejected || f.Err.Rule != "unknown_header" || !strings.Contains(f.Err.ZH, c.zh) {
			t.Errorf("%s read as %s: %+v %+v", c.path, c.as, f, f.Err)
		}
	}
	// A registry header with an applications column or two is still a
	// registry: the signature wants all three of application_id,
	// applied_on and operator_type.
	extra := strings.Replace(registryHeader, "\n", ",申请日期,运营主体类型\n", 1) +
		strings.Replace(strings.SplitAfter(registryCSV, "\n")[1], "\n", ",2025-06-16,企业\n", 1)
	f := run(t, mustOpen(t), writeFile(t, dir, "名录2.csv", extra)).Files[0]
	if f.Kind != ingest.Registry || f.Accepted != 1 {
		t.Fatalf("registry with extra columns: %+v", f)
	}
}

// TestApplicationRules: each rule an application row can break, at its
// boundary, defended by a row that breaks only it, with the message the
// clerk reads. Nothing an application holds is looked up in the registry.
func TestApplicationRules(t *testing.T) {
	tests := []struct {
		rule, column string
		over         map[int]string
		zh, en       string // parts of the messages
	}{
		{"enum", "operator_type", map[int]string{aOperatorType: "个体户"}, "应为：企业/高等院校/科研院所/其他", "enterprise/institute/other/university"},
		{"enum", "kind", map[int]string{aKind: "创业园"}, "应为：众创空间/科技企业孵化器/双创中心/创业就业孵化示范基地", "not one of"},
		{"enum", "track", map[int]string{aTrack: "混合"}, "应为：综合/专业", "comprehensive/specialized"},
		{"uscc_check", "operator_uscc", map[int]string{aUSCC: usccB[:17] + "4"}, "统一社会信用代码无效", "check character"},
		{"uscc_length", "operator_uscc", map[int]string{aUSCC: usccB[:17]}, "应为 18 位", "18 characters"},
		{"service_area_gt_area", "service_area_m2", map[int]string{aServiceArea: "800.01"}, "不能大于场地面积（800）", "exceeds the total area 800"},
		{"date", "applied_on", map[int]string{aApplied: "2025-02-30"}, "不是有效日期", "not a valid date"},
		{"date", "founded_on", map[int]string{aFounded: "2021-13-01"}, "不是有效日期", "not a valid date"},
		{"date", "operating_since", map[int]string{aOperating: "2022年2月29日"}, "不是有效日期", "not a valid date"},
		{"date", "lease_end", map[int]string{aLeaseEnd: "2030-04-31"}, "不是有效日期", "not a valid date"},
		{"number", "area_m2", map[int]string{aArea: "八百"}, "不是数字", "not a number"},
		{"negative", "area_m2", map[int]string{aArea: "-1"}, "不能为负数", "negative"},
		{"integer", "workstations", map[int]string{aWorkstations: "20.5"}, "不是整数", "not a whole number"},
		{"negative", "incubated", map[int]string{aIncubated: "-1"}, "不能为负数", "negative"},
		{"negative", "staff", map[int]string{aStaff: "-3"}, "不能为负数", "negative"},
		{"bool", "facilities", map[int]string{aFacilities: "基本齐全"}, "应填“是”或“否”", "yes/no"},
		{"bool", "invested", map[int]string{aInvested: "拟投资"}, "应填“是”或“否”", "yes/no"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s=%v", tt.rule, tt.column, tt.over), func(t *testing.T) {
			checkApplicationReject(t, tt.over, tt.column, tt.rule, tt.zh, tt.en)
		})
	}
}

// TestApplicationRequiredColumns: every column but lease_end, invested and
// virtual is required: a row with one of them blank is rejected, and says
// which (a declaration asks for 是 or 否).
func TestApplicationRequiredColumns(t *testing.T) {
	spec := ingest.Specs[ingest.Applications]
	optional := map[string]bool{"lease_end": true, "invested": true, "virtual": true}
	if len(spec.Columns) != aVirtual+1 {
		t.Fatalf("%d columns, the test knows %d", len(spec.Columns), aVirtual+1)
	}
	for i, c := range spec.Columns {
		if c.Required == optional[c.Name] {
			t.Errorf("%s: required %v; SPEC §8.1 says %v", c.Name, c.Required, !optional[c.Name])
		}
		if !c.Required {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			zh := "「" + c.ZH + "」" + c.Name + "：不能为空"
			if i >= aRevenueStable {
				zh += "，请填“是”或“否”"
			}
			checkApplicationReject(t, map[int]string{i: ""}, c.Name, "required", zh, c.Name+": required")
		})
	}
}

// checkApplicationReject ingests a good application beside one changed by
// over, and checks that only the changed one is rejected, for rule on
// column, with messages holding zh and en, and that the rule has a name.
func checkApplicationReject(t *testing.T, over map[int]string, column, rule, zh, en string) {
	t.Helper()
	st := mustOpen(t)
	bad := map[int]string{aID: "SQ-002"}
	for i, v := range over {
		bad[i] = v
	}
	f := run(t, st, writeFile(t, t.TempDir(), "a.csv", appHeader+arow(nil)+arow(bad))).Files[0]
	if f.RowsRead != 2 || f.Accepted != 1 || f.Rejected != 1 {
		t.Fatalf("got %d read, %d accepted, %d rejected; want 2, 1, 1", f.RowsRead, f.Accepted, f.Rejected)
	}
	if diff := cmp.Diff([]reject{{3, column, rule}}, rejectsOf(t, st, f.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	var mzh, men, carrier, district string
	if err := st.DB.QueryRow("SELECT message_zh, message_en, coalesce(carrier_id, ''), coalesce(district, '') FROM rejects WHERE ingest_id = ?",
		f.IngestID).Scan(&mzh, &men, &carrier, &district); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mzh, zh) || !strings.Contains(men, en) {
		t.Fatalf("messages %q / %q; want them to say %q / %q", mzh, men, zh, en)
	}
	// Whose it is: the application, in its own district (the rejects
	// workbooks split by them) — when the row says so.
	wantC, wantD := "SQ-002", "城关区"
	switch column {
	case "application_id":
		wantC = ""
	case "district":
		wantD = ""
	}
	if carrier != wantC || district != wantD {
		t.Fatalf("reject of %q in %q, want %q in %q", carrier, district, wantC, wantD)
	}
	if rzh, ren := ingest.RuleName(rule, false); rzh == rule || ren == rule {
		t.Fatalf("rule %s has no name for the rejects workbook", rule)
	}
	if n := count(t, st, "SELECT count(*) FROM store.applications WHERE application_id = 'SQ-002'"); n != 0 {
		t.Fatal("the rejected row was stored")
	}
}

// TestApplicationServiceAreaBoundary: a service area equal to the whole is
// accepted, a hundredth more is not.
func TestApplicationServiceAreaBoundary(t *testing.T) {
	st := mustOpen(t)
	f := run(t, st, writeFile(t, t.TempDir(), "a.csv", appHeader+
		arow(map[int]string{aArea: "1000", aServiceArea: "1000"})+
		arow(map[int]string{aID: "SQ-002", aArea: "1000", aServiceArea: "1000.01"})+
		arow(map[int]string{aID: "SQ-003", aArea: "0", aServiceArea: "0"}))).Files[0]
	if f.Accepted != 2 || f.Rejected != 1 {
		t.Fatalf("got %d accepted + %d rejected; want 2 + 1", f.Accepted, f.Rejected)
	}
	if diff := cmp.Diff([]reject{{3, "service_area_m2", "service_area_gt_area"}}, rejectsOf(t, st, f.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	if got := queryLines(t, st, "SELECT application_id || ' ' || service_area_m2 FROM applications ORDER BY 1"); got != "SQ-001 1000.0\nSQ-003 0.0\n" {
		t.Fatalf("accepted: %q", got)
	}
}

// TestApplicationBooleanForms: a declaration is read in every form ingest
// takes for a yes or a no.
func TestApplicationBooleanForms(t *testing.T) {
	yes := []string{"是", "Y", "y", "Ｙ", "yes", "YES", "true", "TRUE", "T", "1", "有", "√", "✓", "✔"}
	no := []string{"否", "N", "n", "no", "false", "FALSE", "F", "0", "无", "×", "✗", "✘"}
	var body strings.Builder
	body.WriteString(appHeader)
	for i, v := range append(yes, no...) {
		body.WriteString(arow(map[int]string{aID: fmt.Sprintf("SQ-%03d", i+1), aFacilities: v, aInvested: v, aVirtual: v}))
	}
	st := mustOpen(t)
	f := run(t, st, writeFile(t, t.TempDir(), "a.csv", body.String())).Files[0]
	if f.Accepted != len(yes)+len(no) || f.Rejected != 0 {
		t.Fatalf("got %+v; want every row accepted", f)
	}
	got := queryLines(t, st, `SELECT count(*) FILTER (WHERE facilities AND invested AND virtual) || ' '
		|| count(*) FILTER (WHERE NOT facilities AND NOT invested AND NOT virtual) FROM applications`)
	if want := fmt.Sprintf("%d %d\n", len(yes), len(no)); got != want {
		t.Fatalf("yes, no: %q, want %q", got, want)
	}
}

// TestApplicationOptionalColumns: invested and virtual left blank, or
// left out of the header altogether, are 否 — stored false, never NULL;
// lease_end blank is owned (NULL).
func TestApplicationOptionalColumns(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	f := run(t, st, writeFile(t, dir, "a.csv", appHeader+
		arow(map[int]string{aInvested: "", aVirtual: "", aLeaseEnd: ""})+
		arow(map[int]string{aID: "SQ-002", aInvested: "是", aVirtual: " "}))).Files[0]
	// Without the two optional columns (the last two of the header).
	short := func(line string) string {
		cells := strings.Split(strings.TrimSuffix(line, "\n"), ",")
		return strings.Join(cells[:aInvested], ",") + "\n"
	}
	g := run(t, st, writeFile(t, dir, "b.csv", short(appHeader)+short(arow(map[int]string{aID: "SQ-003"})))).Files[0]
	if f.Accepted != 2 || g.Accepted != 1 || g.Kind != ingest.Applications {
		t.Fatalf("got %+v and %+v", f, g)
	}
	want := []string{
		"SQ-001|enterprise|maker_space|comprehensive|2025-06-16|800.0|680.0|60|owned|15|5|1111100|1",
		"SQ-002|enterprise|maker_space|comprehensive|2025-06-16|800.0|680.0|60|2030-12-31|15|5|1111110|1",
		"SQ-003|enterprise|maker_space|comprehensive|2025-06-16|800.0|680.0|60|2030-12-31|15|5|1111100|1",
	}
	if diff := cmp.Diff(want, applicationLines(t, st)); diff != "" {
		t.Fatalf("applications (-want +got):\n%s", diff)
	}
	if n := count(t, st, "SELECT count(*) FROM store.applications WHERE invested IS NULL OR virtual IS NULL"); n != 0 {
		t.Fatalf("%d rows with a NULL declaration", n)
	}
}

// TestApplicationsNoCarrierChecks: an application's operator may be one
// banned from recognition (the ban is an eligibility condition, decided
// later), and nothing of it is looked up in the registry.
func TestApplicationsNoCarrierChecks(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	ban(t, st, 2024) // usccA, LZ-ZC-0001's operator, banned 2024-11-30 … 2027-12-31
	f := run(t, st, writeFile(t, t.TempDir(), "a.csv", appHeader+
		arow(map[int]string{aUSCC: usccA, aApplied: "2025-03-01"})+
		arow(map[int]string{aID: "LZ-ZC-0999", aName: "不在名录中的空间"}))).Files[0]
	if f.Status != ingest.StatusLoaded || f.Accepted != 2 {
		t.Fatalf("got %+v; want both accepted", f)
	}
	if n := count(t, st, "SELECT count(*) FROM store.row_issues WHERE ingest_id = ?", f.IngestID); n != 0 {
		t.Fatalf("%d issues", n)
	}
}

// TestApplicationsDuplicateID: an application_id twice in one file
// rejects every occurrence (duplicate_key), whatever else is wrong with
// either; ids are compared as loaded (full-width folded, spaces removed).
func TestApplicationsDuplicateID(t *testing.T) {
	st := mustOpen(t)
	f := run(t, st, writeFile(t, t.TempDir(), "a.csv", appHeader+
		arow(nil)+ // 2: twin of 3
		arow(map[int]string{aStaff: "-1"})+ // 3: twin of 2, and negative
		arow(map[int]string{aID: "ＳＱ－００２"})+ // 4: twin of 5 once folded
		arow(map[int]string{aID: "SQ- 002"})+ // 5
		arow(map[int]string{aID: "SQ-003"}))).Files[0] // 6
	if f.RowsRead != 5 || f.Accepted != 1 || f.Rejected != 4 {
		t.Fatalf("got %d read = %d accepted + %d rejected; want 5 = 1 + 4", f.RowsRead, f.Accepted, f.Rejected)
	}
	want := []reject{{2, "application_id", "duplicate_key"}, {3, "application_id", "duplicate_key"}, {3, "staff", "negative"},
		{4, "application_id", "duplicate_key"}, {5, "application_id", "duplicate_key"}}
	if diff := cmp.Diff(want, rejectsOf(t, st, f.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	msg := queryLines(t, st, "SELECT DISTINCT message_zh || ' / ' || message_en FROM rejects WHERE row_no = 2")
	if !strings.Contains(msg, "同一申请编号在本文件中出现 2 次（第 2, 3 行）") || !strings.Contains(msg, "the same application_id occurs 2 times in this file (rows 2, 3)") {
		t.Fatalf("duplicate_key message %q", msg)
	}
	if got := queryLines(t, st, "SELECT application_id FROM store.applications"); got != "SQ-003\n" {
		t.Fatalf("stored %q, want SQ-003 only", got)
	}
	// Accounting: every row read is accepted or rejected, in the log too.
	if got := queryLines(t, st, "SELECT rows_read || ' = ' || rows_accepted || ' + ' || rows_rejected FROM ingest_log WHERE ingest_id = ?", f.IngestID); got != "5 = 1 + 4\n" {
		t.Fatalf("ingest_log %q", got)
	}
}

// TestApplicationsLaterFileReplaces: an application given again in a
// later file replaces the earlier one in the view applications; both rows
// are kept in application_revisions.
func TestApplicationsLaterFileReplaces(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	first := run(t, st, writeFile(t, dir, "申请.csv", appHeader+arow(nil)+arow(map[int]string{aID: "SQ-002"}))).Files[0]
	second := run(t, st, writeFile(t, dir, "申请-补正.csv", appHeader+arow(map[int]string{aStaff: "3", aFacilities: "否", aLeaseEnd: ""}))).Files[0]
	if first.Accepted != 2 || second.Accepted != 1 {
		t.Fatalf("first %+v, second %+v", first, second)
	}
	want := []string{
		"SQ-001|enterprise|maker_space|comprehensive|2025-06-16|800.0|680.0|60|owned|15|3|1011100|2",
		"SQ-002|enterprise|maker_space|comprehensive|2025-06-16|800.0|680.0|60|2030-12-31|15|5|1111100|1",
	}
	if diff := cmp.Diff(want, applicationLines(t, st)); diff != "" {
		t.Fatalf("applications (-want +got):\n%s", diff)
	}
	if got := queryLines(t, st, "SELECT ingest_id || ' ' || coalesce(sheet, '-') || ' ' || row_no FROM applications WHERE application_id = 'SQ-001'"); got != fmt.Sprintf("%d - 2\n", second.IngestID) {
		t.Fatalf("the winner comes from %q, want the second file's row 2", got)
	}
	if got := queryLines(t, st, `SELECT revision || ' ' || is_winning || ' ' || staff || ' ' || ingest_id FROM application_revisions
		WHERE application_id = 'SQ-001' ORDER BY revision`); got != fmt.Sprintf("1 false 5 %d\n2 true 3 %d\n", first.IngestID, second.IngestID) {
		t.Fatalf("application_revisions:\n%s", got)
	}
}

// TestApplicationColumnsNamedForTheClerk: the rejects workbook names an
// application's columns in Chinese; the kind has its Chinese name and
// its place in the order a batch loads.
func TestApplicationColumnsNamedForTheClerk(t *testing.T) {
	for field, zh := range map[string]string{"application_id": "申请编号", "operator_type": "运营主体类型", "applied_on": "申请日期",
		"operating_since": "开始运营日期", "incubated": "入孵企业(团队)数", "seed_fund": "设立或引进种子基金", "invested": "有实质投资行为"} {
		if got := ingest.ColumnName(ingest.Applications, field); got != zh {
			t.Errorf("ColumnName(applications, %s) = %q, want %q", field, got, zh)
		}
	}
	if ingest.Applications.ZH() != "认定申请" || string(ingest.Applications) != "applications" || ingest.Kinds[5] != ingest.Applications { // after expert scores, before nominations
		t.Errorf("kind %s, %s, kinds %v", ingest.Applications, ingest.Applications.ZH(), ingest.Kinds)
	}
}

// TestSampleApplicationsLoad: sample.ApplicationsCSV writes the same bytes
// each time, and MakerSpaceApplication rows load as written.
func TestSampleApplicationsLoad(t *testing.T) {
	d := time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)
	a, b := sample.MakerSpaceApplication("SQ-101", d), sample.MakerSpaceApplication("SQ-102", d)
	b.Track, b.OperatorType, b.Invested, b.LeaseEnd = "specialized", "institute", true, time.Time{}
	data := sample.ApplicationsCSV(a, b)
	if !bytes.Equal(data, sample.ApplicationsCSV(a, b)) {
		t.Fatal("two calls wrote different bytes")
	}
	st := mustOpen(t)
	f := run(t, st, writeFile(t, t.TempDir(), "认定申请.csv", string(data))).Files[0]
	if f.Kind != ingest.Applications || f.RowsRead != 2 || f.Accepted != 2 {
		t.Fatalf("got %+v; want 2 applications loaded", f)
	}
	want := []string{
		"SQ-101|enterprise|maker_space|comprehensive|2025-06-16|800.0|680.0|60|2030-12-31|16|6|1111100|1",
		"SQ-102|institute|maker_space|specialized|2025-06-16|800.0|680.0|60|owned|16|6|1111110|1",
	}
	if diff := cmp.Diff(want, applicationLines(t, st)); diff != "" {
		t.Fatalf("applications (-want +got):\n%s", diff)
	}
	if n := count(t, st, "SELECT count(DISTINCT operator_uscc) FROM applications WHERE founded_on = DATE '2022-04-16' AND operating_since = DATE '2023-06-16'"); n != 2 {
		t.Fatalf("%d operators with the dates MakerSpaceApplication promises, want 2", n)
	}
}
