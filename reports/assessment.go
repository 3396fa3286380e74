package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// AssessmentOptions of the officials' workbook.
type AssessmentOptions struct {
	// Final marks the workbook 定稿 (final) in its titles and properties,
	// for the published year; otherwise it is marked 草稿 (draft).
	Final bool
}

// AssessmentInfo says what WriteAssessment wrote.
type AssessmentInfo struct {
	Path          string
	Sheets        []string
	RankedRows    int // rows of 排名: the graded carriers
	IndicatorRows int // rows of 指标明细: graded carriers × indicators
	SHA256        string
}

// The sheets of assessment-Y.xlsx, in order (SPEC §5.2).
const (
	asmSheetSummary    = "概览"
	asmSheetRankings   = "排名"
	asmSheetRectify    = "限期整改"
	asmSheetDelist     = "摘牌与撤销"
	asmSheetFunding    = "资助"
	asmSheetCompliance = "数据报送"
	asmSheetIndicators = "指标明细"
	asmSheetMethod     = "说明"
	asmTitleZH         = "双创载体绩效评价结果"
)

// AssessmentSheets lists the workbook's sheets in order.
func AssessmentSheets() []string {
	return []string{asmSheetSummary, asmSheetRankings, asmSheetRectify, asmSheetDelist, asmSheetFunding, asmSheetCompliance, asmSheetIndicators, asmSheetMethod}
}

// ErrNotAssessed is returned for a year with no results.
var ErrNotAssessed = errors.New("year not assessed")

// WriteAssessment writes the ranked assessment workbook of year to path
// (SPEC §5.2). Every number in it is read from the views; the same database
// gives the same cell values.
func WriteAssessment(ctx context.Context, db *sql.DB, year int, path string, o AssessmentOptions) (*AssessmentInfo, error) {
	// Cancelled on return: stops a scanner whose sheet is never written.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run, err := loadAsmRun(ctx, db, year, o.Final)
	if err != nil {
		return nil, err
	}
	f := xlsx.New()
	defer f.Close()
	st, err := newAsmStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", asmSheetSummary); err != nil {
		return nil, err
	}
	info := &AssessmentInfo{Path: path}
	// The list sheets' queries run side by side while 概览 is written, and
	// each list's rows are written as soon as its data is read, by the
	// goroutine that read it (a list's rows need no workbook); the sheets
	// are then made in order around them.
	type loader struct {
		name string
		load func(context.Context, *sql.DB, *asmStyles, *asmRun) (*asmList, error)
	}
	loaders := []loader{{asmSheetRankings, loadAsmRankings}}
	if len(run.schemes) > 1 { // each scheme's own indicators, on its own sheet
		for _, s := range run.schemes {
			loaders = append(loaders, loader{s.sheet, loadAsmSchemeRankings(s)})
		}
	}
	loaders = append(loaders,
		loader{asmSheetRectify, loadAsmRectify},
		loader{asmSheetDelist, loadAsmDelist},
		loader{asmSheetFunding, loadAsmFunding},
		loader{asmSheetCompliance, loadAsmCompliance},
		loader{asmSheetIndicators, loadAsmIndicators},
	)
	streams := make([]*asmStream, len(loaders))
	loaded := make([]chan struct{}, len(loaders)) // closed when streams[i] or errs[i] is set
	errs := make([]error, len(loaders))
	bodyErrs := make([]error, len(loaders))
	var wg sync.WaitGroup
	// On any return the rows' goroutines are stopped and waited for, and
	// what they hold is freed.
	defer func() {
		cancel()
		wg.Wait()
		for _, s := range streams {
			if s != nil {
				s.rows.Discard()
			}
		}
	}()
	for i, l := range loaders {
		loaded[i] = make(chan struct{})
		wg.Go(func() {
			ls, err := l.load(ctx, db, st, run)
			if err != nil {
				errs[i] = fmt.Errorf("sheet %s: %w", l.name, err)
				close(loaded[i])
				return
			}
			s := newAsmStream(st, ls)
			streams[i] = s
			close(loaded[i])
			if err := s.body(); err != nil {
				bodyErrs[i] = fmt.Errorf("sheet %s: %w", l.name, err)
			}
		})
	}
	if err := writeAsmSummary(ctx, db, f, st, run); err != nil {
		return nil, fmt.Errorf("sheet %s: %w", asmSheetSummary, err)
	}
	for i := range loaders {
		<-loaded[i]
		if errs[i] != nil {
			return nil, errs[i]
		}
		if err := streams[i].makeSheet(f); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", loaders[i].name, err)
		}
	}
	if err := writeAsmMethod(ctx, db, f, st, run); err != nil {
		return nil, fmt.Errorf("sheet %s: %w", asmSheetMethod, err)
	}
	wg.Wait()
	if err := errors.Join(bodyErrs...); err != nil {
		return nil, err
	}
	rows := make([]*xlsx.Rows, len(streams))
	for i, s := range streams {
		if err := s.finish(); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", s.ls.name, err)
		}
		rows[i] = s.rows
	}
	lists := make([]*asmList, len(streams))
	for i, s := range streams {
		lists[i] = s.ls
	}
	for _, ls := range lists {
		switch ls.name {
		case asmSheetRankings:
			info.RankedRows = ls.n
		case asmSheetIndicators:
			info.IndicatorRows = ls.n
		}
	}
	// 概览, the first sheet, is active from the start. (SetActiveSheet would
	// parse every streamed sheet back into memory.)
	info.Sheets = f.GetSheetList()
	if err := f.SetDocProps(run.docProps()); err != nil {
		return nil, err
	}
	if info.SHA256, err = xlsx.Save(f, path, xlsx.Options{Stamp: run.stamp(), Rows: rows}); err != nil {
		return nil, fmt.Errorf("save %s: %w", path, err)
	}
	return info, nil
}

// asmRun is what every sheet needs to know about the year's results: the
// run that computed them and the rubric it used.
type asmRun struct {
	year                   int
	runID                  int64
	windowStart, windowEnd time.Time
	windowKind             string
	computedAt             time.Time
	cutoff                 sql.NullTime
	budget                 sql.NullInt64
	rubricSHA              string
	// rubric is the rubric the run recorded, read only for what the run
	// stores no table of: the vetoes and the funding tiers and factors (说明,
	// 资助); nil if the stored text no longer parses. Schemes, indicators,
	// grades and constants are read from what the run stored (schemes,
	// params).
	rubric    *rubric.Normalized
	params    asmParams
	published bool
	final     bool
	hasPrev   bool // year-1 has results to compare with
	// details are the indicator rows, read once (indicatorRows).
	details struct {
		once sync.Once
		rows []asmDetail
		err  error
	}
	// schemes are the run's schemes with their indicators; indicators are
	// all of them, scheme after scheme.
	schemes    []*rubricScheme
	indicators []rubricIndicator
	// reportingWeight is the run's weight of the reporting indicator.
	reportingWeight sql.NullFloat64
}

// asmParams are the run's thresholds and constants (view rubric_params);
// valid is false for a run stored before they were kept whose rubric no
// longer reads.
type asmParams struct {
	valid                 bool
	excellent, good, pass float64
	quotaShare            float64
	quotaScope            string
	onTime, late, missing float64
	decidedOn             time.Time // the decision date of the year
	rectifyDays, banYears int
	roundDownTo           int64
}

func loadAsmRun(ctx context.Context, db *sql.DB, year int, final bool) (*asmRun, error) {
	r := &asmRun{year: year, final: final}
	var runID sql.NullInt64
	var start, end sql.NullTime
	var published sql.NullBool
	err := sqlfiles.Row(ctx, db, "assessment_year", sql.Named("year", year)).Scan(&runID, &start, &end, &published)
	if err != nil {
		return nil, fmt.Errorf("read assessments: %w", err)
	}
	if !runID.Valid {
		return nil, fmt.Errorf("%w: %d has no results; run `incubeval assess --year %d` first / %d 年尚未评价", ErrNotAssessed, year, year, year)
	}
	r.runID, r.windowStart, r.windowEnd, r.published = runID.Int64, start.Time, end.Time, published.Bool
	var yamlText string
	err = sqlfiles.Row(ctx, db, "assessment_run", sql.Named("run_id", r.runID)).
		Scan(&r.windowKind, &r.computedAt, &r.cutoff, &r.budget, &r.rubricSHA, &yamlText)
	if err != nil {
		return nil, fmt.Errorf("read assessment run %d: %w", r.runID, err)
	}
	if rb, err := rubric.LoadNormalized([]byte(yamlText), "assessment_runs.rubric_yaml"); err == nil {
		r.rubric = rb
	}
	err = sqlfiles.Row(ctx, db, "assessment_params", sql.Named("year", year), sql.Named("run_id", r.runID)).
		Scan(&r.params.excellent, &r.params.good, &r.params.pass, &r.params.quotaShare, &r.params.quotaScope, &r.params.onTime, &r.params.late, &r.params.missing,
			&r.params.decidedOn, &r.params.rectifyDays, &r.params.banYears, &r.params.roundDownTo)
	switch {
	case err == nil:
		r.params.valid = true
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("read rubric parameters of run %d: %w", r.runID, err)
	}
	err = sqlfiles.Row(ctx, db, "assessment_reporting_weight", sql.Named("run_id", r.runID)).Scan(&r.reportingWeight)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read indicators of run %d: %w", r.runID, err)
	}
	var prev int
	if err := sqlfiles.Row(ctx, db, "assessment_graded_count", sql.Named("year", year-1)).Scan(&prev); err != nil {
		return nil, err
	}
	r.hasPrev = prev > 0
	if r.schemes, err = readSchemes(ctx, db, r.runID); err != nil {
		return nil, fmt.Errorf("read schemes of run %d: %w", r.runID, err)
	}
	for _, s := range r.schemes {
		r.indicators = append(r.indicators, s.indicators...)
	}
	if len(r.schemes) > 1 {
		asmSchemeSheets(r.schemes)
	}
	return r, nil
}

// plain says the run scored as SPEC §4.2 does (plainSchemes).
func (r *asmRun) plain() bool {
	return plainSchemes(r.schemes, r.params.valid, r.params.excellent, r.params.good, r.params.pass)
}

// mark is the status of the workbook in its titles.
func (r *asmRun) mark() (zh, en string) {
	if r.final {
		return "（定稿）", " (final)"
	}
	return "（草稿）", " (draft)"
}

// title of a sheet: "2025年度双创载体绩效评价结果 · 排名（定稿）  Assessment results 2025 · Rankings (final)".
func (r *asmRun) title(zh, en string) []excelize.RichTextRun {
	mz, me := r.mark()
	return xlsx.Title(fmt.Sprintf("%d年度%s · %s%s", r.year, asmTitleZH, zh, mz),
		fmt.Sprintf("Assessment results %d · %s%s", r.year, en, me))
}

// provenance is the line every note starts with: window, cut-off, run.
func (r *asmRun) provenance() string {
	return fmt.Sprintf("考核期 %s 至 %s；数据截止 %s；运行编号 %d。Window %s to %s; data cut-off %s; run %d.",
		asmDay(r.windowStart), asmDay(r.windowEnd), r.cutoffText(), r.runID,
		asmDay(r.windowStart), asmDay(r.windowEnd), r.cutoffText(), r.runID)
}

func (r *asmRun) cutoffText() string {
	if !r.cutoff.Valid {
		return "—"
	}
	return r.cutoff.Time.Format("2006-01-02 15:04")
}

func asmDay(t time.Time) string { return t.Format("2006-01-02") }

// stamp dates the workbook: the data cut-off of the run, or when the run
// computed (a run without data has no cut-off). The same results give the
// same bytes.
func (r *asmRun) stamp() time.Time {
	if r.cutoff.Valid {
		return xlsx.Stamp(r.cutoff.Time)
	}
	return xlsx.Stamp(r.computedAt)
}

// docProps mark the workbook draft or final; xlsx.Save dates them.
func (r *asmRun) docProps() *excelize.DocProperties {
	mz, me := r.mark()
	status := "草稿 Draft"
	if r.final {
		status = "定稿 Final"
	}
	return &excelize.DocProperties{
		Title:          fmt.Sprintf("%d年度%s%s Assessment results %d%s", r.year, asmTitleZH, mz, r.year, me),
		Subject:        fmt.Sprintf("双创载体年度绩效评价 Yearly assessment of innovation carriers, %d", r.year),
		Creator:        "incubeval",
		LastModifiedBy: "incubeval",
		Keywords:       fmt.Sprintf("run %d; rubric %s", r.runID, r.rubricSHA),
		Identifier:     fmt.Sprintf("incubeval-assessment-%d-run-%d", r.year, r.runID),
		ContentStatus:  status,
		Category:       status,
		Language:       "zh-CN",
	}
}

// asmSchemeSheets names the rankings sheet of each scheme: 排名（name）,
// the name cut to fit Excel's 31 characters and cleared of the characters
// a sheet name cannot hold; the code where two names would collide.
func asmSchemeSheets(schemes []*rubricScheme) {
	taken := map[string]bool{}
	for _, n := range AssessmentSheets() {
		taken[strings.ToLower(n)] = true
	}
	name := func(s string) string {
		s = strings.Map(func(c rune) rune {
			if strings.ContainsRune(`[]:*?/\`, c) || c < 0x20 {
				return -1
			}
			return c
		}, s)
		s = strings.Trim(strings.TrimSpace(s), "'")
		// 31 UTF-16 units, less 排名（ and ）.
		if u := []rune(s); len(utf16.Encode(u)) > 27 {
			for len(utf16.Encode(u)) > 27 {
				u = u[:len(u)-1]
			}
			s = string(u)
		}
		return "排名（" + s + "）"
	}
	for _, s := range schemes {
		sheet := name(s.zh)
		if strings.TrimSpace(s.zh) == "" || taken[strings.ToLower(sheet)] {
			sheet = name(s.code)
		}
		for i := 2; taken[strings.ToLower(sheet)]; i++ {
			sheet = name(fmt.Sprintf("%s %d", s.code, i))
		}
		taken[strings.ToLower(sheet)] = true
		s.sheet = sheet
	}
}
