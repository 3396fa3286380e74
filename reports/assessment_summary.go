package reports

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// asmGrid places cells on 概览 (a normal sheet: charts need one).
type asmGrid struct {
	f      *excelize.File
	st     *asmStyles
	sheet  string
	widths []float64 // of columns A, B, …: for row heights of wrapped text
	row    int       // the next free row
	err    error
}

// fit makes row tall enough for the wrapped texts in its cells (from column 1).
func (w *asmGrid) fit(row int, texts ...string) {
	lines := 1
	for i, t := range texts {
		if i < len(w.widths) && t != "" {
			lines = max(lines, xlsx.Lines(t, w.widths[i]))
		}
	}
	if w.err == nil {
		w.err = w.f.SetRowHeight(w.sheet, row, xlsx.FitHeight(max(16, float64(lines)*13+4)))
	}
}

func (w *asmGrid) put(col, row int, v any, style int) {
	if w.err != nil {
		return
	}
	cell, _ := excelize.CoordinatesToCellName(col, row)
	if rt, ok := v.([]excelize.RichTextRun); ok {
		if err := w.f.SetCellRichText(w.sheet, cell, rt); err != nil {
			w.err = err
			return
		}
	} else if v != nil {
		if err := w.f.SetCellValue(w.sheet, cell, v); err != nil {
			w.err = err
			return
		}
	}
	w.err = w.f.SetCellStyle(w.sheet, cell, cell, style)
}

// section writes a heading and returns the row after it.
func (w *asmGrid) section(zh, en string) {
	w.row++ // a blank line before
	w.put(1, w.row, zh+"  "+en, w.st.section)
	if w.err == nil {
		w.err = w.f.SetRowHeight(w.sheet, w.row, 20)
	}
	w.row++
}

// header writes bilingual header cells from column 1 and returns their row.
func (w *asmGrid) header(cells ...string) int {
	for i, c := range cells {
		w.put(i+1, w.row, c, w.st.Header)
	}
	w.fit(w.row, cells...)
	w.row++
	return w.row - 1
}

// line writes one table row: a label, then values of the given kinds.
func (w *asmGrid) line(lbl string, kinds []asmKind, vals ...any) int {
	w.put(1, w.row, lbl, w.st.label)
	texts := []string{lbl}
	for i, v := range vals {
		w.put(i+2, w.row, v, w.st.body[kinds[i]])
		s, _ := v.(string)
		texts = append(texts, s)
	}
	w.fit(w.row, texts...)
	w.row++
	return w.row - 1
}

// ref is an absolute reference to a range of 概览 for a chart.
func (w *asmGrid) ref(col1, row1, col2, row2 int) string {
	a, _ := excelize.CoordinatesToCellName(col1, row1, true)
	b, _ := excelize.CoordinatesToCellName(col2, row2, true)
	return fmt.Sprintf("'%s'!%s:%s", w.sheet, a, b)
}

func (w *asmGrid) cellRef(col, row int) string {
	a, _ := excelize.CoordinatesToCellName(col, row, true)
	return fmt.Sprintf("'%s'!%s", w.sheet, a)
}

// asmSummaryCols is the width of the tables on 概览; charts stand to their right.
const asmSummaryCols = 9

// Charts stand within the tables' columns (A:I), so that the sheet prints
// one page wide at full size: the grade and score charts beside the
// narrow tables they draw, from column E; the district chart on a page of
// its own. Widths in pixels.
const (
	asmSideChartCol   = "E"
	asmSideChartWidth = 400
	asmWideChartWidth = 800
)

var asmSummaryWidths = []float64{34, 14, 14, 14, 11, 11, 11, 13, 13}

func asmSummaryWidth() float64 {
	t := 0.0
	for _, w := range asmSummaryWidths[:asmSummaryCols] {
		t += w
	}
	return t
}

// writeAsmSummary writes 概览: counts by outcome and grade, by district and by
// kind, the year before for comparison, and three charts over those cells.
func writeAsmSummary(ctx context.Context, db *sql.DB, f *excelize.File, st *asmStyles, r *asmRun) error {
	sheet := asmSheetSummary
	w := &asmGrid{f: f, st: st, sheet: sheet, row: 1, widths: asmSummaryWidths}
	for i, wd := range asmSummaryWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, wd); err != nil {
			return err
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(asmSummaryCols)
	w.put(1, 1, r.title("概览", "Summary"), st.titleCenter)
	if err := f.MergeCell(sheet, "A1", lastCol+"1"); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 30); err != nil {
		return err
	}
	note := r.provenance() + " 评价规则 SHA-256：" + r.rubricSHA[:min(12, len(r.rubricSHA))] + "…（全文见“说明”）。Rubric hash in full on 说明 Method."
	w.put(1, 2, note, st.Note)
	if err := f.MergeCell(sheet, "A2", lastCol+"2"); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 2, asmNoteHeight(note, asmSummaryWidth())); err != nil {
		return err
	}
	w.row = 3

	// 一、总体情况: the year and the year before.
	years := []int{r.year}
	if r.hasPrev {
		years = append(years, r.year-1)
	}
	type metrics struct {
		total, graded, notAssessed, deferred, excellent, good, pass, fail int64
		avg, maxScore, minScore                                           sql.NullFloat64
		rectify, delist, revoke, amount, recovery                         int64
	}
	byYear := map[int]*metrics{}
	rows, err := sqlfiles.Rows(ctx, db, "summary_years", sql.Named("year", r.year), sql.Named("prev_year", r.year-1))
	if err != nil {
		return err
	}
	for rows.Next() {
		var y int
		m := &metrics{}
		if err := rows.Scan(&y, &m.total, &m.graded, &m.notAssessed, &m.deferred, &m.excellent, &m.good, &m.pass, &m.fail,
			&m.avg, &m.maxScore, &m.minScore, &m.rectify, &m.delist, &m.revoke, &m.amount, &m.recovery); err != nil {
			rows.Close()
			return err
		}
		byYear[y] = m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	cur := byYear[r.year]
	if cur == nil {
		cur = &metrics{}
	}
	prev := byYear[r.year-1]
	w.section("一、总体情况", "Overview")
	hdr := []string{"项目\nItem", fmt.Sprintf("%d年\n%d", r.year, r.year)}
	if prev != nil {
		hdr = append(hdr, fmt.Sprintf("%d年\n%d", r.year-1, r.year-1), "增减\nChange")
	}
	w.header(hdr...)
	type item struct {
		zh, en string
		kind   asmKind
		get    func(m *metrics) any
	}
	i64 := func(f func(m *metrics) int64) func(m *metrics) any { return func(m *metrics) any { return f(m) } }
	items := []item{
		{"纳入评价范围的载体", "Carriers in the results", akInt, i64(func(m *metrics) int64 { return m.total })},
		{"参评", "Graded", akInt, i64(func(m *metrics) int64 { return m.graded })},
		{"不参评（认定未满一年）", "Not assessed (recognised < 1 year)", akInt, i64(func(m *metrics) int64 { return m.notAssessed })},
		{"缓评", "Deferred", akInt, i64(func(m *metrics) int64 { return m.deferred })},
		{"优秀", "Excellent", akInt, i64(func(m *metrics) int64 { return m.excellent })},
		{"良好", "Good", akInt, i64(func(m *metrics) int64 { return m.good })},
		{"合格", "Pass", akInt, i64(func(m *metrics) int64 { return m.pass })},
		{"不合格", "Fail", akInt, i64(func(m *metrics) int64 { return m.fail })},
		{"平均得分", "Average score", akScore, func(m *metrics) any { return asmFloat(m.avg) }},
		{"最高分", "Highest score", akScore, func(m *metrics) any { return asmFloat(m.maxScore) }},
		{"最低分", "Lowest score", akScore, func(m *metrics) any { return asmFloat(m.minScore) }},
		{"限期整改", "To rectify", akInt, i64(func(m *metrics) int64 { return m.rectify })},
		{"摘牌", "Delisted", akInt, i64(func(m *metrics) int64 { return m.delist })},
		{"撤销认定", "Revoked", akInt, i64(func(m *metrics) int64 { return m.revoke })},
		{"资助总额（元）", "Funding (yuan)", akMoney, i64(func(m *metrics) int64 { return m.amount })},
		{"追回资助（元）", "Recovery (yuan)", akMoney, i64(func(m *metrics) int64 { return m.recovery })},
	}
	signed := map[asmKind]asmKind{akInt: akSignedInt, akScore: akSignedNum, akMoney: akSignedMoney}
	for _, it := range items {
		lbl := it.zh + " " + it.en
		a := it.get(cur)
		if prev == nil {
			w.line(lbl, []asmKind{it.kind}, a)
			continue
		}
		b := it.get(prev)
		w.line(lbl, []asmKind{it.kind, it.kind, signed[it.kind]}, a, b, asmDifference(a, b))
	}

	// 二、等级分布, with the year before beside it, on the second page with
	// the score distribution: a page of landscape A4 holds the overview
	// (and the grade chart beside it) and no more.
	pageBreak := func() {
		w.row++
		if w.err == nil {
			w.err = f.InsertPageBreak(sheet, fmt.Sprintf("A%d", w.row))
		}
		w.row--
	}
	pageBreak()
	w.section("二、等级分布", "Grades")
	gradeHdr := w.header(append([]string{"等级\nGrade", fmt.Sprintf("%d年", r.year), "占比\nShare"},
		func() []string {
			if prev != nil {
				return []string{fmt.Sprintf("%d年", r.year-1), "占比\nShare"}
			}
			return nil
		}()...)...)
	gradeFirst := w.row
	grows, err := sqlfiles.Rows(ctx, db, "summary_grades", sql.Named("year", r.year), sql.Named("prev_year", r.year-1))
	if err != nil {
		return err
	}
	for grows.Next() {
		var g string
		var n, np int64
		var share, shareP sql.NullFloat64
		if err := grows.Scan(&g, &n, &share, &np, &shareP); err != nil {
			grows.Close()
			return err
		}
		if prev != nil {
			w.line(label(gradeZH, g), []asmKind{akInt, akPercent, akInt, akPercent}, n, asmFloat(share), np, asmFloat(shareP))
		} else {
			w.line(label(gradeZH, g), []asmKind{akInt, akPercent}, n, asmFloat(share))
		}
	}
	grows.Close()
	if err := grows.Err(); err != nil {
		return err
	}
	gradeLast := w.row - 1

	// 三、得分分布 in ten-point bins (the top bin holds 100), its chart
	// beside it.
	w.section("三、得分分布", "Score distribution")
	binSection := w.row - 1
	w.header("分数段\nScore band", fmt.Sprintf("%d年", r.year), "占比\nShare")
	binFirst := w.row
	brows, err := sqlfiles.Rows(ctx, db, "summary_score_bands", sql.Named("year", r.year))
	if err != nil {
		return err
	}
	for brows.Next() {
		var b, n int64
		var share sql.NullFloat64
		if err := brows.Scan(&b, &n, &share); err != nil {
			brows.Close()
			return err
		}
		band := fmt.Sprintf("%d–%d.99", b*10, b*10+9)
		if b == 9 {
			band = "90–100"
		}
		w.line(band, []asmKind{akInt, akPercent}, n, asmFloat(share))
	}
	brows.Close()
	if err := brows.Err(); err != nil {
		return err
	}
	binLast := w.row - 1
	// 四、各区县 and 五、各类型: the same columns, grouped two ways.
	groupHdr := []string{"", "载体数\nCarriers", "参评\nGraded", "优秀\nExcellent", "良好\nGood", "合格\nPass", "不合格\nFail", fmt.Sprintf("%d年平均得分 Avg. score %d", r.year, r.year)}
	if prev != nil {
		groupHdr = append(groupHdr, fmt.Sprintf("%d年平均得分 Avg. score %d", r.year-1, r.year-1))
	}
	groupKinds := []asmKind{akInt, akInt, akInt, akInt, akInt, akInt, akScore, akScore}
	// query is summary_by_district or summary_by_kind.
	group := func(query string, lbl func(string) string) (first, last int, err error) {
		rows, err := sqlfiles.Rows(ctx, db, query, sql.Named("year", r.year), sql.Named("prev_year", r.year-1))
		if err != nil {
			return 0, 0, err
		}
		defer rows.Close()
		first = w.row
		for rows.Next() {
			var key string
			var total, graded, ex, good, pass, fail int64
			var avg, avgPrev sql.NullFloat64
			if err := rows.Scan(&key, &total, &graded, &ex, &good, &pass, &fail, &avg, &avgPrev); err != nil {
				return 0, 0, err
			}
			vals := []any{total, graded, ex, good, pass, fail, asmFloat(avg)}
			if prev != nil {
				vals = append(vals, asmFloat(avgPrev))
			}
			w.line(lbl(key), groupKinds, vals...)
		}
		return first, w.row - 1, rows.Err()
	}
	// Districts and kinds on the third page.
	// Rows of the default height (Arial 10: 12.75 points, 17 pixels).
	const sideChartHeight, rowPixels = 300, 17
	w.row = max(w.row, binSection+sideChartHeight/rowPixels+2)
	pageBreak()
	w.section("四、各区县情况", "By district")
	groupHdr[0] = "区县\nDistrict"
	distHdr := w.header(groupHdr...)
	distFirst, distLast, err := group("summary_by_district",
		func(s string) string { return s })
	if err != nil {
		return err
	}
	w.section("五、各类型载体情况", "By kind")
	groupHdr[0] = "载体类型\nKind"
	w.header(groupHdr...)
	if _, _, err := group("summary_by_kind",
		func(s string) string { return label(kindZH, s) }); err != nil {
		return err
	}

	// 六: the district chart on the last page, as tall as the districts
	// need and a page allows.
	distChartRow, distChartHeight := 0, uint(0)
	if distLast >= distFirst {
		pageBreak()
		w.section("六、各区县平均得分", "Average score by district")
		distChartRow = w.row
		n := uint(distLast - distFirst + 1)
		series := uint(1)
		if prev != nil {
			series = 2
		}
		distChartHeight = min(600, max(300, 90+n*series*18))
		w.row += int(distChartHeight)/rowPixels + 2
	}
	if w.err != nil {
		return w.err
	}

	// Charts over the tables' cells.
	font := excelize.Font{Family: "SimSun", Size: 9, Color: "262626"}
	titleFont := &excelize.Font{Family: "SimSun", Size: 12, Bold: true, Color: "262626"}
	chartTitle := func(s string) excelize.ChartTitle {
		return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s, Font: titleFont}}}
	}
	legend := excelize.ChartLegend{Position: "none"}
	if prev != nil {
		legend = excelize.ChartLegend{Position: "bottom", Font: &font}
	}
	colors := []string{"2E75B6", "A5A5A5"}
	series := func(nameCol, nameRow, catFirst, catLast, valCol, i int) excelize.ChartSeries {
		return excelize.ChartSeries{
			Name:              w.cellRef(nameCol, nameRow),
			Categories:        w.ref(1, catFirst, 1, catLast),
			Values:            w.ref(valCol, catFirst, valCol, catLast),
			Fill:              excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colors[i]}},
			DataLabel:         excelize.ChartDataLabel{Font: font},
			DataLabelPosition: excelize.ChartDataLabelsPositionOutsideEnd,
		}
	}
	anchor := func(row int) string { return fmt.Sprintf("%s%d", asmSideChartCol, row) }
	valueAxis := excelize.ChartAxis{Font: font, MajorGridLines: true}
	gradeSeries := []excelize.ChartSeries{series(2, gradeHdr, gradeFirst, gradeLast, 2, 0)}
	if prev != nil {
		gradeSeries = append(gradeSeries, series(4, gradeHdr, gradeFirst, gradeLast, 4, 1))
	}
	// The grade chart beside the overview, which is four columns wide.
	if err := f.AddChart(sheet, anchor(4), &excelize.Chart{
		Type: excelize.Col, Series: gradeSeries, Title: chartTitle(fmt.Sprintf("等级分布 Grades, %d", r.year)),
		Legend: legend, PlotArea: excelize.ChartPlotArea{ShowVal: true}, XAxis: excelize.ChartAxis{Font: font}, YAxis: valueAxis,
		Dimension: excelize.ChartDimension{Width: asmSideChartWidth, Height: 320},
	}); err != nil {
		return fmt.Errorf("grade chart: %w", err)
	}
	if distLast >= distFirst {
		distSeries := []excelize.ChartSeries{series(8, distHdr, distFirst, distLast, 8, 0)}
		if prev != nil {
			distSeries = append(distSeries, series(9, distHdr, distFirst, distLast, 9, 1))
		}
		// Horizontal bars: district names read across, labels do not collide.
		lo, hi := 0.0, 100.0
		if err := f.AddChart(sheet, fmt.Sprintf("A%d", distChartRow), &excelize.Chart{
			Type: excelize.Bar, Series: distSeries, Title: chartTitle("各区县平均得分 Average score by district"),
			Legend: legend, PlotArea: excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0.0"}},
			XAxis:     excelize.ChartAxis{Font: font, ReverseOrder: true},
			YAxis:     excelize.ChartAxis{Font: font, MajorGridLines: true, Minimum: &lo, Maximum: &hi, MajorUnit: 20},
			Dimension: excelize.ChartDimension{Width: asmWideChartWidth, Height: distChartHeight},
			Format:    excelize.GraphicOptions{OffsetY: 8},
		}); err != nil {
			return fmt.Errorf("district chart: %w", err)
		}
	}
	if err := f.AddChart(sheet, anchor(binSection), &excelize.Chart{
		Type: excelize.Col, Series: []excelize.ChartSeries{series(2, binFirst-1, binFirst, binLast, 2, 0)},
		Title:  chartTitle(fmt.Sprintf("得分分布 Score distribution, %d", r.year)),
		Legend: excelize.ChartLegend{Position: "none"}, PlotArea: excelize.ChartPlotArea{ShowVal: true},
		XAxis: excelize.ChartAxis{Font: font}, YAxis: valueAxis,
		Dimension: excelize.ChartDimension{Width: asmSideChartWidth, Height: sideChartHeight},
		Format:    excelize.GraphicOptions{OffsetY: 8},
	}); err != nil {
		return fmt.Errorf("score chart: %w", err)
	}
	return xlsx.Page{Paper: xlsx.A4, Margins: xlsx.ListMargins, RepeatRows: "$1:$1", Area: fmt.Sprintf("$A$1:$%s$%d", lastCol, w.row),
		Footer: xlsx.FooterSheetPages}.Apply(f, sheet)
}

// asmDifference is a − b for the year-on-year column; empty if either is.
func asmDifference(a, b any) any {
	switch a := a.(type) {
	case int64:
		if b, ok := b.(int64); ok {
			return a - b
		}
	case float64:
		if b, ok := b.(float64); ok {
			return a - b
		}
	}
	return nil
}
