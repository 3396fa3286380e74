package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// EligibilityInfo says what WriteEligibility wrote.
type EligibilityInfo struct {
	Path     string
	SHA256   string
	RunID    int64 // the stored run it shows
	Subjects int   // rows of 结果: every subject the run checked
	Eligible int   // rows of 公示: the subjects that pass (eligible, priority or recommended)
	ToReview int   // rows of 核查清单: a subject's condition a person must confirm
}

// ErrNoEligibilityRun says no run of the profile and year is stored.
var ErrNoEligibilityRun = errors.New("no eligibility run stored")

// The sheets of the eligibility workbook.
const (
	eligSheetResults   = "结果"
	eligSheetChecklist = "核查清单"
	eligSheetNotice    = "公示"
	eligSheetMethod    = "说明"
)

// eligRun is the stored run the workbook shows (view eligibility_runs).
type eligRun struct {
	id                       int64
	profile                  string
	year                     int
	subjects, nameZH, nameEN string
	source, sha, windowKind  string
	checkedAt, windowEnd     time.Time
}

// applications says whether the run checked applications (认定申请)
// rather than registered carriers.
func (r *eligRun) applications() bool { return r.subjects == "applications" }

// eligCondition is one condition of the run's profile, in order.
type eligCondition struct {
	code, nameZH, nameEN, text string
	any                        bool
	unless                     string
	checks                     string // the checks in words, one a line
}

// eligSubject is one row of 结果: a subject, its outcome, and per
// condition (in the profile's order) what its checks found.
type eligSubject struct {
	id, name, district, uscc, outcome string
	unmet, toReview                   string // condition names joined with 、
	cells                             []eligCell
}

// eligCell is a condition's value, threshold and outcome for a subject.
type eligCell struct{ value, threshold, outcome string }

// eligReview is one row of 核查清单.
type eligReview struct {
	id, name, district         string
	nameZH, nameEN, text, toDo string
}

// eligNotice is one row of 公示.
type eligNotice struct {
	id, name, operator, district, kind, track, outcome string
}

type eligBook struct {
	run      eligRun
	conds    []eligCondition
	subjects []eligSubject
	review   []eligReview
	notice   []eligNotice
}

// readEligibility reads the latest stored run of profile and year, by the
// named queries of sql/reports/eligibility.sql.
func readEligibility(ctx context.Context, db *sql.DB, profile string, year int) (*eligBook, error) {
	args := []sql.NamedArg{sql.Named("profile", profile), sql.Named("year", year)}
	b := &eligBook{run: eligRun{profile: profile, year: year}}
	r := &b.run
	err := sqlfiles.Row(ctx, db, "eligibility_run", args...).Scan(&r.id, &r.subjects, &r.nameZH, &r.nameEN, &r.source,
		&r.checkedAt, &r.sha, &r.windowKind, &r.windowEnd)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w for profile %s and year %d: run incubeval eligibility --profile %s --year %d first / "+
			"尚无 %s %d 年的核查结果，请先运行 incubeval eligibility --profile %s --year %d",
			ErrNoEligibilityRun, profile, year, profile, year, profile, year, profile, year)
	}
	if err != nil {
		return nil, fmt.Errorf("eligibility run: %w", err)
	}
	ord := map[int]int{} // a condition's ord → its place
	if err := eachRow(ctx, db, "eligibility_profile_conditions", args, func(rows *sql.Rows) error {
		var c eligCondition
		var o int
		if err := rows.Scan(&o, &c.code, &c.nameZH, &c.nameEN, &c.text, &c.any, &c.unless, &c.checks); err != nil {
			return err
		}
		ord[o] = len(b.conds)
		b.conds = append(b.conds, c)
		return nil
	}); err != nil {
		return nil, err
	}
	at := map[string]int{} // a subject's id → its row
	if err := eachRow(ctx, db, "eligibility_subjects", args, func(rows *sql.Rows) error {
		var s eligSubject
		if err := rows.Scan(&s.id, &s.name, &s.district, &s.uscc, &s.outcome, &s.unmet, &s.toReview); err != nil {
			return err
		}
		s.cells = make([]eligCell, len(b.conds))
		at[s.id] = len(b.subjects)
		b.subjects = append(b.subjects, s)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, db, "eligibility_condition_cells", args, func(rows *sql.Rows) error {
		var id string
		var o int
		var c eligCell
		if err := rows.Scan(&id, &o, &c.value, &c.threshold, &c.outcome); err != nil {
			return err
		}
		i, ok := at[id]
		j, ok2 := ord[o]
		if !ok || !ok2 {
			return fmt.Errorf("eligibility check of %s, condition %d, without its subject or condition", id, o)
		}
		b.subjects[i].cells[j] = c
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, db, "eligibility_review_items", args, func(rows *sql.Rows) error {
		var v eligReview
		var o int
		var toDo sql.NullString
		if err := rows.Scan(&v.id, &v.name, &v.district, &o, &v.nameZH, &v.nameEN, &v.text, &toDo); err != nil {
			return err
		}
		v.toDo = toDo.String
		b.review = append(b.review, v)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, db, "eligibility_notice", args, func(rows *sql.Rows) error {
		var n eligNotice
		if err := rows.Scan(&n.id, &n.name, &n.operator, &n.district, &n.kind, &n.track, &n.outcome); err != nil {
			return err
		}
		b.notice = append(b.notice, n)
		return nil
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// eachRow runs the named query and calls scan for each of its rows.
func eachRow(ctx context.Context, db *sql.DB, name string, args []sql.NamedArg, scan func(*sql.Rows) error) error {
	rows, err := sqlfiles.Rows(ctx, db, name, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// WriteEligibility writes the workbook of the latest stored eligibility
// run of profile and year (SPEC §8) to path: 结果, one row per subject
// with each condition's value, threshold and outcome; 核查清单, the
// conditions a person must confirm, as a form to fill in on site; 公示,
// the list of those that pass, ready to publish for 5 working days; 说明,
// the profile, its conditions in words and the outcome rules. Everything
// shown is what the run stored; the same run gives the same bytes.
func WriteEligibility(ctx context.Context, db *sql.DB, profile string, year int, path string) (*EligibilityInfo, error) {
	b, err := readEligibility(ctx, db, profile, year)
	if err != nil {
		return nil, err
	}
	f := xlsx.New()
	defer f.Close()
	st, err := newBookStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", eligSheetResults); err != nil {
		return nil, err
	}
	for _, w := range []func(*excelize.File, *bookStyles, *eligBook) error{
		writeEligResults, writeEligChecklist, writeEligNotice, writeEligMethod,
	} {
		if err := w(f, st, b); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	if err := xlsx.Props(f, b.run.titleZH("核查结果")+" "+b.run.titleEN("Eligibility"), "", time.Time{}); err != nil {
		return nil, err
	}
	info := &EligibilityInfo{Path: path, RunID: b.run.id, Subjects: len(b.subjects), Eligible: len(b.notice), ToReview: len(b.review)}
	// Dated by the run: the same run, the same bytes.
	if info.SHA256, err = xlsx.Save(f, path, xlsx.Options{Stamp: xlsx.Stamp(b.run.checkedAt)}); err != nil {
		return nil, err
	}
	return info, nil
}

func (r *eligRun) titleZH(what string) string {
	return fmt.Sprintf("%d年%s %s", r.year, r.nameZH, what)
}

func (r *eligRun) titleEN(what string) string {
	if r.nameEN == "" {
		return fmt.Sprintf("%s: %s, %d", what, r.profile, r.year)
	}
	return fmt.Sprintf("%s: %s, %d", what, r.nameEN, r.year)
}

// eligOutcome is an outcome in Chinese over English ("不符合\nnot met"):
// two lines in a narrow column, never broken inside the English.
func eligOutcome(code string) string {
	if code == "" {
		return ""
	}
	return label(eligibilityZH, code) + "\n" + label(eligibilityEN, code)
}

// outcomeColours are the conditional formats of the outcome cells, by
// the Chinese their text begins with.
func (s *bookStyles) outcomeColours() []excelize.ConditionalFormatOptions {
	var out []excelize.ConditionalFormatOptions
	for _, c := range []struct {
		code  string
		style int
	}{
		{"met", s.pass}, {"priority", s.pass}, {"recommended", s.pass},
		{"not_met", s.fail}, {"review", s.todo},
	} {
		out = append(out, excelize.ConditionalFormatOptions{Type: "text", Criteria: "begins with", Value: label(eligibilityZH, c.code), Format: &c.style})
	}
	return out
}

// Rows of 结果: title, note, two header rows, the subjects.
const (
	eligHeadRow  = 3
	eligFirstRow = 5
)

// writeEligResults writes 结果: one row per subject, then for every
// condition a group of three columns, value, threshold and outcome, under
// the condition's name.
func writeEligResults(f *excelize.File, st *bookStyles, b *eligBook) error {
	sheet := eligSheetResults
	g := &grid{f: f, sheet: sheet}
	fixed := []struct{ zh, en string }{
		{"序号", "No."}, {"编号", "ID"}, {"名称", "Name"}, {"区县", "District"},
		{"运营主体代码", "Operator USCC"}, {"结论", "Outcome"}, {"不符合的条件", "Not met"}, {"待核实的条件", "To review"},
	}
	ids, names, districts := []string{"编号", "ID"}, []string{"名称"}, []string{"区县", "District"}
	for _, s := range b.subjects {
		ids, names, districts = append(ids, s.id), append(names, s.name), append(districts, s.district)
	}
	widths := []float64{5.5, fitWidth(8, 18, ids...), fitWidth(14, 24, names...), fitWidth(10, 12, districts...),
		22, 14.5, 16, 12}
	styles := []int{st.center, st.code, st.Body, st.Body, st.code, st.center, st.Body, st.Body}
	// Each condition's group: value and threshold as wide as their widest
	// item (the parts joined by "; " break between items), its outcome.
	for j := range b.conds {
		vs, ts := []string{"值", "Value"}, []string{"标准", "Threshold"}
		for _, s := range b.subjects {
			vs = append(vs, strings.Split(s.cells[j].value, "; ")...)
			ts = append(ts, strings.Split(s.cells[j].threshold, "; ")...)
		}
		widths = append(widths, fitWidth(9, 17, vs...), fitWidth(10, 16, ts...), 9.5)
		styles = append(styles, st.Body, st.Body, st.center)
	}
	ncol := len(widths)
	g.widths(widths)

	// Title and note over the fixed columns: they print on the first page.
	nfixed := len(fixed)
	fixedWidth := sumWidths(widths[:nfixed])
	g.title(b.run.titleZH("核查结果"), b.run.titleEN("Results"), nfixed, st)
	counts := map[string]int{}
	for _, s := range b.subjects {
		counts[s.outcome]++
	}
	note := b.resultsNote(counts)
	g.put(1, 2, note, st.Note)
	g.merge(1, 2, nfixed, 2)
	g.fit(2, []float64{fixedWidth}, []string{note}, 13, 18)

	// Two header rows: the fixed columns span both; each condition's name
	// over its three columns, then 值, 标准, 结果.
	headLines := 2
	for i, h := range fixed {
		text := h.zh + "\n" + h.en
		g.put(i+1, eligHeadRow, text, st.Header)
		g.put(i+1, eligHeadRow+1, nil, st.Header)
		g.merge(i+1, eligHeadRow, i+1, eligHeadRow+1)
		headLines = max(headLines, xlsx.Lines(text, widths[i])-2)
	}
	for j, c := range b.conds {
		col := nfixed + 3*j + 1
		text := c.nameZH
		if c.nameEN != "" {
			text += "\n" + c.nameEN
		}
		g.put(col, eligHeadRow, text, st.Header)
		g.put(col+1, eligHeadRow, nil, st.Header)
		g.put(col+2, eligHeadRow, nil, st.Header)
		g.merge(col, eligHeadRow, col+2, eligHeadRow)
		headLines = max(headLines, xlsx.Lines(text, sumWidths(widths[col-1:col+2])))
		for k, h := range []string{"值\nValue", "标准\nThreshold", "结果\nOutcome"} {
			g.put(col+k, eligHeadRow+1, h, st.Header)
		}
	}
	g.height(eligHeadRow, float64(headLines)*13+6)
	g.height(eligHeadRow+1, 2*13+6)

	row := eligFirstRow
	for i, s := range b.subjects {
		vals := []any{i + 1, s.id, s.name, s.district, s.uscc, eligOutcome(s.outcome), s.unmet, s.toReview}
		for _, c := range s.cells {
			vals = append(vals, c.value, c.threshold, eligOutcome(c.outcome))
		}
		texts := make([]string, len(vals))
		for c, v := range vals {
			g.put(c+1, row, v, styles[c])
			if t, ok := v.(string); ok {
				texts[c] = t
			}
		}
		g.fit(row, widths, texts, 13, 18)
		row++
	}
	last := max(row-1, eligFirstRow)
	if len(b.subjects) == 0 {
		g.put(1, eligFirstRow, "本次核查没有对象 The run checked no subject", st.Body)
		g.merge(1, eligFirstRow, nfixed, eligFirstRow)
	}
	if g.err != nil {
		return g.err
	}
	lastCol, _ := excelize.ColumnNumberToName(ncol)
	if err := f.AutoFilter(sheet, fmt.Sprintf("A%d:%s%d", eligHeadRow+1, lastCol, last), nil); err != nil {
		return err
	}
	// Outcome colours on 结论 and every group's 结果.
	outcomeCols := []int{6}
	for j := range b.conds {
		outcomeCols = append(outcomeCols, nfixed+3*j+3)
	}
	for _, c := range outcomeCols {
		name, _ := excelize.ColumnNumberToName(c)
		ref := fmt.Sprintf("%s%d:%s%d", name, eligFirstRow, name, last)
		if err := f.SetConditionalFormat(sheet, ref, st.outcomeColours()); err != nil {
			return fmt.Errorf("%s: conditional format: %w", sheet, err)
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 3, YSplit: eligFirstRow - 1,
		TopLeftCell: fmt.Sprintf("D%d", eligFirstRow), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	// Too wide for one page at 8 points with more than a few conditions:
	// printed at 100% on A3 (as the assessment's rankings) on pages side
	// by side, each condition's group whole on one page, the number, id
	// and name repeated at the left. The title and the counts go in the
	// page header, so that every page says what it is: rows 1 and 2 would
	// print cut at column C on the pages after the first.
	page := xlsx.Page{Paper: xlsx.A3, Margins: xlsx.ListMargins, RepeatRows: fmt.Sprintf("$%d:$%d", eligHeadRow, eligHeadRow+1),
		RepeatCols: "$A:$C", Area: fmt.Sprintf("$A$%d:$%s$%d", eligHeadRow, lastCol, last), Footer: xlsx.FooterSheetPages,
		// A space ends a font size: "&12 2025年…", not "&122025".
		Header: "&L&\"SimSun,Bold\"&12 " + xlsx.HeaderText(b.run.titleZH("核查结果")) +
			"&R&\"SimSun,Regular\"&9 " + xlsx.HeaderText(b.countsZH(counts))}
	// Planned on 94% of the page: LibreOffice gives a column some 6% more
	// than Excel, and would break a group where Excel does not.
	page.Breaks = groupBreaks(0.94*page.Printable(), widths, nfixed, 3, 3)
	return page.Apply(f, sheet)
}

// groupBreaks are the columns new pages start at when the columns of
// widths print at 100% on pages printable points wide: the first fixed
// columns on the first page, then groups of size columns each, whole on
// a page, with the first repeat columns printed again at the left of
// every later page. None if all fit on one page.
func groupBreaks(printable float64, widths []float64, fixed, size, repeat int) []int {
	pts := func(ws []float64) float64 {
		t := 0.0
		for _, w := range ws {
			t += xlsx.ColumnPoints(w)
		}
		return t
	}
	if pts(widths) <= printable {
		return nil
	}
	var breaks []int
	used := pts(widths[:fixed])
	for c := fixed; c < len(widths); c += size {
		g := pts(widths[c:min(c+size, len(widths))])
		if used+g > printable && used > pts(widths[:repeat]) {
			breaks = append(breaks, c+1)
			used = pts(widths[:repeat])
		}
		used += g
	}
	return breaks
}

// countsZH counts the subjects by outcome, in Chinese: "共 4 个对象：推荐 2，不符合 2".
func (b *eligBook) countsZH(counts map[string]int) string {
	var zh []string
	for _, o := range b.outcomes() {
		zh = append(zh, fmt.Sprintf("%s %d", label(eligibilityZH, o), counts[o]))
	}
	return fmt.Sprintf("共 %d 个对象：%s", len(b.subjects), strings.Join(zh, "，"))
}

// outcomes are the outcomes a subject of the run may have, best first.
func (b *eligBook) outcomes() []string {
	if b.run.applications() {
		return []string{"priority", "eligible", "review", "not_met"}
	}
	return []string{"recommended", "not_met"}
}

// resultsNote is 结果's second row: where the conditions come from, the
// reference day, the counts by outcome and how to read the cells.
func (b *eligBook) resultsNote(counts map[string]int) string {
	r := &b.run
	var en []string
	for _, o := range b.outcomes() {
		en = append(en, fmt.Sprintf("%s %d", label(eligibilityEN, o), counts[o]))
	}
	ref := fmt.Sprintf("参照日为评价窗口截止日 E = %s", r.windowEnd.Format("2006-01-02"))
	refEN := "reference day E = " + r.windowEnd.Format("2006-01-02")
	if r.applications() {
		ref, refEN = "参照日为各申请的申请日期 D", "reference day D = the date applied"
	}
	return fmt.Sprintf("依据：%s。%s。%s。“值”“标准”为核查记录的原值，多项检查以“; ”分隔，按窗口的检查标注年度；待核实的条件见“核查清单”。"+
		" %d subjects (%s); %s. Values and thresholds as the run stored them, checks separated by “; ”.",
		r.source, ref, b.countsZH(counts), len(b.subjects), strings.Join(en, ", "), refEN)
}

// checklistColumns of 核查清单: the subject and condition, then the
// reviewer's blank columns.
var checklistColumns = []struct {
	zh, en string
	width  float64
}{
	{"序号", "No.", 5.5},
	{"编号", "ID", 12},
	{"名称", "Name", 18},
	{"区县", "District", 10},
	{"条件", "Condition", 15},
	{"原文", "Seed's words", 28},
	{"需核实", "What to check", 24},
	{"核查结果\n符合/不符合", "Finding", 13},
	{"核查人", "Reviewer", 10.5},
	{"核查日期", "Date", 10},
	{"备注", "Note", 14},
}

// writeEligChecklist writes 核查清单: every condition a person must
// confirm, one row per subject and condition, with blank bordered
// columns for the finding, the reviewer, the date and a note, to print
// and fill in on site.
func writeEligChecklist(f *excelize.File, st *bookStyles, b *eligBook) error {
	sheet := eligSheetChecklist
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	g := &grid{f: f, sheet: sheet}
	widths := make([]float64, len(checklistColumns))
	for i, c := range checklistColumns {
		widths[i] = c.width
	}
	ids := []string{"编号"}
	for _, v := range b.review {
		ids = append(ids, v.id)
	}
	widths[1] = fitWidth(widths[1], 18, ids...)
	g.widths(widths)
	ncol := len(widths)
	total := sumWidths(widths)

	g.title(b.run.titleZH("核查清单"), b.run.titleEN("Review checklist"), ncol, st)
	note := "下列条件数据无法判定，须人工查阅材料或现场核实（不符合的对象也列出）。请逐项在“核查结果”栏填写“符合”或“不符合”，由核查人签名并注明日期。" +
		" The data cannot decide these conditions: confirm each from the documents or on site (subjects not met are listed too), write 符合 or 不符合 under Finding, sign and date."
	g.put(1, 2, note, st.Note)
	g.merge(1, 2, ncol, 2)
	g.fit(2, []float64{total}, []string{note}, 13, 18)
	lines := 1
	for i, c := range checklistColumns {
		text := c.zh + "\n" + c.en
		g.put(i+1, 3, text, st.Header)
		lines = max(lines, xlsx.Lines(text, c.width))
	}
	g.height(3, float64(lines)*13+6)
	row := 4
	for i, v := range b.review {
		cond := v.nameZH
		if v.nameEN != "" {
			cond += "\n" + v.nameEN
		}
		vals := []any{i + 1, v.id, v.name, v.district, cond, v.text, v.toDo}
		styles := []int{st.center, st.code, st.Body, st.Body, st.Body, st.Body, st.Body}
		texts := make([]string, len(vals))
		for c, x := range vals {
			g.put(c+1, row, x, styles[c])
			if t, ok := x.(string); ok {
				texts[c] = t
			}
		}
		for c := len(vals) + 1; c <= ncol; c++ {
			g.put(c, row, nil, st.form)
		}
		// Room to write by hand.
		g.fit(row, widths, texts, 13, 36)
		row++
	}
	if len(b.review) == 0 {
		g.put(1, row, "没有需人工核实的条件 Nothing to review", st.Body)
		g.merge(1, row, ncol, row)
		row++
	}
	last := row - 1
	row++
	sign := "复核人（签字）：______________　　日期：______年____月____日  Checked by / date"
	g.put(1, row, sign, st.Note)
	g.merge(1, row, ncol, row)
	g.height(row, 28)
	if g.err != nil {
		return g.err
	}
	if len(b.review) > 0 {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("H4:H%d", last)
		if err := dv.SetDropList([]string{"符合", "不符合"}); err != nil {
			return err
		}
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return xlsx.Page{Paper: xlsx.A4, Margins: xlsx.ListMargins, RepeatRows: "$3:$3", Footer: xlsx.FooterSheetPages}.Apply(f, sheet)
}

// eligNoticeColumns of 公示.
var eligNoticeColumns = []noticeColumn{
	{"序号", 6, true}, {"名称", 24, false}, {"运营主体", 24, false}, {"区县", 10, true}, {"类型", 24, true}, {"备注", 10, true},
}

// writeEligNotice writes 公示: the list of the subjects that pass, ready
// to publish for 5 working days, with the bureau's contact left to fill
// in.
func writeEligNotice(f *excelize.File, st *bookStyles, b *eligBook) error {
	r := &b.run
	// "拟认定" for applications, "拟推荐" for carriers; the profile's name
	// without its last word when that is the same verb:
	// 市级众创空间认定 → 2025年市级众创空间拟认定名单公示.
	verb := "推荐"
	if r.applications() {
		verb = "认定"
	}
	subject := strings.TrimSuffix(r.nameZH, verb)
	if subject == "" {
		subject = r.nameZH
	}
	n := publicNotice{
		sheet:   eligSheetNotice,
		tagEN:   "Public notice of those that pass, to publish for 5 working days",
		title:   fmt.Sprintf("%d年%s拟%s名单公示", r.year, subject, verb),
		lead:    fmt.Sprintf("经审核，现将%d年%s拟%s名单（共%d家）予以公示。", r.year, subject, verb, len(b.notice)),
		columns: eligNoticeColumns,
	}
	for i, x := range b.notice {
		kind := label(kindZH, x.kind)
		if x.track != "" {
			kind += "\n（" + label(trackZH, x.track) + "）"
		}
		remark := ""
		if x.outcome == "priority" {
			remark = label(eligibilityZH, x.outcome)
		}
		n.rows = append(n.rows, []any{i + 1, x.name, x.operator, x.district, kind, remark})
	}
	return writeNotice(f, st, n)
}

// methodWidths are 说明's two columns: a label, and the text.
var methodWidths = []float64{24, 66}

// writeEligMethod writes 说明: the profile and run, each condition with
// the seed's words and its checks in words, and the outcome rules.
func writeEligMethod(f *excelize.File, st *bookStyles, b *eligBook) error {
	sheet := eligSheetMethod
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	g := &grid{f: f, sheet: sheet}
	g.widths(methodWidths)
	r := &b.run
	g.title(r.titleZH("说明"), r.titleEN("Method"), 2, st)
	row := 3
	section := func(zh, en string) {
		g.put(1, row, zh+"  "+en, st.section)
		g.height(row, 20)
		row++
	}
	kv := func(lbl, text string, style int) {
		g.put(1, row, lbl, st.label)
		g.put(2, row, text, style)
		// A line of 14 points, measured a tenth narrower: the Latin
		// text of a fallback font runs wider than the width model.
		g.fit(row, []float64{methodWidths[0] * 0.9, methodWidths[1] * 0.9}, []string{lbl, text}, 14, 18)
		row++
	}
	section("一、基本信息", "General")
	name := r.nameZH
	if r.nameEN != "" {
		name += " " + r.nameEN
	}
	kv("条件 Profile", fmt.Sprintf("%s（%s）", name, r.profile), st.Body)
	if r.source != "" {
		kv("依据 Source", r.source, st.Body)
	}
	kv("年度 Year", strconv.Itoa(r.year), st.Body)
	window := map[string]string{
		"sep":      "（上年第四季度至本年第三季度 Q4 of the year before to Q3）",
		"calendar": "（本年第一季度至第四季度 Q1 to Q4）",
	}[r.windowKind]
	if r.applications() {
		kv("对象 Subjects", fmt.Sprintf("申请日期在 %d 年的认定申请。Applications dated in %d.", r.year, r.year), st.Body)
		kv("参照日 Reference day", "各申请的申请日期 D；“D − 1 年”“D + 3 年”为日历上的同一天，边界均包含。"+
			"D, the date applied; a shift by years or months is the same calendar day, and every boundary is inclusive.", st.Body)
	} else {
		kv("对象 Subjects", "名录中属于本条件适用范围、在评价窗口结束时仍在册（未被摘牌或撤销）的载体。"+
			"The registered carriers the profile applies to, active at the end of the year's window.", st.Body)
		kv("参照日 Reference day", fmt.Sprintf("评价窗口截止日 E = %s%s；“E − 3 年”“E + 3 年”为日历上的同一天，边界均包含；“累计”为截至 E 的全部季度报表（每季度取最终版本）。"+
			"E, the end of the year's window; shifts are the same calendar day, boundaries inclusive; “on record” is every quarter reported up to E.",
			r.windowEnd.Format("2006-01-02"), window), st.Body)
	}
	kv("核查时间 Checked at", fmt.Sprintf("%s（运行编号 run %d）", r.checkedAt.Format("2006-01-02 15:04"), r.id), st.Body)
	kv("条件文件 SHA-256 Profile hash", r.sha, st.hash)

	row++
	section("二、条件与核查方式", "Conditions and their checks")
	for i, c := range b.conds {
		lbl := fmt.Sprintf("%d. %s", i+1, c.nameZH)
		if c.nameEN != "" {
			lbl += "\n" + c.nameEN
		}
		var lines []string
		if c.text != "" {
			lines = append(lines, "原文："+c.text)
		}
		lines = append(lines, "核查 Checks：")
		for _, w := range strings.Split(c.checks, "\n") {
			if w != "" {
				lines = append(lines, "· "+w)
			}
		}
		if c.any {
			lines = append(lines, "任一项满足即符合。Met when any one check is.")
		} else if strings.Count(c.checks, "\n") > 0 {
			lines = append(lines, "各项均须满足。Met when every check is.")
		}
		if c.unless != "" {
			lines = append(lines, fmt.Sprintf("申报 %s 为“是”时直接符合。Met outright when %s is declared.", c.unless, c.unless))
		}
		kv(lbl, strings.Join(lines, "\n"), st.Body)
	}

	row++
	section("三、结论规则", "Outcomes")
	kv("条件结果 Condition", "符合 met：数据表明满足；不符合 not met：数据表明不满足；待核实 review：数据无法判定，须人工查阅材料或现场核实。"+
		"Met or not met as the data shows; review where the data cannot decide and a person must.", st.Body)
	if r.applications() {
		kv("结论 Outcome", "有任一条件不符合 → 不符合；否则有待核实的条件 → 待核实；否则全部符合且满足优先认定条件 → 优先认定；否则 → 符合。"+
			"Not met if any condition is not met; else review if any is to review; else priority if every condition is met and the priority declaration is made; else eligible.", st.Body)
		kv("公示 Notice", "结论为“符合”或“优先认定”的申请列入公示，公示期为5个工作日。Eligible and priority applications are published for 5 working days.", st.Body)
	} else {
		kv("结论 Outcome", "有任一条件不符合 → 不符合；否则 → 推荐。待核实的条件列入“核查清单”，须在推荐报送前由人工核对材料确认。"+
			"Not met if any condition is not met; else recommended. The conditions to review are listed in the checklist, for a person to confirm before the recommendation goes out.", st.Body)
		kv("公示 Notice", "结论为“推荐”的载体列入公示，公示期为5个工作日。Recommended carriers are published for 5 working days.", st.Body)
	}
	kv("核查清单 Checklist", "列出每个对象（含不符合的）需人工核实的条件。Every subject's conditions to review, those not met included.", st.Body)
	if g.err != nil {
		return g.err
	}
	return xlsx.Page{Paper: xlsx.A4, Portrait: true, Margins: &xlsx.Margins{Left: 0.6, Right: 0.6, Top: 0.7, Bottom: 0.7, Header: 0.3, Footer: 0.3},
		Footer: xlsx.FooterSheetPages}.Apply(f, sheet)
}
