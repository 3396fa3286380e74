package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/pipeline/uscc"
)

// DemoNominationYears are the years the demo nominates for: the embedded
// 百千万 programme's (SPEC §9), one workbook each.
var DemoNominationYears = []int{2021, 2022, 2023}

// demoNominationsPath is the demo's nominations file of year y.
func demoNominationsPath(y int) string {
	return fmt.Sprintf("nominations/创业人才推荐%d.xlsx", y)
}

// PlantedNomination is a nomination of the demo inbox and the outcome the
// talent selection (SPEC §9) must give it once the demo is ingested and
// the years decided in order, 2021 to 2023, with the embedded programme.
type PlantedNomination struct {
	ID      string
	Year    int
	Title   string   // rising | star | master
	Group   string   // the quota group: the district (rising), the category (star), city (master)
	Outcome string   // awarded | recommended | waitlisted | ineligible
	Reasons []string // SPEC §9's codes in its order; empty when awarded or recommended
	Plot    string   // what was planted
}

// Reason codes of SPEC §9, in its order: the criteria, then the rules.
var nominationReasons = []string{"founded", "jobs", "jobs_stable", "revenue", "ip_count", "prospect", "influence", "clean_record",
	"already_awarded", "duplicate", "higher_title", "quota_full"}

// demoPerson is a person nominated more than once (the once-only rule,
// duplicates): the same name and ID number on each row, the same
// enterprise, founded on one day.
type demoPerson struct {
	name     string
	division string // the ID number's address code: a Lanzhou district's
	born     [3]int
	seq      int // the ID number's sequence code
	founded  [3]int
}

// demoPersons are the persons of the planted rows with a key. Each
// founding date meets the "founded after D − N years" of every title the
// person is nominated for, in every year, unless a row plants otherwise.
var demoPersons = map[string]demoPerson{
	"rising_then_star": {"马晓东", "620102", [3]int{1994, 7, 12}, 135, [3]int{2021, 1, 15}},
	"ineligible_first": {"杨丽娟", "620105", [3]int{1991, 3, 8}, 242, [3]int{2021, 2, 1}},
	"dup_by_score":     {"刘海波", "620102", [3]int{1989, 11, 2}, 317, [3]int{2020, 9, 1}},
	"disabled_2021":    {"何建平", "620103", [3]int{1978, 5, 20}, 451, [3]int{2020, 3, 1}},
	"star_then_rising": {"陈雅琪", "620171", [3]int{1996, 2, 28}, 522, [3]int{2021, 1, 10}},
	"master_then_star": {"王振华", "620104", [3]int{1982, 9, 9}, 613, [3]int{2020, 6, 1}},
	"star_and_rising":  {"赵欣怡", "620103", [3]int{1993, 12, 1}, 702, [3]int{2021, 3, 1}},
	"dup_by_jobs":      {"孙博文", "620105", [3]int{1990, 6, 6}, 819, [3]int{2020, 5, 1}},
	"master_twice":     {"周永刚", "620121", [3]int{1975, 4, 17}, 931, [3]int{2019, 5, 1}},
	"waitlisted_star":  {"吴静", "620111", [3]int{1988, 8, 18}, 84, [3]int{2022, 2, 1}},
	"dup_by_revenue":   {"郑凯", "620123", [3]int{1997, 10, 30}, 166, [3]int{2022, 3, 1}},
	"dup_by_id":        {"冯德胜", "620102", [3]int{1970, 1, 26}, 278, [3]int{2019, 8, 1}},
	// A namesake of rising_then_star: another ID number, another person.
	"namesake": {"马晓东", "620123", [3]int{1999, 5, 3}, 391, [3]int{2021, 6, 1}},
}

// demoNomination is a planted nomination: the EligibleNomination of its
// year and title, made a demo person's, in its district and category,
// with its contest score, and changed by plant so that exactly the
// outcome of want follows.
type demoNomination struct {
	want     PlantedNomination // Title and Group are filled in from the row
	title    string
	person   string // a key of demoPersons; "" a person of its own
	district string
	category string
	score    float64
	plant    func(n *Nomination)
}

// aDay is the same calendar day n years before 30 November of y, moved by
// days: the boundaries of "founded after D − N years".
func aDay(y, n, days int) time.Time { return day(y-n, 11, 30).AddDate(0, 0, days) }

// demoNominations are the planted rows of 创业人才推荐2021–2023.xlsx, in
// file order; each year's file goes on with fillers. D is 30 November of
// the year. Quotas are the programme's (SPEC §9): every district's rising
// quota and every category's star quota but one is larger than the demo
// fills; 残疾人创业群体 (6 over the programme) is filled 3 + 2 + 1 and
// waitlists two in 2023.
var demoNominations = []demoNomination{
	// 2021 (D = 2021-11-30).
	{want: PlantedNomination{ID: "TJ2021-001", Outcome: "awarded", Plot: "rising 2021; nominated for rising again in 2022 and for star in 2023"},
		title: talent.Rising, person: "rising_then_star", district: "城关区", category: "大学生青年群体", score: 86},
	{want: PlantedNomination{ID: "TJ2021-002", Outcome: "ineligible", Reasons: []string{"founded"}, Plot: "founded exactly D − 2 years (2019-11-30)"},
		title: talent.Rising, district: "七里河区", category: "新业态领域创业群体", score: 90,
		plant: func(n *Nomination) { n.FoundedOn = aDay(2021, 2, 0) }},
	{want: PlantedNomination{ID: "TJ2021-003", Outcome: "awarded", Plot: "founded one day after D − 2 years (2019-12-01)"},
		title: talent.Rising, district: "七里河区", category: "新业态领域创业群体", score: 78.5,
		plant: func(n *Nomination) { n.FoundedOn = aDay(2021, 2, 1) }},
	{want: PlantedNomination{ID: "TJ2021-004", Outcome: "ineligible", Reasons: []string{"jobs"}, Plot: "4 jobs"},
		title: talent.Rising, district: "西固区", category: "高素质农民", score: 81,
		plant: func(n *Nomination) { n.Jobs = 4 }},
	{want: PlantedNomination{ID: "TJ2021-005", Outcome: "awarded", Plot: "5 jobs"},
		title: talent.Rising, district: "西固区", category: "高素质农民", score: 74.25,
		plant: func(n *Nomination) { n.Jobs = 5 }},
	{want: PlantedNomination{ID: "TJ2021-006", Outcome: "ineligible", Reasons: []string{"revenue"}, Plot: "revenue 49.99; nominated again in 2022 and awarded"},
		title: talent.Rising, person: "ineligible_first", district: "安宁区", category: "巾帼创业群体", score: 83,
		plant: func(n *Nomination) { n.Revenue = 49.99 }},
	{want: PlantedNomination{ID: "TJ2021-007", Outcome: "awarded", Plot: "revenue exactly 50"},
		title: talent.Rising, district: "安宁区", category: "餐饮行业创业群体", score: 72,
		plant: func(n *Nomination) { n.Revenue = 50 }},
	{want: PlantedNomination{ID: "TJ2021-008", Outcome: "ineligible", Reasons: []string{"jobs_stable"}, Plot: "jobs not stable a year"},
		title: talent.Rising, district: "红古区", category: "餐饮行业创业群体", score: 80,
		plant: func(n *Nomination) { n.JobsStable = false }},
	{want: PlantedNomination{ID: "TJ2021-009", Outcome: "ineligible", Reasons: []string{"prospect"}, Plot: "prospect 否"},
		title: talent.Rising, district: "永登县", category: "文创旅游行业创业群体", score: 79,
		plant: func(n *Nomination) { n.Prospect = false }},
	{want: PlantedNomination{ID: "TJ2021-010", Outcome: "ineligible", Reasons: []string{"clean_record"}, Plot: "a bad record"},
		title: talent.Rising, district: "皋兰县", category: "高素质农民", score: 88,
		plant: func(n *Nomination) { n.CleanRecord = false }},
	{want: PlantedNomination{ID: "TJ2021-011", Outcome: "awarded", Plot: "nominated twice for rising (TJ2021-012, another district): the higher score stands"},
		title: talent.Rising, person: "dup_by_score", district: "城关区", category: "大学生青年群体", score: 85},
	{want: PlantedNomination{ID: "TJ2021-012", Outcome: "ineligible", Reasons: []string{"duplicate"}, Plot: "the same person's second rising nomination, score 80 < 85"},
		title: talent.Rising, person: "dup_by_score", district: "榆中县", category: "大学生青年群体", score: 80},
	{want: PlantedNomination{ID: "TJ2021-013", Outcome: "awarded", Plot: "残疾人创业群体 1 of 3 awarded in 2021 (quota 6); nominated for star again in 2022"},
		title: talent.Star, person: "disabled_2021", district: "七里河区", category: "残疾人创业群体", score: 91},
	{want: PlantedNomination{ID: "TJ2021-014", Outcome: "awarded", Plot: "残疾人创业群体 2 of 3 awarded in 2021"},
		title: talent.Star, district: "城关区", category: "残疾人创业群体", score: 88},
	{want: PlantedNomination{ID: "TJ2021-015", Outcome: "awarded", Plot: "残疾人创业群体 3 of 3 awarded in 2021"},
		title: talent.Star, district: "榆中县", category: "残疾人创业群体", score: 85},
	{want: PlantedNomination{ID: "TJ2021-016", Outcome: "ineligible", Reasons: []string{"influence"}, Plot: "残疾人创业群体 without influence: takes no quota"},
		title: talent.Star, district: "安宁区", category: "残疾人创业群体", score: 95,
		plant: func(n *Nomination) { n.Influence = false }},
	{want: PlantedNomination{ID: "TJ2021-017", Outcome: "awarded", Plot: "star 2021; nominated for rising in 2022"},
		title: talent.Star, person: "star_then_rising", district: "兰州高新区", category: "大学生青年群体", score: 89},
	{want: PlantedNomination{ID: "TJ2021-018", Outcome: "ineligible", Reasons: []string{"founded"}, Plot: "star founded exactly D − 3 years (2018-11-30)"},
		title: talent.Star, district: "城关区", category: "巾帼创业群体", score: 87,
		plant: func(n *Nomination) { n.FoundedOn = aDay(2021, 3, 0) }},
	{want: PlantedNomination{ID: "TJ2021-019", Outcome: "ineligible", Reasons: []string{"jobs"}, Plot: "star with 19 jobs"},
		title: talent.Star, district: "安宁区", category: "高素质农民", score: 84,
		plant: func(n *Nomination) { n.Jobs = 19 }},
	{want: PlantedNomination{ID: "TJ2021-020", Outcome: "ineligible", Reasons: []string{"revenue"}, Plot: "star with revenue 199.99"},
		title: talent.Star, district: "城关区", category: "文创旅游行业创业群体", score: 83,
		plant: func(n *Nomination) { n.Revenue = 199.99 }},
	{want: PlantedNomination{ID: "TJ2021-021", Outcome: "recommended", Plot: "master 2021; nominated for star in 2022 (a recommendation blocks nothing)"},
		title: talent.Master, person: "master_then_star", district: "西固区", category: "大学生青年群体", score: 92},
	{want: PlantedNomination{ID: "TJ2021-022", Outcome: "ineligible", Reasons: []string{"founded"}, Plot: "master founded exactly D − 5 years (2016-11-30)"},
		title: talent.Master, district: "兰州高新区", category: "新业态领域创业群体", score: 90,
		plant: func(n *Nomination) { n.FoundedOn = aDay(2021, 5, 0) }},
	{want: PlantedNomination{ID: "TJ2021-023", Outcome: "ineligible", Reasons: []string{"ip_count"}, Plot: "master with one IP right"},
		title: talent.Master, district: "城关区", category: "中医中药行业创业群体", score: 86,
		plant: func(n *Nomination) { n.IPCount = 1 }},
	{want: PlantedNomination{ID: "TJ2021-024", Outcome: "ineligible", Reasons: []string{"jobs", "revenue", "prospect"}, Plot: "three criteria failed: 3 jobs, revenue 30, prospect 否"},
		title: talent.Rising, district: "兰州高新区", category: "大学生青年群体", score: 70,
		plant: func(n *Nomination) { n.Jobs, n.Revenue, n.Prospect = 3, 30, false }},
	{want: PlantedNomination{ID: "TJ2021-025", Outcome: "awarded", Plot: "star with prospect 否 (not a star criterion)"},
		title: talent.Star, district: "七里河区", category: "退役军人创业群体", score: 82,
		plant: func(n *Nomination) { n.Prospect = false }},
	{want: PlantedNomination{ID: "TJ2021-026", Outcome: "awarded", Plot: "rising without influence and without IP (neither a rising criterion)"},
		title: talent.Rising, district: "城关区", category: "养老服务行业创业群体", score: 76,
		plant: func(n *Nomination) { n.Influence, n.IPCount = false, 0 }},

	// 2022 (D = 2022-11-30).
	{want: PlantedNomination{ID: "TJ2022-001", Outcome: "ineligible", Reasons: []string{"already_awarded"}, Plot: "awarded rising in 2021 (TJ2021-001)"},
		title: talent.Rising, person: "rising_then_star", district: "城关区", category: "大学生青年群体", score: 90},
	{want: PlantedNomination{ID: "TJ2022-002", Outcome: "awarded", Plot: "ineligible in 2021 (TJ2021-006, revenue): blocks nothing"},
		title: talent.Rising, person: "ineligible_first", district: "安宁区", category: "巾帼创业群体", score: 84,
		plant: func(n *Nomination) { n.Revenue = 80 }},
	{want: PlantedNomination{ID: "TJ2022-003", Outcome: "ineligible", Reasons: []string{"already_awarded"}, Plot: "awarded star, a higher title, in 2021 (TJ2021-017)"},
		title: talent.Rising, person: "star_then_rising", district: "兰州高新区", category: "大学生青年群体", score: 93},
	{want: PlantedNomination{ID: "TJ2022-004", Outcome: "ineligible", Reasons: []string{"already_awarded"}, Plot: "awarded star in 2021 (TJ2021-013); takes no quota"},
		title: talent.Star, person: "disabled_2021", district: "七里河区", category: "残疾人创业群体", score: 94},
	{want: PlantedNomination{ID: "TJ2022-005", Outcome: "awarded", Plot: "残疾人创业群体 1 of 2 awarded in 2022 (3 left)"},
		title: talent.Star, district: "西固区", category: "残疾人创业群体", score: 87.5},
	{want: PlantedNomination{ID: "TJ2022-006", Outcome: "awarded", Plot: "残疾人创业群体 2 of 2 awarded in 2022: 1 left for 2023"},
		title: talent.Star, district: "皋兰县", category: "残疾人创业群体", score: 81},
	{want: PlantedNomination{ID: "TJ2022-007", Outcome: "awarded", Plot: "recommended master in 2021 (TJ2021-021): blocks nothing"},
		title: talent.Star, person: "master_then_star", district: "西固区", category: "大学生青年群体", score: 88},
	{want: PlantedNomination{ID: "TJ2022-008", Outcome: "awarded", Plot: "star and rising (TJ2022-009) the same year: star awarded; master in 2023"},
		title: talent.Star, person: "star_and_rising", district: "七里河区", category: "巾帼创业群体", score: 90,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 60, 600 }},
	{want: PlantedNomination{ID: "TJ2022-009", Outcome: "ineligible", Reasons: []string{"higher_title"}, Plot: "awarded star this year (TJ2022-008)"},
		title: talent.Rising, person: "star_and_rising", district: "七里河区", category: "巾帼创业群体", score: 95,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 60, 600 }},
	{want: PlantedNomination{ID: "TJ2022-010", Outcome: "awarded", Plot: "nominated twice for star (TJ2022-011, another category), the same score: more jobs (40) stands"},
		title: talent.Star, person: "dup_by_jobs", district: "安宁区", category: "巾帼创业群体", score: 86,
		plant: func(n *Nomination) { n.Jobs = 40 }},
	{want: PlantedNomination{ID: "TJ2022-011", Outcome: "ineligible", Reasons: []string{"duplicate"}, Plot: "the same person's second star nomination, the same score, 35 jobs"},
		title: talent.Star, person: "dup_by_jobs", district: "安宁区", category: "大学生青年群体", score: 86,
		plant: func(n *Nomination) { n.Jobs = 35 }},
	{want: PlantedNomination{ID: "TJ2022-012", Outcome: "ineligible", Reasons: []string{"influence"}, Plot: "star without influence"},
		title: talent.Star, district: "城关区", category: "餐饮行业创业群体", score: 85,
		plant: func(n *Nomination) { n.Influence = false }},
	{want: PlantedNomination{ID: "TJ2022-013", Outcome: "awarded", Plot: "star founded one day after D − 3 years (2019-12-01)"},
		title: talent.Star, district: "城关区", category: "养老服务行业创业群体", score: 77,
		plant: func(n *Nomination) { n.FoundedOn = aDay(2022, 3, 1) }},
	{want: PlantedNomination{ID: "TJ2022-014", Outcome: "awarded", Plot: "star with exactly 20 jobs and revenue 200"},
		title: talent.Star, district: "榆中县", category: "中医中药行业创业群体", score: 79,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 20, 200 }},
	{want: PlantedNomination{ID: "TJ2022-015", Outcome: "ineligible", Reasons: []string{"jobs"}, Plot: "master with 49 jobs"},
		title: talent.Master, district: "城关区", category: "新业态领域创业群体", score: 89,
		plant: func(n *Nomination) { n.Jobs = 49 }},
	{want: PlantedNomination{ID: "TJ2022-016", Outcome: "ineligible", Reasons: []string{"revenue"}, Plot: "master with revenue 499.99"},
		title: talent.Master, district: "安宁区", category: "大学生青年群体", score: 91,
		plant: func(n *Nomination) { n.Revenue = 499.99 }},
	{want: PlantedNomination{ID: "TJ2022-017", Outcome: "recommended", Plot: "master on every threshold: founded 2017-12-01, 50 jobs, revenue 500, 2 IP rights"},
		title: talent.Master, district: "兰州高新区", category: "新业态领域创业群体", score: 84,
		plant: func(n *Nomination) { n.FoundedOn, n.Jobs, n.Revenue, n.IPCount = aDay(2022, 5, 1), 50, 500, 2 }},
	{want: PlantedNomination{ID: "TJ2022-018", Outcome: "ineligible", Reasons: []string{"influence"}, Plot: "master without influence"},
		title: talent.Master, district: "七里河区", category: "文创旅游行业创业群体", score: 88,
		plant: func(n *Nomination) { n.Influence = false }},
	{want: PlantedNomination{ID: "TJ2022-019", Outcome: "ineligible", Reasons: []string{"clean_record"}, Plot: "master with a bad record"},
		title: talent.Master, district: "西固区", category: "退役军人创业群体", score: 93,
		plant: func(n *Nomination) { n.CleanRecord = false }},
	{want: PlantedNomination{ID: "TJ2022-020", Outcome: "awarded", Plot: "rising on every threshold: founded 2020-12-01, 5 jobs, revenue 50"},
		title: talent.Rising, district: "红古区", category: "高素质农民", score: 71,
		plant: func(n *Nomination) { n.FoundedOn, n.Jobs, n.Revenue = aDay(2022, 2, 1), 5, 50 }},
	{want: PlantedNomination{ID: "TJ2022-021", Outcome: "recommended", Plot: "master 2022; master again in 2023"},
		title: talent.Master, person: "master_twice", district: "永登县", category: "高素质农民", score: 87},
	{want: PlantedNomination{ID: "TJ2022-022", Outcome: "awarded", Plot: "a namesake of TJ2021-001's 马晓东, another ID number: not already awarded"},
		title: talent.Rising, person: "namesake", district: "榆中县", category: "大学生青年群体", score: 75},

	// 2023 (D = 2023-11-30).
	{want: PlantedNomination{ID: "TJ2023-001", Outcome: "awarded", Plot: "awarded rising in 2021 (TJ2021-001): star is higher, allowed"},
		title: talent.Star, person: "rising_then_star", district: "城关区", category: "大学生青年群体", score: 85,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 30, 320 }},
	{want: PlantedNomination{ID: "TJ2023-002", Outcome: "awarded", Plot: "残疾人创业群体, the last place: tied on score 88.50 with TJ2023-003/004, more jobs (30)"},
		title: talent.Star, district: "城关区", category: "残疾人创业群体", score: 88.5,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 30, 300 }},
	{want: PlantedNomination{ID: "TJ2023-003", Outcome: "waitlisted", Reasons: []string{"quota_full"}, Plot: "残疾人创业群体, 88.50, 25 jobs, revenue 300: rank 2; also nominated for rising (TJ2023-005)"},
		title: talent.Star, person: "waitlisted_star", district: "红古区", category: "残疾人创业群体", score: 88.5,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 25, 300 }},
	{want: PlantedNomination{ID: "TJ2023-004", Outcome: "waitlisted", Reasons: []string{"quota_full"}, Plot: "残疾人创业群体, 88.50, 25 jobs, revenue 250: rank 3"},
		title: talent.Star, district: "安宁区", category: "残疾人创业群体", score: 88.5,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 25, 250 }},
	{want: PlantedNomination{ID: "TJ2023-005", Outcome: "awarded", Plot: "waitlisted for star this year (TJ2023-003): no higher_title"},
		title: talent.Rising, person: "waitlisted_star", district: "红古区", category: "残疾人创业群体", score: 80,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 25, 300 }},
	{want: PlantedNomination{ID: "TJ2023-006", Outcome: "awarded", Plot: "nominated twice for rising (TJ2023-007), the same score and jobs: more revenue (150) stands"},
		title: talent.Rising, person: "dup_by_revenue", district: "榆中县", category: "新业态领域创业群体", score: 84.5,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 12, 150 }},
	{want: PlantedNomination{ID: "TJ2023-007", Outcome: "ineligible", Reasons: []string{"duplicate"}, Plot: "the same person's second rising nomination: revenue 149.99"},
		title: talent.Rising, person: "dup_by_revenue", district: "永登县", category: "新业态领域创业群体", score: 84.5,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 12, 149.99 }},
	{want: PlantedNomination{ID: "TJ2023-008", Outcome: "recommended", Plot: "nominated twice for master (TJ2023-009) with the same score, jobs and revenue: the lower id stands"},
		title: talent.Master, person: "dup_by_id", district: "城关区", category: "中医中药行业创业群体", score: 90,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 80, 800 }},
	{want: PlantedNomination{ID: "TJ2023-009", Outcome: "ineligible", Reasons: []string{"duplicate"}, Plot: "the same person's second master nomination, tied to the id"},
		title: talent.Master, person: "dup_by_id", district: "城关区", category: "中医中药行业创业群体", score: 90,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 80, 800 }},
	{want: PlantedNomination{ID: "TJ2023-010", Outcome: "recommended", Plot: "recommended master in 2022 (TJ2022-021): blocks nothing"},
		title: talent.Master, person: "master_twice", district: "永登县", category: "高素质农民", score: 86},
	{want: PlantedNomination{ID: "TJ2023-011", Outcome: "recommended", Plot: "master with prospect 否 (not a master criterion)"},
		title: talent.Master, district: "兰州高新区", category: "大学生青年群体", score: 83,
		plant: func(n *Nomination) { n.Prospect = false }},
	{want: PlantedNomination{ID: "TJ2023-012", Outcome: "ineligible", Reasons: []string{"founded"}, Plot: "rising founded exactly D − 2 years (2021-11-30)"},
		title: talent.Rising, district: "西固区", category: "餐饮行业创业群体", score: 82,
		plant: func(n *Nomination) { n.FoundedOn = aDay(2023, 2, 0) }},
	{want: PlantedNomination{ID: "TJ2023-013", Outcome: "awarded", Plot: "rising founded one day after D − 2 years (2021-12-01)"},
		title: talent.Rising, district: "西固区", category: "餐饮行业创业群体", score: 73,
		plant: func(n *Nomination) { n.FoundedOn = aDay(2023, 2, 1) }},
	{want: PlantedNomination{ID: "TJ2023-014", Outcome: "ineligible", Reasons: []string{"jobs_stable"}, Plot: "star, jobs not stable a year"},
		title: talent.Star, district: "七里河区", category: "新业态领域创业群体", score: 86,
		plant: func(n *Nomination) { n.JobsStable = false }},
	{want: PlantedNomination{ID: "TJ2023-015", Outcome: "awarded", Plot: "star founded one day after D − 3 years (2020-12-01)"},
		title: talent.Star, district: "皋兰县", category: "退役军人创业群体", score: 78,
		plant: func(n *Nomination) { n.FoundedOn = aDay(2023, 3, 1) }},
	{want: PlantedNomination{ID: "TJ2023-016", Outcome: "ineligible", Reasons: []string{"jobs"}, Plot: "rising with revenue exactly 50 but 4 jobs"},
		title: talent.Rising, district: "兰州高新区", category: "大学生青年群体", score: 77,
		plant: func(n *Nomination) { n.Jobs, n.Revenue = 4, 50 }},
	{want: PlantedNomination{ID: "TJ2023-017", Outcome: "ineligible", Reasons: []string{"influence", "clean_record"}, Plot: "star without influence and with a bad record"},
		title: talent.Star, district: "城关区", category: "餐饮行业创业群体", score: 89,
		plant: func(n *Nomination) { n.Influence, n.CleanRecord = false, false }},
	{want: PlantedNomination{ID: "TJ2023-018", Outcome: "recommended", Plot: "awarded star in 2022 (TJ2022-008): master is higher, allowed"},
		title: talent.Master, person: "star_and_rising", district: "七里河区", category: "巾帼创业群体", score: 88,
		plant: func(n *Nomination) { n.Jobs, n.Revenue, n.IPCount = 60, 600, 3 }},
}

// demoFillers is how many more nominations each year's file holds:
// eligible with room to spare, in a district (rising) or a category (star,
// never 残疾人创业群体) with quota to spare, each a person of their own —
// awarded.
var demoFillers = map[int]int{2021: 20, 2022: 24, 2023: 30}

// demoFillerCategories are the star categories fillers go to.
var demoFillerCategories = []string{"大学生青年群体", "巾帼创业群体", "高素质农民", "文创旅游行业创业群体", "退役军人创业群体",
	"餐饮行业创业群体", "养老服务行业创业群体", "中医中药行业创业群体", "新业态领域创业群体"}

// Names and trades for the nominations' persons and enterprises.
var (
	nomSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
		"林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "苏", "魏", "蒋", "田", "杜", "丁", "姚", "牛"}
	nomGiven = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
		"平", "刚", "桂英", "建华", "晓燕", "文博", "子涵", "雨桐", "浩然", "嘉怡", "志强", "海燕", "国庆", "春梅", "晓明", "俊杰",
		"欣然", "思远", "天宇", "佳琪", "永红", "建国", "玉兰", "立新", "红梅", "鹏飞", "晨曦"}
	nomTrades = map[string][]string{
		"大学生青年群体":    {"信息技术", "网络科技", "教育科技", "软件开发"},
		"巾帼创业群体":     {"家政服务", "服饰设计", "手工艺品", "母婴用品"},
		"高素质农民":      {"农业科技", "种植", "农产品电商", "畜牧养殖"},
		"文创旅游行业创业群体": {"文化传媒", "旅游开发", "文创设计", "民宿管理"},
		"退役军人创业群体":   {"安保服务", "物流", "汽车服务", "建筑工程"},
		"残疾人创业群体":    {"按摩保健", "电子商务", "手工制品", "康复服务"},
		"餐饮行业创业群体":   {"餐饮管理", "牛肉面馆", "食品", "餐饮服务"},
		"养老服务行业创业群体": {"养老服务", "健康管理", "护理服务", "颐养中心"},
		"中医中药行业创业群体": {"中医药科技", "中药材", "中医诊所", "药业"},
		"新业态领域创业群体":  {"直播电商", "数字科技", "新能源科技", "共享服务"},
	}
	nomBrands = []string{"陇上", "金城", "黄河", "丝路", "飞天", "白塔", "五泉", "雁滩", "祁连", "河西", "兰山", "皋兰", "安宁",
		"西固", "榆中", "永登", "红古", "马衔山", "什川", "桃海", "西津", "铁桥", "九州", "南山", "北滨", "东岗", "华林", "盐场",
		"青白石", "和平", "定远", "连城", "苦水", "树屏", "忠和", "水阜", "新城", "秦王川", "中川", "柳泉"}
)

// DemoNominations lists the nominations Demo writes, year by year in file
// order, with the outcome each must get (for the talent selection's
// tests): the planted ones, then the fillers.
func DemoNominations() []PlantedNomination {
	var out []PlantedNomination
	for _, y := range DemoNominationYears {
		for _, r := range demoNominationRows(y) {
			p := r.want
			p.Reasons = slices.Clone(p.Reasons)
			out = append(out, p)
		}
	}
	return out
}

// nominationRow is a row of a demo nominations file and what it must get.
type nominationRow struct {
	n    Nomination
	want PlantedNomination
}

// planNominations writes the three nominations workbooks.
func (d *demo) planNominations() {
	for _, y := range DemoNominationYears {
		s := &sheet{name: "创业人才推荐", dateFormat: "yyyy-mm-dd",
			widths: []float64{12, 6, 8, 20, 30, 21, 11, 10, 18, 9, 8, 8, 10, 8, 8, 8, 8, 8}}
		s.add(fmt.Sprintf("%d年兰州市“百千万”创业人才推荐汇总表", y))
		s.add(toAny(nominationsHeaderZh)...)
		for _, r := range demoNominationRows(y) {
			s.add(r.n.cells()...)
		}
		path := demoNominationsPath(y)
		d.files = append(d.files, demoFile{path: path, book: &book{
			path: path, title: fmt.Sprintf("%d年“百千万”创业人才推荐", y), sheets: []*sheet{s},
		}})
	}
}

// demoNominationRows makes year y's rows: the planted ones of
// demoNominations, then the fillers. Persons, enterprises and credit
// codes come from a generator of their own, drawn in the same order every
// time, so that the files planned before stay as they were; every ID
// number and credit code in the three files is its row's person's and
// enterprise's alone.
func demoNominationRows(y int) []nominationRow {
	g := newNominationGen()
	var out []nominationRow
	for _, year := range DemoNominationYears {
		last := 0
		for _, dn := range demoNominations {
			if dn.want.ID[2:6] != fmt.Sprint(year) {
				continue
			}
			n := g.planted(dn, year)
			last++
			if year == y {
				w := dn.want
				w.Year, w.Title, w.Group = year, dn.title, nominationGroup(n)
				out = append(out, nominationRow{n, w})
			}
		}
		for i := range demoFillers[year] {
			id := fmt.Sprintf("TJ%d-%03d", year, last+i+1)
			n := g.filler(id, year)
			if year == y {
				out = append(out, nominationRow{n, PlantedNomination{ID: id, Year: year, Title: n.Title, Group: nominationGroup(n),
					Outcome: "awarded", Plot: "filler: eligible with room to spare, quota to spare"}})
			}
		}
	}
	return out
}

// nominationGroup is a nomination's quota group (SPEC §9).
func nominationGroup(n Nomination) string {
	switch n.Title {
	case talent.Rising:
		return n.District
	case talent.Star:
		return n.Category
	}
	return "city"
}

// nominationGen draws the demo's persons and enterprises.
type nominationGen struct {
	r       *rand.Rand
	persons map[string]Nomination // by demoPersons key: the person and the enterprise
	ids     map[string]bool       // ID numbers, credit codes and enterprise names used
}

func newNominationGen() *nominationGen {
	return &nominationGen{r: rand.New(rand.NewPCG(2021, 0x626b77)), persons: map[string]Nomination{}, ids: map[string]bool{}}
}

// fresh marks s used and reports whether it was free.
func (g *nominationGen) fresh(s string) bool {
	if g.ids[s] {
		return false
	}
	g.ids[s] = true
	return true
}

// enterprise draws an enterprise of a category in a district: its name and
// credit code.
func (g *nominationGen) enterprise(district, category string) (name, code string) {
	for {
		name = "兰州" + pick(g.r, nomBrands) + pick(g.r, nomTrades[category]) + pick(g.r, companyForms)
		if g.fresh(name) {
			break
		}
	}
	for {
		c, err := uscc.Complete('9', '1', divisionOf(district), usccBody(g.r))
		if err != nil {
			panic(fmt.Sprintf("demo nominations: credit code: %v", err)) // digits and letters of the alphabet: cannot fail
		}
		if g.fresh(c) {
			return name, c
		}
	}
}

// person draws a person born 1965–1999 in a Lanzhou district.
func (g *nominationGen) person() (name, id string) {
	name = pick(g.r, nomSurnames) + pick(g.r, nomGiven)
	for {
		born := day(1965, 1, 1).AddDate(0, 0, g.r.IntN(35*365))
		id = PersonID(lanzhou[g.r.IntN(len(lanzhou))].division, born, g.r.IntN(1000))
		if g.fresh(id) {
			return name, id
		}
	}
}

// base is the EligibleNomination of a year and title in a district and
// category, with a person and an enterprise of its own.
func (g *nominationGen) base(id string, year int, title, district, category string, score float64) Nomination {
	n := EligibleNomination(id, year, title)
	n.Person, n.PersonID = g.person()
	n.Enterprise, n.EnterpriseUSCC = g.enterprise(district, category)
	n.District, n.Category, n.ContestScore = district, category, score
	return n
}

// planted makes a planted row: its person's (the same on every row of
// the key), changed by its plant.
func (g *nominationGen) planted(dn demoNomination, year int) Nomination {
	n := g.base(dn.want.ID, year, dn.title, dn.district, dn.category, dn.score)
	if dn.person != "" {
		p, ok := demoPersons[dn.person]
		if !ok {
			panic("demo nominations: no person " + dn.person)
		}
		first, seen := g.persons[dn.person]
		if !seen {
			first = n
			first.Person, first.PersonID = p.name, PersonID(p.division, day(p.born[0], p.born[1], p.born[2]), p.seq)
			if !g.fresh(first.PersonID) {
				panic("demo nominations: ID number of " + dn.person + " taken")
			}
			first.FoundedOn = day(p.founded[0], p.founded[1], p.founded[2])
			g.persons[dn.person] = first
		}
		n.Person, n.PersonID, n.Enterprise, n.EnterpriseUSCC, n.FoundedOn = first.Person, first.PersonID, first.Enterprise, first.EnterpriseUSCC, first.FoundedOn
	}
	if dn.plant != nil {
		dn.plant(&n)
	}
	return n
}

// filler makes a filler: rising (two in three) in a district, or star in
// a category other than 残疾人创业群体, with a score of 60–95, founded 3 to
// 20 months inside its limit, and jobs, revenue and IP rights above the
// criteria's; the declarations that are not its title's criteria drawn.
func (g *nominationGen) filler(id string, year int) Nomination {
	r := g.r
	title := talent.Rising
	if r.IntN(3) == 0 {
		title = talent.Star
	}
	c := programme().Criteria[title]
	district := lanzhou[r.IntN(len(lanzhou))].name
	category := pick(r, demoFillerCategories)
	score := math.Round(between(r, 60, 95)*4) / 4 // quarters of a point: 87.25, 87.5, 87.75
	n := g.base(id, year, title, district, category, score)
	n.FoundedOn = aDay(year, c.FoundedWithinYears, 0).AddDate(0, 3+r.IntN(18), r.IntN(28))
	n.Jobs = c.MinJobs + r.IntN(2*c.MinJobs+1)
	n.Revenue = math.Round(c.MinRevenue*between(r, 1.05, 3)*100) / 100
	n.IPCount = r.IntN(6)
	n.Prospect = title == talent.Rising || r.IntN(4) > 0
	n.Influence = title == talent.Star || r.IntN(2) == 0
	return n
}
