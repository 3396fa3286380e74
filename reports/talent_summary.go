package reports

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports/xlsx"
)

// sheetRef is a reference to cells of sheet for a chart: 'sheet'!$A$1:$A$3.
func sheetRef(sheet string, col1, row1, col2, row2 int) string {
	a, _ := excelize.CoordinatesToCellName(col1, row1, true)
	if col1 == col2 && row1 == row2 {
		return fmt.Sprintf("'%s'!%s", sheet, a)
	}
	b, _ := excelize.CoordinatesToCellName(col2, row2, true)
	return fmt.Sprintf("'%s'!%s:%s", sheet, a, b)
}

// writeTalentSummary writes 汇总: the programme and the decision, the
// year's outcomes by title, and the programme's progress toward its
// quotas year by year — awarded per year, cumulative, and the share of
// the programme's quota (the sum of its groups', as talent_quota holds
// it) — with two charts of it. Printed on A4 portrait.
func writeTalentSummary(f *excelize.File, st *talentStyles, b *talentBook) error {
	sheet := talentSheetSummary
	g := &grid{f: f, sheet: sheet}
	var risingQuota, starQuota int
	if n := len(b.progress); n > 0 {
		risingQuota, starQuota = b.progress[n-1].risingQuota, b.progress[n-1].starQuota
	}
	// The two tables' headers: the year's outcomes in columns B–E, the
	// progress in B–H; each column as wide as its widest header line.
	heads := []string{"称号\nTitle", "推荐\nNominated", "授予/推荐\nSelected", "备选\nWaitlisted", "不符合\nIneligible"}
	sub := []string{"本年授予\nAwarded", "累计\nCumulative", "累计占总名额\n% of " + xlsx.Thousands(int64(risingQuota)),
		"本年授予\nAwarded", "累计\nCumulative", "累计占总名额\n% of " + xlsx.Thousands(int64(starQuota)), "推荐\nRecommended"}
	widths := []float64{16}
	for c := 1; c < 8; c++ {
		texts := []string{sub[c-1]}
		if c < len(heads) {
			texts = append(texts, heads[c])
		}
		// Latin in bold runs a quarter wider than the width model where
		// SimSun is missing (LibreOffice's fallback serif): measured so,
		// "Cumulative" is not broken.
		w := 0.0
		for _, t := range texts {
			for _, line := range strings.Split(t, "\n") {
				wide := 0.0
				for _, ch := range line {
					if xlsx.IsWide(ch) {
						wide += 2
					} else {
						wide += 1.25
					}
				}
				w = max(w, wide+xlsx.Padding+0.5)
			}
		}
		widths = append(widths, min(max(w, 11), 17))
	}
	ncol := len(widths)
	g.widths(widths)
	r := &b.run
	g.title(r.titleZH("创业人才选拔汇总"), r.titleEN("Talent selection: summary"), ncol, st.bookStyles)
	row := 3
	section := func(zh, en string) {
		g.put(1, row, zh+"  "+en, st.section)
		g.merge(1, row, ncol, row)
		g.height(row, 22)
		row++
	}
	valueWidth := sumWidths(widths[1:])
	kv := func(lbl, text string, style int) {
		g.put(1, row, lbl, st.label)
		g.put(2, row, text, style)
		for c := 3; c <= ncol; c++ {
			g.put(c, row, nil, style)
		}
		g.merge(2, row, ncol, row)
		g.fit(row, []float64{widths[0], valueWidth * 0.9}, []string{lbl, text}, 13, 18)
		row++
	}

	section("一、基本信息", "General")
	name := r.nameZH
	if r.p != nil && r.p.NameEN != "" {
		name += " " + r.p.NameEN
	}
	kv("工程\nProgramme", fmt.Sprintf("%s（%s）", name, r.code), st.Body)
	if r.p != nil {
		if r.p.Source != "" {
			kv("依据\nSource", r.p.Source, st.Body)
		}
		kv("工程年度\nYears", talentYears(r.p.Years), st.Body)
	}
	kv("评选日\nSelection day", r.day.Format("2006-01-02"), st.Body)
	kv("评选时间\nDecided", fmt.Sprintf("%s（运行编号 run %d）", r.decidedAt.Format("2006-01-02 15:04"), r.id), st.Body)
	kv("工程文件\nSHA-256", r.sha, st.sha)
	if b.changed > 0 {
		text := fmt.Sprintf("注意：有 %d 条%d年度推荐在本次评选后新增、修改或改变年度，本工作簿未反映，请重新运行 incubeval talent --year %d。"+
			" %d nominations changed after this decision and are not shown: run incubeval talent --year %d again.",
			b.changed, r.year, r.year, b.changed, r.year)
		g.put(1, row, text, st.warn)
		g.merge(1, row, ncol, row)
		g.fit(row, []float64{sumWidths(widths) * 0.9}, []string{text}, 14, 18)
		row++
	}

	row++
	section(fmt.Sprintf("二、%d年度评选结果", r.year), fmt.Sprintf("Outcomes, %d", r.year))
	lines := 2
	for i, h := range heads {
		g.put(i+1, row, h, st.Header)
		lines = max(lines, xlsx.Lines(h, widths[i]))
	}
	g.height(row, float64(lines)*13+6)
	row++
	var total talentOutcomes
	for _, o := range b.outcomes {
		lbl := xlsx.BreakZH(talent.TitleZH(o.title)+talentTitleNote(o.title), widths[0]-xlsx.Padding)
		g.put(1, row, lbl, st.Body)
		g.fit(row, widths[:1], []string{lbl}, 13, 16)
		for i, n := range []int{o.nominated, o.selected, o.waitlisted, o.ineligible} {
			g.put(i+2, row, n, st.count)
		}
		total.nominated += o.nominated
		total.selected += o.selected
		total.waitlisted += o.waitlisted
		total.ineligible += o.ineligible
		row++
	}
	g.put(1, row, "合计 Total", st.subtotal)
	for i, n := range []int{total.nominated, total.selected, total.waitlisted, total.ineligible} {
		g.put(i+2, row, n, st.subtotalCount)
	}
	row++

	row++
	section("三、工程进度", "Progress of the programme")
	h1 := row
	g.put(1, h1, "年度\nYear", st.Header)
	g.put(1, h1+1, nil, st.Header)
	g.merge(1, h1, 1, h1+1)
	for _, grp := range []struct {
		col  int
		text string
	}{{2, talent.TitleZH(talent.Rising) + " Rising"}, {5, talent.TitleZH(talent.Star) + " Star"}, {8, talent.TitleZH(talent.Master) + " Master"}} {
		g.put(grp.col, h1, grp.text, st.Header)
		if grp.col < 8 {
			g.put(grp.col+1, h1, nil, st.Header)
			g.put(grp.col+2, h1, nil, st.Header)
			g.merge(grp.col, h1, grp.col+2, h1)
		}
	}
	lines = 2
	for i, h := range sub {
		g.put(i+2, h1+1, h, st.Header)
		lines = max(lines, xlsx.Lines(h, widths[i+1]))
	}
	g.height(h1, xlsx.FitHeight(float64(xlsx.Lines(talent.TitleZH(talent.Master)+" Master", widths[7]))*13+6))
	g.height(h1+1, float64(lines)*13+6)
	row = h1 + 2
	first := row
	for _, p := range b.progress {
		g.put(1, row, strconv.Itoa(p.year)+"年", st.center)
		g.put(2, row, p.risingNow, st.count)
		g.put(3, row, p.risingTotal, st.count)
		g.put(4, row, nullFloat(p.risingShare), st.ratio)
		g.put(5, row, p.starNow, st.count)
		g.put(6, row, p.starTotal, st.count)
		g.put(7, row, nullFloat(p.starShare), st.ratio)
		g.put(8, row, p.masters, st.count)
		row++
	}
	last := row - 1
	note := fmt.Sprintf("总名额为工程期内各区县（新锐创客）、各类别（创业新秀）名额之和：%s 名、%s 名；往年已授予的从名额中扣除。累计 = 往年已授予 + 本年授予。创业达人推荐省级，不占名额。"+
		" The quotas are for the whole programme, the sums of its groups' (%s and %s); cumulative = awarded before + this year. Masters are recommended to the province, outside the quotas.",
		xlsx.Thousands(int64(risingQuota)), xlsx.Thousands(int64(starQuota)), xlsx.Thousands(int64(risingQuota)), xlsx.Thousands(int64(starQuota)))
	g.put(1, row, note, st.Note)
	g.merge(1, row, ncol, row)
	g.fit(row, []float64{sumWidths(widths) * 0.9}, []string{note}, 13, 18)
	row += 2
	if g.err != nil {
		return g.err
	}

	// The charts side by side under the tables: awarded per year over
	// columns A–D, the cumulative share over E–H.
	pixels := func(ws []float64) uint {
		px := 0.0
		for _, w := range ws {
			px += xlsx.ColumnPoints(w) / 0.75
		}
		return uint(px)
	}
	const chartHeight, rowPixels = 260, 17
	if last >= first {
		font := excelize.Font{Family: "SimSun", Size: 9, Color: "262626"}
		titleFont := &excelize.Font{Family: "SimSun", Size: 10, Bold: true, Color: "262626"}
		chartTitle := func(s string) excelize.ChartTitle {
			return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s, Font: titleFont}}}
		}
		colors := []string{"2E75B6", "ED7D31"}
		series := func(col, i int) excelize.ChartSeries {
			return excelize.ChartSeries{
				Name:              sheetRef(sheet, []int{2, 5}[i], h1, []int{2, 5}[i], h1),
				Categories:        sheetRef(sheet, 1, first, 1, last),
				Values:            sheetRef(sheet, col, first, col, last),
				Fill:              excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colors[i]}},
				DataLabel:         excelize.ChartDataLabel{Font: font},
				DataLabelPosition: excelize.ChartDataLabelsPositionOutsideEnd,
			}
		}
		legend := excelize.ChartLegend{Position: "bottom", Font: &font}
		lo, hi := 0.0, 1.0
		// Whole people on the axis: a step of 1 where the bars are short
		// (the application would step by halves).
		counts := excelize.ChartAxis{Font: font, MajorGridLines: true, Minimum: &lo, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"}}
		most := 0
		for _, p := range b.progress {
			most = max(most, p.risingNow, p.starNow)
		}
		if most <= 8 {
			counts.MajorUnit = 1
		}
		for _, c := range []struct {
			anchor string
			chart  excelize.Chart
		}{{fmt.Sprintf("A%d", row), excelize.Chart{
			Type: excelize.Col, Series: []excelize.ChartSeries{series(2, 0), series(5, 1)},
			Title: chartTitle("各年度授予人数 Awarded per year"), Legend: legend, PlotArea: excelize.ChartPlotArea{ShowVal: true},
			XAxis: excelize.ChartAxis{Font: font}, YAxis: counts,
			Dimension: excelize.ChartDimension{Width: pixels(widths[:4]) - 6, Height: chartHeight},
		}}, {fmt.Sprintf("E%d", row), excelize.Chart{
			Type: excelize.Col, Series: []excelize.ChartSeries{series(4, 0), series(7, 1)},
			Title: chartTitle("累计授予占工程总名额 Share of the quotas"), Legend: legend,
			PlotArea: excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0.0%"}},
			XAxis:    excelize.ChartAxis{Font: font},
			YAxis: excelize.ChartAxis{Font: font, MajorGridLines: true, Minimum: &lo, Maximum: &hi, MajorUnit: 0.2,
				NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
			Dimension: excelize.ChartDimension{Width: pixels(widths[4:]) - 6, Height: chartHeight},
			Format:    excelize.GraphicOptions{OffsetX: 4},
		}}} {
			if err := f.AddChart(sheet, c.anchor, &c.chart); err != nil {
				return fmt.Errorf("%s: chart: %w", sheet, err)
			}
		}
		row += chartHeight/rowPixels + 1
	}
	lastCol, _ := excelize.ColumnNumberToName(ncol)
	return xlsx.Page{Paper: xlsx.A4, Portrait: true,
		Margins: &xlsx.Margins{Left: 0.5, Right: 0.5, Top: 0.6, Bottom: 0.6, Header: 0.3, Footer: 0.3, Centred: true},
		Area:    fmt.Sprintf("$A$1:$%s$%d", lastCol, row), Footer: xlsx.FooterSheetPages}.Apply(f, sheet)
}

// talentYears are the programme's years: "2021、2022、2023".
func talentYears(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, "、")
}

// talentTitleNote says how a title is selected, after its name.
func talentTitleNote(title string) string {
	switch title {
	case talent.Rising:
		return "（按区县）"
	case talent.Star:
		return "（按类别）"
	case talent.Master:
		return "（推荐省级）"
	}
	return ""
}
