// Package sample writes deterministic input files for incubeval: a small
// Lanzhou demo inbox with planted story lines and deliberate errors (Demo),
// and large uniform data sets for benchmarks (National, QuarterXLSX).
//
// Every generator draws from math/rand/v2's PCG with fixed seeds, never reads
// the clock and never iterates a map, so the same call writes the same bytes.
package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// Kinds, levels and tracks are indexes into the tables below.
const (
	makerSpace = iota
	incubator
	innovationCenter
	demoBase
)

const (
	municipal = iota
	provincial
	national
)

const (
	comprehensive = iota
	specialized
)

var (
	kindCode   = [4]string{"maker_space", "incubator", "innovation_center", "demo_base"}
	kindZh     = [4]string{"众创空间", "科技企业孵化器", "双创中心", "创业就业孵化示范基地"}
	kindPrefix = [4]string{"ZC", "FH", "SC", "JD"}
	levelCode  = [3]string{"municipal", "provincial", "national"}
	levelZh    = [3]string{"市级", "省级", "国家级"}
	trackCode  = [2]string{"comprehensive", "specialized"}
	trackZh    = [2]string{"综合", "专业"}
)

// scale is what a carrier of quality 1.0 achieves in a year at each level.
// The numbers mirror the default rubric's targets so that generated scores
// spread sensibly; grading itself lives in sql/, not here.
type scale struct {
	trainings, trainees, events, incubating, graduated, jobs float64
	revenue, financing                                       float64 // 万元 a year
}

var levelScale = [3]scale{
	{12, 300, 10, 20, 3, 100, 2000, 300},
	{18, 500, 15, 40, 5, 200, 5000, 800},
	{24, 800, 20, 60, 8, 400, 10000, 1500},
}

// Chinese headers of SPEC §3, in table order.
var (
	registryHeaderZh = []string{
		"载体编号", "载体名称", "运营主体统一社会信用代码", "运营主体名称", "区县",
		"载体类型", "类别", "级别", "认定日期", "运营主体成立日期",
		"场地面积(平方米)", "办公及公共服务面积(平方米)", "工位数", "租赁截止日期",
		"管理服务人员数", "虚拟空间",
	}
	registryHeaderEn = []string{
		"carrier_id", "name", "operator_uscc", "operator_name", "district",
		"kind", "track", "level", "recognized_on", "founded_on",
		"area_m2", "service_area_m2", "workstations", "lease_end",
		"staff", "virtual",
	}
	quarterlyHeaderZh = []string{
		"载体编号", "年度", "季度", "报送日期", "在孵企业(团队)数", "已备案在孵企业数",
		"新入孵企业数", "毕业企业数", "退出企业数", "培训辅导次数", "培训人次",
		"创业活动次数", "在孵企业从业人数", "在孵企业营收(万元)", "知识产权授权数",
		"获得投融资金额(万元)", "获投融资企业数", "场地使用率",
	}
	quarterlyHeaderEn = []string{
		"carrier_id", "year", "quarter", "submitted_on", "incubating", "filed",
		"new_entrants", "graduated", "exited", "trainings", "trainees",
		"events", "jobs", "revenue", "ip_granted",
		"financing", "financed", "utilization",
	}
)

// Column indexes of the quarterly header.
const (
	colCarrier = iota
	colYear
	colQuarter
	colSubmitted
	colIncubating
	colFiled
	colNewEntrants
	colGraduated
	colExited
	colTrainings
	colTrainees
	colEvents
	colJobs
	colRevenue
	colIP
	colFinancing
	colFinanced
	colUtilization
)

// usccAlphabet is the character set of GB 32100 (no I, O, Z, S, V).
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// report is one quarterly row. Money is kept in hundredths of 万元 and the
// utilization in whole percent so that every rendering is exact.
type report struct {
	carrier       string
	year, quarter int
	submitted     time.Time
	incubating    int
	filed         int
	newEntrants   int
	graduated     int
	exited        int
	trainings     int
	trainees      int
	events        int
	jobs          int
	revenue       int64 // 0.01 万元
	ip            int
	financing     int64 // 0.01 万元
	financed      int
	utilization   int // percent; -1 = blank
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// quarterEnd is the last day of quarter q of year y.
func quarterEnd(y, q int) time.Time { return day(y, 3*q+1, 1).AddDate(0, 0, -1) }

// quarterOf is the calendar quarter containing t.
func quarterOf(t time.Time) (int, int) { return t.Year(), (int(t.Month())-1)/3 + 1 }

// qkey orders quarters: qkey(y, q) < qkey(y', q') iff (y, q) is earlier.
func qkey(y, q int) int { return y*4 + q - 1 }

// excelEpoch is day 0 of Excel's 1900 date system for dates after 1 March 1900.
var excelEpoch = day(1899, 12, 30)

// serial is t as an Excel date serial.
func serial(t time.Time) float64 { return float64(t.Sub(excelEpoch) / (24 * time.Hour)) }

var quarterZh = [5]string{"", "第一季度", "第二季度", "第三季度", "第四季度"}

// stochRound rounds x down or up with the probability of its fraction, so
// that sums over many quarters keep the expected total.
func stochRound(r *rand.Rand, x float64) int {
	if x <= 0 {
		return 0
	}
	f := math.Floor(x)
	if r.Float64() < x-f {
		f++
	}
	return int(f)
}

// between draws uniformly from [lo, hi).
func between(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// usccBody draws the eight-character organisation-code body of a USCC.
func usccBody(r *rand.Rand) string {
	var b [8]byte
	for i := range b {
		if i < 2 || r.IntN(4) > 0 {
			b[i] = usccAlphabet[r.IntN(10)]
		} else {
			b[i] = usccAlphabet[r.IntN(len(usccAlphabet))]
		}
	}
	return string(b[:])
}

// writeFile writes data to path through a temporary file and a rename, so a
// reader never sees half a file.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	return replaceFile(path, data)
}

// replaceFile is writeFile into a folder that exists.
func replaceFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s: %w", filepath.Base(path), err)
	}
	return nil
}
