package sample

// Story is a situation planted in the demo inbox for the yearly assessment
// (SPEC §4, default `sep` window) to find. Assessment year Y covers Q4 of
// Y-1 and Q1–Q3 of Y.
type Story struct {
	CarrierID string
	Plot      string // short code, e.g. "fails_twice"
	Expect    string // what the assessment should conclude
}

// Stories lists every carrier whose data is shaped on purpose for the
// assessment. All other carriers get a random but steady quality; a few of
// them may fail a single year on their own, six of them lose one quarter
// to a deliberate bad row (DemoBadRows), and four demonstration bases are
// reshaped into large ones for the provincial recommendation (DemoBases).
var Stories = []Story{
	{"LZ-FH-0001", "excellent", "national level, top quality, always on time: excellent every year"},
	{"LZ-ZC-0001", "excellent", "top quality, always on time: excellent every year"},
	{"LZ-SC-0001", "excellent", "top quality, always on time: excellent every year"},
	{"LZ-JD-0001", "excellent", "top quality, always on time: excellent every year"},

	{"LZ-ZC-0007", "fails_twice", "poor from 2023Q4: fail 2024 (rectify), fail 2025 (delist); its operator also runs LZ-FH-0006, which keeps its status"},
	{"LZ-FH-0012", "fails_twice", "poor from 2023Q4: fail 2024 (rectify), fail 2025 (delist)"},
	{"LZ-JD-0005", "fails_twice", "poor from 2023Q4: fail 2024 (rectify), fail 2025 (delist)"},
	{"LZ-ZC-0042", "recovers", "poor only in the 2024 window: fail 2024 (rectify), pass or better in 2025 (keep, back to active)"},
	{"LZ-FH-0020", "deferred_chain", "poor in the 2023 window: fail 2023 (rectify); 2024 deferred (renovation, no 2024Q1–Q3 reports); poor again: fail 2025, delisted across the deferred year"},
	{"LZ-SC-0009", "deferred", "reports normally but has an approved deferral for 2022: deferred 2022"},

	{"LZ-ZC-0015", "missing_quarters", "no 2025Q1 and 2025Q2: forced fail 2025 (missing_reports)"},
	{"LZ-FH-0008", "missing_quarters", "no 2024Q1–Q3: forced fail 2024 (missing_reports), recovers in 2025"},
	{"LZ-JD-0011", "missing_quarters", "no 2022Q4 and 2023Q2: forced fail 2023 (missing_reports)"},
	{"LZ-SC-0004", "missing_quarters", "no 2020Q2 and 2020Q3: forced fail 2020 (missing_reports)"},
	{"LZ-ZC-0031", "stops_reporting", "last report 2024Q3: nothing in the 2025 window, forced fail 2025 (no_data)"},
	{"LZ-JD-0020", "stops_reporting", "last report 2024Q4: one quarter in the 2025 window, forced fail 2025 (missing_reports)"},

	{"LZ-ZC-0023", "veto", "good data, but 列入经营异常名录 on 2025-03-12: forced fail 2025 (abnormal_operation_list)"},
	{"LZ-FH-0005", "veto", "good data, but 重大安全/质量事故 on 2023-05-20: forced fail 2023 (major_accident)"},
	{"LZ-ZC-0050", "false_data", "false_data on 2025-07-08: revoked in 2025; its 2024 and 2025 funding listed for recovery"},
	{"LZ-JD-0002", "harmless_incident", "incident dated 2018-06-15, before the first window (2018-10-01): counts in no year"},

	{"LZ-ZC-0003", "revised", "2025Q2 resubmitted on 2025-07-12 with changed values: revision wins, still on time"},
	{"LZ-FH-0003", "revised", "2025Q2 resubmitted on 2025-07-15 (the due date) with changed values: revision wins, still on time"},
	{"LZ-SC-0002", "revised", "2025Q2 resubmitted on 2025-07-10 with changed values: revision wins, still on time"},
	{"LZ-ZC-0012", "revised", "2025Q2 resubmitted on 2025-08-06 with changed values: revision wins, 2025Q2 becomes late"},
	{"LZ-FH-0016", "revised", "2025Q2 resubmitted on 2025-08-28 with changed values: revision wins, 2025Q2 becomes late"},
	{"LZ-JD-0009", "revised", "2025Q2 resubmitted on 2025-09-12 with changed values: revision wins, 2025Q2 becomes late"},
	{"LZ-ZC-0027", "late_supplement", "2025Q2 absent from its district file, supplied on 2025-08-20 in 补报与更正2025Q2.xlsx: late"},

	{"LZ-ZC-0069", "new", "recognized in 2025: not_assessed in 2025"},
	{"LZ-ZC-0070", "new", "recognized in 2025: not_assessed in 2025"},
	{"LZ-FH-0035", "new", "recognized in 2025: not_assessed in 2025"},
	{"LZ-SC-0015", "new", "recognized in 2025: not_assessed in 2025"},
	{"LZ-JD-0030", "new", "recognized in 2025: not_assessed in 2025"},
}

// plot is how a story shapes a carrier's data.
type plot struct {
	poor      []int // assessment years of poor quality
	skip      []int // qkeys of quarters not reported
	last      int   // qkey of the last quarter reported; 0 = to the end
	excellent bool
}

// plots holds the data side of Stories; carriers in Stories without an entry
// here get a steady, good quality so that only their story decides a grade.
var plots = map[string]plot{
	"LZ-FH-0001": {excellent: true},
	"LZ-ZC-0001": {excellent: true},
	"LZ-SC-0001": {excellent: true},
	"LZ-JD-0001": {excellent: true},
	"LZ-ZC-0007": {poor: []int{2024, 2025}},
	"LZ-FH-0012": {poor: []int{2024, 2025}},
	"LZ-JD-0005": {poor: []int{2024, 2025}},
	"LZ-ZC-0042": {poor: []int{2024}},
	"LZ-FH-0020": {poor: []int{2023, 2025}, skip: []int{qkey(2024, 1), qkey(2024, 2), qkey(2024, 3)}},
	"LZ-ZC-0015": {skip: []int{qkey(2025, 1), qkey(2025, 2)}},
	"LZ-FH-0008": {skip: []int{qkey(2024, 1), qkey(2024, 2), qkey(2024, 3)}},
	"LZ-JD-0011": {skip: []int{qkey(2022, 4), qkey(2023, 2)}},
	"LZ-SC-0004": {skip: []int{qkey(2020, 2), qkey(2020, 3)}},
	"LZ-ZC-0031": {last: qkey(2024, 3)},
	"LZ-JD-0020": {last: qkey(2024, 4)},
}

// operatorPairs: the first carrier is run by the operator of the second.
var operatorPairs = [][2]string{
	{"LZ-ZC-0004", "LZ-FH-0002"},
	{"LZ-ZC-0007", "LZ-FH-0006"},
	{"LZ-ZC-0019", "LZ-FH-0010"},
	{"LZ-JD-0006", "LZ-SC-0003"},
	{"LZ-ZC-0036", "LZ-FH-0014"},
}

// revision is a 2025Q2 resubmission in 补报与更正2025Q2.xlsx.
type revision struct {
	id                string
	original, revised [3]int // y, m, d of the first submission and of the revision
	note              string
}

var revisions2025Q2 = []revision{
	{"LZ-ZC-0003", [3]int{2025, 7, 4}, [3]int{2025, 7, 12}, "更正培训人次"},
	{"LZ-FH-0003", [3]int{2025, 7, 4}, [3]int{2025, 7, 15}, "更正在孵企业营收"},
	{"LZ-SC-0002", [3]int{2025, 7, 3}, [3]int{2025, 7, 10}, "更正在孵企业数"},
	{"LZ-ZC-0012", [3]int{2025, 7, 8}, [3]int{2025, 8, 6}, "更正营收及投融资数据"},
	{"LZ-FH-0016", [3]int{2025, 7, 9}, [3]int{2025, 8, 28}, "更正在孵企业营收"},
	{"LZ-JD-0009", [3]int{2025, 7, 7}, [3]int{2025, 9, 12}, "更正从业人数"},
}

// supplement2025Q2 is reported only in the revisions workbook, late.
var supplement2025Q2 = struct {
	id        string
	submitted [3]int
}{"LZ-ZC-0027", [3]int{2025, 8, 20}}

// incident rows of 事件记录.xlsx; the type is written as in the source
// (Chinese or English code) to exercise both spellings.
var demoIncidents = []struct {
	id       string
	occurred [3]int
	typ      string
	note     string
}{
	{"LZ-JD-0002", [3]int{2018, 6, 15}, "abnormal_operation_list", "2018年6月列入、同年8月已移出经营异常名录；在评价期之外，仅作记录"},
	{"LZ-FH-0005", [3]int{2023, 5, 20}, "重大安全/质量事故", "在孵企业实验室发生火灾，造成2人受伤，经应急管理部门认定为较大安全事故"},
	{"LZ-ZC-0023", [3]int{2025, 3, 12}, "列入经营异常名录", "运营主体未按期公示2024年度报告，被市场监管部门列入经营异常名录"},
	{"LZ-ZC-0050", [3]int{2025, 7, 8}, "false_data", "2025年第一季度报表虚报在孵企业营收，经核查属实"},
}

// demoDeferrals are the rows of 暂缓评价.csv.
var demoDeferrals = []struct {
	id     string
	year   int
	reason string
}{
	{"LZ-SC-0009", 2022, "疫情期间场地被征用为隔离点，经区科技局申请暂缓评价"},
	{"LZ-FH-0020", 2024, "场地整体改造装修，2024年1月至9月暂停运营"},
}

// defect is a deliberate bad row, placed on the first carrier of the
// district (in ID order, outside Stories) that reported the quarter.
type defect struct {
	district      string
	year, quarter int
	rule          string
}

var demoDefects = []defect{
	{"城关区", 2025, 1, "unknown_carrier"},
	{"城关区", 2024, 2, "duplicate_row"},
	{"七里河区", 2024, 3, "filed_exceeds_incubating"},
	{"七里河区", 2025, 1, "ratio_out_of_range"},
	{"安宁区", 2023, 2, "negative_value"},
	{"榆中县", 2022, 4, "quarter_out_of_range"},
	{"兰州高新区", 2025, 1, "submitted_before_quarter_end"},
	{"西固区", 2025, 2, "unparseable_date"},
}

// DemoRejectedRows is the number of deliberate bad rows Demo writes; the
// ingest validator must reject exactly these.
const DemoRejectedRows = 8

// unknownCarrier is the carrier_id of the unknown_carrier bad row.
const unknownCarrier = "LZ-ZC-0999"
