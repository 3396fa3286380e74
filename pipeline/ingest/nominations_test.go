package ingest_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/idcard"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/talent"
)

// Nominations (创业人才推荐, SPEC §9): the sixth kind of input.

const nomHeader = "推荐编号,年度,姓名,身份证号,创业主体名称,统一社会信用代码,成立日期,区县,类别,申报称号," +
	"带动就业人数,稳定就业一年以上,年营收(万元),知识产权数,无不良记录,市场前景较好,行业影响力和领先性,比赛得分\n"

// Column indexes of nomHeader.
const (
	nID = iota
	nYear
	nPerson
	nPersonID
	nEnterprise
	nUSCC
	nFounded
	nDistrict
	nCategory
	nTitle
	nJobs
	nJobsStable
	nRevenue
	nIPCount
	nCleanRecord
	nProspect
	nInfluence
	nScore
)

// ID numbers for the tests: valid (GB 11643), fictitious.
const (
	idA = "620103199003151236" // 城关区's neighbour 七里河区, born 1990-03-15
	idB = "62010219950505056X" // ends in X
	idC = "620102198702281231"
	// 30 February 1987 with the check character that 17 digits give.
	idFeb30 = "620102198702301239"
)

// nrow is a valid nomination row, TR2022-001, with overrides by column
// index: 张伟 (idA) nominated for 新锐创客 in 2022 in 城关区.
func nrow(over map[int]string) string {
	cells := strings.Split("TR2022-001,2022,张伟,"+idA+",兰州金城数字科技有限公司,"+usccB+",2021-03-10,城关区,大学生青年群体,新锐创客,"+
		"8,是,120.5,1,是,是,否,87.25", ",")
	for i, v := range over {
		cells[i] = v
	}
	return strings.Join(cells, ",") + "\n"
}

// nominationLines lists the view nominations, one line per nomination:
// id|year|person_id|founded_on|district|category|title|jobs|revenue|
// ip_count|the four declarations as 1/0|contest_score|revisions.
func nominationLines(tb testing.TB, st *store.Store) []string {
	tb.Helper()
	return lines(queryLines(tb, st, `SELECT concat_ws('|', nomination_id, year, person_id, founded_on, district, category, title, jobs,
		revenue, ip_count, CAST(jobs_stable AS INT) || CAST(clean_record AS INT) || CAST(prospect AS INT) || CAST(influence AS INT),
		contest_score, revisions)
		FROM nominations ORDER BY nomination_id`))
}

// TestNominationsRecognisedByTheirHeader: a file of nominations is
// recognised from its header — Chinese, English, synonyms under a title
// row, bilingual cells, a workbook — with no registry loaded, and every
// column is stored typed.
func TestNominationsRecognisedByTheirHeader(t *testing.T) {
	english := "nomination_id,year,person,person_id,enterprise,enterprise_uscc,founded_on,district,category,title," +
		"jobs,jobs_stable,revenue,ip_count,clean_record,prospect,influence,contest_score\n"
	synonyms := "2022年百千万创业人才推荐汇总表" + strings.Repeat(",", 17) + "\n" +
		"推荐序号,推荐年度,申报人姓名,居民身份证号码,企业名称,企业统一社会信用代码,企业成立日期,所属区县,群体类别,推荐称号," +
		"吸纳就业人数,稳定就业1年以上,年营业收入(万元),知识产权数量,无不良信用记录,市场前景,行业影响力,大赛得分\n"
	bilingual := strings.Replace(strings.Replace(nomHeader, "推荐编号", "\"推荐编号\nnomination_id\"", 1), "身份证号", "身份证号 person_id", 1)
	tests := []struct{ name, file, body string }{
		{"Chinese", "推荐.csv", nomHeader + nrow(nil)},
		{"English", "nominations.csv", english + nrow(map[int]string{nTitle: "rising"})},
		{"synonyms and a title row", "汇总.csv", synonyms + nrow(map[int]string{nTitle: "新锐", nYear: "2022年", nFounded: "2021年3月10日"})},
		{"bilingual cells", "bi.csv", bilingual + nrow(map[int]string{nID: "ＴＲ２０２２－００１"})},
		{"workbook", "推荐.xlsx", nomHeader + nrow(map[int]string{nFounded: "2021/3/10"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			f := run(t, st, writeInput(t, t.TempDir(), tt.file, tt.body)).Files[0]
			if f.Kind != ingest.Nominations || f.Status != ingest.StatusLoaded || f.RowsRead != 1 || f.Accepted != 1 {
				t.Fatalf("got %+v; want one nominations row loaded", f)
			}
			want := []string{"TR2022-001|2022|" + idA + "|2021-03-10|城关区|大学生青年群体|rising|8|120.500000|1|1110|87.25|1"}
			if diff := cmp.Diff(want, nominationLines(t, st)); diff != "" {
				t.Fatalf("nominations (-want +got):\n%s", diff)
			}
			if got := queryLines(t, st, `SELECT concat_ws('|', person, enterprise, enterprise_uscc) FROM nominations`); got != "张伟|兰州金城数字科技有限公司|"+usccB+"\n" {
				t.Fatalf("text: %q", got)
			}
			if kind := queryLines(t, st, "SELECT kind FROM ingest_log WHERE ingest_id = ?", f.IngestID); kind != "nominations\n" {
				t.Fatalf("ingest_log.kind %q", kind)
			}
		})
	}
}

// TestNominationsNeverConfused: a nominations file is read as nominations
// and a registry, an applications or an expert scores file as what it is,
// in one batch; forced (--kind) to be the other, each is refused for want
// of the other's header; and a header of another kind with one or two
// nominations columns added is still that kind: the signature wants all
// of nomination_id, person_id and title.
func TestNominationsNeverConfused(t *testing.T) {
	dir := t.TempDir()
	expertCSV := "载体编号,年度,评分项,评委,分数\nLZ-ZC-0001,2025,service_quality,专家A,87.5\nLZ-FH-0001,2025,service_quality,专家A,80\n"
	nom := writeFile(t, dir, "0-推荐.csv", nomHeader+nrow(nil))
	others := []struct {
		path string
		kind ingest.Kind
	}{
		{writeFile(t, dir, "a-名录.csv", registryCSV), ingest.Registry},
		{writeFile(t, dir, "b-申请.csv", appHeader+arow(nil)), ingest.Applications},
		{writeFile(t, dir, "c-评分.csv", expertCSV), ingest.ExpertScores},
	}
	st := mustOpen(t)
	paths := []string{nom}
	for _, o := range others {
		paths = append(paths, o.path)
	}
	res := run(t, st, paths...)
	kinds := map[string]ingest.Kind{}
	for _, f := range res.Files {
		kinds[f.Path] = f.Kind
		if f.Status != ingest.StatusLoaded {
			t.Errorf("%s: %+v", f.Path, f)
		}
	}
	if kinds[nom] != ingest.Nominations {
		t.Errorf("%s read as %s", nom, kinds[nom])
	}
	for _, o := range others {
		if kinds[o.path] != o.kind {
			t.Errorf("%s read as %s, want %s", o.path, kinds[o.path], o.kind)
		}
		for _, c := range []struct {
			path string
			as   ingest.Kind
		}{{o.path, ingest.Nominations}, {nom, o.kind}} {
			res, err := ingest.Ingest(context.Background(), mustOpen(t), []string{c.path}, ingest.Options{Today: today, Kind: c.as})
			if err != nil {
				t.Fatal(err)
			}
			if f := res.Files[0]; f.Status != ingest.StatusRejected || f.Err.Rule != "unknown_header" || !strings.Contains(f.Err.ZH, c.as.ZH()) {
				t.Errorf("%s read as %s: %+v %+v", c.path, c.as, f, f.Err)
			}
		}
	}
	// Two of the three signature columns are not enough.
	extra := strings.Replace(registryHeader, "\n", ",身份证号,申报称号\n", 1) +
		strings.Replace(strings.SplitAfter(registryCSV, "\n")[1], "\n", ","+idA+",新锐创客\n", 1)
	if f := run(t, mustOpen(t), writeFile(t, dir, "名录2.csv", extra)).Files[0]; f.Kind != ingest.Registry || f.Accepted != 1 {
		t.Fatalf("registry with extra columns: %+v", f)
	}
	appExtra := strings.Replace(appHeader, "\n", ",推荐编号,身份证号\n", 1) + strings.Replace(arow(nil), "\n", ",TR-1,"+idA+"\n", 1)
	if f := run(t, mustOpen(t), writeFile(t, dir, "申请2.csv", appExtra)).Files[0]; f.Kind != ingest.Applications || f.Accepted != 1 {
		t.Fatalf("applications with extra columns: %+v", f)
	}
	// And a nominations header is not read as the others' with their
	// columns missing: its 统一社会信用代码 is the registry's operator_uscc
	// alias, but it has no carrier_id.
	if n := count(t, st, "SELECT count(*) FROM nominations"); n != 1 {
		t.Fatalf("%d nominations", n)
	}
}

// TestNominationRules: each rule a nomination row can break, at its
// boundary, defended by a row that breaks only it, with the message the
// clerk reads.
func TestNominationRules(t *testing.T) {
	districts := strings.Join(talent.Default().DistrictNames(), "、")
	categories := strings.Join(talent.Default().CategoryNames(), "、")
	tests := []struct {
		rule, column string
		over         map[int]string
		zh, en       string // parts of the messages
	}{
		{"idcard_check", "person_id", map[int]string{nPersonID: idA[:17] + "7"}, "校验码（第 18 位）与前 17 位不符", "check character"},
		{"idcard_birth", "person_id", map[int]string{nPersonID: idFeb30}, "出生日期不是真实的日期", "not a real date"},
		{"idcard_birth", "person_id", map[int]string{nPersonID: idcard.Complete("62010220251121123")}, "晚于今天", "after today"},
		{"idcard_length", "person_id", map[int]string{nPersonID: idA[:17]}, "应为 18 位，实际 17 位", "18 characters, got 17"},
		{"idcard_length", "person_id", map[int]string{nPersonID: "6.20103199003151E+17"}, "Excel 把身份证号存成了数字", "format the column as text"},
		{"idcard_region", "person_id", map[int]string{nPersonID: idcard.Complete("99010219900315123")}, "省级行政区划代码", "province code"},
		{"unknown_district", "district", map[int]string{nDistrict: "兰州新区"}, "「兰州新区」不是百千万工程名额表中的区县，应为：" + districts, "one of 城关区, 七里河区"},
		{"unknown_category", "category", map[int]string{nCategory: "大学生"}, "应为：" + categories, "not a category of the programme"},
		{"enum", "title", map[int]string{nTitle: "创业之星"}, "应为：新锐创客/创业新秀/创业达人", "master/rising/star"},
		{"uscc_check", "enterprise_uscc", map[int]string{nUSCC: usccB[:17] + "4"}, "统一社会信用代码无效", "check character"},
		{"date", "founded_on", map[int]string{nFounded: "2021-02-29"}, "不是有效日期", "not a valid date"},
		{"date_future", "founded_on", map[int]string{nFounded: "2025-11-21"}, "日期晚于今天", "after today"},
		{"year", "year", map[int]string{nYear: "二〇二二"}, "不是年份", "not a year"},
		{"year_range", "year", map[int]string{nYear: "2026"}, "年度应在 2000 至 2025 之间", "2000 to 2025"},
		{"integer", "jobs", map[int]string{nJobs: "5.5"}, "不是整数", "not a whole number"},
		{"negative", "jobs", map[int]string{nJobs: "-1"}, "不能为负数", "negative"},
		{"negative", "ip_count", map[int]string{nIPCount: "-2"}, "不能为负数", "negative"},
		{"negative", "revenue", map[int]string{nRevenue: "-0.01"}, "不能为负数", "negative"},
		{"number", "revenue", map[int]string{nRevenue: "五十万"}, "不是数字", "not a number"},
		{"amount_decimals", "revenue", map[int]string{nRevenue: "500.005"}, "金额「500.005」超过两位小数", "more than two decimals"},
		{"score_range", "contest_score", map[int]string{nScore: "100.01"}, "不在 0 至 100 之间", "outside 0–100"},
		{"score_range", "contest_score", map[int]string{nScore: "-0.01"}, "不在 0 至 100 之间", "outside 0–100"},
		{"score_decimals", "contest_score", map[int]string{nScore: "87.255"}, "超过两位小数", "more than two decimals"},
		{"bool", "jobs_stable", map[int]string{nJobsStable: "基本稳定"}, "应填“是”或“否”", "yes/no"},
		{"bool", "influence", map[int]string{nInfluence: "较强"}, "应填“是”或“否”", "yes/no"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s=%v", tt.rule, tt.column, tt.over), func(t *testing.T) {
			checkNominationReject(t, tt.over, tt.column, tt.rule, tt.zh, tt.en)
		})
	}
}

// TestNominationRequiredColumns: every column is required (SPEC §9 makes
// none optional): a row with one blank is rejected, and says which.
func TestNominationRequiredColumns(t *testing.T) {
	spec := ingest.Specs[ingest.Nominations]
	if len(spec.Columns) != nScore+1 {
		t.Fatalf("%d columns, the test knows %d", len(spec.Columns), nScore+1)
	}
	for i, c := range spec.Columns {
		if !c.Required {
			t.Errorf("%s is optional; SPEC §9 makes every column required", c.Name)
		}
		t.Run(c.Name, func(t *testing.T) {
			zh := "「" + c.ZH + "」" + c.Name + "：不能为空"
			switch c.Name {
			case "jobs_stable", "clean_record", "prospect", "influence":
				zh += "，请填“是”或“否”"
			case "jobs", "revenue", "ip_count":
				zh += "（没有发生请填 0）"
			}
			checkNominationReject(t, map[int]string{i: ""}, c.Name, "required", zh, c.Name+": required")
		})
	}
}

// checkNominationReject ingests a good nomination beside one changed by
// over, and checks that only the changed one is rejected, for rule on
// column, with messages holding zh and en; that the rule has a name; that
// the reject goes back to the nomination's district; and that nothing of
// it holds an ID number whole.
func checkNominationReject(t *testing.T, over map[int]string, column, rule, zh, en string) {
	t.Helper()
	st := mustOpen(t)
	bad := map[int]string{nID: "TR2022-002", nPersonID: idB}
	for i, v := range over {
		bad[i] = v
	}
	f := run(t, st, writeFile(t, t.TempDir(), "n.csv", nomHeader+nrow(nil)+nrow(bad))).Files[0]
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
	wantC, wantD := "TR2022-002", "城关区"
	switch column {
	case "nomination_id":
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
	if n := count(t, st, "SELECT count(*) FROM store.nominations WHERE nomination_id = 'TR2022-002'"); n != 0 {
		t.Fatal("the rejected row was stored")
	}
	noIDNumbers(t, st)
}

// idRun is 17 digits in a row: the most of an ID number a reject may
// show is the six of 620102********1234.
var idRun = regexp.MustCompile(`[0-9０-９]{17}`)

// noIDNumbers fails if any reject — what the rejects workbook and the
// views rejects and reject_history show, and the table beneath them —
// holds 17 digits in a row.
func noIDNumbers(tb testing.TB, st *store.Store) {
	tb.Helper()
	for _, q := range []string{
		"SELECT concat_ws('|', raw_value, message_zh, message_en, carrier_id, district) FROM rejects",
		"SELECT concat_ws('|', raw_value, message_zh, message_en, carrier_id, district) FROM reject_history",
		"SELECT concat_ws('|', raw_value, message_zh, message_en, carrier_id, district) FROM store.row_issues",
	} {
		for _, l := range lines(queryLines(tb, st, q)) {
			if idRun.MatchString(l) {
				tb.Errorf("%s: a reject shows an ID number: %s", q, l)
			}
		}
	}
}

// TestNominationIDNumbers: an ID number is read with a lower-case x,
// spaces or full-width digits, and stored as one string of 18 with an
// upper-case X; a check character one off is rejected, and a birth date
// that does not exist is rejected even with its right check character.
// A rejected number shows masked, its check character and length seen.
func TestNominationIDNumbers(t *testing.T) {
	st := mustOpen(t)
	lower := strings.ToLower(idB)
	spaced := idC[:6] + " " + idC[6:14] + " " + idC[14:]
	full := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, idA)
	wrong := idC[:17] + "2"
	f := run(t, st, writeFile(t, t.TempDir(), "n.csv", nomHeader+
		nrow(map[int]string{nPersonID: lower})+
		nrow(map[int]string{nID: "TR2022-002", nPersonID: spaced})+
		nrow(map[int]string{nID: "TR2022-003", nPersonID: full})+
		nrow(map[int]string{nID: "TR2022-004", nPersonID: wrong})+
		nrow(map[int]string{nID: "TR2022-005", nPersonID: idFeb30})+
		nrow(map[int]string{nID: "TR2022-006", nPersonID: idA[:17]}))).Files[0]
	if f.RowsRead != 6 || f.Accepted != 3 || f.Rejected != 3 {
		t.Fatalf("got %d read = %d accepted + %d rejected; want 6 = 3 + 3", f.RowsRead, f.Accepted, f.Rejected)
	}
	if got := queryLines(t, st, "SELECT nomination_id || ' ' || person_id FROM nominations ORDER BY 1"); got != "TR2022-001 "+idB+"\nTR2022-002 "+idC+"\nTR2022-003 "+idA+"\n" {
		t.Fatalf("stored:\n%s", got)
	}
	if got := queryLines(t, st, "SELECT row_no || ' ' || rule || ' ' || raw_value FROM rejects ORDER BY row_no"); got !=
		"5 idcard_check 620102********1232\n6 idcard_birth 620102********1239\n7 idcard_length 620103***********\n" {
		t.Fatalf("rejects:\n%s", got)
	}
	noIDNumbers(t, st)
}

// TestNominationDecimalsExact: contest scores of 0 to 100 with two
// decimals and revenue with two decimals in its unit are stored exactly
// (DECIMAL), so that 500.00 = 500 and 499.99 < 500; a score of 100.01 or
// three decimals, and revenue of three decimals, are rejected. Revenue in
// 元 keeps its fen.
func TestNominationDecimalsExact(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	row := func(id, revenue, score string) string {
		return nrow(map[int]string{nID: id, nRevenue: revenue, nScore: score})
	}
	f := run(t, st, writeFile(t, dir, "n.csv", nomHeader+
		row("TR-01", "500", "100.00")+
		row("TR-02", "500.00", "100")+
		row("TR-03", "499.99", "0")+
		row("TR-04", "0", "87.25")+
		row("TR-05", `"1,234.5"`, "87.2")+
		row("TR-06", "500.001", "50")+
		row("TR-07", "500", "100.01")+
		row("TR-08", "500", "87.255"))).Files[0]
	if f.Accepted != 5 || f.Rejected != 3 {
		t.Fatalf("got %d accepted + %d rejected; want 5 + 3", f.Accepted, f.Rejected)
	}
	if diff := cmp.Diff([]reject{{7, "revenue", "amount_decimals"}, {8, "contest_score", "score_range"}, {9, "contest_score", "score_decimals"}},
		rejectsOf(t, st, f.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	got := queryLines(t, st, `SELECT nomination_id || ' ' || revenue || ' ' || contest_score || ' ' || (revenue >= 500) || ' ' || (contest_score = 100)
		FROM nominations ORDER BY 1`)
	want := "TR-01 500.000000 100.00 true true\nTR-02 500.000000 100.00 true true\nTR-03 499.990000 0.00 false false\n" +
		"TR-04 0.000000 87.25 false false\nTR-05 1234.500000 87.20 true false\n"
	if got != want {
		t.Fatalf("stored:\n%s\nwant:\n%s", got, want)
	}
	if typ := queryLines(t, st, "SELECT typeof(revenue) || ' ' || typeof(contest_score) FROM nominations LIMIT 1"); typ != "DECIMAL(18,6) DECIMAL(5,2)\n" {
		t.Fatalf("types %q", typ)
	}
	// Revenue in 元 and 千元: converted exactly, fen kept.
	yuan := strings.Replace(nomHeader, "年营收(万元)", "年营收(元)", 1)
	kyuan := strings.Replace(nomHeader, "年营收(万元)", "年营收(千元)", 1)
	g := run(t, st, writeFile(t, dir, "元.csv", yuan+row("TR-11", "4999950.05", "60")+row("TR-12", "5000000", "60")+row("TR-13", "1.005", "60"))).Files[0]
	h := run(t, st, writeFile(t, dir, "千元.csv", kyuan+row("TR-14", "4999.99", "60"))).Files[0]
	if g.Accepted != 2 || g.Rejected != 1 || h.Accepted != 1 {
		t.Fatalf("元: %+v, 千元: %+v", g, h)
	}
	got = queryLines(t, st, `SELECT nomination_id || ' ' || revenue || ' ' || (revenue >= 500) FROM nominations WHERE nomination_id > 'TR-10' ORDER BY 1`)
	if want := "TR-11 499.995005 false\nTR-12 500.000000 true\nTR-14 499.999000 false\n"; got != want {
		t.Fatalf("stored:\n%s\nwant:\n%s", got, want)
	}
}

// TestNominationDistrictAndCategory: a district or category is one of the
// embedded programme's quota groups, matched after folding full-width
// forms and spaces, and stored exactly as the programme writes it.
func TestNominationDistrictAndCategory(t *testing.T) {
	st := mustOpen(t)
	f := run(t, st, writeFile(t, t.TempDir(), "n.csv", nomHeader+
		nrow(map[int]string{nDistrict: " 七 里河区 ", nCategory: "巾帼　创业群体"})+
		nrow(map[int]string{nID: "TR2022-002", nDistrict: "兰州高新区", nCategory: "新业态领域创业群体"})+
		nrow(map[int]string{nID: "TR2022-003", nDistrict: "七里河", nCategory: "巾帼创业群体"})+
		nrow(map[int]string{nID: "TR2022-004", nDistrict: "城关区", nCategory: "巾帼"}))).Files[0]
	if f.Accepted != 2 || f.Rejected != 2 {
		t.Fatalf("got %+v; want 2 + 2", f)
	}
	if got := queryLines(t, st, "SELECT nomination_id || ' ' || district || ' ' || category FROM nominations ORDER BY 1"); got !=
		"TR2022-001 七里河区 巾帼创业群体\nTR2022-002 兰州高新区 新业态领域创业群体\n" {
		t.Fatalf("stored:\n%s", got)
	}
	if diff := cmp.Diff([]reject{{4, "district", "unknown_district"}, {5, "category", "unknown_category"}}, rejectsOf(t, st, f.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
}

// TestNominationTitles: the titles in Chinese, short or as codes.
func TestNominationTitles(t *testing.T) {
	var body strings.Builder
	body.WriteString(nomHeader)
	for i, v := range []string{"新锐创客", "新锐", "rising", "创业新秀", "新秀", "STAR", "创业达人", "达人", "master"} {
		body.WriteString(nrow(map[int]string{nID: fmt.Sprintf("TR-%02d", i+1), nTitle: v}))
	}
	st := mustOpen(t)
	if f := run(t, st, writeFile(t, t.TempDir(), "n.csv", body.String())).Files[0]; f.Accepted != 9 {
		t.Fatalf("got %+v", f)
	}
	if got := queryLines(t, st, "SELECT string_agg(title, ',' ORDER BY nomination_id) FROM nominations"); got != "rising,rising,rising,star,star,star,master,master,master\n" {
		t.Fatalf("titles %q", got)
	}
}

// TestNominationsDuplicateID: a nomination_id twice in one file rejects
// every occurrence (duplicate_key), whatever else is wrong with either;
// ids are compared as loaded (full-width folded, spaces removed). Every
// row read is accepted or rejected, and no reject shows an ID number.
func TestNominationsDuplicateID(t *testing.T) {
	st := mustOpen(t)
	f := run(t, st, writeFile(t, t.TempDir(), "n.csv", nomHeader+
		nrow(nil)+ // 2: twin of 3
		nrow(map[int]string{nPersonID: idC[:17] + "0"})+ // 3: twin of 2, and a wrong check character
		nrow(map[int]string{nID: "ＴＲ２０２２－００２", nPersonID: idB})+ // 4: twin of 5 once folded
		nrow(map[int]string{nID: "TR2022- 002", nPersonID: idC})+ // 5
		nrow(map[int]string{nID: "TR2022-003"}))).Files[0] // 6
	if f.RowsRead != 5 || f.Accepted != 1 || f.Rejected != 4 {
		t.Fatalf("got %d read = %d accepted + %d rejected; want 5 = 1 + 4", f.RowsRead, f.Accepted, f.Rejected)
	}
	want := []reject{{2, "nomination_id", "duplicate_key"}, {3, "nomination_id", "duplicate_key"}, {3, "person_id", "idcard_check"},
		{4, "nomination_id", "duplicate_key"}, {5, "nomination_id", "duplicate_key"}}
	if diff := cmp.Diff(want, rejectsOf(t, st, f.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	msg := queryLines(t, st, "SELECT DISTINCT message_zh || ' / ' || message_en FROM rejects WHERE row_no = 2")
	if !strings.Contains(msg, "同一推荐编号在本文件中出现 2 次（第 2, 3 行）") || !strings.Contains(msg, "the same nomination_id occurs 2 times in this file (rows 2, 3)") {
		t.Fatalf("duplicate_key message %q", msg)
	}
	if got := queryLines(t, st, "SELECT nomination_id FROM store.nominations"); got != "TR2022-003\n" {
		t.Fatalf("stored %q, want TR2022-003 only", got)
	}
	if got := queryLines(t, st, "SELECT rows_read || ' = ' || rows_accepted || ' + ' || rows_rejected FROM ingest_log WHERE ingest_id = ?", f.IngestID); got != "5 = 1 + 4\n" {
		t.Fatalf("ingest_log %q", got)
	}
	noIDNumbers(t, st)
}

// TestNominationsLaterFileReplaces: a nomination given again in a later
// file replaces the earlier one in the view nominations; both rows are
// kept in nomination_revisions.
func TestNominationsLaterFileReplaces(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	first := run(t, st, writeFile(t, dir, "推荐.csv", nomHeader+nrow(nil)+nrow(map[int]string{nID: "TR2022-002", nPersonID: idB}))).Files[0]
	second := run(t, st, writeFile(t, dir, "推荐-更正.csv", nomHeader+nrow(map[int]string{nJobs: "12", nScore: "90", nTitle: "创业新秀"}))).Files[0]
	if first.Accepted != 2 || second.Accepted != 1 {
		t.Fatalf("first %+v, second %+v", first, second)
	}
	want := []string{
		"TR2022-001|2022|" + idA + "|2021-03-10|城关区|大学生青年群体|star|12|120.500000|1|1110|90.00|2",
		"TR2022-002|2022|" + idB + "|2021-03-10|城关区|大学生青年群体|rising|8|120.500000|1|1110|87.25|1",
	}
	if diff := cmp.Diff(want, nominationLines(t, st)); diff != "" {
		t.Fatalf("nominations (-want +got):\n%s", diff)
	}
	if got := queryLines(t, st, "SELECT ingest_id || ' ' || coalesce(sheet, '-') || ' ' || row_no FROM nominations WHERE nomination_id = 'TR2022-001'"); got != fmt.Sprintf("%d - 2\n", second.IngestID) {
		t.Fatalf("the winner comes from %q, want the second file's row 2", got)
	}
	if got := queryLines(t, st, `SELECT revision || ' ' || is_winning || ' ' || title || ' ' || ingest_id FROM nomination_revisions
		WHERE nomination_id = 'TR2022-001' ORDER BY revision`); got != fmt.Sprintf("1 false rising %d\n2 true star %d\n", first.IngestID, second.IngestID) {
		t.Fatalf("nomination_revisions:\n%s", got)
	}
}

// TestNominationRejectsMaskTheIDNumber: whatever puts an ID number in a
// rejected row's value or message — its own column with a bad check
// character, a number typed into another column, a row pushed past its
// header — the rejects keep it masked.
func TestNominationRejectsMaskTheIDNumber(t *testing.T) {
	st := mustOpen(t)
	f := run(t, st, writeFile(t, t.TempDir(), "n.csv", nomHeader+
		nrow(map[int]string{nPersonID: idC[:17] + "9"})+ // wrong check
		nrow(map[int]string{nID: "TR2022-002", nUSCC: idC})+ // the person's number as the credit code
		nrow(map[int]string{nID: "TR2022-003", nPersonID: idB, nScore: "90," + idC})+ // a field too many (its values unread: no id)
		nrow(map[int]string{nID: idA, nPersonID: idC, nYear: "1999"}))).Files[0] // the number as the nomination id
	if f.Rejected != 4 {
		t.Fatalf("got %+v; want 4 rejected", f)
	}
	if got := queryLines(t, st, "SELECT row_no || ' ' || rule || ' ' || raw_value || ' ' || coalesce(carrier_id, '-') FROM rejects ORDER BY row_no, rule"); got !=
		"2 idcard_check 620102********1239 TR2022-001\n3 uscc_org_check 620102********1231 TR2022-002\n4 extra_fields 620102********1231 -\n"+
			"5 year_range 1999 620103********1236\n" {
		t.Fatalf("rejects:\n%s", got)
	}
	noIDNumbers(t, st)
}

// TestNominationFileRejectedWholeMasksTheIDNumber: a file rejected whole
// for a quote not closed names the cell by its start, and an ID number
// there is masked too, in ingest_log and in the rejects.
func TestNominationFileRejectedWholeMasksTheIDNumber(t *testing.T) {
	st := mustOpen(t)
	body := nomHeader + strings.Replace(nrow(nil), idA, `"`+idA, 1) + nrow(map[int]string{nID: "TR2022-002"}) + nrow(map[int]string{nID: "TR2022-003"})
	f := run(t, st, writeFile(t, t.TempDir(), "n.csv", body)).Files[0]
	if f.Status != ingest.StatusRejected || f.Err.Rule != "unclosed_quote" || !strings.Contains(f.Err.ZH, "620103********1236") {
		t.Fatalf("got %+v %+v; want rejected whole, unclosed_quote, naming the cell masked", f, f.Err)
	}
	if idRun.MatchString(f.Err.ZH + f.Err.EN) {
		t.Fatalf("messages %q / %q", f.Err.ZH, f.Err.EN)
	}
	for _, q := range []string{"SELECT concat_ws('|', message_zh, message_en) FROM ingest_log", "SELECT concat_ws('|', message_zh, message_en) FROM rejects"} {
		if l := queryLines(t, st, q); idRun.MatchString(l) {
			t.Errorf("%s: %s", q, l)
		}
	}
}

// TestNominationColumnsNamedForTheClerk: the rejects workbook names a
// nomination's columns in Chinese; the kind has its Chinese name and
// comes last.
func TestNominationColumnsNamedForTheClerk(t *testing.T) {
	for field, zh := range map[string]string{"nomination_id": "推荐编号", "person_id": "身份证号", "enterprise": "创业主体名称",
		"title": "申报称号", "jobs_stable": "稳定就业一年以上", "influence": "行业影响力和领先性", "contest_score": "比赛得分"} {
		if got := ingest.ColumnName(ingest.Nominations, field); got != zh {
			t.Errorf("ColumnName(nominations, %s) = %q, want %q", field, got, zh)
		}
	}
	if ingest.Nominations.ZH() != "创业人才推荐" || string(ingest.Nominations) != "nominations" || ingest.Kinds[len(ingest.Kinds)-1] != ingest.Nominations {
		t.Errorf("kind %s, %s, kinds %v", ingest.Nominations, ingest.Nominations.ZH(), ingest.Kinds)
	}
	for _, rule := range []string{"idcard_length", "idcard_char", "idcard_region", "idcard_birth", "idcard_check", "unknown_district", "unknown_category", "amount_decimals"} {
		if zh, en := ingest.RuleName(rule, false); zh == rule || en == rule {
			t.Errorf("rule %s has no name", rule)
		}
	}
}

// TestSampleNominationsLoad: sample.NominationsCSV and EligibleNomination
// rows load as written.
func TestSampleNominationsLoad(t *testing.T) {
	a, b := sample.EligibleNomination("TR2022-101", 2022, "rising"), sample.EligibleNomination("TR2022-102", 2022, "master")
	b.District, b.Category, b.Revenue, b.ContestScore = "皋兰县", "残疾人创业群体", 500.01, 99.99
	st := mustOpen(t)
	f := run(t, st, writeFile(t, t.TempDir(), "创业人才推荐.csv", string(sample.NominationsCSV(a, b)))).Files[0]
	if f.Kind != ingest.Nominations || f.RowsRead != 2 || f.Accepted != 2 {
		t.Fatalf("got %+v; want 2 nominations loaded", f)
	}
	want := []string{
		"TR2022-101|2022|" + a.PersonID + "|2021-11-30|城关区|大学生青年群体|rising|10|100.000000|3|1111|80.00|1",
		"TR2022-102|2022|" + b.PersonID + "|2018-11-30|皋兰县|残疾人创业群体|master|100|500.010000|3|1111|99.99|1",
	}
	if diff := cmp.Diff(want, nominationLines(t, st)); diff != "" {
		t.Fatalf("nominations (-want +got):\n%s", diff)
	}
}
