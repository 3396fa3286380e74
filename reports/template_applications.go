package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/reports/xlsx"
)

// The applications template (认定申请, SPEC §8.1): the sheet an applicant
// or a district clerk fills in, one row per application, which ingest
// reads back as an applications file; and its instructions. Only the
// first sheet has a header of an input kind.
const (
	appTemplateSheet     = "认定申请"
	appTemplateHelpSheet = "填报说明"
)

// appCheck is the data validation of one applications template column.
type appCheck int

const (
	acText        appCheck = iota // free text, required
	acID                          // free text kept as typed (leading zeros)
	acUSCC                        // 18 characters
	acList                        // a drop-down of Chinese values
	acAppliedOn                   // a date in the template's year
	acDate                        // a date up to the end of the template's year
	acLeaseEnd                    // a date, optional
	acArea                        // decimal ≥ 0
	acServiceArea                 // decimal from 0 to the row's area
	acCount                       // whole number ≥ 0
	acYesNo                       // 是 or 否, required
	acYesNoBlank                  // 是 or 否, or blank (否)
)

// appField is one column of the applications sheet, in the order of SPEC
// §8.1 (ingest's spec); the Chinese header comes from ingest's spec.
type appField struct {
	name   string
	check  appCheck
	width  float64
	zh, en string   // what the column means, for the input message
	header string   // the header's English line: readable, and no word of it names another column
	list   []string // acList: the choices
}

var (
	appOperatorTypes = []string{"企业", "高等院校", "科研院所", "其他"}
	appKinds         = []string{"众创空间", "科技企业孵化器", "双创中心", "创业就业孵化示范基地"}
	appTracks        = []string{"综合", "专业"}
)

// The English lines avoid a word that names another column on its own
// (ingest reads a header cell by each of its words): "Founded on", not
// "Operator founded on"; "service space", not "service area".
var appFields = []appField{
	{"application_id", acID, 12, "受理部门给出的申请编号，每个申请一行、编号不重复；同一编号再次报送即为更正，以最后导入的为准。",
		"The number the bureau gave the application; one row per application, each number once. Sending a number again corrects it: the one loaded last counts.", "Application ID", nil},
	{"name", acText, 26, "申请认定的载体名称。", "The name of the space to be recognised.", "Name of the space", nil},
	{"operator_uscc", acUSCC, 21, "运营主体营业执照（或法人证书）上的 18 位统一社会信用代码。", "The operator's 18-character unified social credit code, from its licence.", "Operator's credit code (USCC)", nil},
	{"operator_name", acText, 26, "运营主体全称，与营业执照一致。", "The operator's full name, as on its licence.", "Operator", nil},
	{"operator_type", acList, 10, "专业化众创空间的运营主体应为高等院校、科研院所或企业。", "A specialized space must be run by a university, an institute or an enterprise.", "Operator's type", appOperatorTypes},
	{"district", acText, 10, "载体所在区县。", "The district the space is in.", "District", nil},
	{"kind", acList, 14, "", "", "Kind", appKinds},
	{"track", acList, 7, "综合类或专业类。", "Comprehensive or specialized.", "Track", appTracks},
	{"applied_on", acAppliedOn, 11, "", "", "Applied on", nil},
	{"founded_on", acDate, 11, "运营主体的成立日期（营业执照）。", "The day the operator was founded (its licence).", "Founded on", nil},
	{"operating_since", acDate, 11, "载体实际开始运营的日期。", "The day the space began operating.", "Operating since", nil},
	{"area_m2", acArea, 10, "可自主支配的场地面积，单位平方米。", "The floor space at the operator's disposal, in m².", "Area (m²)", nil},
	{"service_area_m2", acServiceArea, 12, "其中办公及公共服务面积，不能大于场地面积。", "Of it, office and shared service space; not more than the area.", "Office & service space (m²)", nil},
	{"workstations", acCount, 9, "", "", "Workstations", nil},
	{"lease_end", acLeaseEnd, 11, "选填。租赁场地的租期截止日期；自有场地留空。", "Optional: the day the lease ends; leave it blank if the space is owned.", "Lease ends", nil},
	{"incubated", acCount, 10, "现有入孵企业和团队总数。", "Enterprises and teams in incubation now.", "Incubated", nil},
	{"staff", acCount, 9, "专职管理服务人员数。", "Full-time management and service staff.", "Staff", nil},
	{"revenue_stable", acYesNo, 9, "运营主体有稳定的经营收入。", "The operator has a steady income.", "Stable revenue", nil},
	{"facilities", acYesNo, 9, "办公、网络、会议、路演等配套设施齐全。", "Offices, network, meeting and pitch rooms are in place.", "Facilities", nil},
	{"rules", acYesNo, 9, "入驻、退出、服务等管理制度健全。", "Rules for entry, exit and services are in place.", "Rules", nil},
	{"services", acYesNo, 9, "创业辅导、培训、对接等孵化服务体系完善。", "Mentoring, training and matchmaking services are in place.", "Services", nil},
	{"seed_fund", acYesNo, 9, "设立或引进了种子基金等专门融资渠道。", "A seed fund or another dedicated funding channel is set up or brought in.", "Seed fund", nil},
	{"invested", acYesNoBlank, 9, "选填，留空即“否”。运营主体对入孵企业有实质投资行为的，优先认定。", "Optional, blank is no. An operator that has invested in its enterprises is recognised first.", "Invested", nil},
	{"virtual", acYesNoBlank, 9, "选填，留空即“否”。虚拟空间的场地条件放宽。", "Optional, blank is no. A virtual space's space conditions are relaxed.", "Virtual", nil},
}

// appTemplateHeader is the bilingual header cell of a field: ingest's
// Chinese name over readable English.
func appTemplateHeader(fd appField) (string, error) {
	zh := ingest.ColumnName(ingest.Applications, fd.name)
	if zh == "" {
		return "", fmt.Errorf("no applications column %q in ingest's spec", fd.name)
	}
	return zh + "\n" + fd.header, nil
}

// WriteApplicationsTemplate writes the applications workbook for year to
// path: the sheet of applications (bilingual headers that ingest
// recognises, a drop-down or range check and an input message on every
// column) and instructions. It reads no database: an applicant is not a
// carrier yet.
func WriteApplicationsTemplate(year int, path string) error {
	return writeFormBook(year, path, appTemplateSheet, appTemplateHelpSheet, "applications",
		fmt.Sprintf("%d 认定申请填报模板 Applications template", year),
		func(f *excelize.File, st *xlsx.Styles) error { return writeAppTemplateSheet(f, st, year) },
		func(f *excelize.File, st *xlsx.Styles) error { return writeAppTemplateHelp(f, st, year) })
}

func writeAppTemplateSheet(f *excelize.File, st *xlsx.Styles, year int) error {
	formats, err := newAppTemplateFormats(f)
	if err != nil {
		return err
	}
	cols := make([]formColumn, len(appFields))
	for i, fd := range appFields {
		hdr, err := appTemplateHeader(fd)
		if err != nil {
			return err
		}
		dv, _, _, err := appTemplateValidation(fd, year)
		if err != nil {
			return err
		}
		cols[i] = formColumn{header: hdr, width: fd.width, style: formats[fd.check], dv: dv}
	}
	title := fmt.Sprintf("双创载体认定申请表（%d年）  Applications for recognition, %d", year, year)
	note := fmt.Sprintf("每个申请一行，从第 %d 行起填写；除“租赁截止日期”“有实质投资行为”“虚拟空间”外均为必填；面积单位：平方米；声明类各列填“是”或“否”。请勿修改表头。填写前请阅读「填报说明」。\n"+
		"One row per application from row %d; every column is required except lease_end, invested and virtual; areas in m²; declarations 是 (yes) or 否 (no). Do not change the header. See sheet 填报说明.",
		templateFirstRow, templateFirstRow)
	return writeFormSheet(f, st, appTemplateSheet, cols, title, note)
}

// newAppTemplateFormats makes the number format of each kind of column.
func newAppTemplateFormats(f *excelize.File) (map[appCheck]int, error) {
	font := &excelize.Font{Family: "SimSun", Size: 10}
	custom := func(code string) *excelize.Style {
		return &excelize.Style{Font: font, CustomNumFmt: &code}
	}
	center := &excelize.Style{Font: font, Alignment: &excelize.Alignment{Horizontal: "center"}}
	styles := map[appCheck]*excelize.Style{
		acText:        {Font: font},
		acID:          {Font: font, NumFmt: 49}, // text: keep leading zeros
		acUSCC:        {Font: font, NumFmt: 49},
		acList:        center,
		acAppliedOn:   custom(xlsx.FmtDate),
		acDate:        custom(xlsx.FmtDate),
		acLeaseEnd:    custom(xlsx.FmtDate),
		acArea:        custom(xlsx.FmtDecimal),
		acServiceArea: custom(xlsx.FmtDecimal),
		acCount:       custom(xlsx.FmtCount),
		acYesNo:       center,
		acYesNoBlank:  center,
	}
	out := map[appCheck]int{}
	for k := acText; k <= acYesNoBlank; k++ {
		id, err := f.NewStyle(styles[k])
		if err != nil {
			return nil, err
		}
		out[k] = id
	}
	return out, nil
}

// appTemplateValidation is the data validation of one column, and the
// column's explanation in Chinese and in English. Ingest checks every
// rule again; this only helps.
func appTemplateValidation(fd appField, year int) (dv *excelize.DataValidation, zh, en string, err error) {
	hdr, err := appTemplateHeader(fd)
	if err != nil {
		return nil, "", "", err
	}
	title := strings.ReplaceAll(hdr, "\n", " ")
	if r := []rune(title); len(r) > 32 { // Excel's limit for a prompt's title
		title = string(r[:32])
	}
	dv = excelize.NewDataValidation(true)
	var ruleZH, ruleEN, zhErr, enErr string
	first := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	switch fd.check {
	case acText, acID:
		ruleZH, ruleEN = "必填。", "Required."
	case acUSCC:
		dv.Type, dv.Operator, dv.Formula1 = "textLength", "equal", "18"
		ruleZH, ruleEN = "必填，18 位。", "Required, 18 characters."
		zhErr, enErr = "统一社会信用代码为 18 位，请核对营业执照。", "The credit code has 18 characters; check the licence."
	case acList:
		if err := dv.SetDropList(fd.list); err != nil {
			return nil, "", "", err
		}
		ruleZH, ruleEN = "必填，从下拉列表选择："+strings.Join(fd.list, "、")+"。", "Required: pick one from the list."
		zhErr, enErr = "请从下拉列表选择："+strings.Join(fd.list, "、")+"。", "Pick one of the values in the list."
	case acAppliedOn:
		dv.Type, dv.Operator, dv.Formula1, dv.Formula2 = "date", "between", fmt.Sprint(templateSerial(first)), fmt.Sprint(templateSerial(end))
		fd.zh = fmt.Sprintf("提出申请的日期，%d 年内，如 %d-06-16。认定条件按这一天计算（成立满 1 年、运营满 12 个月、租期满 3 年等）。", year, year)
		fd.en = fmt.Sprintf("The day of the application, in %d, e.g. %d-06-16; the conditions are counted from it (founded a year, operating 12 months, a 3-year lease).", year, year)
		zhErr, enErr = fmt.Sprintf("请填写 %d 年内的日期。", year), fmt.Sprintf("Enter a date in %d.", year)
	case acDate:
		dv.Type, dv.Operator, dv.Formula1 = "date", "lessThanOrEqual", fmt.Sprint(templateSerial(end))
		ruleZH, ruleEN = "必填，日期如 2020-03-10。", "Required; a date like 2020-03-10."
		zhErr, enErr = "请填写有效日期，如 2020-03-10。", "Enter a date, e.g. 2020-03-10."
	case acLeaseEnd:
		dv.Type, dv.Operator, dv.Formula1 = "date", "greaterThanOrEqual", fmt.Sprint(templateSerial(first))
		ruleZH, ruleEN = "日期如 2030-12-31。", "A date like 2030-12-31."
		zhErr, enErr = "请填写有效日期，如 2030-12-31；自有场地留空。", "Enter a date, e.g. 2030-12-31; blank if owned."
	case acArea:
		dv.Type, dv.Operator, dv.Formula1 = "decimal", "greaterThanOrEqual", "0"
		ruleZH, ruleEN = "必填，平方米。", "Required, in m²."
		zhErr, enErr = "请填写不小于 0 的面积（平方米）。", "Enter an area of 0 or more, in m²."
	case acServiceArea:
		// Relative to the first cell of the range: the area on the same row.
		area, _ := excelize.ColumnNumberToName(appFieldIndex("area_m2") + 1)
		dv.Type, dv.Operator, dv.Formula1, dv.Formula2 = "decimal", "between", "0", fmt.Sprintf("%s%d", area, templateFirstRow)
		ruleZH, ruleEN = "必填，平方米。", "Required, in m²."
		zhErr, enErr = "请填写 0 至场地面积之间的面积（平方米）。", "Enter an area from 0 to the whole area, in m²."
	case acCount:
		dv.Type, dv.Operator, dv.Formula1 = "whole", "greaterThanOrEqual", "0"
		ruleZH, ruleEN = "必填，整数。", "Required, a whole number."
		zhErr, enErr = "请填写不小于 0 的整数。", "Enter a whole number, 0 or more."
	case acYesNo, acYesNoBlank:
		if err := dv.SetDropList([]string{"是", "否"}); err != nil {
			return nil, "", "", err
		}
		if fd.check == acYesNo {
			ruleZH, ruleEN = "必填，是或否。填“否”的由现场核查确认。", "Required, 是 (yes) or 否 (no); a 否 is checked on site."
		}
		zhErr, enErr = "请选择“是”或“否”。", "Pick 是 (yes) or 否 (no)."
	}
	zh, en = fd.zh+ruleZH, strings.TrimSpace(fd.en+" "+ruleEN)
	dv.SetInput(title, zh+"\n"+en)
	if zhErr != "" {
		dv.SetError(excelize.DataValidationErrorStyleStop, title, zhErr+"\n"+enErr)
	}
	return dv, zh, en, nil
}

func appFieldIndex(name string) int {
	for i, fd := range appFields {
		if fd.name == name {
			return i
		}
	}
	panic("no applications template field " + name)
}

func writeAppTemplateHelp(f *excelize.File, st *xlsx.Styles, year int) error {
	title := fmt.Sprintf("填报说明（%d年认定申请）  Instructions: applications for recognition, %d", year, year)
	note := "各列的含义见下表后半部分；在「认定申请」中选中单元格时也会显示提示。\nThe second part of the table explains every column; selecting a cell on the applications sheet shows the same hint."
	rows := []templateHelpRow{
		{"怎样填写\nHow to fill it in", fmt.Sprintf("在「认定申请」工作表第 %d 行起填写，每个申请一行，一个文件可以填写多个申请。请勿修改、删除或移动表头，不要合并单元格，不要增加合计行。", templateFirstRow),
			fmt.Sprintf("Fill in the 认定申请 sheet from row %d, one row per application; one file may hold several. Do not change, delete or move the header, merge cells or add a totals row.", templateFirstRow)},
		{"必填项\nRequired", "除“租赁截止日期”“有实质投资行为”“虚拟空间”外各列均为必填。自有场地的租赁截止日期留空；有实质投资行为、虚拟空间留空即为“否”。",
			"Every column is required except lease_end, invested and virtual. Leave lease_end blank for an owned space; invested and virtual left blank mean no."},
		{"声明\nDeclarations", "有稳定经营收入、配套设施齐全、管理制度健全、孵化服务体系完善、设立或引进种子基金五项填“是”或“否”；填“否”的不直接否决，由现场核查确认。",
			"The five declarations (stable revenue, facilities, rules, services, seed fund) are 是 (yes) or 否 (no); a 否 does not refuse the application by itself: it is checked on site."},
		{"单位与格式\nUnits", "面积单位为平方米；工位、企业数、人数为整数；日期写成 2025-06-16 的格式。",
			"Areas in m²; workstations, enterprises and staff are whole numbers; dates like 2025-06-16."},
		{"更正\nCorrections", "已报送的申请需要更正的，用同一申请编号重新填写整行并重新报送，以最后导入的为准，历次报送均留存备查。",
			"To correct an application already sent, fill in its whole row again under the same application id and resend it: the one loaded last counts, and every version is kept."},
		{"退回\nRejected rows", "不符合要求的行（必填项为空、类型不是可选值、信用代码无效、办公及公共服务面积大于场地面积、日期无效、同一文件中申请编号重复）不会被接收，主管部门将发回“数据退回清单”；请更正后重新报送整份文件。",
			"Rows that break a rule (a required cell blank, a value not in the list, an invalid credit code, a service space larger than the area, an invalid date, an application id twice in the file) are not accepted: the bureau sends back a list of rejected rows. Correct them and resend the whole file."},
		{"其他工作表\nOther sheets", "只导入「认定申请」工作表；本说明仅供查阅，可以保留。",
			"Only the 认定申请 sheet is imported; these instructions are for reference and may stay in the file."},
	}
	for _, fd := range appFields {
		hdr, err := appTemplateHeader(fd)
		if err != nil {
			return err
		}
		_, zh, en, err := appTemplateValidation(fd, year)
		if err != nil {
			return err
		}
		rows = append(rows, templateHelpRow{hdr, zh, en})
	}
	return writeFormHelp(f, st, appTemplateHelpSheet, title, note, rows)
}
