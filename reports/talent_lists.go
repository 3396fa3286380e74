package reports

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports/xlsx"
)

// talentCol is a column of a list sheet: its header, Chinese over
// English, its width and the style of its cells.
type talentCol struct {
	zh, en string
	width  float64
	style  int
}

// Rows of a list sheet: the title, a note, the header, the rows.
const (
	talentHeadRow  = 3
	talentFirstRow = 4
)

// talentList writes a list sheet: title, note, header, then one line at
// a time.
type talentList struct {
	*grid
	cols   []talentCol
	widths []float64
	row    int // the next line's
}

// newTalentList adds sheet with its title, the note under it and the
// header of cols.
func newTalentList(f *excelize.File, st *talentStyles, sheet, titleZH, titleEN, note string, cols []talentCol) (*talentList, error) {
	if _, err := f.NewSheet(sheet); err != nil {
		return nil, err
	}
	l := &talentList{grid: &grid{f: f, sheet: sheet}, cols: cols, row: talentFirstRow}
	for _, c := range cols {
		l.widths = append(l.widths, c.width)
	}
	l.grid.widths(l.widths)
	ncol := len(cols)
	l.title(titleZH, titleEN, ncol, st.bookStyles)
	l.put(1, 2, note, st.Note)
	l.merge(1, 2, ncol, 2)
	// Measured narrower and with taller lines: the fallback fonts of a
	// machine without SimSun run wider and taller than the model.
	l.fit(2, []float64{sumWidths(l.widths) * 0.85}, []string{note}, 14.5, 18)
	lines := 2
	for i, c := range cols {
		text := c.zh + "\n" + c.en
		l.put(i+1, talentHeadRow, text, st.Header)
		lines = max(lines, xlsx.Lines(c.zh, c.width)+xlsx.Lines(c.en, c.width))
	}
	l.height(talentHeadRow, float64(lines)*13+6)
	return l, nil
}

// line writes one row of the list, each value in its column's style, as
// tall as its longest text wraps to.
func (l *talentList) line(vals ...any) {
	texts := make([]string, len(vals))
	for c, v := range vals {
		l.put(c+1, l.row, v, l.cols[c].style)
		if t, ok := v.(string); ok {
			texts[c] = t
		}
	}
	l.fit(l.row, l.widths, texts, 13, 18)
	l.row++
}

// summary writes a subtotal or total row: label in column at, then text
// across the columns from at+1 to the last.
func (l *talentList) summary(st *talentStyles, at int, lbl, text string) {
	ncol := len(l.cols)
	for c := 1; c <= ncol; c++ {
		l.put(c, l.row, nil, st.subtotal)
	}
	l.put(at, l.row, lbl, st.subtotal)
	l.put(at+1, l.row, text, st.subtotal)
	l.merge(at+1, l.row, ncol, l.row)
	l.fit(l.row, []float64{l.widths[at-1], sumWidths(l.widths[at:])}, []string{lbl, text}, 13, 18)
	l.row++
}

// empty writes a row that says the list is empty.
func (l *talentList) empty(st *talentStyles, text string) {
	l.put(1, l.row, text, st.Body)
	for c := 2; c <= len(l.cols); c++ {
		l.put(c, l.row, nil, st.Body)
	}
	l.merge(1, l.row, len(l.cols), l.row)
	l.height(l.row, 20)
	l.row++
}

// finish filters the header, freezes it and sets the page: A4, landscape
// unless portrait, fitted to its width, the header on every page.
func (l *talentList) finish(portrait bool) error {
	if l.err != nil {
		return l.err
	}
	last := max(l.row-1, talentFirstRow)
	lastCol, _ := excelize.ColumnNumberToName(len(l.cols))
	if err := l.f.AutoFilter(l.sheet, fmt.Sprintf("A%d:%s%d", talentHeadRow, lastCol, last), nil); err != nil {
		return err
	}
	if err := l.f.SetPanes(l.sheet, &excelize.Panes{Freeze: true, YSplit: talentHeadRow,
		TopLeftCell: fmt.Sprintf("A%d", talentFirstRow), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	margins := xlsx.ListMargins
	if portrait {
		margins = &xlsx.Margins{Left: 0.5, Right: 0.5, Top: 0.6, Bottom: 0.6, Header: 0.3, Footer: 0.3, Centred: true}
	}
	return xlsx.Page{Paper: xlsx.A4, Portrait: portrait, Margins: margins,
		RepeatRows: fmt.Sprintf("$%d:$%d", talentHeadRow, talentHeadRow),
		Area:       fmt.Sprintf("$A$1:$%s$%d", lastCol, last), Footer: xlsx.FooterSheetPages}.Apply(l.f, l.sheet)
}

// talentRankNote says how a list is ranked.
const talentRankNote = "名次按比赛得分、带动就业人数、年营收从高到低排列，均相同时按推荐编号排序。"

// quotaText is a group's or a title's figures against its quota.
func quotaText(now, quota, before, remaining int) string {
	return fmt.Sprintf("本年授予 %s 名；名额 %s，往年已授予 %s，剩余 %s",
		xlsx.Thousands(int64(now)), xlsx.Thousands(int64(quota)), xlsx.Thousands(int64(before)), xlsx.Thousands(int64(remaining)))
}

// writeTalentAwarded writes 新锐创客 (rising, by district) or 创业新秀
// (star, by category): every group of the programme in its order, its
// awarded by rank, then its subtotal against the quota; the total last.
func writeTalentAwarded(f *excelize.File, st *talentStyles, b *talentBook, title string) error {
	people := b.of(title)
	groupZH, groupEN, by := "区县", "District", "按区县"
	if title == talent.Star {
		groupZH, groupEN, by = "类别", "Category", "按类别"
	}
	ids, groups, names, firms := []string{"推荐编号", "Nomination"}, []string{groupZH, groupEN}, []string{"姓名"}, []string{"创业主体"}
	for _, p := range people {
		ids, names, firms = append(ids, p.id), append(names, p.name), append(firms, p.enterprise)
	}
	var quota []talentQuota
	for _, q := range b.quota {
		if q.title == title {
			quota = append(quota, q)
			groups = append(groups, q.group)
		}
	}
	cols := []talentCol{
		{"序号", "No.", 5.5, st.center},
		{"推荐编号", "Nomination", fitWidth(11.5, 18, ids...), st.code},
		{groupZH, groupEN, fitWidth(10, 24, groups...), st.Body},
		{"名次", "Rank", 6.5, st.center},
		{"姓名", "Name", fitWidth(8, 14, names...), st.Body},
		{"身份证号", "ID number", 22, st.code},
		{"创业主体", "Enterprise", fitWidth(16, 30, firms...), st.Body},
		{"比赛得分", "Score", 10, st.score},
		{"带动就业", "Jobs", 10, st.count},
		{"年营收(万元)", "Revenue", 13.5, st.decimal},
	}
	zh := talent.TitleZH(title)
	r := &b.run
	note := fmt.Sprintf("%d年度授予%s %d 名，%s分组，按工程文件所列顺序；组内按名次排列。%s名额为整个工程期的总数，往年已授予的已扣除；每组之后的小计列出本年授予、名额、往年已授予和剩余。身份证号中间8位以*代替。"+
		" Awarded %d, grouped by %s in the programme's order, by rank within; each group's subtotal is against its quota for the whole programme.",
		r.year, zh, len(people), by, talentRankNote, len(people), strings.ToLower(groupEN))
	l, err := newTalentList(f, st, zh, r.titleZH(zh+"授予名单"), r.titleEN(map[string]string{talent.Rising: "Rising entrepreneurs awarded", talent.Star: "Entrepreneurship stars awarded"}[title]), note, cols)
	if err != nil {
		return err
	}
	n := 0
	var now, sum, before, remaining int
	for _, q := range quota {
		for _, p := range people {
			if p.group != q.group {
				continue
			}
			n++
			l.line(n, p.id, p.group, nullInt(p.rank), p.name, p.idMasked, p.enterprise, nullFloat(p.score), nullInt(p.jobs), nullFloat(p.revenue))
		}
		l.summary(st, 3, q.group, "小计："+quotaText(q.now, q.quota, q.before, q.remaining))
		now, sum, before, remaining = now+q.now, sum+q.quota, before+q.before, remaining+q.remaining
	}
	l.summary(st, 3, "全市", "合计："+quotaText(now, sum, before, remaining))
	return l.finish(false)
}

// writeTalentMasters writes 创业达人: the nominations recommended to the
// province, ranked across the city.
func writeTalentMasters(f *excelize.File, st *talentStyles, b *talentBook) error {
	people := b.of(talent.Master)
	ids, names, firms, districts := []string{"推荐编号", "Nomination"}, []string{"姓名"}, []string{"创业主体"}, []string{"区县", "District"}
	for _, p := range people {
		ids, names, firms, districts = append(ids, p.id), append(names, p.name), append(firms, p.enterprise), append(districts, p.district)
	}
	cols := []talentCol{
		{"名次", "Rank", 6.5, st.center},
		{"推荐编号", "Nomination", fitWidth(11.5, 18, ids...), st.code},
		{"姓名", "Name", fitWidth(8, 14, names...), st.Body},
		{"身份证号", "ID number", 22, st.code},
		{"创业主体", "Enterprise", fitWidth(16, 30, firms...), st.Body},
		{"区县", "District", fitWidth(10, 16, districts...), st.Body},
		{"比赛得分", "Score", 10, st.score},
		{"带动就业", "Jobs", 10, st.count},
		{"年营收(万元)", "Revenue", 13.5, st.decimal},
		{"知识产权", "IP rights", 11, st.count},
	}
	zh := talent.TitleZH(talent.Master)
	r := &b.run
	note := fmt.Sprintf("%d年度推荐%s（省级）%d 名。创业达人不设名额，符合标准的均推荐，在全市统一排名。%s"+
		" %d recommended to the province: no quota, every eligible nomination is recommended, ranked across the city.",
		r.year, zh, len(people), talentRankNote, len(people))
	l, err := newTalentList(f, st, zh, r.titleZH(zh+"推荐名单"), r.titleEN("Master entrepreneurs recommended"), note, cols)
	if err != nil {
		return err
	}
	for _, p := range people {
		l.line(nullInt(p.rank), p.id, p.name, p.idMasked, p.enterprise, p.district, nullFloat(p.score), nullInt(p.jobs), nullFloat(p.revenue), nullInt(p.ip))
	}
	if len(people) == 0 {
		l.empty(st, "本年度无推荐的创业达人 None recommended this year")
	}
	return l.finish(false)
}

// writeTalentNotice writes 公示: everyone awarded (新锐创客, 创业新秀) and
// recommended (创业达人) in the year, to publish for 5 working days.
func writeTalentNotice(f *excelize.File, st *talentStyles, b *talentBook) error {
	r := &b.run
	names, firms, groups := []string{"姓名"}, []string{"创业主体"}, []string{"区县/类别"}
	counts := map[string]int{}
	var rows [][]any
	for i, p := range b.people {
		group := p.group
		titleZH := talent.TitleZH(p.title)
		if p.title == talent.Master {
			group, titleZH = p.district, titleZH+"\n（推荐）"
		}
		counts[p.title]++
		names, firms, groups = append(names, p.name), append(firms, p.enterprise), append(groups, group)
		rows = append(rows, []any{i + 1, p.name, p.idMasked, p.enterprise, titleZH, group})
	}
	// 拟授予“新锐创客”称号2名、“创业新秀”称号2名，拟推荐“创业达人”2名.
	var parts []string
	for _, t := range []string{talent.Rising, talent.Star} {
		if counts[t] > 0 {
			parts = append(parts, fmt.Sprintf("“%s”称号%d名", talent.TitleZH(t), counts[t]))
		}
	}
	var what []string
	if len(parts) > 0 {
		what = append(what, "拟授予"+strings.Join(parts, "、"))
	}
	if n := counts[talent.Master]; n > 0 {
		what = append(what, fmt.Sprintf("拟推荐“%s”%d名", talent.TitleZH(talent.Master), n))
	}
	lead := fmt.Sprintf("经评审，%d年度%s%s，现将名单予以公示。", r.year, talentNoticeSubject(r.nameZH), strings.Join(what, "，"))
	if len(what) == 0 {
		lead = fmt.Sprintf("经评审，%d年度%s无拟授予（推荐）人员。", r.year, talentNoticeSubject(r.nameZH))
	}
	return writeNotice(f, st.bookStyles, publicNotice{
		sheet: talentSheetNotice,
		tagEN: "Public notice of those awarded and recommended, to publish for 5 working days",
		title: fmt.Sprintf("%d年度%s拟授予（推荐）名单公示", r.year, talentNoticeSubject(r.nameZH)),
		lead:  lead,
		columns: []noticeColumn{
			{"序号", 6, true}, {"姓名", fitWidth(10, 14, names...), true}, {"身份证号", 23, true},
			{"创业主体", fitWidth(20, 30, firms...), false}, {"称号", 12, true}, {"区县/类别", fitWidth(12, 24, groups...), true},
		},
		rows: rows,
	})
}

// talentNoticeSubject is who the notice is about, from the programme's
// name: 兰州市“百千万”创业引领工程 → 兰州市“百千万”创业人才.
func talentNoticeSubject(name string) string {
	for _, suffix := range []string{"创业引领工程", "工程"} {
		if s, ok := strings.CutSuffix(name, suffix); ok {
			name = s
			break
		}
	}
	if !strings.HasSuffix(name, "创业人才") {
		name += "创业人才"
	}
	return name
}

// writeTalentQuota writes 名额: every quota group of rising and star, also
// one without nominations, against its quota for the whole programme,
// and each title's total.
func writeTalentQuota(f *excelize.File, st *talentStyles, b *talentBook) error {
	groups := []string{"名额组", "Group"}
	for _, q := range b.quota {
		groups = append(groups, q.group)
	}
	cols := []talentCol{
		{"称号", "Title", 11, st.center},
		{"名额组", "Group", fitWidth(14, 24, groups...), st.Body},
		{"名额", "Quota", 9, st.count},
		{"往年已授予", "Before", fitWidth(9, 14, "往年已授予"), st.count},
		{"本年授予", "This year", fitWidth(9, 14, "本年授予", "This year"), st.count},
		{"剩余", "Remaining", fitWidth(9, 14, "Remaining"), st.count},
	}
	r := &b.run
	years := ""
	if r.p != nil && len(r.p.Years) > 0 {
		years = fmt.Sprintf("（%d—%d年）", r.p.Years[0], r.p.Years[len(r.p.Years)-1])
	}
	note := fmt.Sprintf("名额为整个工程期%s的总数：新锐创客按区县，创业新秀按类别；剩余 = 名额 − 往年已授予 − 本年授予。"+
		" Quotas are for the whole programme; remaining = quota − awarded before − awarded this year.", years)
	l, err := newTalentList(f, st, talentSheetQuota, r.titleZH("名额使用情况"), r.titleEN("Quotas"), note, cols)
	if err != nil {
		return err
	}
	for _, title := range []string{talent.Rising, talent.Star} {
		var t talentQuota
		for _, q := range b.quota {
			if q.title != title {
				continue
			}
			l.line(talent.TitleZH(q.title), q.group, q.quota, q.before, q.now, q.remaining)
			t.quota, t.before, t.now, t.remaining = t.quota+q.quota, t.before+q.before, t.now+q.now, t.remaining+q.remaining
		}
		row := l.row
		l.line(talent.TitleZH(title), "合计 Total", t.quota, t.before, t.now, t.remaining)
		for c := 1; c <= len(cols); c++ {
			style := st.subtotalCount
			if c <= 2 {
				style = st.subtotal
			}
			cell, _ := excelize.CoordinatesToCellName(c, row)
			if l.err == nil {
				l.err = f.SetCellStyle(l.sheet, cell, cell, style)
			}
		}
	}
	return l.finish(true)
}

// writeTalentNotSelected writes 未入选: the nominations waitlisted (备选,
// in the order they rank) and ineligible, with their reasons in Chinese,
// one a line, and the codes of the view beside them.
func writeTalentNotSelected(f *excelize.File, st *talentStyles, b *talentBook) error {
	ids, names, groups, reasons, codes := []string{"推荐编号", "Nomination"}, []string{"姓名"}, []string{"名额组", "Group"},
		[]string{"原因", "Reasons"}, []string{"原因代码", "Codes"}
	for _, o := range b.out {
		ids, names, groups = append(ids, o.id), append(names, o.name), append(groups, o.group)
		for _, c := range o.reasons {
			reasons, codes = append(reasons, label(talentReasonZH, c)), append(codes, c)
		}
	}
	cols := []talentCol{
		{"序号", "No.", 5.5, st.center},
		{"推荐编号", "Nomination", fitWidth(11.5, 18, ids...), st.code},
		{"姓名", "Name", fitWidth(8, 14, names...), st.Body},
		{"身份证号", "ID number", 22, st.code},
		{"称号", "Title", 10, st.center},
		{"名额组", "Group", fitWidth(10, 24, groups...), st.Body},
		{"结果", "Outcome", fitWidth(8.5, 12, "Outcome"), st.center},
		{"名次", "Rank", 6.5, st.center},
		{"原因", "Reasons", fitWidth(20, 32, reasons...), st.Body},
		{"原因代码", "Codes", fitWidth(10, 18, codes...), st.Body},
	}
	r := &b.run
	note := fmt.Sprintf("%d年度未入选的推荐 %d 条。备选：符合标准，但所在组名额已满，名次接在最后一名授予者之后；不符合：未达到标准，或不符合只授予一次等规则，原因逐条列出（标准和规则见“说明”）。"+
		" %d nominations not selected: waitlisted (eligible, the group's quota full; ranked after the last awarded) or ineligible, every reason listed.",
		r.year, len(b.out), len(b.out))
	l, err := newTalentList(f, st, talentSheetOut, r.titleZH("未入选名单"), r.titleEN("Nominations not selected"), note, cols)
	if err != nil {
		return err
	}
	for i, o := range b.out {
		group := o.group
		if o.title == talent.Master {
			group = "全市" // master's one group, city
		}
		l.line(i+1, o.id, o.name, o.idMasked, talent.TitleZH(o.title), group, talentOutcome(o.outcome), nullInt(o.rank),
			talentReasons(o.reasons), strings.Join(o.reasons, "\n"))
	}
	if len(b.out) == 0 {
		l.empty(st, "本年度所有推荐均已授予或推荐 Every nomination was selected")
	} else if l.err == nil {
		ref := fmt.Sprintf("G%d:G%d", talentFirstRow, l.row-1)
		var formats []excelize.ConditionalFormatOptions
		for _, c := range []struct {
			code  string
			style int
		}{{"waitlisted", st.todo}, {"ineligible", st.fail}} {
			style := c.style
			formats = append(formats, excelize.ConditionalFormatOptions{Type: "text", Criteria: "begins with", Value: talentOutcome(c.code), Format: &style})
		}
		if err := f.SetConditionalFormat(l.sheet, ref, formats); err != nil {
			return fmt.Errorf("%s: conditional format: %w", l.sheet, err)
		}
	}
	return l.finish(false)
}
