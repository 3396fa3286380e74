package sample

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/incubeval/incubeval/pipeline/uscc"
)

// nationalDistricts are where the national data set's carriers sit, with
// their administrative division codes (for the operators' USCCs).
var nationalDistricts = []struct{ city, name, division string }{
	{"北京", "北京市海淀区", "110108"}, {"北京", "北京市朝阳区", "110105"},
	{"天津", "天津市滨海新区", "120116"}, {"沈阳", "沈阳市浑南区", "210112"},
	{"哈尔滨", "哈尔滨市南岗区", "230103"}, {"上海", "上海市浦东新区", "310115"},
	{"上海", "上海市杨浦区", "310110"}, {"南京", "南京市鼓楼区", "320106"},
	{"杭州", "杭州市西湖区", "330106"}, {"合肥", "合肥市蜀山区", "340104"},
	{"福州", "福州市鼓楼区", "350102"}, {"厦门", "厦门市思明区", "350203"},
	{"济南", "济南市历下区", "370102"}, {"青岛", "青岛市崂山区", "370212"},
	{"郑州", "郑州市金水区", "410105"}, {"武汉", "武汉市洪山区", "420111"},
	{"长沙", "长沙市岳麓区", "430104"}, {"广州", "广州市天河区", "440106"},
	{"深圳", "深圳市南山区", "440305"}, {"南宁", "南宁市青秀区", "450103"},
	{"重庆", "重庆市渝北区", "500112"}, {"成都", "成都市武侯区", "510107"},
	{"贵阳", "贵阳市观山湖区", "520115"}, {"昆明", "昆明市五华区", "530102"},
	{"拉萨", "拉萨市城关区", "540102"}, {"西安", "西安市雁塔区", "610113"},
	{"兰州", "兰州市城关区", "620102"}, {"西宁", "西宁市城西区", "630104"},
	{"银川", "银川市金凤区", "640106"}, {"乌鲁木齐", "乌鲁木齐市天山区", "650102"},
}

// nationalSeed seeds the national data set; QuarterXLSX uses it too so that
// its carriers are National's.
const nationalSeed = 20160930

// natCarrier is a carrier of the national data set. Its reports are drawn
// from a generator seeded by (seed, quarter), so any one quarter can be drawn
// without the others.
type natCarrier struct {
	id, name, uscc, operator, district string
	kind, track, level                 int
	recognized, founded, leaseEnd      time.Time
	area, serviceArea                  float64
	workstations, staff                int
	virtual                            bool
	quality, filedRatio, exitRate      float64
	seed                               uint64
	first                              int // qkey of the recognition quarter
}

// nationalCarriers draws n carriers, all recognized between 2005 and
// 2016-09-30, so that each reports every quarter from 2016Q4 on. The first m
// carriers of nationalCarriers(n) are those of nationalCarriers(m).
func nationalCarriers(n int) ([]natCarrier, error) {
	r := rand.New(rand.NewPCG(nationalSeed, 1))
	out := make([]natCarrier, n)
	var counters [4]int
	span := int(day(2016, 9, 30).Sub(day(2005, 1, 1)) / (24 * time.Hour))
	for i := range out {
		c := &out[i]
		x := r.Float64()
		switch {
		case x < 0.45:
			c.kind = makerSpace
		case x < 0.75:
			c.kind = incubator
		case x < 0.85:
			c.kind = innovationCenter
		default:
			c.kind = demoBase
		}
		counters[c.kind]++
		c.id = "CN-" + kindPrefix[c.kind] + "-" + pad6(counters[c.kind])
		dist := nationalDistricts[r.IntN(len(nationalDistricts))]
		c.district = dist.name
		switch x := r.Float64(); {
		case x < 0.6:
			c.level = municipal
		case x < 0.87:
			c.level = provincial
		default:
			c.level = national
		}
		if r.Float64() < 0.35 {
			c.track = specialized
		}
		brand := pick(r, brands) + pick(r, brands)
		c.name = dist.name + brand
		if c.track == specialized {
			c.name += pick(r, specialties)
		}
		c.name += kindZh[c.kind]
		c.operator = dist.city + brand + pick(r, industries) + pick(r, companyForms)
		code, err := uscc.Complete('9', '1', dist.division, usccBody(r))
		if err != nil {
			return nil, fmt.Errorf("operator code: %w", err)
		}
		c.uscc = code
		c.recognized = day(2005, 1, 1).AddDate(0, 0, r.IntN(span+1))
		c.founded = c.recognized.AddDate(-1-r.IntN(6), -r.IntN(12), 0)
		if r.Float64() < 0.7 {
			c.leaseEnd = day(2026+r.IntN(8), 1+r.IntN(12), 1).AddDate(0, 0, -1)
		}
		c.area = math.Round(between(r, areaRange[c.kind][0], areaRange[c.kind][1]))
		c.serviceArea = math.Round(c.area*between(r, 0.5, 0.9)*10) / 10
		c.workstations = int(c.area / between(r, 8, 20))
		c.staff = 3 + r.IntN(28)
		c.virtual = c.kind == makerSpace && r.Float64() < 0.05
		c.quality = clamp(0.95+0.22*r.NormFloat64(), 0.4, 1.6)
		c.filedRatio = between(r, 0.8, 1.0)
		c.exitRate = between(r, 0.04, 0.25)
		c.seed = r.Uint64()
		ry, rq := quarterOf(c.recognized)
		c.first = qkey(ry, rq)
	}
	return out, nil
}

func pad6(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 6 {
		s = "0" + s
	}
	return s
}

// draw fills rp with c's report for quarter (y, q); r must wrap pcg.
func (c *natCarrier) draw(rp *report, r *rand.Rand, pcg *rand.PCG, y, q int) {
	pcg.Seed(c.seed, uint64(qkey(y, q)))
	s := levelScale[c.level]
	qual := c.quality * between(r, 0.9, 1.1)
	*rp = report{carrier: c.id, year: y, quarter: q}
	rp.incubating = max(1, int(s.incubating*qual*between(r, 0.9, 1.1)+0.5))
	rp.filed = min(rp.incubating, int(float64(rp.incubating)*c.filedRatio))
	rp.newEntrants = stochRound(r, float64(rp.incubating)*0.2)
	rp.graduated = stochRound(r, s.graduated*qual/4*between(r, 0.8, 1.2))
	rp.exited = stochRound(r, float64(rp.incubating)*c.exitRate/4)
	rp.trainings = stochRound(r, s.trainings*qual/4*between(r, 0.8, 1.2))
	rp.trainees = stochRound(r, float64(rp.trainings)*s.trainees/s.trainings*between(r, 0.8, 1.2))
	rp.events = stochRound(r, s.events*qual/4*between(r, 0.8, 1.2))
	rp.jobs = int(float64(rp.incubating)*s.jobs/s.incubating*between(r, 0.8, 1.2) + 0.5)
	rp.revenue = int64(s.revenue*qual/4*between(r, 0.8, 1.2)*100 + 0.5)
	rp.ip = stochRound(r, float64(rp.incubating)*0.1)
	if r.Float64() < 0.75 {
		rp.financing = int64(s.financing*qual/3*between(r, 0.8, 1.2)*100 + 0.5)
		rp.financed = min(rp.incubating, 1+r.IntN(max(1, rp.incubating/8)))
	}
	rp.utilization = int(clamp(50+30*qual+between(r, -5, 5), 20, 99))
	after := 3 + r.IntN(12)
	if r.Float64() < 0.05 {
		after = 20 + r.IntN(41)
	}
	rp.submitted = quarterEnd(y, q).AddDate(0, 0, after)
}

func checkRange(firstYear, firstQuarter, lastYear, lastQuarter int) error {
	if firstQuarter < 1 || firstQuarter > 4 || lastQuarter < 1 || lastQuarter > 4 {
		return fmt.Errorf("quarters must be 1–4, got %d and %d", firstQuarter, lastQuarter)
	}
	if qkey(firstYear, firstQuarter) > qkey(lastYear, lastQuarter) {
		return fmt.Errorf("first quarter %dQ%d is after last quarter %dQ%d", firstYear, firstQuarter, lastYear, lastQuarter)
	}
	return nil
}

// National writes a national-scale data set into dir: registry.csv and
// quarterly.csv, UTF-8 with English headers, English codes and ISO dates,
// every row valid. Every carrier reports every quarter from its recognition
// (at the latest 2016Q3) through the range, so with a range from 2016Q4 on
// quarterly.csv holds carriers × quarters rows.
func National(dir string, carriers int, firstYear, firstQuarter, lastYear, lastQuarter int) (registry, quarterly string, err error) {
	if err := checkRange(firstYear, firstQuarter, lastYear, lastQuarter); err != nil {
		return "", "", err
	}
	cs, err := nationalCarriers(carriers)
	if err != nil {
		return "", "", err
	}
	if registry, err = writeNationalRegistry(dir, cs); err != nil {
		return "", "", err
	}
	quarterly = filepath.Join(dir, "quarterly.csv")
	err = writeAtomic(quarterly, func(w *bufio.Writer) error {
		return writeNationalQuarterly(w, cs, qkey(firstYear, firstQuarter), qkey(lastYear, lastQuarter))
	})
	if err != nil {
		return "", "", err
	}
	return registry, quarterly, nil
}

// writeAtomic streams a file through a buffered writer into path.tmp and
// renames it into place.
func writeAtomic(path string, fill func(*bufio.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("create %s: %w", filepath.Base(path), err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s: %w", filepath.Base(path), err)
	}
	return nil
}

func writeNationalRegistry(dir string, cs []natCarrier) (string, error) {
	path := filepath.Join(dir, "registry.csv")
	err := writeAtomic(path, func(w *bufio.Writer) error {
		b := appendRecord(nil, registryHeaderEn)
		for i := range cs {
			c := &cs[i]
			b = append(b, c.id...)
			b = append(b, ',')
			b = append(b, c.name...)
			b = append(b, ',')
			b = append(b, c.uscc...)
			b = append(b, ',')
			b = append(b, c.operator...)
			b = append(b, ',')
			b = append(b, c.district...)
			b = append(b, ',')
			b = append(b, kindCode[c.kind]...)
			b = append(b, ',')
			b = append(b, trackCode[c.track]...)
			b = append(b, ',')
			b = append(b, levelCode[c.level]...)
			b = append(b, ',')
			b = c.recognized.AppendFormat(b, time.DateOnly)
			b = append(b, ',')
			b = c.founded.AppendFormat(b, time.DateOnly)
			b = append(b, ',')
			b = strconv.AppendFloat(b, c.area, 'f', -1, 64)
			b = append(b, ',')
			b = strconv.AppendFloat(b, c.serviceArea, 'f', -1, 64)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(c.workstations), 10)
			b = append(b, ',')
			if !c.leaseEnd.IsZero() {
				b = c.leaseEnd.AppendFormat(b, time.DateOnly)
			}
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(c.staff), 10)
			b = append(b, ',')
			b = strconv.AppendBool(b, c.virtual)
			b = append(b, '\n')
			if len(b) > 64<<10 {
				if _, err := w.Write(b); err != nil {
					return err
				}
				b = b[:0]
			}
		}
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	return path, nil
}

// appendRecord appends a CSV record of fields that need no quoting.
func appendRecord(b []byte, fields []string) []byte {
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f...)
	}
	return append(b, '\n')
}

func writeNationalQuarterly(w *bufio.Writer, cs []natCarrier, first, last int) error {
	pcg := rand.NewPCG(0, 0)
	r := rand.New(pcg)
	b := appendRecord(make([]byte, 0, 128<<10), quarterlyHeaderEn)
	var rp report
	for k := first; k <= last; k++ {
		y, q := k/4, k%4+1
		for i := range cs {
			c := &cs[i]
			if k < c.first {
				continue
			}
			c.draw(&rp, r, pcg, y, q)
			b = append(b, c.id...)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(y), 10)
			b = append(b, ',', byte('0'+q), ',')
			b = rp.submitted.AppendFormat(b, time.DateOnly)
			for _, v := range [...]int{rp.incubating, rp.filed, rp.newEntrants, rp.graduated, rp.exited, rp.trainings, rp.trainees, rp.events, rp.jobs} {
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(v), 10)
			}
			b = append(b, ',')
			b = appendHundredths(b, rp.revenue)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(rp.ip), 10)
			b = append(b, ',')
			b = appendHundredths(b, rp.financing)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(rp.financed), 10)
			b = append(b, ',', '0', '.', byte('0'+rp.utilization/10), byte('0'+rp.utilization%10), '\n')
			if len(b) > 64<<10 {
				if _, err := w.Write(b); err != nil {
					return err
				}
				b = b[:0]
			}
		}
	}
	_, err := w.Write(b)
	return err
}

// appendHundredths appends c/100 with two decimals.
func appendHundredths(b []byte, c int64) []byte {
	b = strconv.AppendInt(b, c/100, 10)
	f := c % 100
	return append(b, '.', byte('0'+f/10), byte('0'+f%10))
}

// QuarterXLSX writes registry.csv (National's carriers for the same count)
// and one small workbook per carrier with its report for one quarter, the
// way carriers upload their filled templates. It returns the registry path
// first, then the workbooks sorted. Carriers recognized after the quarter get
// no workbook.
func QuarterXLSX(dir string, carriers int, year, quarter int) ([]string, error) {
	if err := checkRange(year, quarter, year, quarter); err != nil {
		return nil, err
	}
	cs, err := nationalCarriers(carriers)
	if err != nil {
		return nil, err
	}
	registry, err := writeNationalRegistry(dir, cs)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "quarterly"), 0o755); err != nil {
		return nil, fmt.Errorf("create folder: %w", err)
	}
	t, err := newQuarterTemplate()
	if err != nil {
		return nil, err
	}
	suffix := "-" + strconv.Itoa(year) + "Q" + strconv.Itoa(quarter) + ".xlsx"
	paths := make([]string, len(cs))
	errs := make([]error, len(cs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 2 { // the benchmark machine has two cores
		wg.Add(1)
		go func() {
			defer wg.Done()
			pcg := rand.NewPCG(0, 0)
			r := rand.New(pcg)
			var rp report
			for i := range jobs {
				c := &cs[i]
				c.draw(&rp, r, pcg, year, quarter)
				paths[i] = filepath.Join(dir, "quarterly", c.id+suffix)
				errs[i] = writeQuarterBook(t, paths[i], &rp, c.name)
			}
		}()
	}
	for i := range cs {
		if qkey(year, quarter) >= cs[i].first {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
	out := []string{registry}
	var books []string
	for i, p := range paths {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if p != "" {
			books = append(books, p)
		}
	}
	sort.Strings(books)
	return append(out, books...), nil
}

func writeQuarterBook(t *quarterTemplate, path string, rp *report, name string) error {
	title := strconv.Itoa(rp.year) + "年" + quarterZh[rp.quarter] + "季度报表（" + name + "）"
	data, err := t.render(rp, title)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return replaceFile(path, data)
}
