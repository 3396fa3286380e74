package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports/xlsx"
)

// The nominations template (创业人才推荐, SPEC §9): the sheet a district
// fills in, one row per nomination of a person for a title of the 百千万
// programme, which ingest reads back as a nominations file; and its
// instructions. The districts and categories are the embedded
// programme's, as ingest checks them.
const (
	nomTemplateSheet     = "创业人才推荐"
	nomTemplateHelpSheet = "填报说明"
)

// nomCheck is the data validation of one nominations template column.
type nomCheck int

const (
	ncText     nomCheck = iota // free text, required
	ncID                       // free text kept as typed (leading zeros)
	ncYear                     // the template's year
	ncIDNumber                 // 18 characters, kept as text
	ncUSCC                     // 18 characters, kept as text
	ncDate                     // a date up to the end of the template's year
	ncList                     // a drop-down of Chinese values
	ncCount                    // whole number ≥ 0
	ncYesNo                    // 是 or 否
	ncMoney                    // decimal ≥ 0, in 万元, two decimals
	ncScore                    // decimal 0–100, two decimals
)

// nomField is one column of the nominations sheet, in the order of SPEC
// §9 (ingest's spec); the Chinese header comes from ingest's spec.
type nomField struct {
	name   string
	check  nomCheck
	width  float64
	zh, en string   // what the column means, for the input message
	header string   // the header's English line: readable, and no word of it names another column
	list   []string // ncList: the choices
}

// nomTitles are the titles in Chinese, lowest first, as ingest reads them.
var nomTitles = []string{talent.TitleZH(talent.Rising), talent.TitleZH(talent.Star), talent.TitleZH(talent.Master)}

// nomFields are the columns. The English lines avoid a word that names
// another column on its own (ingest reads a header cell by each of its
// words): "Nominee", not "Person's name".
func nomFields() []nomField {
	p := talent.Default()
	return []nomField{
		{"nomination_id", ncID, 12, "推荐单位给出的推荐编号，每个推荐一行、编号不重复；同一编号再次报送即为更正，以最后导入的为准。",
			"The number the district gave the nomination; one row each, each number once. Sending a number again corrects it: the one loaded last counts.", "Nomination ID", nil},
		{"year", ncYear, 7, "", "", "Year", nil},
		{"person", ncText, 10, "被推荐人姓名。", "The nominee's name.", "Nominee", nil},
		{"person_id", ncIDNumber, 21, "被推荐人的 18 位居民身份证号码（末位 X 大小写均可）。个人信息：仅用于核对，报表中遮挡显示。",
			"The nominee's 18-character ID number (final X in either case). Personal data: used only for checks, masked in every report.", "ID number", nil},
		{"enterprise", ncText, 26, "被推荐人创办的创业主体全称，与营业执照一致。", "The enterprise the nominee founded, as on its licence.", "Enterprise", nil},
		{"enterprise_uscc", ncUSCC, 21, "创业主体营业执照上的 18 位统一社会信用代码。", "The enterprise's 18-character unified social credit code, from its licence.", "Credit code (USCC)", nil},
		{"founded_on", ncDate, 11, "创业主体的成立日期（营业执照）。", "The day the enterprise was founded (its licence).", "Founded on", nil},
		{"district", ncList, 11, "创业主体所在区县（新锐创客按区县名额评选）。", "The enterprise's district (新锐创客 are selected by district quota).", "District", p.DistrictNames()},
		{"category", ncList, 20, "被推荐人所属的创业群体或行业类别（创业新秀按类别名额评选）。", "The nominee's group or trade (创业新秀 are selected by category quota).", "Category", p.CategoryNames()},
		{"title", ncList, 10, "申报的称号：新锐创客、创业新秀或创业达人（推荐省级）。", "The title: 新锐创客, 创业新秀, or 创业达人 (recommended to the province).", "Title", nomTitles},
		{"jobs", ncCount, 9, "创业主体带动就业的人数。", "People the enterprise employs.", "Jobs created", nil},
		{"jobs_stable", ncYesNo, 9, "带动就业稳定在一年以上。", "The jobs have lasted a year or more.", "Steady 12 months", nil},
		{"revenue", ncMoney, 12, "创业主体上一年度的营业收入。", "The enterprise's revenue of the last year.", "Revenue (10,000 yuan)", nil},
		{"ip_count", ncCount, 9, "创业主体拥有的知识产权（专利、软件著作权等）数量。", "IP rights the enterprise holds (patents, software copyrights …).", "IP rights", nil},
		{"clean_record", ncYesNo, 9, "无不良经营记录、无侵害劳动者权益行为、无失信记录。", "No bad business record, no harm to workers' rights, no dishonesty.", "Clean record", nil},
		{"prospect", ncYesNo, 9, "市场前景较好（新锐创客的条件）。", "Good market prospects (a condition for 新锐创客).", "Good prospects", nil},
		{"influence", ncYesNo, 11, "有一定的行业影响力和领先性（创业新秀、创业达人的条件）。", "Influence and a lead in its trade (a condition for 创业新秀 and 创业达人).", "Leads its trade", nil},
		{"contest_score", ncScore, 9, "创业大赛得分，评选时按得分排序。", "The contest score; nominations are ranked by it.", "Contest score", nil},
	}
}

// nomTemplateHeader is the bilingual header cell of a field: ingest's
// Chinese name (the revenue with its unit) over readable English.
func nomTemplateHeader(fd nomField) (string, error) {
	zh := ingest.ColumnName(ingest.Nominations, fd.name)
	if zh == "" {
		return "", fmt.Errorf("no nominations column %q in ingest's spec", fd.name)
	}
	if fd.check == ncMoney {
		zh += "(万元)"
	}
	return zh + "\n" + fd.header, nil
}

// WriteNominationsTemplate writes the nominations workbook for year to
// path: the sheet of nominations (bilingual headers that ingest
// recognises, a drop-down or range check and an input message on every
// column; the districts and categories of the embedded programme) and
// instructions, with the programme's criteria for the year's selection
// day. It reads no database.
func WriteNominationsTemplate(year int, path string) error {
	fields := nomFields()
	return writeFormBook(year, path, nomTemplateSheet, nomTemplateHelpSheet, "nominations",
		fmt.Sprintf("%d 创业人才推荐填报模板 Nominations template", year),
		func(f *excelize.File, st *xlsx.Styles) error { return writeNomTemplateSheet(f, st, fields, year) },
		func(f *excelize.File, st *xlsx.Styles) error { return writeNomTemplateHelp(f, st, fields, year) })
}

func writeNomTemplateSheet(f *excelize.File, st *xlsx.Styles, fields []nomField, year int) error {
	formats, err := newNomTemplateFormats(f)
	if err != nil {
		return err
	}
	cols := make([]formColumn, len(fields))
	for i, fd := range fields {
		hdr, err := nomTemplateHeader(fd)
		if err != nil {
			return err
		}
		dv, _, _, err := nomTemplateValidation(fd, year)
		if err != nil {
			return err
		}
		cols[i] = formColumn{header: hdr, width: fd.width, style: formats[fd.check], dv: dv}
	}
	title := fmt.Sprintf("“百千万”创业人才推荐表（%d年）  Nominations for the 100-1,000-10,000 titles, %d", year, year)
	note := fmt.Sprintf("每个推荐一行，从第 %d 行起填写；各列均为必填；金额单位：万元；是否类各列填“是”或“否”。身份证号为个人信息，仅用于核对，报表中均遮挡显示。请勿修改表头。填写前请阅读「填报说明」。\n"+
		"One row per nomination from row %d; every column is required; money in 万元 (10,000 yuan); yes/no columns 是 or 否. The ID number is personal data, used only for checking and masked in every report. Do not change the header. See sheet 填报说明.",
		templateFirstRow, templateFirstRow)
	return writeFormSheet(f, st, nomTemplateSheet, cols, title, note)
}

// newNomTemplateFormats makes the number format of each kind of column.
func newNomTemplateFormats(f *excelize.File) (map[nomCheck]int, error) {
	font := &excelize.Font{Family: "SimSun", Size: 10}
	custom := func(code string) *excelize.Style {
		return &excelize.Style{Font: font, CustomNumFmt: &code}
	}
	center := &excelize.Style{Font: font, Alignment: &excelize.Alignment{Horizontal: "center"}}
	styles := map[nomCheck]*excelize.Style{
		ncText:     {Font: font},
		ncID:       {Font: font, NumFmt: 49}, // text: keep leading zeros
		ncYear:     {Font: font, Alignment: &excelize.Alignment{Horizontal: "center"}},
		ncIDNumber: {Font: font, NumFmt: 49}, // text: 18 digits as a number lose the last three
		ncUSCC:     {Font: font, NumFmt: 49},
		ncDate:     custom(xlsx.FmtDate),
		ncList:     center,
		ncCount:    custom(xlsx.FmtCount),
		ncYesNo:    center,
		ncMoney:    custom(xlsx.FmtDecimal),
		ncScore:    custom(xlsx.FmtScore),
	}
	out := map[nomCheck]int{}
	for k := ncText; k <= ncScore; k++ {
		id, err := f.NewStyle(styles[k])
		if err != nil {
			return nil, err
		}
		out[k] = id
	}
	return out, nil
}

// nomTemplateValidation is the data validation of one column, and the
// column's explanation in Chinese and in English. Ingest checks every
// rule again; this only helps.
func nomTemplateValidation(fd nomField, year int) (dv *excelize.DataValidation, zh, en string, err error) {
	hdr, err := nomTemplateHeader(fd)
	if err != nil {
		return nil, "", "", err
	}
	title := strings.ReplaceAll(hdr, "\n", " ")
	if r := []rune(title); len(r) > 32 { // Excel's limit for a prompt's title
		title = string(r[:32])
	}
	dv = excelize.NewDataValidation(true)
	var ruleZH, ruleEN, zhErr, enErr string
	end := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	switch fd.check {
	case ncText, ncID:
		ruleZH, ruleEN = "必填。", "Required."
	case ncYear:
		dv.Type, dv.Operator, dv.Formula1, dv.Formula2 = "whole", "between", fmt.Sprint(year), fmt.Sprint(year)
		fd.zh, fd.en = fmt.Sprintf("推荐年度，填 %d。评选日为该年 11 月 30 日，成立年限按这一天计算。", year),
			fmt.Sprintf("The year of the nomination: %d. The selection day is 30 November of it; the enterprise's age is counted to that day.", year)
		zhErr, enErr = fmt.Sprintf("请填写 %d。", year), fmt.Sprintf("Enter %d.", year)
	case ncIDNumber:
		dv.Type, dv.Operator, dv.Formula1 = "textLength", "equal", "18"
		ruleZH, ruleEN = "必填，18 位。", "Required, 18 characters."
		zhErr, enErr = "身份证号为 18 位，请核对；本列为文本格式，请勿改为数字。", "An ID number has 18 characters; check it. The column is text: do not make it a number."
	case ncUSCC:
		dv.Type, dv.Operator, dv.Formula1 = "textLength", "equal", "18"
		ruleZH, ruleEN = "必填，18 位。", "Required, 18 characters."
		zhErr, enErr = "统一社会信用代码为 18 位，请核对营业执照。", "The credit code has 18 characters; check the licence."
	case ncDate:
		dv.Type, dv.Operator, dv.Formula1 = "date", "lessThanOrEqual", fmt.Sprint(templateSerial(end))
		ruleZH, ruleEN = "必填，日期如 2021-03-10。", "Required; a date like 2021-03-10."
		zhErr, enErr = "请填写有效日期，如 2021-03-10。", "Enter a date, e.g. 2021-03-10."
	case ncList:
		if err := dv.SetDropList(fd.list); err != nil {
			return nil, "", "", err
		}
		ruleZH, ruleEN = "必填，从下拉列表选择。", "Required: pick one from the list."
		zhErr, enErr = "请从下拉列表选择。", "Pick one of the values in the list."
	case ncCount:
		dv.Type, dv.Operator, dv.Formula1 = "whole", "greaterThanOrEqual", "0"
		ruleZH, ruleEN = "必填，整数；没有填 0。", "Required, a whole number; 0 if none."
		zhErr, enErr = "请填写不小于 0 的整数。", "Enter a whole number, 0 or more."
	case ncYesNo:
		if err := dv.SetDropList([]string{"是", "否"}); err != nil {
			return nil, "", "", err
		}
		ruleZH, ruleEN = "必填，是或否。", "Required, 是 (yes) or 否 (no)."
		zhErr, enErr = "请选择“是”或“否”。", "Pick 是 (yes) or 否 (no)."
	case ncMoney:
		dv.Type, dv.Operator, dv.Formula1 = "decimal", "greaterThanOrEqual", "0"
		ruleZH, ruleEN = "必填，万元，最多两位小数。", "Required, in 万元, up to two decimals."
		zhErr, enErr = "请填写不小于 0 的金额（万元），最多两位小数。", "Enter an amount of 0 or more in 万元, up to two decimals."
	case ncScore:
		dv.Type, dv.Operator, dv.Formula1, dv.Formula2 = "decimal", "between", "0", "100"
		ruleZH, ruleEN = "必填，0–100，最多两位小数。", "Required, 0–100, up to two decimals."
		zhErr, enErr = "请填写 0 至 100 之间的得分，最多两位小数。", "Enter a score from 0 to 100, up to two decimals."
	}
	zh, en = fd.zh+ruleZH, strings.TrimSpace(fd.en+" "+ruleEN)
	dv.SetInput(title, zh+"\n"+en)
	if zhErr != "" {
		dv.SetError(excelize.DataValidationErrorStyleStop, title, zhErr+"\n"+enErr)
	}
	return dv, zh, en, nil
}

// nomCriteria states the programme's criteria of a title for year's
// selection day, in Chinese and English.
func nomCriteria(p *talent.Programme, title string, year int) (zh, en string) {
	c := p.Criteria[title]
	d := p.SelectionDay(year)
	after := d.AddDate(-c.FoundedWithinYears, 0, 0).Format("2006-01-02")
	var zs, es []string
	zs = append(zs, fmt.Sprintf("成立日期晚于 %s（不超过 %d 年）", after, c.FoundedWithinYears), fmt.Sprintf("带动就业 %d 人以上", c.MinJobs))
	es = append(es, fmt.Sprintf("founded after %s (at most %d years)", after, c.FoundedWithinYears), fmt.Sprintf("at least %d jobs", c.MinJobs))
	if c.JobsStable {
		zs, es = append(zs, "稳定就业一年以上"), append(es, "stable a year")
	}
	rev := fmt.Sprint(c.MinRevenue)
	zs, es = append(zs, "年营收 "+rev+" 万元以上"), append(es, "revenue of "+rev+" 万元 or more")
	if c.MinIPCount > 0 {
		zs, es = append(zs, fmt.Sprintf("知识产权 %d 项以上", c.MinIPCount)), append(es, fmt.Sprintf("at least %d IP rights", c.MinIPCount))
	}
	if c.Prospect {
		zs, es = append(zs, "市场前景较好"), append(es, "good prospects")
	}
	if c.Influence {
		zs, es = append(zs, "有行业影响力和领先性"), append(es, "influence in its trade")
	}
	if c.CleanRecord {
		zs, es = append(zs, "无不良记录"), append(es, "a clean record")
	}
	return strings.Join(zs, "，") + "。", strings.Join(es, ", ") + "."
}

func writeNomTemplateHelp(f *excelize.File, st *xlsx.Styles, fields []nomField, year int) error {
	p := talent.Default()
	title := fmt.Sprintf("填报说明（%d年创业人才推荐）  Instructions: nominations, %d", year, year)
	note := "各列的含义见下表后半部分；在「创业人才推荐」中选中单元格时也会显示提示。\nThe second part of the table explains every column; selecting a cell on the nominations sheet shows the same hint."
	years := fmt.Sprintf("%d—%d", p.Years[0], p.Years[len(p.Years)-1])
	rows := []templateHelpRow{
		{"怎样填写\nHow to fill it in", fmt.Sprintf("在「创业人才推荐」工作表第 %d 行起填写，每人每个申报称号一行，一个文件可以填写多个推荐。请勿修改、删除或移动表头，不要合并单元格，不要增加合计行。", templateFirstRow),
			fmt.Sprintf("Fill in the 创业人才推荐 sheet from row %d, one row per person and title; one file may hold several. Do not change, delete or move the header, merge cells or add a totals row.", templateFirstRow)},
		{"必填项\nRequired", "各列均为必填；没有的数量填 0，是否类各列填“是”或“否”。",
			"Every column is required: 0 for a count of none, 是 (yes) or 否 (no) in the yes/no columns."},
		{"工程与评选日\nProgramme", fmt.Sprintf("%s（%s 年）。评选日为每年 %d 月 %d 日；名额为整个工程期的总数，往年已授予的从名额中扣除。区县与类别须为名额表中的名称（见下拉列表）。",
			p.NameZH, years, p.Month, p.Day),
			fmt.Sprintf("%s (%s). The selection day is %s each year; the quotas are for the whole programme, what earlier years awarded is taken off. District and category must be names of the quota tables (see the lists).",
				p.NameEN, years, p.SelectionDay(year).Format("2 January"))},
	}
	for _, t := range []string{talent.Rising, talent.Star, talent.Master} {
		zh, en := nomCriteria(p, t, year)
		rows = append(rows, templateHelpRow{talent.TitleZH(t) + "\n" + t, fmt.Sprintf("%d 年评选条件：", year) + zh, fmt.Sprintf("Criteria of %d: ", year) + en})
	}
	rows = append(rows,
		templateHelpRow{"个人信息\nPersonal data", "身份证号为个人信息，仅用于核对“同一人只能获得一次同级或更低称号”；数据库中保存完整号码，所有报表、退回清单中均以 620102********1234 形式遮挡显示。请妥善保管本表。",
			"The ID number is personal data, used only to check that no one is awarded the same or a lower title twice: the database keeps it, and every report and rejects list shows it masked as 620102********1234. Keep this sheet safe."},
		templateHelpRow{"单位与格式\nUnits", "金额单位为万元（1 万元 = 10,000 元），最多两位小数；比赛得分 0–100，最多两位小数；人数、知识产权数为整数；日期写成 2021-03-10 的格式；身份证号列为文本格式。",
			"Money in 万元 (10,000 yuan), up to two decimals; contest scores 0–100, up to two decimals; jobs and IP rights are whole numbers; dates like 2021-03-10; the ID number column is text."},
		templateHelpRow{"更正\nCorrections", "已报送的推荐需要更正的，用同一推荐编号重新填写整行并重新报送，以最后导入的为准，历次报送均留存备查。",
			"To correct a nomination already sent, fill in its whole row again under the same nomination id and resend it: the one loaded last counts, and every version is kept."},
		templateHelpRow{"退回\nRejected rows", "不符合要求的行（必填项为空、身份证号或信用代码无效、区县或类别不在名额表中、称号不是可选值、得分超出 0–100 或超过两位小数、日期无效、同一文件中推荐编号重复）不会被接收，主管部门将发回“数据退回清单”；请更正后重新报送整份文件。",
			"Rows that break a rule (a required cell blank, an invalid ID number or credit code, a district or category not in the quota tables, a title not in the list, a score outside 0–100 or with more than two decimals, an invalid date, a nomination id twice in the file) are not accepted: the bureau sends back a list of rejected rows. Correct them and resend the whole file."},
		templateHelpRow{"其他工作表\nOther sheets", "只导入「创业人才推荐」工作表；本说明仅供查阅，可以保留。",
			"Only the 创业人才推荐 sheet is imported; these instructions are for reference and may stay in the file."},
	)
	for _, fd := range fields {
		hdr, err := nomTemplateHeader(fd)
		if err != nil {
			return err
		}
		_, zh, en, err := nomTemplateValidation(fd, year)
		if err != nil {
			return err
		}
		rows = append(rows, templateHelpRow{hdr, zh, en})
	}
	return writeFormHelp(f, st, nomTemplateHelpSheet, title, note, rows)
}
