package reports

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports/xlsx"
)

// writeTalentMethod writes 说明: the programme and the decision, each
// title's criteria, the selection rules in Chinese and English, the
// reason codes, and how ID numbers are shown.
//
// The criteria are printed from the programme text the decision stored,
// parsed again with talent.Load: the views hold no table of them, and
// reading the stored text (never the file on disk, which may have
// changed since) prints what the decision applied. Nothing is decided
// here; the thresholds are only put into words.
func writeTalentMethod(f *excelize.File, st *talentStyles, b *talentBook) error {
	sheet := talentSheetMethod
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	g := &grid{f: f, sheet: sheet}
	g.widths(methodWidths)
	r := &b.run
	g.title(r.titleZH("说明"), r.titleEN("Method"), 2, st.bookStyles)
	row := 3
	section := func(zh, en string) {
		g.put(1, row, zh+"  "+en, st.section)
		g.height(row, 20)
		row++
	}
	kv := func(lbl, text string, style int) {
		g.put(1, row, lbl, st.label)
		g.put(2, row, text, style)
		g.fit(row, []float64{methodWidths[0] * 0.95, methodWidths[1] * 0.95}, []string{lbl, text}, 13.5, 18)
		row++
	}
	p := r.p

	section("一、基本信息", "General")
	name := r.nameZH
	if p != nil && p.NameEN != "" {
		name += " " + p.NameEN
	}
	kv("工程 Programme", fmt.Sprintf("%s（%s）", name, r.code), st.Body)
	if p != nil && p.Source != "" {
		kv("依据 Source", p.Source, st.Body)
	}
	if p != nil {
		kv("工程年度 Years", talentYears(p.Years)+"。名额为整个工程期的总数。The quotas are for the whole programme.", st.Body)
	}
	kv("评选日 Selection day", fmt.Sprintf("D = %s。各项标准均以评选日为准；“成立时间不超过 N 年”指成立日期晚于 D 前推 N 年的同一天。"+
		"Every criterion is read on D; founded within N years means founded after the same day N years before D.", r.day.Format("2006-01-02")), st.Body)
	kv("评选时间 Decided", fmt.Sprintf("%s（运行编号 run %d）。本工作簿显示该次评选保存的结果；比赛得分、带动就业和年营收取自推荐表。"+
		"The workbook shows what that decision stored; scores, jobs and revenue are the nominations'.", r.decidedAt.Format("2006-01-02 15:04"), r.id), st.Body)
	kv("工程文件 SHA-256 Programme hash", r.sha, st.hash)

	row++
	section("二、评选标准", "Criteria (annex 1)")
	quota := map[string]int{}
	for _, q := range b.quota {
		quota[q.title] += q.quota
	}
	if p == nil {
		kv("标准 Criteria", fmt.Sprintf("保存的工程文件无法读取（%v），标准见工程文件。The stored programme text does not parse: see the programme file.", r.loadErr), st.Body)
	} else {
		for i, t := range talent.Titles {
			c := p.Criteria[t]
			lines := talentCriteriaLines(c, r.day.AddDate(-c.FoundedWithinYears, 0, 0).Format("2006-01-02"))
			switch t {
			case talent.Master:
				lines = append(lines, "名额：不设名额，符合标准的均推荐省级。No quota: every eligible nomination is recommended to the province.")
			case talent.Star:
				lines = append(lines, fmt.Sprintf("名额：按类别分配，工程期共 %s 名（见“名额”）。By category, %s for the programme.",
					xlsx.Thousands(int64(quota[t])), xlsx.Thousands(int64(quota[t]))))
			case talent.Rising:
				lines = append(lines, fmt.Sprintf("名额：按区县分配，工程期共 %s 名（见“名额”）。By district, %s for the programme.",
					xlsx.Thousands(int64(quota[t])), xlsx.Thousands(int64(quota[t]))))
			}
			kv(fmt.Sprintf("%d. %s\n%s", i+1, talent.TitleZH(t), t), strings.Join(lines, "\n"), st.Body)
		}
	}

	row++
	section("三、评选规则", "Selection rules")
	for _, rule := range [][2]string{
		{"评选顺序 Order", "按创业达人、创业新秀、新锐创客的顺序评选。Titles are decided highest first: master, star, rising."},
		{"排名 Ranking", "比赛得分从高到低；相同时带动就业人数多者在前；再相同时年营收高者在前；仍相同时按推荐编号升序。" +
			"Contest score, then jobs, then revenue, all descending; then the nomination id, ascending."},
		{"授予 Awards", "新锐创客按区县、创业新秀按类别，符合标准的推荐按名次授予，直至该组剩余名额（名额 − 往年已授予）用完；其余为备选（名额已满）。" +
			"Rising by district and star by category: the eligible are awarded in rank order while the group's remaining quota (quota − awarded in earlier years) lasts; the rest are waitlisted."},
		{"推荐 Masters", "创业达人符合标准的均推荐省级，按同一排名方法在全市排名，不占名额。Every eligible master nomination is recommended to the province, ranked the same way across the city."},
		{"名次 Rank", "名次为组内符合标准者的排序（1 为第一）；备选的名次接在最后一名授予者之后；不符合者无名次。" +
			"Rank among the eligible of the group, 1 first; the waitlist continues after the last award; none for the ineligible."},
		{"只授予一次 Once only", "往年已获同一称号或更高称号（创业达人 > 创业新秀 > 新锐创客）的，不再授予（按身份证号认定）；往年备选、不符合或仅被推荐的不受影响。" +
			"A person awarded the same or a higher title in an earlier year (by ID number) is ineligible; being waitlisted, ineligible or recommended earlier blocks nothing."},
		{"重复推荐 Duplicates", "同一人同年同一称号被推荐两次及以上的，排名在前的一条有效，其余不符合。" +
			"Of two nominations of one person for one title in a year, the one ranked first stands; the other is ineligible."},
		{"更高称号 Higher title", "本年获授创业新秀的，本年不再授予新锐创客。A person awarded star this year is ineligible for rising this year."},
	} {
		kv(rule[0], rule[1], st.Body)
	}

	row++
	section("四、个人信息", "Personal data")
	kv("身份证号 ID numbers", "工作簿中的身份证号只显示前6位和后4位（如 620102********1234）。完整号码仅保存在数据库中，用于“只授予一次”和重复推荐的核对。"+
		"ID numbers are shown masked; the full number stays in the database, for the once-only and duplicate rules.", st.Body)
	// The reasons on a page of their own: a heading is not left at the
	// foot of the page before.
	row++
	if g.err == nil {
		g.err = f.InsertPageBreak(sheet, fmt.Sprintf("A%d", row))
	}
	section("五、未入选原因", "Reasons not selected")
	for _, code := range talent.ReasonCodes {
		kv(code, label(talentReasonZH, code)+"\n"+label(talentReasonEN, code), st.Body)
	}

	if g.err != nil {
		return g.err
	}
	return xlsx.Page{Paper: xlsx.A4, Portrait: true, Margins: &xlsx.Margins{Left: 0.6, Right: 0.6, Top: 0.7, Bottom: 0.7, Header: 0.3, Footer: 0.3},
		Footer: xlsx.FooterSheetPages}.Apply(f, sheet)
}

// talentCriteriaLines puts a title's criteria into words, one a line,
// Chinese then English; founded is D − N years.
func talentCriteriaLines(c talent.Criteria, founded string) []string {
	lines := []string{fmt.Sprintf("· 成立时间不超过 %d 年：成立日期晚于 %s。Founded after %s.", c.FoundedWithinYears, founded, founded)}
	jobs := fmt.Sprintf("· 带动就业 %d 人以上", c.MinJobs)
	jobsEN := fmt.Sprintf("At least %d jobs", c.MinJobs)
	if c.JobsStable {
		jobs += "，且稳定就业一年以上"
		jobsEN += ", stable for a year or more"
	}
	lines = append(lines, jobs+"。"+jobsEN+".")
	rev := strconv.FormatFloat(c.MinRevenue, 'f', -1, 64)
	lines = append(lines, fmt.Sprintf("· 年营收 %s 万元以上。Revenue at least %s × 10,000 yuan.", rev, rev))
	if c.MinIPCount > 0 {
		lines = append(lines, fmt.Sprintf("· 知识产权 %d 项以上。At least %d intellectual property rights.", c.MinIPCount, c.MinIPCount))
	}
	if c.Prospect {
		lines = append(lines, "· 市场前景较好。A good market prospect.")
	}
	if c.Influence {
		lines = append(lines, "· 具有行业影响力和领先性。Influence and a lead in the industry.")
	}
	if c.CleanRecord {
		lines = append(lines, "· 无不良经营记录、无损害劳动者权益、无失信行为。No bad business record, no harm to workers' rights, no dishonesty.")
	}
	return lines
}
