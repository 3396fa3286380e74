package sample

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/incubeval/incubeval/pipeline/uscc"
)

// Application is one row of an applications file (认定申请, SPEC §8.1),
// with the enums as codes; the files write them in Chinese.
type Application struct {
	ID             string // application_id
	Name           string
	OperatorUSCC   string
	OperatorName   string
	OperatorType   string // enterprise | university | institute | other
	District       string
	Kind           string // maker_space | incubator | innovation_center | demo_base
	Track          string // comprehensive | specialized
	AppliedOn      time.Time
	FoundedOn      time.Time
	OperatingSince time.Time
	Area           float64 // m²
	ServiceArea    float64 // m², ≤ Area
	Workstations   int
	LeaseEnd       time.Time // zero: blank (owned)
	Incubated      int
	Staff          int
	RevenueStable  bool
	Facilities     bool
	Rules          bool
	Services       bool
	SeedFund       bool
	Invested       bool // written blank when false: the column is optional, blank is 否
	Virtual        bool // likewise
}

// applicationsHeaderZh is the Chinese header of an applications file, in
// the order of SPEC §8.1 (and of ingest's spec).
var applicationsHeaderZh = []string{
	"申请编号", "载体名称", "运营主体统一社会信用代码", "运营主体名称", "运营主体类型",
	"区县", "载体类型", "类别", "申请日期", "运营主体成立日期", "开始运营日期",
	"场地面积(平方米)", "办公及公共服务面积(平方米)", "工位数", "租赁截止日期",
	"入孵企业(团队)数", "管理服务人员数", "有稳定经营收入", "配套设施齐全",
	"管理制度健全", "孵化服务体系完善", "设立或引进种子基金", "有实质投资行为", "虚拟空间",
}

var (
	operatorTypeZh = map[string]string{"enterprise": "企业", "university": "高等院校", "institute": "科研院所", "other": "其他"}
	kindZhByCode   = map[string]string{}
	trackZhByCode  = map[string]string{}
)

func init() {
	for i, c := range kindCode {
		kindZhByCode[c] = kindZh[i]
	}
	for i, c := range trackCode {
		trackZhByCode[c] = trackZh[i]
	}
}

// zhOr is m[code], or code itself when m has no entry: a test may write an
// unknown value on purpose.
func zhOr(m map[string]string, code string) string {
	if zh, ok := m[code]; ok {
		return zh
	}
	return code
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// optionalYes is an optional declaration as a clerk leaves it: 是, or blank.
func optionalYes(b bool) string {
	if b {
		return "是"
	}
	return ""
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// record is a as the text cells of a CSV row.
func (a Application) record() []string {
	return []string{
		a.ID, a.Name, a.OperatorUSCC, a.OperatorName, zhOr(operatorTypeZh, a.OperatorType),
		a.District, zhOr(kindZhByCode, a.Kind), zhOr(trackZhByCode, a.Track),
		isoDate(a.AppliedOn), isoDate(a.FoundedOn), isoDate(a.OperatingSince),
		strconv.FormatFloat(a.Area, 'f', -1, 64), strconv.FormatFloat(a.ServiceArea, 'f', -1, 64),
		strconv.Itoa(a.Workstations), isoDate(a.LeaseEnd), strconv.Itoa(a.Incubated), strconv.Itoa(a.Staff),
		yesNo(a.RevenueStable), yesNo(a.Facilities), yesNo(a.Rules), yesNo(a.Services), yesNo(a.SeedFund),
		optionalYes(a.Invested), optionalYes(a.Virtual),
	}
}

// cells is a as the cells of a workbook row: dates as date cells, numbers
// as numbers.
func (a Application) cells() []any {
	rec := a.record()
	out := make([]any, len(rec))
	for i, s := range rec {
		if s != "" {
			out[i] = s
		}
	}
	out[8], out[9], out[10], out[14] = optDate(a.AppliedOn), optDate(a.FoundedOn), optDate(a.OperatingSince), optDate(a.LeaseEnd)
	out[11], out[12], out[13], out[15], out[16] = a.Area, a.ServiceArea, a.Workstations, a.Incubated, a.Staff
	return out
}

// ApplicationsCSV is an applications file (认定申请, SPEC §8.1) for tests:
// UTF-8, the Chinese header, one row per application in the order given;
// enums in Chinese, dates as 2025-03-18, declarations 是/否, and invested
// and virtual blank when false (blank is 否).
func ApplicationsCSV(apps ...Application) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(applicationsHeaderZh)
	for _, a := range apps {
		_ = w.Write(a.record())
	}
	w.Flush() // writes to a bytes.Buffer cannot fail
	return buf.Bytes()
}

// MakerSpaceApplication is an application dated d, a comprehensive maker
// space (众创空间) run by an enterprise in 城关区, that meets every
// condition of the municipal_maker_space profile (SPEC §8.2) with room to
// spare: the operator founded three years and two months before d and
// operating two years, 800 m² with 680 of service area (85%), 60
// workstations, leased to the end of d's year + 5, 16 enterprises
// incubated, 6 staff, every declaration 是 but invested and virtual.
// Tests change the field their condition reads. Its USCC is valid and
// follows from id, so different ids are different operators.
func MakerSpaceApplication(id string, d time.Time) Application {
	return Application{
		ID:             id,
		Name:           "兰州" + id + "众创空间",
		OperatorUSCC:   usccOf(id, '9', '1', "620102"),
		OperatorName:   "兰州" + id + "科技服务有限公司",
		OperatorType:   "enterprise",
		District:       "城关区",
		Kind:           "maker_space",
		Track:          "comprehensive",
		AppliedOn:      d,
		FoundedOn:      d.AddDate(-3, -2, 0),
		OperatingSince: d.AddDate(-2, 0, 0),
		Area:           800,
		ServiceArea:    680,
		Workstations:   60,
		LeaseEnd:       day(d.Year()+5, 12, 31),
		Incubated:      16,
		Staff:          6,
		RevenueStable:  true,
		Facilities:     true,
		Rules:          true,
		Services:       true,
		SeedFund:       true,
	}
}

// usccOf is a valid USCC whose organisation code is drawn from seed.
func usccOf(seed string, authority, orgType byte, division string) string {
	h := fnv.New64a()
	h.Write([]byte(seed))
	n := h.Sum64()
	var body [8]byte
	for i := range body {
		body[i] = usccAlphabet[n%10]
		n /= 10
	}
	code, err := uscc.Complete(authority, orgType, division, string(body[:]))
	if err != nil {
		panic(fmt.Sprintf("usccOf(%q): %v", seed, err)) // digits only: cannot fail
	}
	return code
}
