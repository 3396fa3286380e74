package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// TalentInfo says what WriteTalent wrote.
type TalentInfo struct {
	Path        string
	SHA256      string
	RunID       int64 // the stored decision it shows
	Nominations int   // the year's nominations
	Notice      int   // rows of 公示: those awarded and recommended
}

// ErrNoTalentRun says no decision of the year is stored.
var ErrNoTalentRun = errors.New("no talent selection stored")

// The sheets of the talent workbook; 新锐创客, 创业新秀 and 创业达人 are
// named by talent.TitleZH.
const (
	talentSheetSummary = "汇总"
	talentSheetNotice  = "公示"
	talentSheetQuota   = "名额"
	talentSheetOut     = "未入选"
	talentSheetMethod  = "说明"
)

// talentRun is the stored decision the workbook shows (view talent_runs).
type talentRun struct {
	id             int64
	year           int
	decidedAt, day time.Time
	code, nameZH   string
	sha, text      string
	// p is the programme text the decision read, parsed again: the views
	// have no table of criteria, and 说明 prints them from it. nil (with
	// loadErr) if it no longer parses.
	p       *talent.Programme
	loadErr error
}

// talentOutcomes is one row of talent_outcomes: a title's nominations of
// the year by outcome.
type talentOutcomes struct {
	title                                       string
	nominated, selected, waitlisted, ineligible int
}

// talentProgress is one row of talent_progress: a decided year.
type talentProgress struct {
	year, nominated                     int
	risingNow, risingTotal, risingQuota int
	risingShare                         sql.NullFloat64
	starNow, starTotal, starQuota       int
	starShare                           sql.NullFloat64
	masters                             int
}

// talentQuota is one row of talent_quota_rows.
type talentQuota struct {
	title, group                  string
	quota, before, now, remaining int
}

// talentPerson is one row of talent_people: awarded or recommended.
type talentPerson struct {
	title, group                   string
	rank                           sql.NullInt64
	id, name, idMasked             string
	enterprise, district, category string
	score, revenue                 sql.NullFloat64
	jobs, ip                       sql.NullInt64
}

// talentOut is one row of talent_not_selected.
type talentOut struct {
	id, name, idMasked, title, group, outcome string
	rank                                      sql.NullInt64
	reasons                                   []string
}

type talentBook struct {
	run      talentRun
	changed  int // nominations the decision did not see (talent_changed)
	outcomes []talentOutcomes
	progress []talentProgress
	quota    []talentQuota
	people   []talentPerson
	out      []talentOut
}

// of returns the people of title, in order.
func (b *talentBook) of(title string) []talentPerson {
	var out []talentPerson
	for _, p := range b.people {
		if p.title == title {
			out = append(out, p)
		}
	}
	return out
}

// readTalent reads the latest stored decision of year, by the named
// queries of sql/reports/talent.sql.
func readTalent(ctx context.Context, db *sql.DB, year int) (*talentBook, error) {
	args := []sql.NamedArg{sql.Named("year", year)}
	b := &talentBook{run: talentRun{year: year}}
	r := &b.run
	err := sqlfiles.Row(ctx, db, "talent_run", args...).Scan(&r.id, &r.decidedAt, &r.day, &r.code, &r.nameZH, &r.sha, &r.text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w for %d: run incubeval talent --year %d first / 尚无 %d 年的人才评选结果，请先运行 incubeval talent --year %d",
			ErrNoTalentRun, year, year, year, year)
	}
	if err != nil {
		return nil, fmt.Errorf("talent run: %w", err)
	}
	r.p, r.loadErr = talent.Load([]byte(r.text), fmt.Sprintf("programme of run %d", r.id))
	if err := sqlfiles.Row(ctx, db, "talent_changed", args...).Scan(&b.changed); err != nil {
		return nil, fmt.Errorf("talent_changed: %w", err)
	}
	if err := eachRow(ctx, db, "talent_outcomes", args, func(rows *sql.Rows) error {
		var o talentOutcomes
		if err := rows.Scan(&o.title, &o.nominated, &o.selected, &o.waitlisted, &o.ineligible); err != nil {
			return err
		}
		b.outcomes = append(b.outcomes, o)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, db, "talent_progress", args, func(rows *sql.Rows) error {
		var p talentProgress
		if err := rows.Scan(&p.year, &p.nominated, &p.risingNow, &p.risingTotal, &p.risingQuota, &p.risingShare,
			&p.starNow, &p.starTotal, &p.starQuota, &p.starShare, &p.masters); err != nil {
			return err
		}
		b.progress = append(b.progress, p)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, db, "talent_quota_rows", args, func(rows *sql.Rows) error {
		var q talentQuota
		if err := rows.Scan(&q.title, &q.group, &q.quota, &q.before, &q.now, &q.remaining); err != nil {
			return err
		}
		b.quota = append(b.quota, q)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, db, "talent_people", args, func(rows *sql.Rows) error {
		var p talentPerson
		if err := rows.Scan(&p.title, &p.group, &p.rank, &p.id, &p.name, &p.idMasked, &p.enterprise,
			&p.district, &p.category, &p.score, &p.jobs, &p.revenue, &p.ip); err != nil {
			return err
		}
		b.people = append(b.people, p)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, db, "talent_not_selected", args, func(rows *sql.Rows) error {
		var o talentOut
		var reasons any
		if err := rows.Scan(&o.id, &o.name, &o.idMasked, &o.title, &o.group, &o.outcome, &o.rank, &reasons); err != nil {
			return err
		}
		o.reasons = scannedStrings(reasons)
		b.out = append(b.out, o)
		return nil
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// WriteTalent writes the workbook of the latest stored 百千万 decision of
// year (SPEC §9) to path: 汇总, the programme's progress year by year
// toward its quotas, with charts; 新锐创客 by district and 创业新秀 by
// category, each group with its subtotal against the quota; 创业达人
// recommended; 公示, the list to publish; 名额, every group's quota; 未入选,
// the nominations waitlisted or ineligible with their reasons in Chinese;
// 说明, the programme's criteria and the rules. ID numbers are shown
// masked. Everything shown is what the decision stored (the scores, jobs
// and revenue are the nominations'); the same decision gives the same
// bytes.
func WriteTalent(ctx context.Context, db *sql.DB, year int, path string) (*TalentInfo, error) {
	b, err := readTalent(ctx, db, year)
	if err != nil {
		return nil, err
	}
	f := xlsx.New()
	defer f.Close()
	st, err := newTalentStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", talentSheetSummary); err != nil {
		return nil, err
	}
	for _, w := range []func(*excelize.File, *talentStyles, *talentBook) error{
		writeTalentSummary,
		func(f *excelize.File, st *talentStyles, b *talentBook) error {
			return writeTalentAwarded(f, st, b, talent.Rising)
		},
		func(f *excelize.File, st *talentStyles, b *talentBook) error {
			return writeTalentAwarded(f, st, b, talent.Star)
		},
		writeTalentMasters, writeTalentNotice, writeTalentQuota, writeTalentNotSelected, writeTalentMethod,
	} {
		if err := w(f, st, b); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	if err := xlsx.Props(f, b.run.titleZH("创业人才选拔")+" "+b.run.titleEN("Talent selection"), "", time.Time{}); err != nil {
		return nil, err
	}
	info := &TalentInfo{Path: path, RunID: b.run.id, Notice: len(b.people)}
	for _, o := range b.outcomes {
		info.Nominations += o.nominated
	}
	// Dated by the decision: the same decision, the same bytes.
	if info.SHA256, err = xlsx.Save(f, path, xlsx.Options{Stamp: xlsx.Stamp(b.run.decidedAt)}); err != nil {
		return nil, err
	}
	return info, nil
}

// titleZH is a sheet's title: "2022年度兰州市“百千万”创业引领工程 汇总".
func (r *talentRun) titleZH(what string) string {
	return fmt.Sprintf("%d年度%s %s", r.year, r.nameZH, what)
}

// titleEN is its English line.
func (r *talentRun) titleEN(what string) string {
	name := r.code
	if r.p != nil && r.p.NameEN != "" {
		name = r.p.NameEN
	}
	return fmt.Sprintf("%s: %s, %d", what, name, r.year)
}

// talentStyles are bookStyles and the numbers and subtotals of the lists.
type talentStyles struct {
	*bookStyles
	count, decimal, score, ratio int // bordered numbers
	subtotal, subtotalCount      int // a group's subtotal row: bold on grey
	warn                         int // a warning above a sheet's tables
	sha                          int // a SHA-256 at 10 points: 汇总 prints scaled
}

func newTalentStyles(f *excelize.File) (*talentStyles, error) {
	base, err := newBookStyles(f)
	if err != nil {
		return nil, err
	}
	s := &talentStyles{bookStyles: base}
	border := []excelize.Border{
		{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
	}
	font := &excelize.Font{Family: "SimSun", Size: 10}
	bold := &excelize.Font{Family: "SimSun", Size: 10, Bold: true}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	top := &excelize.Alignment{Vertical: "top"}
	fmts := []string{xlsx.FmtCount, xlsx.FmtDecimal, xlsx.FmtScore, xlsx.FmtRatio}
	for i, id := range []*int{&s.count, &s.decimal, &s.score, &s.ratio} {
		if *id, err = f.NewStyle(&excelize.Style{Font: font, Border: border, CustomNumFmt: &fmts[i], Alignment: top}); err != nil {
			return nil, err
		}
	}
	if s.subtotal, err = f.NewStyle(&excelize.Style{Font: bold, Border: border, Fill: grey,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return nil, err
	}
	if s.subtotalCount, err = f.NewStyle(&excelize.Style{Font: bold, Border: border, Fill: grey, CustomNumFmt: &fmts[0], Alignment: top}); err != nil {
		return nil, err
	}
	if s.sha, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Courier New", Size: 10}, Border: border, Alignment: top}); err != nil {
		return nil, err
	}
	if s.warn, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun", Size: 10, Bold: true, Color: "C00000"},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return nil, err
	}
	return s, nil
}

// talentOutcome is an outcome in Chinese.
func talentOutcome(code string) string { return label(talentOutcomeZH, code) }

// talentReasons are reason codes in Chinese, one a line.
func talentReasons(codes []string) string {
	var s string
	for i, c := range codes {
		if i > 0 {
			s += "\n"
		}
		s += label(talentReasonZH, c)
	}
	return s
}

// nullFloat and nullInt are v's value, or nil (an empty cell) when NULL.
func nullFloat(v sql.NullFloat64) any {
	if !v.Valid {
		return nil
	}
	return v.Float64
}

func nullInt(v sql.NullInt64) any {
	if !v.Valid {
		return nil
	}
	return v.Int64
}
