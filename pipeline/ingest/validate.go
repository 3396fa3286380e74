package ingest

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/idcard"
	"github.com/incubeval/incubeval/pipeline/uscc"
)

// Row is one data row read from a file: its typed values (one per spec
// column, nil when blank and optional) and what is wrong with it.
type Row struct {
	Sheet    string
	RowNo    int
	Vals     []driver.Value
	Errors   []Issue
	Warnings []Issue
	// Of a large file's row naming a carrier, looked up by the parallel
	// validators: which, if it is registered (known).
	carrier carrierRef
	known   bool
}

// Rejected reports whether the row has an error.
func (r *Row) Rejected() bool { return len(r.Errors) > 0 }

// validator checks rows against one layout; today anchors the "not in the
// future" rules.
type validator struct {
	layout *Layout
	today  time.Time
	enums  []map[string]string // per tEnum column, folded synonym → code; per tName column, folded name → name
	ix     map[string]int      // column name → index, for the cross-field rules
	// qix: the quarterly columns the cross-field rules read, by index.
	qix struct{ year, quarter, submitted, incubating, filed int }
}

func newValidator(l *Layout, today time.Time) *validator {
	v := &validator{layout: l, today: today, enums: make([]map[string]string, len(l.Spec.Columns)), ix: map[string]int{}}
	for i, c := range l.Spec.Columns {
		v.ix[c.Name] = i
		switch c.Type {
		case tEnum:
			v.enums[i] = enumLookup(c.Enum)
		case tName:
			v.enums[i] = nameLookup(c.Names)
		}
	}
	if l.Spec.Kind == Quarterly {
		v.qix.year, v.qix.quarter, v.qix.submitted = v.ix["year"], v.ix["quarter"], v.ix["submitted_on"]
		v.qix.incubating, v.qix.filed = v.ix["incubating"], v.ix["filed"]
	}
	return v
}

func (v *validator) add(r *Row, c *Column, raw, rule, zh, en string) {
	raw = Clip(raw, MaxRawChars) // and the cell itself is not kept alive by the issue
	name := ""
	if c != nil {
		name = c.Name
		zh = c.Label() + "：" + zh
		en = c.Name + ": " + en
	}
	r.Errors = append(r.Errors, Issue{Sheet: r.Sheet, Row: r.RowNo, Column: name, Raw: raw,
		Rule: rule, Severity: "error", ZH: zh, EN: en})
}

// row validates one non-blank row.
func (v *validator) row(sheet string, rowNo int, cells []string) *Row {
	return v.rowIn(new(Row), make([]driver.Value, len(v.layout.Spec.Columns)), sheet, rowNo, cells)
}

// rowIn is row into r, with vals (one per column, all nil) as its values:
// a large file's rows are validated into slabs, not one allocation each.
func (v *validator) rowIn(r *Row, vals []driver.Value, sheet string, rowNo int, cells []string) *Row {
	spec := v.layout.Spec
	r.Sheet, r.RowNo, r.Vals = sheet, rowNo, vals
	if ci := v.layout.Cells[0]; ci >= 0 && ci < len(cells) && len(cells[ci]) <= 16 && !hasDigit(cells[ci]) && summaryLabels[headerKey(cells[ci])] {
		// Forms often end with a totals row; one message says what it is.
		v.add(r, nil, strings.TrimSpace(cells[ci]), "summary_row", "合计/小计行不是载体数据，未导入（可删除该行）",
			"a totals row is not a carrier's data; not loaded (you may delete it)")
		return r
	}
	if v.extraFields(r, cells) {
		return r // the values may have moved: checking them would mislead
	}
	long := v.tooLong(r, cells)
	for i := range spec.Columns {
		c := &spec.Columns[i]
		raw := ""
		if ci := v.layout.Cells[i]; ci >= 0 && ci < len(cells) {
			if long[ci] {
				continue
			}
			raw = strings.TrimSpace(cells[ci])
		}
		if raw == "" {
			if c.Required {
				switch c.Type {
				case tInt, tNumber, tMoney, tAmount:
					v.add(r, c, raw, "required", "不能为空（没有发生请填 0）", "required; enter 0 if there were none")
				case tBool:
					v.add(r, c, raw, "required", "不能为空，请填“是”或“否”", "required; enter yes or no (是/否)")
				default:
					v.add(r, c, raw, "required", "不能为空", "required")
				}
			}
			r.Vals[i] = c.Default
			continue
		}
		r.Vals[i] = v.cell(r, c, i, raw)
	}
	v.crossChecks(r)
	return r
}

// hasDigit reports whether s holds an ASCII digit: a cell that does is
// no totals label (a digit stays a digit through headerKey).
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// extraFields rejects a row that holds more than its header: in a CSV file,
// more fields than the header line — an unquoted thousands separator
// (1,000) or comma in a name shifts every value after it one column right
// and pushes the last one out, blank or not, so even a blank field too many
// is refused; in any file, a value beyond the header's last named column,
// which has no column to go to. The row is never truncated to fit.
func (v *validator) extraFields(r *Row, cells []string) bool {
	l := v.layout
	last := len(cells) - 1 // the last non-blank cell beyond the header
	for last >= l.Width && strings.TrimSpace(cells[last]) == "" {
		last--
	}
	longer := l.Fields > 0 && len(cells) > l.Fields
	if last < l.Width && !longer {
		return false
	}
	sep := l.Sep
	if sep == "" {
		sep = ","
	}
	extra := ""
	if last >= l.Width {
		extra = strings.Join(cells[l.Width:last+1], sep)
	}
	if longer {
		zhWhat, enWhat := "（多出的字段都是空的）", " (the extra fields are blank)"
		if extra != "" {
			zhWhat, enWhat = "，多出的内容是「"+clipq(extra)+"」", fmt.Sprintf(" (the extra part: %q)", clipq(extra))
		}
		zhWhy, enWhy := "数字写了千位分隔符（如 1,000）或名称中有逗号而未加引号", "a thousands separator (1,000) or a comma in a name without quotes"
		zhFix, enFix := "请去掉千位分隔符，或把含逗号的值用英文双引号括起来（如 \"1,000\"）", "remove the separator, or put the value in double quotes (\"1,000\")"
		if sep != "," {
			name := map[string][2]string{";": {"分号", "semicolon"}, "\t": {"制表符", "tab"}}[sep]
			zhWhy, enWhy = "某个值中含有"+name[0]+"而未加引号", "a value holding a "+name[1]+" without quotes"
			zhFix, enFix = "请把该值用英文双引号括起来", "put that value in double quotes"
		}
		v.add(r, nil, extra, "extra_fields",
			fmt.Sprintf("本行有 %d 个字段，比表头的 %d 个多 %d 个%s，本行未导入。常见原因是%s，使其后的值依次错位；%s；若只是行尾多余的分隔符，删除即可，然后重新报送",
				len(cells), l.Fields, len(cells)-l.Fields, zhWhat, zhWhy, zhFix),
			fmt.Sprintf("this row has %d fields, %d more than the header's %d%s; the row was not loaded. Usually %s has shifted every value after it: %s; if it is only a separator too many at the end of the line, delete it; then resend",
				len(cells), len(cells)-l.Fields, l.Fields, enWhat, enWhy, enFix))
		return true
	}
	first := l.Width
	for strings.TrimSpace(cells[first]) == "" {
		first++
	}
	col, _ := excelize.ColumnNumberToName(first + 1)
	end, _ := excelize.ColumnNumberToName(l.Width)
	v.add(r, nil, extra, "extra_fields",
		fmt.Sprintf("第 %s 列有内容「%s」，但表头只到 %s 列，本行未导入：表头以外的值无处导入，也可能说明本行的值错了位（如插入单元格使整行右移）；请删除表头以外的内容或把值移回对应的列，然后重新报送",
			col, clipq(strings.TrimSpace(cells[first])), end),
		fmt.Sprintf("column %s holds %q but the header ends at column %s; the row was not loaded: a value outside the header has no column to go to, and may mean the row's values moved (a cell inserted, shifting the row right); delete it or move the values back under their headers, then resend",
			col, clipq(strings.TrimSpace(cells[first])), end))
	return true
}

// tooLong rejects every cell of the row longer than Excel's limit (rule
// too_long), under a column or not, and returns their indexes.
func (v *validator) tooLong(r *Row, cells []string) map[int]bool {
	var long map[int]bool
	for ci, cell := range cells {
		if len(cell) <= MaxCellChars { // bytes ≥ characters
			continue
		}
		n := cellChars(cell)
		if n <= MaxCellChars {
			continue
		}
		if long == nil {
			long = map[int]bool{}
		}
		long[ci] = true
		var col *Column
		for i, at := range v.layout.Cells {
			if at == ci {
				col = &v.layout.Spec.Columns[i]
			}
		}
		zh := fmt.Sprintf("有 %d 个字符，超过 Excel 单元格的上限 %d 个字符，本行未导入；请检查该单元格（是否误粘贴了大段内容），缩短后重新报送", n, MaxCellChars)
		en := fmt.Sprintf("holds %d characters, more than Excel's limit of %d in a cell; the row was not loaded: check the cell (a large text pasted by mistake?), shorten it and resend", n, MaxCellChars)
		if col == nil { // an ignored column, or none
			name, _ := excelize.ColumnNumberToName(ci + 1)
			where, whereEN := "第 "+name+" 列", "column "+name
			if ci < len(v.layout.Header) && v.layout.Header[ci] != "" {
				where, whereEN = where+"（表头「"+v.layout.Header[ci]+"」）", fmt.Sprintf("%s (header %q)", whereEN, v.layout.Header[ci])
			}
			zh, en = where+"的单元格"+zh, "the cell in "+whereEN+" "+en
		}
		v.add(r, col, cell, "too_long", zh, en)
	}
	return long
}

// textTooLong rejects text that normalising (NFKC: ㍿ is 株式会社) made
// longer than a cell holds, so that every text loaded fits a workbook.
func (v *validator) textTooLong(r *Row, c *Column, raw, text string) bool {
	if len(text) <= MaxCellChars {
		return false
	}
	n := cellChars(text)
	if n <= MaxCellChars {
		return false
	}
	v.add(r, c, raw, "too_long",
		fmt.Sprintf("规范化全角字符后有 %d 个字符，超过 Excel 单元格的上限 %d 个字符，本行未导入；请缩短后重新报送", n, MaxCellChars),
		fmt.Sprintf("holds %d characters once full-width forms are normalised, more than Excel's limit of %d in a cell; the row was not loaded: shorten it and resend", n, MaxCellChars))
	return true
}

const maxInt32 = math.MaxInt32

// maxNumber bounds a number or an amount (in 万元, after the unit): the
// views cast them to DECIMAL(18,6), which holds less than 10^12.
const maxNumber = 1e11

// summaryLabels mark a totals row in the carrier_id column.
var summaryLabels = map[string]bool{"合计": true, "总计": true, "小计": true, "total": true, "sum": true, "合计:": true}

// cell parses one non-blank cell, recording an issue and returning nil when
// the text is not a valid value.
func (v *validator) cell(r *Row, c *Column, i int, raw string) driver.Value {
	switch c.Type {
	case tText:
		text := normText(raw)
		switch c.Name {
		case "carrier_id", "application_id", "nomination_id":
			// A key: ＬＺ－００１ and "LZ- 001" are LZ-001.
			text = fold(raw)
			if strings.ContainsAny(text, " \t\r\n") {
				text = strings.Join(strings.Fields(text), "")
			}
		case "judge":
			// Part of a key, as carrier_id is: 专家Ａ is 专家A.
			text = normText(fold(raw))
		}
		if v.textTooLong(r, c, raw, text) {
			return nil
		}
		return text
	case tUSCC:
		code := uscc.Normalize(fold(raw))
		if err := uscc.Validate(code); err != nil {
			var ue *uscc.Error
			errors.As(err, &ue)
			v.add(r, c, raw, ue.Rule, "统一社会信用代码无效（"+usccZH(ue.Rule)+"），请核对营业执照", err.Error())
			return nil
		}
		return code
	case tIDCard:
		id := idcard.Normalize(fold(raw))
		if err := idcard.Check(id, v.today); err != nil {
			var ie *idcard.Error
			errors.As(err, &ie)
			zh, en := "身份证号无效："+ie.ZH, "invalid ID number: "+ie.EN
			if _, num := parseNumber(raw); num && strings.ContainsAny(raw, ".Ee") {
				// 6.20102198702301E+17: typed into a cell formatted as a number.
				zh += "。Excel 把身份证号存成了数字，后几位已经丢失：请把该列设为“文本”格式后重新录入"
				en += ". Excel stored the ID number as a number and lost its last digits: format the column as text and type it again"
			}
			v.add(r, c, raw, ie.Rule, zh, en)
			return nil
		}
		return id
	case tName:
		if name, ok := v.enums[i][headerKey(raw)]; ok {
			return name
		}
		v.add(r, c, raw, c.NameRule,
			fmt.Sprintf("「%s」不是百千万工程名额表中的%s，应为：%s", clipq(raw), c.ZH, strings.Join(c.Names, "、")),
			fmt.Sprintf("%q is not a %s of the programme; one of %s", clipq(raw), c.Name, strings.Join(c.Names, ", ")))
		return nil
	case tEnum:
		code, ok := v.enums[i][headerKey(raw)]
		if !ok {
			zh, en := enumChoices(c.Enum)
			v.add(r, c, raw, "enum", fmt.Sprintf("「%s」不是可选值，应为：%s", clipq(raw), zh), fmt.Sprintf("%q is not one of %s", clipq(raw), en))
			return nil
		}
		return code
	case tInt:
		n, ok := parseInt(raw)
		switch {
		case !ok:
			v.add(r, c, raw, "integer", fmt.Sprintf("「%s」不是整数", clipq(raw)), fmt.Sprintf("%q is not a whole number", clipq(raw)))
		case n < 0:
			v.add(r, c, raw, "negative", "不能为负数", fmt.Sprintf("%s is negative", clipq(raw)))
		case n > maxInt32:
			v.add(r, c, raw, "too_large", "数值过大，请核对", fmt.Sprintf("%s is implausibly large", clipq(raw)))
		default:
			return int32(n)
		}
		return nil
	case tNumber, tMoney:
		f, ok := v.number(r, c, raw)
		switch {
		case !ok:
		case f < 0:
			v.add(r, c, raw, "negative", "不能为负数", fmt.Sprintf("%s is negative", clipq(raw)))
		default:
			if c.Type == tMoney {
				f *= v.layout.Factors[i]
			}
			// The views hold numbers as DECIMAL(18,6): nothing a carrier
			// reports comes near (10^11 万元 is 10^15 yuan; 10^11 m²).
			if f >= maxNumber {
				v.add(r, c, raw, "too_large", "数值过大，请核对（注意单位）", fmt.Sprintf("%s is implausibly large (check the unit)", clipq(raw)))
				return nil
			}
			if c.Type == tMoney {
				// Round to 0.01 yuan so that unit conversion leaves no float dust.
				return math.Round(f*1e6) / 1e6
			}
			return f
		}
		return nil
	case tDate:
		d, ok := parseDate(raw)
		if !ok {
			v.add(r, c, raw, "date", fmt.Sprintf("「%s」不是有效日期，请写成 2025-03-31", clipq(raw)), fmt.Sprintf("%q is not a valid date; write it as 2025-03-31", clipq(raw)))
			return nil
		}
		return d
	case tBool:
		b, ok := parseBool(raw)
		if !ok {
			v.add(r, c, raw, "bool", fmt.Sprintf("「%s」应填“是”或“否”", clipq(raw)), fmt.Sprintf("%q should be yes/no (是/否)", clipq(raw)))
			return nil
		}
		return b
	case tYear:
		y, ok := parseYear(raw)
		if !ok {
			v.add(r, c, raw, "year", fmt.Sprintf("「%s」不是年份", clipq(raw)), fmt.Sprintf("%q is not a year", clipq(raw)))
			return nil
		}
		maxYear := v.today.Year()
		if v.layout.Spec.Kind == Deferrals {
			maxYear++ // a deferral may be approved ahead of its year
		}
		if y < 2000 || y > maxYear {
			v.add(r, c, raw, "year_range", fmt.Sprintf("年度应在 2000 至 %d 之间", maxYear), fmt.Sprintf("year must be 2000 to %d", maxYear))
			return nil
		}
		return int32(y)
	case tQuarter:
		q, ok := parseQuarter(raw)
		if !ok || q < 1 || q > 4 {
			v.add(r, c, raw, "quarter", fmt.Sprintf("「%s」不是季度，应为 1–4、Q1–Q4 或 第一季度–第四季度", clipq(raw)), fmt.Sprintf("%q is not a quarter (1–4, Q1–Q4)", clipq(raw)))
			return nil
		}
		return int32(q)
	case tCode:
		code := fold(raw)
		if isCode(code) {
			return code
		}
		zh := fmt.Sprintf("「%s」不是评分项代码：代码以小写英文字母开头，只含小写字母、数字和下划线（如 service_quality），与评分细则中 expert(…) 里写的一致", clipq(raw))
		en := fmt.Sprintf("%q is not an item code: a lower-case letter, then lower-case letters, digits and underscores (service_quality), as written in the rubric's expert(…)", clipq(raw))
		if lower := strings.ToLower(code); isCode(lower) {
			zh += "；应写作 " + lower
			en += "; write it " + lower
		}
		v.add(r, c, raw, "item_code", zh, en)
		return nil
	case tScore:
		f, ok := v.number(r, c, raw)
		switch {
		case !ok:
			return nil
		case f < 0 || f > 100:
			v.add(r, c, raw, "score_range", fmt.Sprintf("分数「%s」不在 0 至 100 之间", clipq(raw)), fmt.Sprintf("score %s is outside 0–100", clipq(raw)))
			return nil
		}
		n, ok := hundredths(f)
		if !ok {
			v.add(r, c, raw, "score_decimals", fmt.Sprintf("分数「%s」超过两位小数：分数最多保留两位小数（如 87.25），请核对或四舍五入后重新报送", clipq(raw)),
				fmt.Sprintf("score %s has more than two decimals: scores are kept to two (87.25); check it or round it, then resend", clipq(raw)))
			return nil
		}
		return scoreValue(n)
	case tAmount:
		f, ok := v.number(r, c, raw)
		switch {
		case !ok:
			return nil
		case f < 0:
			v.add(r, c, raw, "negative", "不能为负数", fmt.Sprintf("%s is negative", clipq(raw)))
			return nil
		case f*v.layout.Factors[i] >= maxNumber:
			v.add(r, c, raw, "too_large", "数值过大，请核对（注意单位）", fmt.Sprintf("%s is implausibly large (check the unit)", clipq(raw)))
			return nil
		}
		n, ok := hundredths(f)
		if !ok {
			v.add(r, c, raw, "amount_decimals", fmt.Sprintf("金额「%s」超过两位小数：金额最多保留两位小数（如 123.45），请核对后重新报送", clipq(raw)),
				fmt.Sprintf("amount %s has more than two decimals: amounts are kept to two (123.45); check it, then resend", clipq(raw)))
			return nil
		}
		return amountValue(n, v.layout.Factors[i])
	case tRatio:
		f, ok := parseRatio(raw)
		switch {
		case !ok:
			v.add(r, c, raw, "ratio", fmt.Sprintf("「%s」不是比例，请写 0.85 或 85%%", clipq(raw)), fmt.Sprintf("%q is not a ratio; write 0.85 or 85%%", clipq(raw)))
		case f < 0 || f > 1:
			v.add(r, c, raw, "ratio_range", "比例应在 0 至 1（0%–100%）之间", fmt.Sprintf("%s is outside 0–1 (0%%–100%%)", clipq(raw)))
		default:
			return math.Round(f*1e6) / 1e6 // 85% is 0.85, not 0.8500000000000001
		}
		return nil
	}
	panic("unhandled column type")
}

// scoreValue is a score of n hundredths as the column store.expert_scores.score,
// DECIMAL(5,2), takes it: go-duckdb's appender stores the unscaled integer
// it is given (a float64 87.45 would be stored as 0.87).
func scoreValue(n int64) duckdb.Decimal {
	return duckdb.Decimal{Width: 5, Scale: 2, Value: big.NewInt(n)}
}

// amountValue is an amount of n hundredths of the header's unit, factor
// 万元 each, as the column store.nominations.revenue, DECIMAL(18,6) in
// 万元, takes it: millionths of 万元, exactly. The units are powers of ten
// from 元 (10^-4 万元) to 亿元 (10^4), so a hundredth of any of them is a
// whole number of millionths of 万元; the caller has bounded the amount
// below 10^11 万元 (10^17 millionths), which int64 holds.
func amountValue(n int64, factor float64) duckdb.Decimal {
	per := int64(math.Round(factor * 1e4)) // millionths of 万元 per hundredth of the unit
	return duckdb.Decimal{Width: 18, Scale: 6, Value: big.NewInt(n * per)}
}

// nameLookup maps the folded form of each name to the name.
func nameLookup(names []string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[headerKey(n)] = n
	}
	return m
}

// number parses a number cell, or records that it is not one.
func (v *validator) number(r *Row, c *Column, raw string) (float64, bool) {
	f, ok := parseNumber(raw)
	if !ok {
		v.add(r, c, raw, "number", fmt.Sprintf("「%s」不是数字", clipq(raw)), fmt.Sprintf("%q is not a number", clipq(raw)))
	}
	return f, ok
}

func usccZH(rule string) string {
	switch rule {
	case "uscc_length":
		return "应为 18 位"
	case "uscc_char":
		return "含有不允许的字符"
	case "uscc_org_check":
		return "组织机构代码校验位错误"
	default:
		return "校验码错误"
	}
}

func quarterEnd(y, q int) time.Time {
	return time.Date(y, time.Month(q*3)+1, 0, 0, 0, 0, 0, time.UTC)
}

func dateStr(t time.Time) string { return t.Format("2006-01-02") }

// crossChecks are the rules between fields; each runs when the cells it
// needs parsed, so that a clerk sees every problem of a row at once.
func (v *validator) crossChecks(r *Row) {
	spec := v.layout.Spec
	get := func(name string) driver.Value { return r.Vals[v.ix[name]] }
	col := func(name string) *Column { return &spec.Columns[v.ix[name]] }
	notFuture := func(name string) {
		if d, ok := get(name).(time.Time); ok && d.After(v.today) {
			v.add(r, col(name), dateStr(d), "date_future", "日期晚于今天（"+dateStr(v.today)+"）", "date is after today ("+dateStr(v.today)+")")
		}
	}
	switch spec.Kind {
	case Registry:
		notFuture("recognized_on")
		notFuture("founded_on")
		v.serviceArea(r)
	case Applications:
		// SPEC §8 lists an application's rejections: no date of it is
		// checked against today (an application dated ahead is the
		// eligibility check's to judge, by its own D).
		v.serviceArea(r)
	case Quarterly:
		x := &v.qix // the names' indexes, looked up once
		y, okY := r.Vals[x.year].(int32)
		q, okQ := r.Vals[x.quarter].(int32)
		sub, okS := r.Vals[x.submitted].(time.Time)
		if okS && sub.After(v.today) {
			notFuture("submitted_on")
		} else if okY && okQ {
			// A quarter can be reported once it has ended.
			end := quarterEnd(int(y), int(q))
			if end.After(v.today) {
				label := fmt.Sprintf("%d年第%d季度", y, q)
				v.add(r, col("quarter"), strconv.Itoa(int(q)), "quarter_future",
					fmt.Sprintf("%s尚未结束（%s 结束），不能报送", label, dateStr(end)),
					fmt.Sprintf("%dQ%d has not ended yet (ends %s)", y, q, dateStr(end)))
			} else if okS && sub.Before(end) {
				label := fmt.Sprintf("%d年第%d季度", y, q)
				v.add(r, col("submitted_on"), dateStr(sub), "submitted_before_quarter_end",
					fmt.Sprintf("报送日期早于%s结束日（%s）", label, dateStr(end)),
					fmt.Sprintf("submitted %s, before %dQ%d ended on %s", dateStr(sub), y, q, dateStr(end)))
			}
		}
		inc, okI := r.Vals[x.incubating].(int32)
		fil, okF := r.Vals[x.filed].(int32)
		if okI && okF && fil > inc {
			v.add(r, col("filed"), strconv.Itoa(int(fil)), "filed_gt_incubating",
				fmt.Sprintf("已备案在孵企业数（%d）不能大于在孵企业(团队)数（%d）", fil, inc),
				fmt.Sprintf("filed (%d) exceeds incubating (%d)", fil, inc))
		}
	case Incidents:
		notFuture("occurred_on")
	case Nominations:
		// SPEC §9 judges the founding date against the selection day;
		// a founding after today is a mistake in any case.
		notFuture("founded_on")
	}
}

// serviceArea rejects a service area larger than the whole
// (service_area_gt_area), in the registry and in an application.
func (v *validator) serviceArea(r *Row) {
	a, okA := r.Vals[v.ix["area_m2"]].(float64)
	s, okS := r.Vals[v.ix["service_area_m2"]].(float64)
	if okA && okS && s > a {
		v.add(r, &v.layout.Spec.Columns[v.ix["service_area_m2"]], fmtNum(s), "service_area_gt_area",
			fmt.Sprintf("办公及公共服务面积（%s）不能大于场地面积（%s）", fmtNum(s), fmtNum(a)),
			fmt.Sprintf("service area %s exceeds the total area %s", fmtNum(s), fmtNum(a)))
	}
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
