package sample

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/incubeval/incubeval/pipeline/uscc"
)

// The demo covers quarterly reports from 2018Q4 (the first quarter of
// assessment year 2019) to 2025Q3 (the last of 2025).
const (
	demoFirstYear, demoFirstQuarter = 2018, 4
	demoLastYear, demoLastQuarter   = 2025, 3
	demoFirstAY, demoLastAY         = 2019, 2025
)

// lanzhou lists the districts with their administrative division codes and
// how many demo carriers each holds (150 in all).
var lanzhou = []struct {
	name, division string
	carriers       int
}{
	{"城关区", "620102", 32},
	{"七里河区", "620103", 22},
	{"西固区", "620104", 14},
	{"安宁区", "620105", 20},
	{"红古区", "620111", 8},
	{"永登县", "620121", 8},
	{"皋兰县", "620122", 8},
	{"榆中县", "620123", 14},
	{"兰州高新区", "620171", 24},
}

// gbkDistrict reports in a GBK CSV; kyuanDistrict writes revenue in 千元.
const (
	gbkDistrict   = "西固区"
	kyuanDistrict = "安宁区"
)

// Carriers per kind, and how many of them were recognized in 2025.
var (
	demoKindCount = [4]int{70, 35, 15, 30}
	demoNewCount  = [4]int{2, 1, 1, 1}
)

var (
	brands = []string{
		"青创", "智谷", "陇原", "黄河", "金城", "丝路", "飞天", "兰创", "西部", "科创",
		"星火", "云创", "数智", "启航", "汇智", "博创", "众联", "奇点", "火炬", "敦煌",
		"白塔", "五泉", "雁滩", "九州", "瑞岭", "祁连", "河西", "陇上", "百合", "牡丹",
		"创享", "优客", "筑梦", "领航", "凌云", "汇川", "新丝路", "青年", "源创", "中科",
	}
	specialties = []string{
		"新材料", "生物医药", "数字经济", "文化创意", "现代农业", "电子商务", "软件信息",
		"新能源", "中医药", "智能制造", "石化装备", "农产品电商",
	}
	groups     = []string{"大学生", "返乡", "青年", "高校毕业生", "妇女", "退役军人"}
	industries = []string{
		"科技发展", "企业管理", "孵化器管理", "创业服务", "信息技术", "产业园管理",
		"文化传媒", "投资管理", "科技服务",
	}
	companyForms = []string{"有限公司", "有限公司", "有限责任公司", "股份有限公司"}
)

// carrier is a registry row with the latent traits its reports are drawn from.
type carrier struct {
	id, name, district, division string
	kind, track, level           int
	brand                        string
	uscc, operator               string
	recognized, founded          time.Time // founded zero = blank
	leaseEnd                     time.Time // zero = blank (owned)
	area, serviceArea            float64   // < 0 = blank
	workstations, staff          int       // < 0 = blank
	virtual                      int       // -1 blank, 0 否, 1 是

	quality    [demoLastAY - demoFirstAY + 1]float64 // by assessment year
	filedRatio float64
	exitRate   float64
	lateProb   float64
}

// BadRow is where a deliberate bad row was written. Row is 1-based and
// counts title and header rows (a CSV's header is row 1).
type BadRow struct {
	File      string // relative to the demo folder
	Sheet     string // empty for CSV
	Row       int
	CarrierID string
	Year      int
	Quarter   int
	Rule      string
}

type demoFile struct {
	path string // relative
	book *book  // either a workbook
	data []byte // or ready bytes
}

type demo struct {
	r        *rand.Rand
	carriers []*carrier
	byID     map[string]*carrier
	reports  map[string][]*report // by carrier, in quarter order
	extra    []*report            // bad rows with no carrier of their own
	defects  map[*report]string
	files    []demoFile
	bad      []BadRow
}

// Demo writes the demo inbox into dir and returns the paths written, sorted.
// It models Lanzhou's 150 carriers reporting from 2018Q4 to 2025Q3:
//
//	registry/载体名录.xlsx              one sheet, a title row, Chinese enums, date cells
//	quarterly/<区县>季度报表.xlsx        one sheet per year (2018年…2025年), a title row;
//	                                   quarters as 3, Q3 or 第三季度, 场地使用率 as 85% or
//	                                   0.85, dates as cells, 2025/3/31 or 2025年3月31日;
//	                                   安宁区 gives revenue in 千元, 皋兰县 2021年 has
//	                                   numbers typed as text, 城关区 2021年 a blank row
//	quarterly/西固区季度报表.csv         GBK, CRLF, ISO dates
//	quarterly/补报与更正2025Q2.xlsx      2025Q2 revisions and one late supplement, with 备注
//	incidents/事件记录.xlsx             four incidents, Chinese and English types
//	deferrals/暂缓评价.csv              UTF-8 with BOM, two approved deferrals
//	applications/认定申请2025.xlsx      a title row, sixteen applications for recognition
//	                                   as a municipal maker space (SPEC §8.1), every one
//	                                   accepted
//	nominations/创业人才推荐<Y>.xlsx      Y = 2021, 2022, 2023: a title row, the
//	                                   nominations of the 百千万 programme's year
//	                                   (SPEC §9), every one accepted
//
// Stories lists the planted situations; DemoBadRows the rows the ingest
// validator must reject (DemoRejectedRows of them); DemoApplications the
// applications and the eligibility each must get; DemoBases the municipal
// demonstration bases shaped for the provincial recommendation and the
// outcome each must get; DemoNominations the nominations and the outcome
// of the talent selection each must get.
func Demo(dir string) ([]string, error) {
	d, err := buildDemo()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range d.files {
		data := f.data
		if f.book != nil {
			if data, err = f.book.render(); err != nil {
				return nil, fmt.Errorf("%s: %w", f.path, err)
			}
		}
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := writeFile(p, data); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths, nil
}

// DemoBadRows lists the deliberate bad rows Demo writes, in file order.
func DemoBadRows() ([]BadRow, error) {
	d, err := buildDemo()
	if err != nil {
		return nil, err
	}
	return d.bad, nil
}

func buildDemo() (*demo, error) {
	d := &demo{
		r:       rand.New(rand.NewPCG(20251009, 620100)),
		byID:    map[string]*carrier{},
		reports: map[string][]*report{},
		defects: map[*report]string{},
	}
	if err := d.makeCarriers(); err != nil {
		return nil, err
	}
	for _, c := range d.carriers {
		d.reports[c.id] = d.makeReports(c)
	}
	if err := d.plantBases(); err != nil {
		return nil, err
	}
	revised, err := d.makeRevisions()
	if err != nil {
		return nil, err
	}
	if err := d.placeDefects(); err != nil {
		return nil, err
	}
	d.planRegistry()
	d.planQuarterly()
	if err := d.planGBK(); err != nil {
		return nil, err
	}
	d.planRevisions(revised)
	d.planIncidents()
	d.planDeferrals()
	if err := d.planApplications(); err != nil {
		return nil, err
	}
	d.planNominations()
	if len(d.bad) != DemoRejectedRows {
		return nil, fmt.Errorf("planted %d bad rows, DemoRejectedRows says %d", len(d.bad), DemoRejectedRows)
	}
	return d, nil
}

func isStory(id string) bool {
	return slices.ContainsFunc(Stories, func(s Story) bool { return s.CarrierID == id })
}

// recognitionYears weights the years 2015–2024 by how many carriers were
// recognized then (the 双创 wave peaked early).
var recognitionYears = []int{14, 16, 15, 12, 10, 8, 8, 7, 6, 4}

func (d *demo) recognitionDate() time.Time {
	n := d.r.IntN(100)
	y := 2015
	for _, w := range recognitionYears {
		if n < w {
			break
		}
		n -= w
		y++
	}
	days := 365
	if y == 2024 {
		days = 181 // the registry's older carriers end in June 2024
	}
	return day(y, 1, 1).AddDate(0, 0, d.r.IntN(days))
}

func (d *demo) makeCarriers() error {
	r := d.r
	var districts []int
	for i, dist := range lanzhou {
		for range dist.carriers {
			districts = append(districts, i)
		}
	}
	r.Shuffle(len(districts), func(i, j int) { districts[i], districts[j] = districts[j], districts[i] })

	for k := range 4 {
		n, fresh := demoKindCount[k], demoNewCount[k]
		dates := make([]time.Time, 0, n)
		for range n - fresh {
			dates = append(dates, d.recognitionDate())
		}
		var news []time.Time
		for range fresh {
			news = append(news, day(2025, 1+r.IntN(6), 1+r.IntN(28)))
		}
		sortDates(dates)
		sortDates(news)
		dates = append(dates, news...)
		for i, rec := range dates {
			dist := lanzhou[districts[len(d.carriers)]]
			c := &carrier{
				id:         "LZ-" + kindPrefix[k] + "-" + fmt.Sprintf("%04d", i+1),
				kind:       k,
				district:   dist.name,
				division:   dist.division,
				recognized: rec,
			}
			d.traits(c)
			d.carriers = append(d.carriers, c)
			d.byID[c.id] = c
		}
	}
	if err := d.nameCarriers(); err != nil {
		return err
	}
	return nil
}

// areaRange is the range of a carrier's floor area (m²) by kind.
var areaRange = [4][2]float64{{600, 5000}, {3000, 30000}, {2000, 15000}, {2000, 20000}}

func sortDates(ts []time.Time) { sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) }) }

// traits draws a carrier's level, track, registry extras and latent quality.
func (d *demo) traits(c *carrier) {
	r := d.r
	switch x := r.Float64(); {
	case c.recognized.Year() >= 2025 || x < 0.6:
		c.level = municipal
	case x < 0.87:
		c.level = provincial
	default:
		c.level = national
	}
	if r.Float64() < 0.35 {
		c.track = specialized
	}
	c.founded = c.recognized.AddDate(-1-r.IntN(7), -r.IntN(12), -r.IntN(28))
	if r.Float64() < 0.1 {
		c.founded = time.Time{}
	}
	lo, hi := areaRange[c.kind][0], areaRange[c.kind][1]
	c.area = math.Round(between(r, lo, hi))
	c.serviceArea = math.Round(c.area*between(r, 0.5, 0.9)*10) / 10
	c.workstations = int(c.area / between(r, 8, 20))
	if r.Float64() < 0.07 {
		c.area, c.serviceArea, c.workstations = -1, -1, -1
	}
	c.staff = 3 + r.IntN(28)
	if r.Float64() < 0.05 {
		c.staff = -1
	}
	if r.Float64() < 0.3 {
		c.leaseEnd = time.Time{}
	} else {
		c.leaseEnd = day(2026+r.IntN(8), 1+r.IntN(12), 1).AddDate(0, 0, -1)
	}
	c.virtual = 0
	switch x := r.Float64(); {
	case c.kind == makerSpace && x < 0.05:
		c.virtual = 1
	case x > 0.92:
		c.virtual = -1
	}

	// Outside Stories no carrier should fail by chance: a quality of 0.75
	// scores about 75, so the floor keeps every grade a story's doing.
	base := clamp(0.8+0.2*r.NormFloat64(), 0.75, 1.5)
	c.filedRatio = between(r, 0.86, 1.0)
	c.exitRate = between(r, 0.04, 0.2)
	c.lateProb = 0.05
	p, planned := plots[c.id]
	switch {
	case p.excellent:
		base, c.filedRatio, c.exitRate, c.lateProb = 1.6, 0.98, 0.05, 0
	case isStory(c.id):
		base = math.Max(base, 1.0)
	}
	if c.id == "LZ-FH-0001" {
		c.level = national
	}
	for i := range c.quality {
		c.quality[i] = math.Max(0.75, base*(1+0.08*r.NormFloat64()))
		if planned && slices.Contains(p.poor, demoFirstAY+i) {
			c.quality[i] = between(r, 0.3, 0.4)
		}
	}
}

func cityDistrict(district string) string {
	if strings.HasPrefix(district, "兰州") {
		return district
	}
	return "兰州" + district
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// carrierName draws a realistic name for c with the given brand.
func carrierName(r *rand.Rand, c *carrier, brand string) string {
	d := c.district
	s := pick(r, specialties)
	spec := c.track == specialized
	switch c.kind {
	case makerSpace:
		if spec {
			return []string{"兰州" + brand + s + "众创空间", d + brand + s + "众创空间"}[r.IntN(2)]
		}
		return []string{cityDistrict(d) + brand + "众创空间", brand + "创客众创空间", "甘肃" + brand + "众创空间", "兰州" + brand + "青年众创空间"}[r.IntN(4)]
	case incubator:
		if spec {
			return []string{"兰州" + brand + s + "科技企业孵化器", "甘肃" + brand + s + "孵化器"}[r.IntN(2)]
		}
		return []string{"兰州" + brand + "科技企业孵化器", d + brand + "科技企业孵化器", "甘肃" + brand + "科技企业孵化器"}[r.IntN(3)]
	case innovationCenter:
		if spec {
			return []string{d + s + "双创中心", "兰州" + brand + s + "双创中心"}[r.IntN(2)]
		}
		return []string{d + brand + "双创中心", "兰州" + brand + "双创中心"}[r.IntN(2)]
	default:
		if spec {
			return []string{d + s + "创业就业孵化示范基地", d + brand + s + "创业就业孵化示范基地"}[r.IntN(2)]
		}
		return []string{d + pick(r, groups) + "创业就业孵化示范基地", "兰州" + brand + "创业就业孵化示范基地"}[r.IntN(2)]
	}
}

func operatorName(r *rand.Rand, c *carrier, brand string) string {
	prefix := []string{"兰州", "甘肃"}[r.IntN(2)]
	ind := pick(r, industries)
	if c.kind == demoBase && r.IntN(2) == 0 {
		ind = "人力资源服务"
	}
	return prefix + brand + ind + pick(r, companyForms)
}

// nameCarriers gives every carrier a unique name and an operator with a valid
// USCC; the carriers of operatorPairs share their partner's operator.
func (d *demo) nameCarriers() error {
	r := d.r
	names, operators, codes := map[string]bool{}, map[string]bool{}, map[string]bool{}
	shared := map[string]string{}
	for _, p := range operatorPairs {
		shared[p[0]] = p[1]
	}
	for _, c := range d.carriers {
		if _, ok := shared[c.id]; ok {
			continue
		}
		for {
			c.brand = pick(r, brands)
			if c.operator = operatorName(r, c, c.brand); !operators[c.operator] {
				break
			}
		}
		operators[c.operator] = true
		for {
			code, err := uscc.Complete('9', '1', c.division, usccBody(r))
			if err != nil {
				return fmt.Errorf("operator code: %w", err)
			}
			if !codes[code] {
				c.uscc, codes[code] = code, true
				break
			}
		}
	}
	for _, p := range operatorPairs {
		c, partner := d.byID[p[0]], d.byID[p[1]]
		c.brand, c.operator, c.uscc = partner.brand, partner.operator, partner.uscc
	}
	for _, c := range d.carriers {
		for try := 0; ; try++ {
			brand := c.brand
			if try > 3 {
				brand = pick(r, brands) // the operator's brand is taken; use another
			}
			if c.name = carrierName(r, c, brand); !names[c.name] {
				break
			}
		}
		names[c.name] = true
	}
	return nil
}

// makeReports draws c's quarterly reports from its recognition quarter (or
// 2018Q4) to 2025Q3, leaving out the quarters its story skips.
func (d *demo) makeReports(c *carrier) []*report {
	r := d.r
	p := plots[c.id]
	s := levelScale[c.level]
	ry, rq := quarterOf(c.recognized)
	first := max(qkey(ry, rq), qkey(demoFirstYear, demoFirstQuarter))
	var out []*report
	prev := 0
	for k := first; k <= qkey(demoLastYear, demoLastQuarter); k++ {
		y, q := k/4, k%4+1
		ay := y
		if q == 4 {
			ay++
		}
		if slices.Contains(p.skip, k) || (p.last != 0 && k > p.last) {
			continue
		}
		qual := c.quality[ay-demoFirstAY]
		poor := slices.Contains(p.poor, ay)
		filedRatio, exitRate, lateProb := c.filedRatio, c.exitRate, c.lateProb
		if poor {
			filedRatio, exitRate, lateProb = between(r, 0.5, 0.7), between(r, 0.4, 0.6), 0.25
		}
		noise := func() float64 { return between(r, 0.8, 1.2) }
		rp := &report{carrier: c.id, year: y, quarter: q}
		rp.incubating = max(1, int(math.Round(s.incubating*qual*between(r, 0.9, 1.1))))
		rp.filed = min(rp.incubating, int(float64(rp.incubating)*filedRatio*between(r, 0.97, 1.03)))
		rp.graduated = stochRound(r, s.graduated*qual/4*noise())
		rp.exited = stochRound(r, float64(rp.incubating)*exitRate/4*noise())
		if prev == 0 {
			rp.newEntrants = stochRound(r, float64(rp.incubating)*0.25)
		} else {
			rp.newEntrants = max(0, rp.incubating-prev+rp.graduated+rp.exited)
		}
		prev = rp.incubating
		rp.trainings = stochRound(r, s.trainings*qual/4*noise())
		if rp.trainings > 0 {
			rp.trainees = stochRound(r, float64(rp.trainings)*s.trainees/s.trainings*noise())
		}
		rp.events = stochRound(r, s.events*qual/4*noise())
		rp.jobs = int(math.Round(float64(rp.incubating) * s.jobs / s.incubating * noise()))
		rp.revenue = int64(math.Round(s.revenue * qual / 4 * noise() * 100))
		rp.ip = stochRound(r, float64(rp.incubating)*0.1*noise())
		if r.Float64() < 0.75 || p.excellent {
			rp.financing = int64(math.Round(s.financing * qual / 4 * noise() * 100 / 0.75))
			rp.financed = min(rp.incubating, 1+r.IntN(max(1, rp.incubating/8)))
		}
		rp.utilization = int(clamp(math.Round(100*(0.5+0.35*math.Min(qual, 1.2)/1.2+between(r, -0.05, 0.05))), 20, 99))
		if r.Float64() < 0.04 {
			rp.utilization = -1
		}
		end := quarterEnd(y, q)
		late := r.Float64() < lateProb
		switch {
		case late && k == qkey(demoLastYear, demoLastQuarter):
			rp.submitted = end.AddDate(0, 0, 20+r.IntN(12)) // the demo's data ends in October 2025
		case late:
			rp.submitted = end.AddDate(0, 0, 20+r.IntN(41))
		default:
			rp.submitted = end.AddDate(0, 0, 3+r.IntN(12))
		}
		out = append(out, rp)
	}
	return out
}

func (d *demo) find(id string, y, q int) *report {
	for _, rp := range d.reports[id] {
		if rp.year == y && rp.quarter == q {
			return rp
		}
	}
	return nil
}

// revisedReport pairs a resubmitted row with its note for 备注.
type revisedReport struct {
	rp   *report
	note string
}

// makeRevisions fixes the first submissions of the revised carriers, draws
// their revisions, and moves the supplement out of its district file.
func (d *demo) makeRevisions() ([]revisedReport, error) {
	r := d.r
	var out []revisedReport
	for _, rv := range revisions2025Q2 {
		orig := d.find(rv.id, 2025, 2)
		if orig == nil {
			return nil, fmt.Errorf("revision of %s: no 2025Q2 report", rv.id)
		}
		orig.submitted = day(rv.original[0], rv.original[1], rv.original[2])
		n := *orig
		n.submitted = day(rv.revised[0], rv.revised[1], rv.revised[2])
		n.revenue = int64(math.Round(float64(n.revenue) * between(r, 0.8, 1.3)))
		n.trainees += r.IntN(40) - 10
		n.incubating = max(1, n.incubating+r.IntN(5)-1)
		n.filed = min(n.filed, n.incubating)
		n.financed = min(n.financed, n.incubating)
		n.jobs += r.IntN(20)
		out = append(out, revisedReport{&n, rv.note})
	}
	sp := supplement2025Q2
	rp := d.find(sp.id, 2025, 2)
	if rp == nil {
		return nil, fmt.Errorf("supplement of %s: no 2025Q2 report", sp.id)
	}
	rp.submitted = day(sp.submitted[0], sp.submitted[1], sp.submitted[2])
	rs := d.reports[sp.id]
	d.reports[sp.id] = slices.DeleteFunc(rs, func(x *report) bool { return x == rp })
	out = append(out, revisedReport{rp, "补报"})
	return out, nil
}

// placeDefects marks the reports that become bad rows, and adds the two bad
// rows that have no report of their own (unknown carrier, duplicate).
func (d *demo) placeDefects() error {
	used := map[string]bool{}
	for _, df := range demoDefects {
		var target *report
		for _, c := range d.carriers {
			ay := df.year
			if df.quarter == 4 {
				ay++
			}
			// A good carrier, so that losing the quarter costs points, not a grade.
			if c.district != df.district || isStory(c.id) || isPlantedBase(c.id) || used[c.id] || c.quality[ay-demoFirstAY] < 0.8 {
				continue
			}
			if rp := d.find(c.id, df.year, df.quarter); rp != nil {
				target, used[c.id] = rp, true
				break
			}
		}
		if target == nil {
			return fmt.Errorf("defect %s: no carrier in %s reported %dQ%d", df.rule, df.district, df.year, df.quarter)
		}
		switch df.rule {
		case "unknown_carrier":
			x := *target
			x.carrier = unknownCarrier
			d.extra = append(d.extra, &x)
			d.defects[&x] = df.rule
		case "duplicate_row":
			x := *target
			x.revenue += 12345
			x.submitted = x.submitted.AddDate(0, 0, 1)
			d.extra = append(d.extra, &x)
			d.defects[&x] = df.rule
		case "filed_exceeds_incubating":
			target.filed = target.incubating + 4
			d.defects[target] = df.rule
		case "submitted_before_quarter_end":
			target.submitted = quarterEnd(target.year, target.quarter).AddDate(0, 0, -6)
			d.defects[target] = df.rule
		default: // rendered differently, see applyDefect
			d.defects[target] = df.rule
		}
	}
	return nil
}

// applyDefect changes the rendered cells of a bad row.
func applyDefect(rule string, cells []any) {
	switch rule {
	case "ratio_out_of_range":
		cells[colUtilization] = "150%"
	case "negative_value":
		cells[colNewEntrants] = -3
	case "quarter_out_of_range":
		cells[colQuarter] = 5
	case "unparseable_date":
		cells[colSubmitted] = "2025-13-45"
	}
}

func (d *demo) planRegistry() {
	s := &sheet{
		name:       "载体名录",
		dateFormat: "yyyy-mm-dd",
		widths:     []float64{12, 36, 22, 36, 10, 20, 6, 6, 12, 12, 10, 10, 8, 12, 8, 8},
	}
	s.add("兰州市双创载体名录（截至2025年9月30日）")
	s.add(toAny(registryHeaderZh)...)
	for _, c := range d.carriers {
		row := []any{
			c.id, c.name, c.uscc, c.operator, c.district,
			kindZh[c.kind], trackZh[c.track], levelZh[c.level],
			excelDate(serial(c.recognized)), optDate(c.founded),
			optFloat(c.area), optFloat(c.serviceArea), optInt(c.workstations),
			optDate(c.leaseEnd), optInt(c.staff), nil,
		}
		if c.virtual >= 0 {
			row[15] = []string{"否", "是"}[c.virtual]
		}
		s.add(row...)
	}
	d.files = append(d.files, demoFile{path: "registry/载体名录.xlsx", book: &book{
		path: "registry/载体名录.xlsx", title: "兰州市双创载体名录", sheets: []*sheet{s},
	}})
}

func toAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func optDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return excelDate(serial(t))
}

func optFloat(x float64) any {
	if x < 0 {
		return nil
	}
	return x
}

func optInt(x int) any {
	if x < 0 {
		return nil
	}
	return x
}

// sheetStyle is how one district's clerk filled one year's sheet.
type sheetStyle struct {
	quarter int  // 0 number, 1 "Q3", 2 "第三季度", 3 mixed row by row
	percent bool // utilization as "85%" text
	date    int  // 0 Excel date cell, 1 "2025/3/31", 2 "2025年3月31日"
	text    bool // numbers typed as text
	kyuan   bool // revenue in 千元
}

func styleOf(district int, year int) sheetStyle {
	st := sheetStyle{
		quarter: (district + year) % 4,
		percent: (district+year)%2 == 0,
		date:    (2*district + year) % 3,
		kyuan:   lanzhou[district].name == kyuanDistrict,
		text:    lanzhou[district].name == "皋兰县" && year == 2021,
	}
	if lanzhou[district].name == "七里河区" && year == 2025 {
		st.percent = true // holds the ratio_out_of_range row
	}
	return st
}

func (st sheetStyle) cells(rp *report, n int) []any {
	num := func(x int) any {
		if st.text {
			return strconv.Itoa(x)
		}
		return x
	}
	money := func(c int64, kyuan bool) any {
		v := float64(c) / 100
		if kyuan {
			v = float64(c) / 10
		}
		if st.text {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return v
	}
	cells := make([]any, len(quarterlyHeaderZh))
	cells[colCarrier] = rp.carrier
	cells[colYear] = num(rp.year)
	qs := st.quarter
	if qs == 3 {
		qs = n % 3
	}
	switch qs {
	case 0:
		cells[colQuarter] = num(rp.quarter)
	case 1:
		cells[colQuarter] = "Q" + strconv.Itoa(rp.quarter)
	default:
		cells[colQuarter] = quarterZh[rp.quarter]
	}
	switch st.date {
	case 0:
		cells[colSubmitted] = excelDate(serial(rp.submitted))
	case 1:
		cells[colSubmitted] = rp.submitted.Format("2006/1/2")
	default:
		cells[colSubmitted] = rp.submitted.Format("2006年1月2日")
	}
	cells[colIncubating] = num(rp.incubating)
	cells[colFiled] = num(rp.filed)
	cells[colNewEntrants] = num(rp.newEntrants)
	cells[colGraduated] = num(rp.graduated)
	cells[colExited] = num(rp.exited)
	cells[colTrainings] = num(rp.trainings)
	cells[colTrainees] = num(rp.trainees)
	cells[colEvents] = num(rp.events)
	cells[colJobs] = num(rp.jobs)
	cells[colRevenue] = money(rp.revenue, st.kyuan)
	cells[colIP] = num(rp.ip)
	cells[colFinancing] = money(rp.financing, false)
	cells[colFinanced] = num(rp.financed)
	switch {
	case rp.utilization < 0:
		cells[colUtilization] = nil
	case st.percent:
		cells[colUtilization] = strconv.Itoa(rp.utilization) + "%"
	case st.text:
		cells[colUtilization] = strconv.FormatFloat(float64(rp.utilization)/100, 'f', -1, 64)
	default:
		cells[colUtilization] = float64(rp.utilization) / 100
	}
	return cells
}

var quarterlyWidths = []float64{12, 6, 10, 14, 10, 10, 10, 8, 8, 8, 8, 8, 10, 12, 8, 12, 10, 8}

// districtReports returns the reports of one district (bad extra rows
// included) sorted by year, quarter, carrier, and original before duplicate.
func (d *demo) districtReports(district string) []*report {
	var out []*report
	for _, c := range d.carriers {
		if c.district == district {
			out = append(out, d.reports[c.id]...)
		}
	}
	for _, x := range d.extra {
		for _, df := range demoDefects {
			if d.defects[x] == df.rule && df.district == district {
				out = append(out, x)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ka, kb := qkey(a.year, a.quarter), qkey(b.year, b.quarter); ka != kb {
			return ka < kb
		}
		return a.carrier < b.carrier
	})
	return out
}

// planQuarterly plans one workbook per district (one sheet per year), except
// the GBK district, which planGBK writes as CSV.
func (d *demo) planQuarterly() {
	for di, dist := range lanzhou {
		if dist.name == gbkDistrict {
			continue
		}
		path := "quarterly/" + dist.name + "季度报表.xlsx"
		b := &book{path: path, title: dist.name + "双创载体季度报表"}
		var s *sheet
		var st sheetStyle
		year, lastQuarter := 0, 0
		for _, rp := range d.districtReports(dist.name) {
			if rp.year != year {
				year, lastQuarter = rp.year, rp.quarter
				st = styleOf(di, year)
				s = &sheet{name: strconv.Itoa(year) + "年", dateFormat: "yyyy/m/d", widths: quarterlyWidths}
				s.add(strconv.Itoa(year) + "年季度报表（" + dist.name + "）")
				header := toAny(quarterlyHeaderZh)
				if st.kyuan {
					header[colRevenue] = "在孵企业营收(千元)"
				}
				s.add(header...)
				b.sheets = append(b.sheets, s)
			}
			if dist.name == "城关区" && year == 2021 && rp.quarter == 3 && lastQuarter == 2 {
				s.rows = append(s.rows, nil) // a blank row between the Q2 and Q3 blocks
			}
			lastQuarter = rp.quarter
			cells := st.cells(rp, len(s.rows))
			rule := d.defects[rp]
			applyDefect(rule, cells)
			n := s.add(cells...)
			if rule != "" {
				d.bad = append(d.bad, BadRow{path, s.name, n, rp.carrier, rp.year, rp.quarter, rule})
			}
		}
		d.files = append(d.files, demoFile{path: path, book: b})
	}
}

// planGBK writes the GBK district's reports as one CSV with ISO dates, the
// way an old Excel on a Chinese Windows saves it.
func (d *demo) planGBK() error {
	path := "quarterly/" + gbkDistrict + "季度报表.csv"
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(quarterlyHeaderZh); err != nil {
		return err
	}
	line := 1
	for _, rp := range d.districtReports(gbkDistrict) {
		util := ""
		if rp.utilization >= 0 {
			util = strconv.FormatFloat(float64(rp.utilization)/100, 'f', -1, 64)
		}
		rec := []string{
			rp.carrier, strconv.Itoa(rp.year), strconv.Itoa(rp.quarter), rp.submitted.Format("2006-01-02"),
			strconv.Itoa(rp.incubating), strconv.Itoa(rp.filed), strconv.Itoa(rp.newEntrants),
			strconv.Itoa(rp.graduated), strconv.Itoa(rp.exited), strconv.Itoa(rp.trainings),
			strconv.Itoa(rp.trainees), strconv.Itoa(rp.events), strconv.Itoa(rp.jobs),
			strconv.FormatFloat(float64(rp.revenue)/100, 'f', -1, 64), strconv.Itoa(rp.ip),
			strconv.FormatFloat(float64(rp.financing)/100, 'f', -1, 64), strconv.Itoa(rp.financed), util,
		}
		rule := d.defects[rp]
		cells := make([]any, len(rec))
		for i, v := range rec {
			cells[i] = v
		}
		applyDefect(rule, cells)
		for i, v := range cells {
			rec[i] = fmt.Sprint(v)
		}
		if err := w.Write(rec); err != nil {
			return err
		}
		line++
		if rule != "" {
			d.bad = append(d.bad, BadRow{path, "", line, rp.carrier, rp.year, rp.quarter, rule})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	data, err := simplifiedchinese.GBK.NewEncoder().Bytes(buf.Bytes())
	if err != nil {
		return fmt.Errorf("encode %s as GBK: %w", path, err)
	}
	d.files = append(d.files, demoFile{path: path, data: data})
	return nil
}

func (d *demo) planRevisions(revised []revisedReport) {
	st := sheetStyle{quarter: 2}
	s := &sheet{name: "2025年第二季度", dateFormat: "yyyy-mm-dd", widths: append(slices.Clone(quarterlyWidths), 24)}
	s.add("2025年第二季度季度报表补报与更正")
	s.add(append(toAny(quarterlyHeaderZh), "备注")...)
	for _, rv := range revised {
		s.add(append(st.cells(rv.rp, 0), rv.note)...)
	}
	path := "quarterly/补报与更正2025Q2.xlsx"
	d.files = append(d.files, demoFile{path: path, book: &book{path: path, title: "2025年第二季度补报与更正", sheets: []*sheet{s}}})
}

func (d *demo) planIncidents() {
	s := &sheet{name: "事件记录", dateFormat: "yyyy-mm-dd", widths: []float64{12, 12, 20, 60}}
	s.add("载体编号", "发生日期", "类型", "说明")
	for _, in := range demoIncidents {
		s.add(in.id, excelDate(serial(day(in.occurred[0], in.occurred[1], in.occurred[2]))), in.typ, in.note)
	}
	path := "incidents/事件记录.xlsx"
	d.files = append(d.files, demoFile{path: path, book: &book{path: path, title: "双创载体事件记录", sheets: []*sheet{s}}})
}

func (d *demo) planDeferrals() {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write([]string{"载体编号", "年度", "原因"})
	for _, df := range demoDeferrals {
		_ = w.Write([]string{df.id, strconv.Itoa(df.year), df.reason})
	}
	w.Flush() // writes to a bytes.Buffer cannot fail
	d.files = append(d.files, demoFile{path: "deferrals/暂缓评价.csv", data: buf.Bytes()})
}
