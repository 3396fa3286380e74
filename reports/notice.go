package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
)

// publicNotice is a 公示 sheet: a list to publish for 5 working days, in
// Chinese only, with the bureau's contact and its seal left to fill in.
// The eligibility and the talent workbooks print theirs alike.
type publicNotice struct {
	sheet   string
	tagEN   string // row 1, not printed: what the sheet is, in English
	title   string // 2025年…名单公示
	lead    string // the text's first sentence: what is published, and how many
	columns []noticeColumn
	rows    [][]any // a value per column
}

// noticeColumn is a column of a 公示 list.
type noticeColumn struct {
	zh     string
	width  float64
	center bool
}

// noticeObjection follows a notice's lead: how long it runs, and how to
// object.
const noticeObjection = "公示期为5个工作日，自发布之日起计算。" +
	"如有异议，请在公示期内以书面形式向________________反映，并提供必要的证明材料。以单位名义反映的须加盖公章，以个人名义反映的须署真实姓名。"

// Rows of 公示: a tag row (not printed), the notice's title, its text,
// the contact line, a blank, the table's header.
const noticeHeaderRow = 6

// writeNotice adds n's sheet to f: portrait A4, the list's header
// repeated on every page, the signature lines after the list.
func writeNotice(f *excelize.File, st *bookStyles, n publicNotice) error {
	sheet := n.sheet
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	g := &grid{f: f, sheet: sheet}
	widths := make([]float64, len(n.columns))
	for i, c := range n.columns {
		widths[i] = c.width
	}
	g.widths(widths)
	ncol, total := len(widths), sumWidths(widths)

	g.title("公示（本行不打印）", n.tagEN+" (this row does not print)", ncol, st)
	g.put(1, 2, n.title, st.noticeTitle)
	g.merge(1, 2, ncol, 2)
	g.fit(2, []float64{total}, []string{n.title}, 22, 36)
	text := "　　" + n.lead + noticeObjection
	g.put(1, 3, text, st.noticeText)
	g.merge(1, 3, ncol, 3)
	g.fit(3, []float64{total / 1.2}, []string{text}, 16, 20)
	contact := "　　联系人：________________　　电话：________________"
	g.put(1, 4, contact, st.noticeText)
	g.merge(1, 4, ncol, 4)
	g.height(4, 24)
	for i, c := range n.columns {
		g.put(i+1, noticeHeaderRow, c.zh, st.noticeHeader)
	}
	g.height(noticeHeaderRow, 24)
	// Wrapped at 11 points: a line is 1.1 of the 10-point width.
	scaled := make([]float64, len(widths))
	for c, w := range widths {
		scaled[c] = w / 1.1
	}
	row := noticeHeaderRow + 1
	for _, vals := range n.rows {
		texts := make([]string, len(vals))
		for c, v := range vals {
			style := st.noticeBody
			if n.columns[c].center {
				style = st.noticeCenter
			}
			g.put(c+1, row, v, style)
			if t, ok := v.(string); ok {
				texts[c] = t
			}
		}
		g.fit(row, scaled, texts, 15, 24)
		row++
	}
	if len(n.rows) == 0 {
		g.put(1, row, "（无）", st.noticeCenter)
		for c := 2; c <= ncol; c++ {
			g.put(c, row, nil, st.noticeCenter)
		}
		g.merge(1, row, ncol, row)
		g.height(row, 24)
		row++
	}
	row++
	for _, line := range []string{"发布单位（盖章）：________________", "发布日期：______年____月____日"} {
		g.put(1, row, line, st.noticeRight)
		g.merge(1, row, ncol, row)
		g.height(row, 26)
		row++
	}
	if g.err != nil {
		return g.err
	}
	lastCol, _ := excelize.ColumnNumberToName(ncol)
	return xlsx.Page{Paper: xlsx.A4, Portrait: true,
		Margins:    &xlsx.Margins{Left: 0.6, Right: 0.6, Top: 0.8, Bottom: 0.8, Header: 0.3, Footer: 0.3, Centred: true},
		RepeatRows: fmt.Sprintf("$%d:$%d", noticeHeaderRow, noticeHeaderRow),
		Area:       fmt.Sprintf("$A$2:$%s$%d", lastCol, row-1),
		Footer:     xlsx.FooterPages}.Apply(f, sheet)
}
