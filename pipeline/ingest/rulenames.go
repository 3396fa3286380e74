package ingest

// The names a clerk reads for a rule code (the 问题 column of the rejects
// workbook): what is wrong, in a few words of Chinese and English. The
// message beside it says what to fix.
var rowRuleNames = map[string][2]string{
	"required":                     {"必填项为空", "Required value missing"},
	"integer":                      {"不是整数", "Not a whole number"},
	"number":                       {"不是数字", "Not a number"},
	"negative":                     {"不能为负数", "Negative number"},
	"too_large":                    {"数值过大", "Implausibly large"},
	"date":                         {"不是有效日期", "Not a valid date"},
	"date_future":                  {"日期晚于今天", "Date in the future"},
	"enum":                         {"不是可选的值", "Not an allowed value"},
	"bool":                         {"应填“是”或“否”", "Not yes or no"},
	"uscc_length":                  {"信用代码不是 18 位", "Credit code not 18 characters"},
	"uscc_char":                    {"信用代码含无效字符", "Invalid character in credit code"},
	"uscc_org_check":               {"信用代码校验位错误（组织机构代码）", "Credit code check digit wrong (organisation code)"},
	"uscc_check":                   {"信用代码校验码错误", "Credit code check character wrong"},
	"service_area_gt_area":         {"服务面积大于场地面积", "Service area exceeds total area"},
	"idcard_length":                {"身份证号不是 18 位", "ID number not 18 characters"},
	"idcard_char":                  {"身份证号含无效字符", "Invalid character in ID number"},
	"idcard_region":                {"身份证号地区码无效", "ID number's province code invalid"},
	"idcard_birth":                 {"身份证号出生日期无效", "ID number's birth date invalid"},
	"idcard_check":                 {"身份证号校验码错误", "ID number check character wrong"},
	"unknown_district":             {"区县不在工程名额表中", "District not in the programme"},
	"unknown_category":             {"类别不在工程名额表中", "Category not in the programme"},
	"amount_decimals":              {"金额超过两位小数", "Amount with more than 2 decimals"},
	"year":                         {"不是有效年度", "Not a year"},
	"year_range":                   {"年度超出范围", "Year out of range"},
	"quarter":                      {"不是有效季度", "Not a quarter"},
	"quarter_future":               {"季度尚未结束", "Quarter not yet ended"},
	"submitted_before_quarter_end": {"报送日期早于季度末", "Submitted before the quarter ended"},
	"filed_gt_incubating":          {"已备案数大于在孵数", "More filed than incubating"},
	"ratio":                        {"不是有效比例", "Not a ratio"},
	"ratio_range":                  {"比例不在 0–1 之间", "Ratio outside 0–1"},
	"item_code":                    {"评分项代码无效", "Not an item code"},
	"score_range":                  {"分数不在 0–100 之间", "Score outside 0–100"},
	"score_decimals":               {"分数超过两位小数", "Score with more than 2 decimals"},
	"unknown_carrier":              {"载体不在名录中", "Carrier not in the registry"},
	"banned_operator":              {"运营主体在禁止申报期内", "Operator banned from applying"},
	"duplicate_key":                {"同一文件中重复", "Repeated in the file"},
	"extra_fields":                 {"数据多于表头列", "More values than headers"},
	"too_long":                     {"内容过长", "Cell text too long"},
	"summary_row":                  {"合计行", "Totals row"},
	"spike_5x":                     {"较上季度增长超过 5 倍", "Over 5× the previous quarter"},
}

// fileRuleNames name the rules of a file rejected whole (FileError.Rule).
var fileRuleNames = map[string][2]string{
	"not_spreadsheet":  {"不是表格文件", "Not a spreadsheet"},
	"damaged":          {"文件已损坏", "Damaged file"},
	"zip_bomb":         {"压缩内容异常", "Suspicious compressed content"},
	"encoding":         {"无法识别文字编码", "Unknown text encoding"},
	"unclosed_quote":   {"引号没有闭合", "Quote not closed"},
	"unknown_header":   {"无法识别表头", "Header not recognised"},
	"missing_columns":  {"缺少必填列", "Required columns missing"},
	"duplicate_column": {"同一项目有多列", "One field in several columns"},
	"empty":            {"空文件", "Empty file"},
	"no_rows":          {"没有数据行", "No data rows"},
	"too_large":        {"文件超过 1 GiB", "File over 1 GiB"},
	"read_error":       {"文件读取失败", "File could not be read"},
	"not_regular":      {"不是普通文件", "Not a regular file"},
	"changed":          {"导入时文件被修改", "File changed while read"},
	"retry_mismatch":   {"与上次读取结果不同", "Reads differently than before"},
}

// RuleName is the short name of a rule in Chinese and English, for a row's
// issue or (wholeFile) a file rejected whole; an unknown code is its own
// name.
func RuleName(rule string, wholeFile bool) (zh, en string) {
	names := rowRuleNames
	if wholeFile {
		names = fileRuleNames
	}
	if n, ok := names[rule]; ok {
		return n[0], n[1]
	}
	return rule, rule
}

// ColumnName is the Chinese name of a field of a kind of input (SPEC §3:
// filed → 已备案在孵企业数), or "" when the kind has no such field.
func ColumnName(kind Kind, field string) string {
	if s := Specs[kind]; s != nil {
		for _, c := range s.Columns {
			if c.Name == field {
				return c.ZH
			}
		}
	}
	return ""
}
