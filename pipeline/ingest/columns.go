package ingest

import (
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/talent"
)

// Kind is what a file holds, recognised from its header.
type Kind string

const (
	Registry  Kind = "registry"
	Quarterly Kind = "quarterly"
	Incidents Kind = "incidents"
	Deferrals Kind = "deferrals"
	// ExpertScores are the judges' marks of SPEC §7, read by the rubric's
	// expert(ITEM) through the view expert_values.
	ExpertScores Kind = "expert_scores"
	// Applications are the requests for recognition of SPEC §8.1 (认定申请),
	// checked by the eligibility profiles; the applicant is not a carrier yet.
	Applications Kind = "applications"
	// Nominations are the persons put forward for a title of the 百千万
	// programme (创业人才推荐, SPEC §9), decided by the talent selection.
	Nominations Kind = "nominations"
)

// Kinds in the order a batch loads them: the registry first, so that reports
// in the same batch can name carriers it introduces. It is also the order
// SPEC lists them in (§3, then §7's expert scores, §8.1's applications and
// §9's nominations).
var Kinds = []Kind{Registry, Quarterly, Incidents, Deferrals, ExpertScores, Applications, Nominations}

// ZH is the kind's Chinese name.
func (k Kind) ZH() string {
	switch k {
	case Registry:
		return "载体名录"
	case Quarterly:
		return "季度报表"
	case Incidents:
		return "事件"
	case Deferrals:
		return "暂缓评价"
	case ExpertScores:
		return "专家评分"
	case Applications:
		return "认定申请"
	case Nominations:
		return "创业人才推荐"
	}
	return string(k)
}

type colType int

const (
	tText colType = iota
	tInt
	tNumber
	tMoney // a number in 万元, converted from the header's unit
	tDate
	tBool
	tEnum
	tYear
	tQuarter
	tRatio
	tUSCC
	tCode  // a code as a rubric writes it: [a-z][a-z0-9_]*
	tScore // an expert's mark: 0–100, at most two decimals, exact
	// tAmount is money in 万元, converted from the header's unit as tMoney
	// is, but exact: at most two decimals as written, kept as DECIMAL(18,6).
	tAmount
	tIDCard // a citizen ID number (GB 11643): personal data
	tName   // one of Column.Names, as the list writes it
)

// Column is one input column of SPEC §3.
type Column struct {
	Name     string   // English name: the view column and the header alias
	ZH       string   // Chinese header as printed in templates
	Aliases  []string // further header spellings
	Type     colType
	Required bool // the cell may not be blank
	Enum     []enumValue
	// Default is the value of a blank cell of an optional column; nil
	// loads NULL. An application's undeclared invested is 否 (SPEC §8.1).
	Default driver.Value
	// Names are a tName column's values, exactly as loaded; a cell is
	// matched to one after folding full-width forms and removing spaces.
	// NameRule is the rule of a cell that matches none.
	Names    []string
	NameRule string
	// Personal marks personal data (a nomination's ID number, SPEC §9):
	// what ingest keeps of a rejected cell of it is masked.
	Personal bool
}

type enumValue struct {
	Code     string
	Synonyms []string
}

// Label is how messages name the column: 「在孵企业(团队)数」incubating.
func (c *Column) Label() string { return "「" + c.ZH + "」" + c.Name }

// Spec is the layout of one kind of input file.
type Spec struct {
	Kind    Kind
	Table   string   // base table in schema store
	Columns []Column // in table order after ingest_id, sheet, row_no
	// Signature columns: a header row is this kind's only if it has them all.
	Signature []string
}

var kindEnum = []enumValue{
	{"maker_space", []string{"众创空间", "maker space", "makerspace"}},
	{"incubator", []string{"科技企业孵化器", "孵化器", "科技孵化器"}},
	{"innovation_center", []string{"双创中心", "创新创业中心", "innovation centre"}},
	{"demo_base", []string{"创业就业孵化示范基地", "孵化示范基地", "创业孵化示范基地", "示范基地", "demonstration base"}},
}

var trackEnum = []enumValue{
	{"comprehensive", []string{"综合", "综合类", "综合型", "综合性"}},
	{"specialized", []string{"专业", "专业类", "专业型", "专业性", "specialised"}},
}

var levelEnum = []enumValue{
	{"municipal", []string{"市级", "市", "city"}},
	{"provincial", []string{"省级", "自治区级", "省", "province"}},
	{"national", []string{"国家级", "国家", "国级"}},
}

// operatorTypeEnum is what an applicant's operator is (SPEC §8.1): a
// specialized maker space must be run by a university, an institute or an
// enterprise (SPEC §8.2 specialized_operator).
var operatorTypeEnum = []enumValue{
	{"enterprise", []string{"企业", "公司", "创新型企业"}},
	{"university", []string{"高等院校", "高校", "大学", "高等学校"}},
	{"institute", []string{"科研院所", "科研机构", "研究院", "研究所"}},
	{"other", []string{"其他", "其它"}},
}

// titleEnum are the titles of the 百千万 programme (SPEC §9), lowest first.
var titleEnum = []enumValue{
	{talent.Rising, []string{talent.TitleZH(talent.Rising), "新锐"}},
	{talent.Star, []string{talent.TitleZH(talent.Star), "新秀"}},
	{talent.Master, []string{talent.TitleZH(talent.Master), "达人"}},
}

var incidentEnum = []enumValue{
	{"major_accident", []string{"重大安全/质量事故", "重大安全事故", "重大质量事故", "重大安全质量事故", "重大事故"}},
	{"environmental_violation", []string{"严重环境违法", "环境违法", "严重环境违法行为"}},
	{"research_misconduct", []string{"科研严重失信", "科研失信", "科研严重失信行为"}},
	{"abnormal_operation_list", []string{"列入经营异常名录", "经营异常名录", "经营异常"}},
	{"serious_dishonesty_list", []string{"列入严重违法失信名单", "严重违法失信名单", "严重违法失信"}},
	{"false_data", []string{"提供虚假材料", "虚假材料", "弄虚作假"}},
}

// programme is the embedded 百千万 programme (SPEC §9): a nomination's
// district and category are one of its quota groups. A bureau running its
// own programme file lists the same names (the talent command checks).
var programme = talent.Default()

// Specs of SPEC §3.1–3.4, §7 (expert scores), §8.1 (applications) and §9
// (nominations).
var Specs = map[Kind]*Spec{
	Registry: {
		Kind: Registry, Table: "store.registry",
		Signature: []string{"carrier_id", "operator_uscc"},
		Columns: []Column{
			{Name: "carrier_id", ZH: "载体编号", Aliases: []string{"编号", "载体代码"}, Type: tText, Required: true},
			{Name: "name", ZH: "载体名称", Aliases: []string{"carrier_name"}, Type: tText, Required: true},
			{Name: "operator_uscc", ZH: "运营主体统一社会信用代码", Aliases: []string{"统一社会信用代码", "信用代码", "uscc"}, Type: tUSCC, Required: true},
			{Name: "operator_name", ZH: "运营主体名称", Aliases: []string{"运营主体", "运营单位", "operator"}, Type: tText, Required: true},
			{Name: "district", ZH: "区县", Aliases: []string{"所在区县", "县区", "所属区县"}, Type: tText, Required: true},
			{Name: "kind", ZH: "载体类型", Aliases: []string{"类型"}, Type: tEnum, Required: true, Enum: kindEnum},
			{Name: "track", ZH: "类别", Aliases: []string{"载体类别"}, Type: tEnum, Required: true, Enum: trackEnum},
			{Name: "level", ZH: "级别", Aliases: []string{"认定级别", "载体级别"}, Type: tEnum, Required: true, Enum: levelEnum},
			{Name: "recognized_on", ZH: "认定日期", Aliases: []string{"认定时间"}, Type: tDate, Required: true},
			{Name: "founded_on", ZH: "运营主体成立日期", Aliases: []string{"成立日期", "成立时间"}, Type: tDate},
			{Name: "area_m2", ZH: "场地面积(平方米)", Aliases: []string{"场地面积", "场地面积(m2)", "area"}, Type: tNumber},
			{Name: "service_area_m2", ZH: "办公及公共服务面积(平方米)", Aliases: []string{"办公及公共服务面积", "办公及公共服务面积(m2)", "公共服务面积", "service_area"}, Type: tNumber},
			{Name: "workstations", ZH: "工位数", Aliases: []string{"工位数量"}, Type: tInt},
			{Name: "lease_end", ZH: "租赁截止日期", Aliases: []string{"租赁到期日期", "租期截止"}, Type: tDate},
			{Name: "staff", ZH: "管理服务人员数", Aliases: []string{"管理服务人员", "服务人员数"}, Type: tInt},
			{Name: "virtual", ZH: "虚拟空间", Aliases: []string{"是否虚拟空间", "is_virtual"}, Type: tBool},
		},
	},
	Quarterly: {
		Kind: Quarterly, Table: "store.quarterly",
		Signature: []string{"carrier_id", "year", "quarter"},
		Columns: []Column{
			{Name: "carrier_id", ZH: "载体编号", Aliases: []string{"编号", "载体代码"}, Type: tText, Required: true},
			{Name: "year", ZH: "年度", Aliases: []string{"年份", "报告年度"}, Type: tYear, Required: true},
			{Name: "quarter", ZH: "季度", Aliases: []string{"报告季度"}, Type: tQuarter, Required: true},
			{Name: "submitted_on", ZH: "报送日期", Aliases: []string{"填报日期", "报送时间", "提交日期"}, Type: tDate, Required: true},
			{Name: "incubating", ZH: "在孵企业(团队)数", Aliases: []string{"在孵企业数", "在孵企业团队数", "在孵团队数", "在孵企业和团队数"}, Type: tInt, Required: true},
			{Name: "filed", ZH: "已备案在孵企业数", Aliases: []string{"备案在孵企业数", "已备案企业数"}, Type: tInt, Required: true},
			{Name: "new_entrants", ZH: "新入孵企业数", Aliases: []string{"新增入孵企业数", "新入孵企业(团队)数"}, Type: tInt, Required: true},
			{Name: "graduated", ZH: "毕业企业数", Aliases: []string{"毕业企业"}, Type: tInt, Required: true},
			{Name: "exited", ZH: "退出企业数", Aliases: []string{"退出企业"}, Type: tInt, Required: true},
			{Name: "trainings", ZH: "培训辅导次数", Aliases: []string{"培训次数", "培训辅导"}, Type: tInt, Required: true},
			{Name: "trainees", ZH: "培训人次", Aliases: []string{"培训辅导人次"}, Type: tInt, Required: true},
			{Name: "events", ZH: "创业活动次数", Aliases: []string{"活动次数", "创业活动"}, Type: tInt, Required: true},
			{Name: "jobs", ZH: "在孵企业从业人数", Aliases: []string{"从业人数", "带动就业人数"}, Type: tInt, Required: true},
			{Name: "revenue", ZH: "在孵企业营收", Aliases: []string{"营收", "在孵企业营业收入", "营业收入"}, Type: tMoney, Required: true},
			{Name: "ip_granted", ZH: "知识产权授权数", Aliases: []string{"知识产权授权", "知识产权数"}, Type: tInt, Required: true},
			{Name: "financing", ZH: "获得投融资金额", Aliases: []string{"投融资金额", "融资金额"}, Type: tMoney, Required: true},
			{Name: "financed", ZH: "获投融资企业数", Aliases: []string{"获得投融资企业数", "融资企业数"}, Type: tInt, Required: true},
			{Name: "utilization", ZH: "场地使用率", Aliases: []string{"使用率"}, Type: tRatio},
		},
	},
	Incidents: {
		Kind: Incidents, Table: "store.incidents",
		Signature: []string{"carrier_id", "occurred_on", "type"},
		Columns: []Column{
			{Name: "carrier_id", ZH: "载体编号", Aliases: []string{"编号"}, Type: tText, Required: true},
			{Name: "occurred_on", ZH: "发生日期", Aliases: []string{"日期", "发生时间"}, Type: tDate, Required: true},
			{Name: "type", ZH: "类型", Aliases: []string{"事件类型"}, Type: tEnum, Required: true, Enum: incidentEnum},
			{Name: "note", ZH: "说明", Aliases: []string{"备注", "情况说明"}, Type: tText},
		},
	},
	Deferrals: {
		Kind: Deferrals, Table: "store.deferrals",
		Signature: []string{"carrier_id", "year", "reason"},
		Columns: []Column{
			{Name: "carrier_id", ZH: "载体编号", Aliases: []string{"编号"}, Type: tText, Required: true},
			{Name: "year", ZH: "年度", Aliases: []string{"暂缓年度", "年份"}, Type: tYear, Required: true},
			{Name: "reason", ZH: "原因", Aliases: []string{"暂缓原因", "理由"}, Type: tText},
		},
	},
	// SPEC §7: one row per carrier, year, item and judge. item and judge
	// make the signature: carrier_id and year are every kind's, score
	// (分数) is too common a word.
	ExpertScores: {
		Kind: ExpertScores, Table: "store.expert_scores",
		Signature: []string{"carrier_id", "item", "judge"},
		Columns: []Column{
			{Name: "carrier_id", ZH: "载体编号", Aliases: []string{"编号", "载体代码"}, Type: tText, Required: true},
			{Name: "year", ZH: "年度", Aliases: []string{"年份", "评价年度", "评审年度"}, Type: tYear, Required: true},
			{Name: "item", ZH: "评分项", Aliases: []string{"评分项目", "评分项代码", "评审项目", "item_code"}, Type: tCode, Required: true},
			{Name: "judge", ZH: "评委", Aliases: []string{"评审专家", "专家", "专家姓名", "评委姓名", "评委编号", "expert"}, Type: tText, Required: true},
			{Name: "score", ZH: "分数", Aliases: []string{"得分", "评分", "专家评分", "mark"}, Type: tScore, Required: true},
		},
	},
	// SPEC §8.1: one row per application. application_id, applied_on and
	// operator_type make the signature: the registry shares name,
	// operator_uscc, kind, track and the areas, never these.
	Applications: {
		Kind: Applications, Table: "store.applications",
		Signature: []string{"application_id", "applied_on", "operator_type"},
		Columns: []Column{
			{Name: "application_id", ZH: "申请编号", Aliases: []string{"申请号", "申报编号", "受理编号"}, Type: tText, Required: true},
			{Name: "name", ZH: "载体名称", Aliases: []string{"carrier_name", "申报载体名称", "拟认定载体名称"}, Type: tText, Required: true},
			{Name: "operator_uscc", ZH: "运营主体统一社会信用代码", Aliases: []string{"统一社会信用代码", "信用代码", "uscc"}, Type: tUSCC, Required: true},
			{Name: "operator_name", ZH: "运营主体名称", Aliases: []string{"运营主体", "运营单位", "申报单位", "申报主体", "operator"}, Type: tText, Required: true},
			{Name: "operator_type", ZH: "运营主体类型", Aliases: []string{"运营主体性质", "申报主体类型", "单位类型", "单位性质"}, Type: tEnum, Required: true, Enum: operatorTypeEnum},
			{Name: "district", ZH: "区县", Aliases: []string{"所在区县", "县区", "所属区县"}, Type: tText, Required: true},
			{Name: "kind", ZH: "载体类型", Aliases: []string{"类型", "申报类型"}, Type: tEnum, Required: true, Enum: kindEnum},
			{Name: "track", ZH: "类别", Aliases: []string{"载体类别", "申报类别"}, Type: tEnum, Required: true, Enum: trackEnum},
			{Name: "applied_on", ZH: "申请日期", Aliases: []string{"申报日期", "申请时间", "申报时间", "受理日期"}, Type: tDate, Required: true},
			{Name: "founded_on", ZH: "运营主体成立日期", Aliases: []string{"成立日期", "成立时间"}, Type: tDate, Required: true},
			{Name: "operating_since", ZH: "开始运营日期", Aliases: []string{"开始运营时间", "运营开始日期", "投入运营日期"}, Type: tDate, Required: true},
			{Name: "area_m2", ZH: "场地面积(平方米)", Aliases: []string{"场地面积", "场地面积(m2)", "area"}, Type: tNumber, Required: true},
			{Name: "service_area_m2", ZH: "办公及公共服务面积(平方米)", Aliases: []string{"办公及公共服务面积", "办公及公共服务面积(m2)", "公共服务面积", "service_area"}, Type: tNumber, Required: true},
			{Name: "workstations", ZH: "工位数", Aliases: []string{"工位数量"}, Type: tInt, Required: true},
			{Name: "lease_end", ZH: "租赁截止日期", Aliases: []string{"租赁到期日期", "租期截止"}, Type: tDate},
			{Name: "incubated", ZH: "入孵企业(团队)数", Aliases: []string{"入孵企业数", "入孵企业团队数", "入孵团队数", "入孵企业和团队数"}, Type: tInt, Required: true},
			{Name: "staff", ZH: "管理服务人员数", Aliases: []string{"管理服务人员", "服务人员数"}, Type: tInt, Required: true},
			{Name: "revenue_stable", ZH: "有稳定经营收入", Aliases: []string{"稳定经营收入", "是否有稳定经营收入"}, Type: tBool, Required: true},
			{Name: "facilities", ZH: "配套设施齐全", Aliases: []string{"配套设施", "是否配套设施齐全"}, Type: tBool, Required: true},
			{Name: "rules", ZH: "管理制度健全", Aliases: []string{"管理制度", "是否管理制度健全"}, Type: tBool, Required: true},
			{Name: "services", ZH: "孵化服务体系完善", Aliases: []string{"孵化服务体系", "是否孵化服务体系完善"}, Type: tBool, Required: true},
			{Name: "seed_fund", ZH: "设立或引进种子基金", Aliases: []string{"种子基金", "是否设立或引进种子基金"}, Type: tBool, Required: true},
			// Optional; blank is 否 (SPEC §8.1).
			{Name: "invested", ZH: "有实质投资行为", Aliases: []string{"实质投资行为", "是否有实质投资行为"}, Type: tBool, Default: false},
			{Name: "virtual", ZH: "虚拟空间", Aliases: []string{"是否虚拟空间", "is_virtual"}, Type: tBool, Default: false},
		},
	},
	// SPEC §9: one row per nomination, every column required.
	// nomination_id, person_id and title make the signature: no other
	// kind has any of them.
	Nominations: {
		Kind: Nominations, Table: "store.nominations",
		Signature: []string{"nomination_id", "person_id", "title"},
		Columns: []Column{
			{Name: "nomination_id", ZH: "推荐编号", Aliases: []string{"推荐号", "推荐序号"}, Type: tText, Required: true},
			{Name: "year", ZH: "年度", Aliases: []string{"年份", "推荐年度", "评选年度", "选拔年度"}, Type: tYear, Required: true},
			{Name: "person", ZH: "姓名", Aliases: []string{"创业者姓名", "申报人", "申报人姓名", "推荐人选"}, Type: tText, Required: true},
			{Name: "person_id", ZH: "身份证号", Aliases: []string{"身份证号码", "居民身份证号码", "公民身份号码", "身份证", "证件号码", "id_number"}, Type: tIDCard, Required: true, Personal: true},
			{Name: "enterprise", ZH: "创业主体名称", Aliases: []string{"创业主体", "企业名称", "创办企业名称", "创业实体名称"}, Type: tText, Required: true},
			{Name: "enterprise_uscc", ZH: "统一社会信用代码", Aliases: []string{"信用代码", "企业统一社会信用代码", "创业主体统一社会信用代码", "uscc"}, Type: tUSCC, Required: true},
			{Name: "founded_on", ZH: "成立日期", Aliases: []string{"成立时间", "注册日期", "企业成立日期", "创业主体成立日期"}, Type: tDate, Required: true},
			{Name: "district", ZH: "区县", Aliases: []string{"所在区县", "县区", "所属区县"}, Type: tName, Required: true,
				Names: programme.DistrictNames(), NameRule: "unknown_district"},
			{Name: "category", ZH: "类别", Aliases: []string{"行业类别", "群体类别", "创业群体", "所属类别", "所属群体"}, Type: tName, Required: true,
				Names: programme.CategoryNames(), NameRule: "unknown_category"},
			{Name: "title", ZH: "申报称号", Aliases: []string{"称号", "推荐称号", "申报层次"}, Type: tEnum, Required: true, Enum: titleEnum},
			{Name: "jobs", ZH: "带动就业人数", Aliases: []string{"带动就业", "吸纳就业人数", "吸纳就业"}, Type: tInt, Required: true},
			{Name: "jobs_stable", ZH: "稳定就业一年以上", Aliases: []string{"稳定就业1年以上", "就业稳定一年以上", "稳定就业", "是否稳定就业一年以上"}, Type: tBool, Required: true},
			{Name: "revenue", ZH: "年营收", Aliases: []string{"年营业收入", "营业收入", "营收", "年度营收"}, Type: tAmount, Required: true},
			{Name: "ip_count", ZH: "知识产权数", Aliases: []string{"知识产权数量", "知识产权", "知识产权(项)"}, Type: tInt, Required: true},
			{Name: "clean_record", ZH: "无不良记录", Aliases: []string{"无不良信用记录", "无不良经营记录", "是否无不良记录"}, Type: tBool, Required: true},
			{Name: "prospect", ZH: "市场前景较好", Aliases: []string{"市场前景", "市场前景良好", "是否市场前景较好"}, Type: tBool, Required: true},
			{Name: "influence", ZH: "行业影响力和领先性", Aliases: []string{"行业影响力及领先性", "行业影响力", "影响力和领先性", "是否有行业影响力和领先性"}, Type: tBool, Required: true},
			{Name: "contest_score", ZH: "比赛得分", Aliases: []string{"大赛得分", "比赛成绩", "竞赛得分", "评审得分", "得分"}, Type: tScore, Required: true},
		},
	},
}

// Chinese money units and English suffixes, to 万元.
var moneyUnits = []struct {
	zh, en []string
	factor float64
}{
	{[]string{"元", "人民币元"}, []string{"yuan", "rmb"}, 1e-4},
	{[]string{"千元"}, []string{"kyuan", "thousand_yuan"}, 0.1},
	{[]string{"万元"}, []string{"wanyuan", "wan", "10kyuan", "10k_yuan"}, 1},
	{[]string{"百万元"}, []string{"myuan", "million_yuan"}, 100},
	{[]string{"亿元"}, []string{"yiyuan", "100m_yuan"}, 1e4},
}

// headerKey normalises a header cell: NFKC (full-width brackets and letters),
// lower case, no spaces, underscores, hyphens or required-field stars.
func headerKey(s string) string {
	s = strings.ToLower(fold(s))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '_', '-', '*', '＊', ':':
			return -1
		}
		return r
	}, s)
}

// match is what a header cell resolves to.
type match struct {
	col    int     // index into Spec.Columns
	factor float64 // unit conversion for money columns (1 otherwise)
	unit   bool    // the header named its unit
}

// headerIndex maps header keys to columns, per kind, built once.
var headerIndex = func() map[Kind]map[string]match {
	out := map[Kind]map[string]match{}
	for kind, spec := range Specs {
		idx := map[string]match{}
		for i, c := range spec.Columns {
			names := append([]string{c.Name, c.ZH}, c.Aliases...)
			for _, n := range names {
				idx[headerKey(n)] = match{i, 1, false}
			}
			if c.Type == tMoney || c.Type == tAmount {
				for _, u := range moneyUnits {
					for _, n := range append([]string{c.ZH}, c.Aliases...) {
						for _, zh := range u.zh {
							idx[headerKey(n+"("+zh+")")] = match{i, u.factor, true}
						}
					}
					for _, en := range u.en {
						idx[headerKey(c.Name+"_"+en)] = match{i, u.factor, true}
						idx[headerKey(c.Name+"("+en+")")] = match{i, u.factor, true}
					}
				}
			}
		}
		out[kind] = idx
	}
	return out
}()

// keyCache remembers headerKey of cells seen in header rows: a batch of
// thousands of workbooks from one template repeats the same few dozen.
var keyCache sync.Map

func cachedKey(cell string) string {
	if k, ok := keyCache.Load(cell); ok {
		return k.(string)
	}
	k := headerKey(cell)
	if len(cell) <= 200 {
		keyCache.Store(cell, k)
	}
	return k
}

// resolveHeader looks a header cell up for a kind. A bilingual cell such as
// "载体编号\ncarrier_id" matches through either part; when only one part
// names a money unit ("在孵企业营收\nrevenue_kyuan"), that unit holds, and
// parts naming different units, or different columns, match nothing.
func resolveHeader(kind Kind, cell string) (match, bool) {
	idx := headerIndex[kind]
	if m, ok := idx[cachedKey(cell)]; ok {
		return m, true
	}
	if !strings.ContainsAny(cell, "\n/| ") {
		return match{}, false // one part only, already looked up
	}
	var found []match
	for _, part := range strings.FieldsFunc(fold(cell), func(r rune) bool { return r == '\n' || r == '/' || r == '|' || r == ' ' }) {
		if m, ok := idx[headerKey(part)]; ok {
			found = append(found, m)
		}
	}
	if len(found) == 0 {
		return match{}, false
	}
	best := found[0]
	for _, m := range found[1:] {
		switch {
		case m.col != best.col:
			return match{}, false
		case m.unit && best.unit && m.factor != best.factor:
			return match{}, false
		case m.unit:
			best = m
		}
	}
	return best, true
}

// Layout is a recognised header: which cell feeds which column.
type Layout struct {
	Spec    *Spec
	Cells   []int     // cell index per column, -1 when absent
	Factors []float64 // unit factor per column
	Extra   []string  // header cells that matched no column (ignored)
	Missing []string  // columns whose cells are required but absent
	// Twice holds, per column named by more than one header cell, the
	// cells after the first (Cells holds the first): which one holds the
	// figure cannot be known, so such a header rejects the file.
	Twice map[int][]int
	// Width is the number of cells up to the last non-blank header cell: a
	// value beyond it has no column (rule extra_fields).
	Width int
	// Fields is, in a CSV file, the number of fields of the header line,
	// blank ones included (0 otherwise), and Sep its separator: a row with
	// more fields than the header line has been shifted (rule extra_fields).
	Fields int
	Sep    string
	// Header holds the header cells up to Width, clipped, for messages.
	Header []string
}

// layoutFor resolves a header row for one kind and reports how many columns
// matched and whether the kind's signature is complete.
func layoutFor(kind Kind, header []string) (*Layout, int, bool) {
	spec := Specs[kind]
	l := &Layout{Spec: spec, Cells: make([]int, len(spec.Columns)), Factors: make([]float64, len(spec.Columns))}
	for i := range l.Cells {
		l.Cells[i], l.Factors[i] = -1, 1
	}
	matched := 0
	for ci, cell := range header {
		if strings.TrimSpace(cell) == "" {
			continue
		}
		l.Width = ci + 1
		m, ok := resolveHeader(kind, cell)
		if !ok {
			l.Extra = append(l.Extra, clipq(strings.TrimSpace(cell)))
			continue
		}
		if l.Cells[m.col] >= 0 {
			if l.Twice == nil {
				l.Twice = map[int][]int{}
			}
			l.Twice[m.col] = append(l.Twice[m.col], ci)
			continue
		}
		l.Cells[m.col], l.Factors[m.col] = ci, m.factor
		matched++
	}
	l.Header = make([]string, l.Width)
	for ci := range l.Width {
		l.Header[ci] = clipq(strings.TrimSpace(header[ci]))
	}
	sig := true
	for _, s := range spec.Signature {
		if l.Cells[spec.colIndex(s)] < 0 {
			sig = false
		}
	}
	for i, c := range spec.Columns {
		if c.Required && l.Cells[i] < 0 {
			l.Missing = append(l.Missing, c.Label())
		}
	}
	return l, matched, sig
}

// duplicates describes, for a message, the columns named by more than one
// header cell: each column with its cells and their letters.
func (l *Layout) duplicates() (zh, en string) {
	var zhs, ens []string
	for i := range l.Spec.Columns {
		more, ok := l.Twice[i]
		if !ok {
			continue
		}
		c := &l.Spec.Columns[i]
		var zc, ec []string
		for _, ci := range append([]int{l.Cells[i]}, more...) {
			letter, _ := excelize.ColumnNumberToName(ci + 1)
			zc = append(zc, fmt.Sprintf("「%s」（%s 列）", l.Header[ci], letter))
			ec = append(ec, fmt.Sprintf("%q (column %s)", l.Header[ci], letter))
		}
		both := "both"
		if len(zc) > 2 {
			both = "all"
		}
		zhs = append(zhs, fmt.Sprintf("%s都是%s", listAnd(zc, "、", "和", "列"), c.Label()))
		ens = append(ens, fmt.Sprintf("%s %s mean %s (%s)", listAnd(ec, ", ", " and ", ""), both, c.Name, c.ZH))
	}
	return strings.Join(zhs, "；"), strings.Join(ens, "; ")
}

// listAnd joins items as a sentence does ("A、B和C", "A, B and C"),
// or, when there are more than maxListed, as someOf does.
func listAnd(items []string, sep, and, unit string) string {
	if len(items) > maxListed || len(items) < 2 {
		return someOf(items, sep, unit)
	}
	return strings.Join(items[:len(items)-1], sep) + and + items[len(items)-1]
}

func (s *Spec) colIndex(name string) int {
	for i, c := range s.Columns {
		if c.Name == name {
			return i
		}
	}
	panic("no column " + name)
}

// detectHeader finds the header among the first rows of a sheet: the first
// row whose cells complete some kind's signature (the kind with most matching
// cells wins; `only` restricts the kinds tried). It returns the row's index.
func detectHeader(rows [][]string, only Kind) (*Layout, int) {
	kinds := Kinds
	if only != "" {
		kinds = []Kind{only}
	}
	for ri, row := range rows {
		var best *Layout
		bestN := 0
		for _, k := range kinds {
			l, n, sig := layoutFor(k, row)
			// Deferrals and quarterly both have carrier_id and year;
			// the most specific match wins.
			if sig && n > bestN {
				best, bestN = l, n
			}
		}
		if best != nil {
			return best, ri
		}
	}
	return nil, -1
}

// KnownHeaders lists, for messages, the Chinese headers a kind expects.
func KnownHeaders(kind Kind) string {
	var names []string
	for _, c := range Specs[kind].Columns {
		names = append(names, c.ZH)
	}
	return strings.Join(names, "、")
}

// enumLookup maps folded synonyms to codes, per column.
func enumLookup(vals []enumValue) map[string]string {
	m := map[string]string{}
	for _, v := range vals {
		m[headerKey(v.Code)] = v.Code
		for _, s := range v.Synonyms {
			m[headerKey(s)] = v.Code
		}
	}
	return m
}

// enumChoices lists the accepted values for a message: Chinese first.
func enumChoices(vals []enumValue) (zh, en string) {
	var z, e []string
	for _, v := range vals {
		z = append(z, v.Synonyms[0])
		e = append(e, v.Code)
	}
	sort.Strings(e)
	return strings.Join(z, "/"), strings.Join(e, "/")
}
