// Package talent decides the 百千万 programme's yearly selection (SPEC §9):
// 新锐创客 (rising) by district quota, 创业新秀 (star) by category quota,
// and 创业达人 (master) recommended to the province. The programme —
// years, selection day, criteria and quotas — is data: a strict YAML file,
// the embedded default being seed 001's.
package talent

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"github.com/incubeval/incubeval/pipeline/rubric"
)

// Titles, highest first: the order they are decided in.
const (
	Master = "master" // 创业达人, recommended to the province
	Star   = "star"   // 创业新秀, by category
	Rising = "rising" // 新锐创客, by district
)

// Titles lists the titles highest first.
var Titles = []string{Master, Star, Rising}

// TitleZH names a title in Chinese.
func TitleZH(t string) string {
	switch t {
	case Master:
		return "创业达人"
	case Star:
		return "创业新秀"
	case Rising:
		return "新锐创客"
	}
	return t
}

// Criteria are a title's (annex 1), on the selection day D.
type Criteria struct {
	FoundedWithinYears int     `yaml:"founded_within_years"` // founded_on > D − N years
	MinJobs            int     `yaml:"min_jobs"`
	JobsStable         bool    `yaml:"jobs_stable,omitempty"`
	MinRevenue         float64 `yaml:"min_revenue"` // 万元
	MinIPCount         int     `yaml:"min_ip_count,omitempty"`
	Prospect           bool    `yaml:"prospect,omitempty"`
	Influence          bool    `yaml:"influence,omitempty"`
	CleanRecord        bool    `yaml:"clean_record,omitempty"`
}

// Group is a quota group: a district (rising) or a category (star).
type Group struct {
	Name  string `yaml:"name"`
	Quota int    `yaml:"quota"`
	Note  string `yaml:"note,omitempty"`
}

type file struct {
	Version      int                 `yaml:"version"`
	Code         string              `yaml:"code"`
	NameZH       string              `yaml:"name_zh"`
	NameEN       string              `yaml:"name_en,omitempty"`
	Source       string              `yaml:"source,omitempty"`
	Years        []int               `yaml:"years"`
	SelectionDay string              `yaml:"selection_day"`
	Criteria     map[string]Criteria `yaml:"criteria"`
	Categories   []Group             `yaml:"categories"`
	Districts    []Group             `yaml:"districts"`
}

// Programme is a parsed, validated programme file.
type Programme struct {
	Code, NameZH, NameEN, Source string
	Years                        []int
	Month, Day                   int // the selection day
	Criteria                     map[string]Criteria
	Categories, Districts        []Group
	Text                         []byte
	SHA256                       string
}

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML is the embedded programme (seed 001).
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Default is the embedded programme.
func Default() *Programme {
	p, err := Load(defaultYAML, "pipeline/talent/default.yaml")
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return p
}

// SelectionDay is D of year y.
func (p *Programme) SelectionDay(y int) time.Time {
	return time.Date(y, time.Month(p.Month), p.Day, 0, 0, 0, 0, time.UTC)
}

// InYears reports whether y is a programme year.
func (p *Programme) InYears(y int) bool { return slices.Contains(p.Years, y) }

// DistrictNames and CategoryNames list the quota groups in order.
func (p *Programme) DistrictNames() []string { return names(p.Districts) }
func (p *Programme) CategoryNames() []string { return names(p.Categories) }

func names(gs []Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

const maxFileSize = 1 << 20

// LoadFile loads a programme file.
func LoadFile(path string) (*Programme, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open programme: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file / 不是普通文件", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read programme: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a programme", path, maxFileSize)
	}
	return Load(data, path)
}

// Load parses a programme strictly and validates it; name prefixes errors,
// with the line where there is one.
func Load(data []byte, name string) (p *Programme, err error) {
	defer rubric.GuardYAML(name, &err)
	var f file
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		return nil, rubric.YAMLError(name, err)
	}
	if _, err := rubric.CheckSchema(data, name, "programme", reflect.TypeFor[file]()); err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) error {
		return &rubric.FileError{File: name, Msg: fmt.Sprintf(format, args...)}
	}
	if f.Version != 1 {
		return nil, fail("version %d: a programme file is version 1", f.Version)
	}
	if f.Code == "" || len(f.Code) > 64 || strings.ContainsAny(f.Code, " \t\n/\\'\"") {
		return nil, fail("code %q: a short code without spaces, quotes or slashes", f.Code)
	}
	if len(f.Years) == 0 || len(f.Years) > 20 {
		return nil, fail("years: list the programme's years (at most 20)")
	}
	for i, y := range f.Years {
		if y < 2000 || y > 2200 || (i > 0 && y <= f.Years[i-1]) {
			return nil, fail("years: %d: years 2000–2200, ascending, each once", y)
		}
	}
	mm, dd, ok := strings.Cut(f.SelectionDay, "-")
	month, err1 := strconv.Atoi(mm)
	day, err2 := strconv.Atoi(dd)
	if !ok || err1 != nil || err2 != nil || len(mm) != 2 || len(dd) != 2 ||
		time.Date(2001, time.Month(month), day, 0, 0, 0, 0, time.UTC).Format("01-02") != f.SelectionDay {
		return nil, fail("selection_day %q: MM-DD, a day every year has (e.g. \"11-30\")", f.SelectionDay)
	}
	for k := range f.Criteria {
		if !slices.Contains(Titles, k) {
			return nil, fail("criteria: unknown title %q (master, star, rising)", k)
		}
	}
	for _, t := range Titles {
		c, ok := f.Criteria[t]
		if !ok {
			return nil, fail("criteria: %s is missing", t)
		}
		if c.FoundedWithinYears < 1 || c.FoundedWithinYears > 100 || c.MinJobs < 0 || c.MinJobs > 1_000_000 ||
			c.MinIPCount < 0 || c.MinIPCount > 1_000_000 || !(c.MinRevenue >= 0 && c.MinRevenue < 1e12) {
			return nil, fail("criteria.%s: founded_within_years 1–100, min_jobs and min_ip_count 0–1,000,000, min_revenue 0 … 10^12", t)
		}
		if c.MinRevenue*100 != float64(int64(c.MinRevenue*100)) {
			return nil, fail("criteria.%s: min_revenue %v has more than 2 decimals", t, c.MinRevenue)
		}
	}
	for _, gs := range []struct {
		key string
		gs  []Group
	}{{"categories", f.Categories}, {"districts", f.Districts}} {
		if len(gs.gs) == 0 || len(gs.gs) > 200 {
			return nil, fail("%s: list the quota groups (at most 200)", gs.key)
		}
		seen := map[string]bool{}
		for _, g := range gs.gs {
			n := strings.TrimSpace(g.Name)
			if n == "" || n != g.Name || len(n) > 100 || !utf8.ValidString(n) || strings.ContainsAny(n, "\n\r\t") {
				return nil, fail("%s: name %q: a name without spaces around it, at most 100 bytes", gs.key, g.Name)
			}
			if seen[n] {
				return nil, fail("%s: %s twice", gs.key, n)
			}
			seen[n] = true
			if g.Quota < 0 || g.Quota > 1_000_000 {
				return nil, fail("%s: %s: quota %d: 0–1,000,000", gs.key, n, g.Quota)
			}
		}
	}
	sum := sha256.Sum256(data)
	return &Programme{Code: f.Code, NameZH: f.NameZH, NameEN: f.NameEN, Source: f.Source, Years: f.Years,
		Month: month, Day: day, Criteria: f.Criteria, Categories: f.Categories, Districts: f.Districts,
		Text: bytes.Clone(data), SHA256: hex.EncodeToString(sum[:])}, nil
}

// Quota sums a list of groups' quotas.
func Quota(gs []Group) int {
	n := 0
	for _, g := range gs {
		n += g.Quota
	}
	return n
}
