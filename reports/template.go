package reports

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// Sheet names of the submission template. Only the first is read back by
// ingest: the other two have no header of any input kind, so ingest skips
// them with a note.
const (
	templateSheet         = "季度报表"
	templateCarriersSheet = "在册载体"
	templateHelpSheet     = "填报说明"
)

// templateFirstRow is the first data row (title, note and header above it);
// templateRows is how many rows carry validation and number formats.
const (
	templateFirstRow = 4
	templateRows     = 2000
)

// templateCarrierList is the defined name the carrier_id drop-down uses.
const templateCarrierList = "CarrierIDs"

// templateCheck is the data validation of one template column.
type templateCheck int

const (
	tcCarrier templateCheck = iota // drop-down of the carriers sheet
	tcYear                         // the template's year only
	tcQuarter                      // the template's quarter only
	tcDate                         // a date not before the quarter's end
	tcCount                        // whole number ≥ 0
	tcFiled                        // whole number from 0 to incubating
	tcMoney                        // decimal ≥ 0, in 万元
	tcRatio                        // decimal 0–1, shown as a percentage
)

// templateField is one column of the quarterly report sheet, in the order of
// SPEC §3.2; the header text comes from ingest's column spec so that the
// template and the reader cannot drift apart.
type templateField struct {
	name   string
	check  templateCheck
	width  float64
	zh, en string // what the column means, for the input message
	header string // the header's English line: readable, and one ingest recognises
}

// The widths hold each value and each English word of the header (the
// Chinese wraps): the eighteen columns print on A4 at more than 8 points.
var templateFields = []templateField{
	{"carrier_id", tcCarrier, 12.5, "从下拉列表选择本载体的编号（见「在册载体」工作表）。每个载体每季度填一行。",
		"Pick the carrier's registry number from the list (sheet 在册载体). One row per carrier and quarter.", "Carrier ID"},
	{"year", tcYear, 6.5, "", "", "Year"},
	{"quarter", tcQuarter, 8.5, "", "", "Quarter"},
	{"submitted_on", tcDate, 11, "", "", "Submitted on"},
	{"incubating", tcCount, 17.5, "季度末在孵企业和团队总数（存量）。", "Enterprises and teams in incubation at the quarter's end (stock).", "Incubating"},
	{"filed", tcFiled, 7.5, "季度末已备案的在孵企业数，不能大于在孵企业(团队)数。", "Incubated enterprises on file at the quarter's end; not more than incubating.", "Filed"},
	{"new_entrants", tcCount, 9.5, "本季度新入孵的企业(团队)数（本季度发生数，不累计）。", "Enterprises and teams admitted this quarter (this quarter only, not cumulative).", "New entrants"},
	{"graduated", tcCount, 12, "本季度毕业的企业数。", "Enterprises that graduated this quarter.", "Graduated"},
	{"exited", tcCount, 7.5, "本季度未毕业而退出的企业数。", "Enterprises that left this quarter without graduating.", "Exited"},
	{"trainings", tcCount, 10.5, "本季度开展培训辅导的次数。", "Training and mentoring sessions held this quarter.", "Trainings"},
	{"trainees", tcCount, 9.5, "本季度参加培训辅导的人次。", "Attendances at training and mentoring this quarter.", "Trainees"},
	{"events", tcCount, 7.5, "本季度举办路演、沙龙、大赛等创业活动的次数。", "Start-up events (pitches, salons, contests) held this quarter.", "Events"},
	{"jobs", tcCount, 7.5, "季度末在孵企业从业人员总数（存量）。", "People employed by incubated enterprises at the quarter's end (stock).", "Jobs"},
	{"revenue", tcMoney, 12, "本季度在孵企业营业收入合计。", "Total revenue of incubated enterprises this quarter.", "Revenue (10,000 yuan)"},
	{"ip_granted", tcCount, 8.5, "本季度在孵企业获得授权的知识产权数（专利、软件著作权等）。", "IP rights granted to incubated enterprises this quarter (patents, software copyrights …).", "IP granted"},
	{"financing", tcMoney, 11.5, "本季度在孵企业获得的投融资金额合计。", "Investment and financing raised by incubated enterprises this quarter.", "Financing (10,000 yuan)"},
	{"financed", tcCount, 10, "本季度获得投融资的在孵企业数。", "Incubated enterprises that raised financing this quarter.", "Financed"},
	{"utilization", tcRatio, 12.5, "选填。季度末场地使用率。", "Optional: share of the space in use at the quarter's end.", "Utilization"},
}

// templateCarrierColumns of the carriers sheet. No operator credit code: with
// carrier_id it would make the sheet look like a registry file to ingest.
var templateCarrierColumns = []struct {
	zh, en string
	width  float64
}{
	{"载体编号", "Carrier ID", 13},
	{"载体名称", "Name", 36},
	{"运营主体名称", "Operator", 32},
	{"区县", "District", 12},
	{"载体类型", "Kind", 22},
	{"类别", "Track", 8},
	{"级别", "Level", 8},
}

// templatePeriod is the quarter a template is for, with the dates its text
// and validation need.
type templatePeriod struct {
	year, quarter int
	start, end    time.Time
	due           time.Time
}

func newTemplatePeriod(year, quarter int) templatePeriod {
	start := time.Date(year, time.Month(quarter*3-2), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 3, -1)
	// SPEC §3.2: due 15 days after the quarter ends (the views' due_on).
	return templatePeriod{year: year, quarter: quarter, start: start, end: end, due: end.AddDate(0, 0, 15)}
}

var templateQuarterZH = [...]string{"", "一", "二", "三", "四"}

func (p templatePeriod) zh() string {
	return fmt.Sprintf("%d年第%s季度", p.year, templateQuarterZH[p.quarter])
}
func (p templatePeriod) en() string { return fmt.Sprintf("%d Q%d", p.year, p.quarter) }

func templateDay(t time.Time) string { return t.Format("2006-01-02") }

// templateCarrier is one row of the carriers sheet.
type templateCarrier struct {
	id, name, operator, district, kind, track, level string
}

// WriteTemplate writes the quarterly submission workbook for year and quarter
// to path: the report sheet (bilingual headers that ingest recognises, a
// drop-down or range check and an input message on every column), the
// carriers recognised by the quarter's end and not delisted or revoked, and
// instructions (due date, units, revisions, where to send it). db may be nil
// (no database yet): the carriers sheet is then empty and carrier_id is not
// restricted to a list.
func WriteTemplate(ctx context.Context, db *sql.DB, year, quarter int, path string) error {
	if year < 2000 || year > 9999 || quarter < 1 || quarter > 4 {
		return fmt.Errorf("template: no such quarter %dQ%d", year, quarter)
	}
	p := newTemplatePeriod(year, quarter)
	carriers, err := templateCarriers(ctx, db, p.end)
	if err != nil {
		return fmt.Errorf("read carriers: %w", err)
	}
	f := xlsx.New()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", templateSheet); err != nil {
		return err
	}
	for _, s := range []string{templateCarriersSheet, templateHelpSheet} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	st, err := xlsx.NewStyles(f)
	if err != nil {
		return err
	}
	if err := writeTemplateReport(f, st, p, len(carriers) > 0); err != nil {
		return fmt.Errorf("report sheet: %w", err)
	}
	if err := writeTemplateCarriers(f, st, p, carriers); err != nil {
		return fmt.Errorf("carriers sheet: %w", err)
	}
	if err := writeTemplateHelp(f, st, p); err != nil {
		return fmt.Errorf("instructions sheet: %w", err)
	}
	f.SetActiveSheet(0)
	if err := xlsx.Props(f, fmt.Sprintf("季度报表 %s 填报模板 Quarterly report template", p.en()), "", time.Time{}); err != nil {
		return err
	}
	// Dated by the data it lists (the latest ingest), or, without a
	// database, the quarter's last day.
	stamp, err := latestIngest(ctx, db)
	if err != nil {
		return err
	}
	if stamp.IsZero() {
		stamp = xlsx.Stamp(p.end)
	}
	_, err = xlsx.Save(f, path, xlsx.Options{Stamp: stamp})
	return err
}

// templateCarriers lists the carriers expected to report for the quarter
// ending on end: recognised by then, and not delisted or revoked since their
// (latest) recognition. A carrier re-recognised after a ban is listed again.
func templateCarriers(ctx context.Context, db *sql.DB, end time.Time) ([]templateCarrier, error) {
	if db == nil {
		return nil, nil
	}
	rows, err := sqlfiles.Rows(ctx, db, "template_carriers", sql.Named("quarter_end", templateDay(end)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []templateCarrier
	for rows.Next() {
		var c templateCarrier
		if err := rows.Scan(&c.id, &c.name, &c.operator, &c.district, &c.kind, &c.track, &c.level); err != nil {
			return nil, err
		}
		c.kind, c.track, c.level = label(kindZH, c.kind), label(trackZH, c.track), label(levelZH, c.level)
		out = append(out, c)
	}
	return out, rows.Err()
}

// templateHeader is the bilingual header cell of a field: ingest's Chinese
// name (money with its unit) over readable English ("Carrier ID", not
// carrier_id). Ingest reads a header cell by each of its lines and words,
// and TestTemplateRoundTrip holds it to that.
func templateHeader(fd templateField) (string, error) {
	for _, c := range ingest.Specs[ingest.Quarterly].Columns {
		if c.Name == fd.name {
			zh := c.ZH
			if fd.check == tcMoney {
				zh += "(万元)"
			}
			return zh + "\n" + fd.header, nil
		}
	}
	return "", fmt.Errorf("no quarterly column %q in ingest's spec", fd.name)
}

func writeTemplateReport(f *excelize.File, st *xlsx.Styles, p templatePeriod, haveCarriers bool) error {
	const sheet = templateSheet
	last := templateFirstRow + templateRows - 1
	lastCol, _ := excelize.ColumnNumberToName(len(templateFields))
	// Column styles first: they would overwrite the header's style otherwise.
	formats, err := newTemplateFormats(f)
	if err != nil {
		return err
	}
	for i, fd := range templateFields {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, fd.width); err != nil {
			return err
		}
		if err := f.SetColStyle(sheet, col, formats[fd.check]); err != nil {
			return err
		}
	}
	title := fmt.Sprintf("双创载体季度报表（%s）  Quarterly report of innovation carriers, %s", p.zh(), p.en())
	note := fmt.Sprintf("报送截止日期：%s。每个载体一行，从第 %d 行起填写；除“场地使用率”外均为必填，没有发生的填 0；金额单位：万元。请勿修改表头。填写前请阅读「填报说明」。\n"+
		"Due %s. One row per carrier from row %d; every column but utilization is required (0 if none); money in 万元 (10,000 yuan). Do not change the header. See sheet 填报说明.",
		templateDay(p.due), templateFirstRow, templateDay(p.due), templateFirstRow)
	widths := make([]float64, len(templateFields))
	for i, fd := range templateFields {
		widths[i] = fd.width
	}
	if err := templateBanner(f, st, sheet, widths, title, note); err != nil {
		return err
	}
	for i, fd := range templateFields {
		cell, _ := excelize.CoordinatesToCellName(i+1, templateFirstRow-1)
		hdr, err := templateHeader(fd)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, cell, hdr); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A3", lastCol+"3", st.Header); err != nil {
		return err
	}
	lines := 1
	for _, fd := range templateFields {
		hdr, _ := templateHeader(fd)
		zh, en, _ := strings.Cut(hdr, "\n")
		lines = max(lines, xlsx.Lines(zh, fd.width)+xlsx.Lines(en, fd.width))
	}
	if err := f.SetRowHeight(sheet, templateFirstRow-1, xlsx.FitHeight(float64(lines)*13+6)); err != nil {
		return err
	}
	for i, fd := range templateFields {
		col, _ := excelize.ColumnNumberToName(i + 1)
		dv, _, _, err := templateValidation(fd, p, haveCarriers)
		if err != nil {
			return err
		}
		dv.Sqref = fmt.Sprintf("%s%d:%s%d", col, templateFirstRow, col, last)
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	// A filled row gets cell borders, so that a printed form looks like a
	// table without printing two thousand empty bordered rows.
	boxed, err := f.NewConditionalStyle(&excelize.Style{Border: templateBorder})
	if err != nil {
		return err
	}
	if err := f.SetConditionalFormat(sheet, fmt.Sprintf("A%d:%s%d", templateFirstRow, lastCol, last), []excelize.ConditionalFormatOptions{
		{Type: "formula", Criteria: fmt.Sprintf("COUNTA($A%d:$%s%d)>0", templateFirstRow, lastCol, templateFirstRow), Format: &boxed},
	}); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: templateFirstRow - 1,
		TopLeftCell: fmt.Sprintf("B%d", templateFirstRow), ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: fmt.Sprintf("A%d", templateFirstRow), ActiveCell: fmt.Sprintf("A%d", templateFirstRow), Pane: "bottomRight"}}}); err != nil {
		return err
	}
	return templatePage.Apply(f, sheet)
}

var templateBorder = []excelize.Border{
	{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
	{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
}

// newTemplateFormats makes the number format of each kind of column.
func newTemplateFormats(f *excelize.File) (map[templateCheck]int, error) {
	font := &excelize.Font{Family: "SimSun", Size: 10}
	custom := func(code string) *excelize.Style {
		return &excelize.Style{Font: font, CustomNumFmt: &code}
	}
	styles := map[templateCheck]*excelize.Style{
		tcCarrier: {Font: font, NumFmt: 49}, // text: keep leading zeros
		tcYear:    {Font: font, NumFmt: 1, Alignment: &excelize.Alignment{Horizontal: "center"}},
		tcQuarter: {Font: font, NumFmt: 1, Alignment: &excelize.Alignment{Horizontal: "center"}},
		tcDate:    custom(xlsx.FmtDate),
		tcCount:   custom(xlsx.FmtCount),
		tcFiled:   custom(xlsx.FmtCount),
		tcMoney:   custom(xlsx.FmtDecimal),
		tcRatio:   custom(xlsx.FmtRatio),
	}
	out := map[templateCheck]int{}
	for _, k := range []templateCheck{tcCarrier, tcYear, tcQuarter, tcDate, tcCount, tcFiled, tcMoney, tcRatio} {
		id, err := f.NewStyle(styles[k])
		if err != nil {
			return nil, err
		}
		out[k] = id
	}
	return out, nil
}

// templateValidation is the data validation of one column: the rule a clerk
// meets while typing. Ingest checks every rule again; this only helps.
// It also returns the column's explanation in Chinese and in English.
func templateValidation(fd templateField, p templatePeriod, haveCarriers bool) (dv *excelize.DataValidation, zh, en string, err error) {
	hdr, err := templateHeader(fd)
	if err != nil {
		return nil, "", "", err
	}
	title := strings.ReplaceAll(hdr, "\n", " ")
	if fd.check == tcMoney { // the title is at most 32 characters
		title = strings.Replace(strings.Replace(title, "(万元)", "", 1), " (10,000 yuan)", "", 1)
	}
	dv = excelize.NewDataValidation(true)
	var ruleZH, ruleEN, zhErr, enErr string
	stop := excelize.DataValidationErrorStyleStop
	switch fd.check {
	case tcCarrier:
		ruleZH, ruleEN = "必填。", "Required."
		if haveCarriers {
			dv.SetSqrefDropList(templateCarrierList)
			// A warning, not a stop: a carrier recognised after the template
			// was made may still type its number (ingest checks the registry).
			stop = excelize.DataValidationErrorStyleWarning
			zhErr = "该编号不在「在册载体」名单中，整行可能被退回。仍要填写吗？"
			enErr = "This number is not in the 在册载体 list; the row may be rejected. Keep it?"
		}
	case tcYear:
		if err := dv.SetDropList([]string{fmt.Sprint(p.year)}); err != nil {
			return nil, "", "", err
		}
		fd.zh, fd.en = fmt.Sprintf("填 %d（本模板的年度）。", p.year), fmt.Sprintf("Enter %d, this template's year.", p.year)
		zhErr, enErr = fmt.Sprintf("本模板只用于 %d 年，请填 %d。", p.year, p.year), fmt.Sprintf("This template is for %d only; enter %d.", p.year, p.year)
	case tcQuarter:
		if err := dv.SetDropList([]string{fmt.Sprint(p.quarter)}); err != nil {
			return nil, "", "", err
		}
		fd.zh, fd.en = fmt.Sprintf("填 %d（第%s季度）。", p.quarter, templateQuarterZH[p.quarter]), fmt.Sprintf("Enter %d, this template's quarter.", p.quarter)
		zhErr, enErr = fmt.Sprintf("本模板只用于%s，请填 %d。", p.zh(), p.quarter), fmt.Sprintf("This template is for %s only; enter %d.", p.en(), p.quarter)
	case tcDate:
		dv.Type, dv.Operator, dv.Formula1 = "date", "greaterThanOrEqual", fmt.Sprint(templateSerial(p.end))
		fd.zh = fmt.Sprintf("填写报送本表的日期，如 %s；不得早于季度末 %s。截止日期 %s，之后报送按迟报计。",
			templateDay(p.due.AddDate(0, 0, -5)), templateDay(p.end), templateDay(p.due))
		fd.en = fmt.Sprintf("The date you send this report, e.g. %s; not before %s. Due %s; later is late.",
			templateDay(p.due.AddDate(0, 0, -5)), templateDay(p.end), templateDay(p.due))
		zhErr = fmt.Sprintf("请填写不早于 %s 的日期，如 %s。", templateDay(p.end), templateDay(p.due.AddDate(0, 0, -5)))
		enErr = fmt.Sprintf("Enter a date on or after %s, e.g. %s.", templateDay(p.end), templateDay(p.due.AddDate(0, 0, -5)))
	case tcCount:
		dv.Type, dv.Operator, dv.Formula1 = "whole", "greaterThanOrEqual", "0"
		ruleZH, ruleEN = "整数，没有填 0。", "Whole number; 0 if none."
		zhErr, enErr = "请填写不小于 0 的整数。", "Enter a whole number, 0 or more."
	case tcFiled:
		// Relative to the first cell of the range: incubating on the same row.
		dv.Type, dv.Operator, dv.Formula1, dv.Formula2 = "whole", "between", "0", fmt.Sprintf("E%d", templateFirstRow)
		ruleZH, ruleEN = "整数，没有填 0。", "Whole number; 0 if none."
		zhErr, enErr = "请填写 0 至在孵企业(团队)数之间的整数。", "Enter a whole number from 0 to incubating."
	case tcMoney:
		dv.Type, dv.Operator, dv.Formula1 = "decimal", "greaterThanOrEqual", "0"
		ruleZH, ruleEN = "单位：万元（1 万元 = 10,000 元），可保留两位小数；没有填 0。", "In 万元 (10,000 yuan), up to two decimals; 0 if none."
		zhErr, enErr = "请填写不小于 0 的数字，单位万元。", "Enter a number, 0 or more, in 万元 (10,000 yuan)."
	case tcRatio:
		dv.Type, dv.Operator, dv.Formula1, dv.Formula2 = "decimal", "between", "0", "1"
		ruleZH, ruleEN = "填 0% 至 100%，如 85%。", "From 0% to 100%, e.g. 85%."
		zhErr, enErr = "请填写 0% 至 100% 之间的比例，如 85%。", "Enter a share from 0% to 100%, e.g. 85%."
	}
	zh, en = fd.zh+ruleZH, strings.TrimSpace(fd.en+" "+ruleEN)
	dv.SetInput(title, zh+"\n"+en)
	if zhErr != "" {
		dv.SetError(stop, title, zhErr+"\n"+enErr)
	}
	return dv, zh, en, nil
}

// templateSerial is the day number Excel stores for a date (1900 date system).
func templateSerial(t time.Time) int {
	return int(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// templateBanner writes the title and the note in rows 1 and 2, merged
// across the table (columns of widths) and as tall as their wrapped text.
// A title running on past the table would widen the printed page.
func templateBanner(f *excelize.File, st *xlsx.Styles, sheet string, widths []float64, title, note string) error {
	lastCol, _ := excelize.ColumnNumberToName(len(widths))
	total := 0.0
	for _, w := range widths {
		total += w
	}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun", Size: 14, Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return err
	}
	for _, r := range []struct {
		cell, text string
		style      int
		size, line float64 // font size, line height
	}{{"A1", title, titleStyle, 14, 19}, {"A2", note, st.Note, 10, 13.5}} {
		if err := f.SetCellStr(sheet, r.cell, r.text); err != nil {
			return err
		}
		end := lastCol + r.cell[1:]
		if err := f.MergeCell(sheet, r.cell, end); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, r.cell, end, r.style); err != nil {
			return err
		}
		// Widths count ten-point characters: a 14-point one takes 1.4.
		lines := xlsx.Lines(r.text, total*10/r.size)
		if err := f.SetRowHeight(sheet, mustRow(r.cell), xlsx.FitHeight(float64(lines)*r.line+6)); err != nil {
			return err
		}
	}
	return nil
}

// mustRow is the row number of a cell name such as "A2".
func mustRow(cell string) int {
	_, row, _ := excelize.CellNameToCoordinates(cell)
	return row
}

func writeTemplateCarriers(f *excelize.File, st *xlsx.Styles, p templatePeriod, carriers []templateCarrier) error {
	const sheet = templateCarriersSheet
	lastCol, _ := excelize.ColumnNumberToName(len(templateCarrierColumns))
	for i, c := range templateCarrierColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, c.width); err != nil {
			return err
		}
	}
	title := fmt.Sprintf("在册载体名单（%s 前认定，不含已摘牌、撤销的载体）  Carriers recognised by %s, not delisted or revoked", templateDay(p.end), templateDay(p.end))
	note := "「季度报表」的载体编号须与本表一致；本载体不在名单中的，请先联系主管部门。本表仅供查阅，不会被导入。\n" +
		"The carrier id on the report sheet must be one of these; if your carrier is missing, contact the bureau first. This sheet is for reference and is not imported."
	widths := make([]float64, len(templateCarrierColumns))
	for i, c := range templateCarrierColumns {
		widths[i] = c.width
	}
	if err := templateBanner(f, st, sheet, widths, title, note); err != nil {
		return err
	}
	for i, c := range templateCarrierColumns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		if err := f.SetCellStr(sheet, cell, c.zh+"\n"+c.en); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A3", lastCol+"3", st.Header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 3, 30); err != nil {
		return err
	}
	for i, c := range carriers {
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		if err := f.SetSheetRow(sheet, cell, &[]any{c.id, c.name, c.operator, c.district, c.kind, c.track, c.level}); err != nil {
			return err
		}
	}
	last := len(carriers) + 3
	if len(carriers) == 0 {
		last = 4
		if err := f.SetCellStr(sheet, "A4", "数据库中还没有在册载体，请向主管部门索取载体编号。 No registered carriers in the database yet: ask the bureau for your carrier id."); err != nil {
			return err
		}
		if err := f.MergeCell(sheet, "A4", lastCol+"4"); err != nil {
			return err
		}
	} else if err := f.SetDefinedName(&excelize.DefinedName{Name: templateCarrierList,
		RefersTo: fmt.Sprintf("'%s'!$A$4:$A$%d", sheet, last)}); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A4", fmt.Sprintf("%s%d", lastCol, last), st.Body); err != nil {
		return err
	}
	if len(carriers) > 0 {
		if err := f.AutoFilter(sheet, fmt.Sprintf("A3:%s%d", lastCol, last), nil); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return templatePage.Apply(f, sheet)
}

// templatePage is how the template's sheets print.
var templatePage = xlsx.Page{Paper: xlsx.A4, Margins: xlsx.ListMargins, RepeatRows: "$3:$3", Footer: xlsx.FooterSheetPages}

// templateHelpRow is one row of the instructions: item, Chinese, English.
type templateHelpRow struct{ item, zh, en string }

func templateHelpRows(p templatePeriod) ([]templateHelpRow, error) {
	rows := []templateHelpRow{
		{"报送期\nPeriod", fmt.Sprintf("%s（%s 至 %s）。", p.zh(), templateDay(p.start), templateDay(p.end)),
			fmt.Sprintf("%s (%s to %s).", p.en(), templateDay(p.start), templateDay(p.end))},
		{"截止日期\nDue date", fmt.Sprintf("%s（季度结束后 15 日内）。在截止日当天或之前报送为按时报送，之后为迟报；按时情况计入年度评价的“数据报送”指标，未报送的季度按缺报处理。", templateDay(p.due)),
			fmt.Sprintf("%s (15 days after the quarter ends). Sent on or before that day is on time, later is late; timeliness counts in the yearly assessment's reporting indicator, and a quarter not sent counts as missing.", templateDay(p.due))},
		{"怎样填写\nHow to fill it in", fmt.Sprintf("在「季度报表」工作表第 %d 行起填写，每个载体一行；载体编号从下拉列表选择（见「在册载体」）。请勿修改、删除或移动表头，不要合并单元格，不要增加合计行。一个文件可以填报多个载体。", templateFirstRow),
			fmt.Sprintf("Fill in the 季度报表 sheet from row %d, one row per carrier; pick the carrier id from the list (see 在册载体). Do not change, delete or move the header, merge cells or add a totals row. One file may hold several carriers.", templateFirstRow)},
		{"必填项\nRequired", "除“场地使用率”外各列均为必填；本季度没有发生的填 0，不要留空或填“无”。",
			"Every column except utilization is required; enter 0 for none, never a blank or a word."},
		{"单位\nUnits", "金额单位为万元（1 万元 = 10,000 元），可保留两位小数；企业数、人数、次数为整数；场地使用率填百分比（0%–100%）；日期写成 2025-10-10 的格式。",
			"Money in 万元 (10,000 yuan), up to two decimals; counts of enterprises, people and events are whole numbers; utilization is a percentage (0%–100%); dates like 2025-10-10."},
		{"存量与本季度数\nStock and flow", "“在孵企业(团队)数”“已备案在孵企业数”“在孵企业从业人数”“场地使用率”填季度末的数；其余各项填本季度内发生的数，不要累计前几个季度。",
			"Incubating, filed, jobs and utilization are the figures at the quarter's end; every other column is what happened during this quarter only, not a running total."},
		{"更正\nRevisions", "已报送的季度需要更正的，用本模板重新填写该载体的整行并重新报送，报送日期填更正当天。以报送日期最晚的一次为准（同一天的以最后导入的为准），历次报送均留存备查。按时与否以最终采用的报送日期判断：截止日之后的更正按迟报计。",
			"To correct a quarter already sent, fill in the carrier's whole row again and resend it, with the day of the correction as submitted_on. The one with the latest submitted_on counts (on the same day, the one loaded last); every version is kept. Timeliness is judged on the version that counts, so a correction after the due date makes the quarter late."},
		{"退回\nRejected rows", "不符合要求的行不会被接收，主管部门将发回“数据退回清单”，逐行说明原因和修改方法；请更正后重新报送整份文件。其余各行照常接收。",
			"Rows that break a rule are not accepted: the bureau sends back a list of rejected rows saying what is wrong and how to fix it. Correct them and resend the whole file; the other rows are accepted as usual."},
		{"报送方式\nHow to send it", fmt.Sprintf("填好后保存为 .xlsx 文件（不要另存为 .xls 或 PDF，不要加密码），文件名建议为“载体编号-%dQ%d.xlsx”，在截止日期前报送所在区县科技主管部门，由其汇总报送市科技局；通知另有要求的（如上传系统或指定邮箱），按通知执行。", p.year, p.quarter),
			fmt.Sprintf("Save it as .xlsx (not .xls or PDF, no password), preferably named \"carrier id-%dQ%d.xlsx\", and send it before the due date to your district's science and technology office, which forwards it to the city bureau; where the notice names another channel (an upload system or a mailbox), use that.", p.year, p.quarter)},
		{"真实性\nTruthfulness", "报送数据须真实、准确，与台账一致。提供虚假材料的，撤销载体认定，追回已拨付的资助，运营主体 3 年内不得申报。",
			"The figures must be true and match your records. False data leads to revocation of the designation, recovery of subsidies paid, and a three-year ban on the operator applying again."},
		{"其他工作表\nOther sheets", "只导入「季度报表」工作表；「在册载体」和本说明仅供查阅，可以保留。",
			"Only the 季度报表 sheet is imported; 在册载体 and these instructions are for reference and may stay in the file."},
	}
	for _, fd := range templateFields {
		hdr, err := templateHeader(fd)
		if err != nil {
			return nil, err
		}
		_, zh, en, err := templateValidation(fd, p, true)
		if err != nil {
			return nil, err
		}
		rows = append(rows, templateHelpRow{hdr, zh, en})
	}
	return rows, nil
}

func writeTemplateHelp(f *excelize.File, st *xlsx.Styles, p templatePeriod) error {
	rows, err := templateHelpRows(p)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("填报说明（%s季度报表）  Instructions: quarterly report, %s", p.zh(), p.en())
	note := "各列的含义见下表后半部分；在「季度报表」中选中单元格时也会显示提示。\nThe second part of the table explains every column; selecting a cell on the report sheet shows the same hint."
	return writeFormHelp(f, st, templateHelpSheet, title, note, rows)
}

// templateTextLines estimates how many lines text wraps to in a column of width
// characters, measured by xlsx.TextWidth.
func templateTextLines(text string, width float64) int {
	n := 0
	for _, line := range strings.Split(text, "\n") {
		// Wrapping breaks at words, so a line holds somewhat less than width.
		n += max(1, int(math.Ceil(xlsx.TextWidth(line)/(width*0.92))))
	}
	return n
}
