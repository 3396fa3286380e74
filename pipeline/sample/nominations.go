package sample

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"github.com/incubeval/incubeval/pipeline/idcard"
	"github.com/incubeval/incubeval/pipeline/talent"
)

// Nomination is one row of a nominations file (创业人才推荐, SPEC §9), with
// the title as its code; the files write it in Chinese.
type Nomination struct {
	ID             string // nomination_id
	Year           int
	Person         string
	PersonID       string // the ID number (GB 11643), as written
	Enterprise     string
	EnterpriseUSCC string
	FoundedOn      time.Time
	District       string // as the programme lists it
	Category       string // likewise
	Title          string // rising | star | master
	Jobs           int
	JobsStable     bool
	Revenue        float64 // 万元; written as the shortest decimal that reads back
	IPCount        int
	CleanRecord    bool
	Prospect       bool
	Influence      bool
	ContestScore   float64 // 0–100; likewise
}

// nominationsHeaderZh is the Chinese header of a nominations file, in the
// order of SPEC §9 (and of ingest's spec).
var nominationsHeaderZh = []string{
	"推荐编号", "年度", "姓名", "身份证号", "创业主体名称", "统一社会信用代码",
	"成立日期", "区县", "类别", "申报称号", "带动就业人数", "稳定就业一年以上",
	"年营收(万元)", "知识产权数", "无不良记录", "市场前景较好", "行业影响力和领先性", "比赛得分",
}

// seedOf is a number drawn from a text.
func seedOf(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// decimal writes a number as the shortest text that reads back as it.
func decimal(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// record is n as the text cells of a CSV row.
func (n Nomination) record() []string {
	return []string{
		n.ID, strconv.Itoa(n.Year), n.Person, n.PersonID, n.Enterprise, n.EnterpriseUSCC,
		isoDate(n.FoundedOn), n.District, n.Category, talent.TitleZH(n.Title),
		strconv.Itoa(n.Jobs), yesNo(n.JobsStable), decimal(n.Revenue), strconv.Itoa(n.IPCount),
		yesNo(n.CleanRecord), yesNo(n.Prospect), yesNo(n.Influence), decimal(n.ContestScore),
	}
}

// cells is n as the cells of a workbook row: the founding date as a date
// cell, counts, revenue and score as numbers, the ID number as text (a
// number of 18 digits would lose its last three to Excel's precision).
func (n Nomination) cells() []any {
	rec := n.record()
	out := make([]any, len(rec))
	for i, s := range rec {
		if s != "" {
			out[i] = s
		}
	}
	out[1], out[6] = n.Year, optDate(n.FoundedOn)
	out[10], out[12], out[13], out[17] = n.Jobs, n.Revenue, n.IPCount, n.ContestScore
	return out
}

// NominationsCSV is a nominations file (创业人才推荐, SPEC §9) for tests:
// UTF-8, the Chinese header, one row per nomination in the order given;
// titles in Chinese (新锐创客, 创业新秀, 创业达人), dates as 2022-03-18,
// the declarations 是/否.
func NominationsCSV(noms ...Nomination) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(nominationsHeaderZh)
	for _, n := range noms {
		_ = w.Write(n.record())
	}
	w.Flush() // writes to a bytes.Buffer cannot fail
	return buf.Bytes()
}

// PersonID is a valid, fictitious ID number (GB 11643): the six-digit
// division code (620102 is 城关区), the birth date, a three-digit
// sequence code (seq mod 1000) and its check character.
func PersonID(division string, born time.Time, seq int) string {
	return idcard.Complete(fmt.Sprintf("%s%s%03d", division, born.Format("20060102"), seq%1000))
}

// programme is the embedded programme, parsed once (a parse is about
// 3 ms: per nomination it made generating a province's worth slow).
var programme = sync.OnceValue(talent.Default)

// EligibleNomination is a nomination of year for title (rising, star or
// master) that meets every criterion of its title in the embedded
// programme (SPEC §9, annex 1) on the selection day D of its year (30
// November) with room to spare: the enterprise founded a year inside the
// limit (D − N years + 1 year: N = 2 rising, 3 star, 5 master), twice the
// jobs (10, 40, 100) and stable, twice the revenue (100, 400, 1000 万元),
// three patents, a clean record, prospect and influence, and 80 points in
// the contest; in 城关区 and the category 大学生青年群体. Tests change the
// field their criterion reads. The person, born in 城关区 in the 1990s,
// and the enterprise's USCC follow from id: different ids are different
// persons and enterprises.
func EligibleNomination(id string, year int, title string) Nomination {
	p := programme()
	c, ok := p.Criteria[title]
	if !ok {
		panic(fmt.Sprintf("EligibleNomination(%q): no title %q (rising, star, master)", id, title))
	}
	d := p.SelectionDay(year)
	h := seedOf(id)
	return Nomination{
		ID:             id,
		Year:           year,
		Person:         "测试" + id,
		PersonID:       PersonID("620102", day(1990, 1, 1).AddDate(0, 0, int(h%3650)), int(h/3650%1000)),
		Enterprise:     "兰州" + id + "科技有限公司",
		EnterpriseUSCC: usccOf(id, '9', '1', "620102"),
		FoundedOn:      d.AddDate(-c.FoundedWithinYears+1, 0, 0),
		District:       "城关区",
		Category:       "大学生青年群体",
		Title:          title,
		Jobs:           2 * c.MinJobs,
		JobsStable:     true,
		Revenue:        2 * c.MinRevenue,
		IPCount:        max(3, c.MinIPCount),
		CleanRecord:    true,
		Prospect:       true,
		Influence:      true,
		ContestScore:   80,
	}
}
