package reports

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// ChaseInfo says what WriteChase wrote.
type ChaseInfo struct {
	Path          string
	Year, Quarter int
	DueOn         time.Time // the quarter's due date (view macro due_on)
	Due           int       // carriers that owe the quarter's report
	Missing       int       // of them, those without it
	SHA256        string
}

// chaseColumns of the chase list: Chinese first, English beneath.
var chaseColumns = []struct {
	zh, en string
	width  float64
}{
	{"序号", "No.", 6},
	{"区县", "District", 12},
	{"载体编号", "Carrier ID", 14},
	{"载体名称", "Carrier", 28},
	{"载体类型", "Kind", 16},
	{"级别", "Level", 8},
	{"运营主体", "Operator", 28},
	{"统一社会信用代码", "USCC", 22},
	{"最近报送季度", "Last reported", 22},
	{"逾期天数", "Days overdue", 13},
}

// chaseCarrier is a carrier that owes the quarter's report.
type chaseCarrier struct {
	district, id, name, kind, level, operator, uscc string
	last                                            sql.NullInt64 // year*10 + quarter of the latest earlier report
	reported                                        bool
}

// readChase reads every carrier that owes the report of (year, quarter),
// in district and carrier order, with whether the quarter's report is in:
// the rows of the macro reports_owed (sql/views/0040_reports_owed.sql),
// which says who owes a report.
func readChase(ctx context.Context, db *sql.DB, year, quarter int) ([]chaseCarrier, time.Time, error) {
	var due time.Time
	if err := sqlfiles.Row(ctx, db, "chase_due_on", sql.Named("year", year), sql.Named("quarter", quarter)).Scan(&due); err != nil {
		return nil, due, fmt.Errorf("due date of %d Q%d: %w", year, quarter, err)
	}
	rows, err := sqlfiles.Rows(ctx, db, "chase_carriers", sql.Named("year", year), sql.Named("quarter", quarter))
	if err != nil {
		return nil, due, err
	}
	defer rows.Close()
	var out []chaseCarrier
	for rows.Next() {
		var c chaseCarrier
		if err := rows.Scan(&c.district, &c.id, &c.name, &c.kind, &c.level, &c.operator, &c.uscc, &c.last, &c.reported); err != nil {
			return nil, due, err
		}
		out = append(out, c)
	}
	return out, due, rows.Err()
}

// CountMissing returns how many carriers owe the report of (year, quarter)
// and how many of them have not submitted it.
func CountMissing(ctx context.Context, db *sql.DB, year, quarter int) (due, missing int, err error) {
	cs, _, err := readChase(ctx, db, year, quarter)
	if err != nil {
		return 0, 0, err
	}
	for _, c := range cs {
		if !c.reported {
			missing++
		}
	}
	return len(cs), missing, nil
}

func quarterText(yq sql.NullInt64) string {
	if !yq.Valid {
		return "从未报送 never"
	}
	y, q := yq.Int64/10, int(yq.Int64%10)
	return fmt.Sprintf("%d年%s %d Q%d", y, quarterZH[q], y, q)
}

var quarterZH = map[int]string{1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}

// WriteChase writes the chase list (催报清单) of (year, quarter) to path:
// every carrier that owes the quarter's report and has not submitted it,
// with its operator and district, days overdue as of asOf, and a second
// sheet of counts by district. Same data and asOf, same cell values.
func WriteChase(ctx context.Context, db *sql.DB, year, quarter int, asOf time.Time, path string) (*ChaseInfo, error) {
	cs, dueOn, err := readChase(ctx, db, year, quarter)
	if err != nil {
		return nil, err
	}
	info := &ChaseInfo{Path: path, Year: year, Quarter: quarter, DueOn: dueOn, Due: len(cs)}
	var missing []chaseCarrier
	for _, c := range cs {
		if !c.reported {
			missing = append(missing, c)
		}
	}
	info.Missing = len(missing)
	overdue := int(asOf.Sub(dueOn).Hours() / 24)
	if overdue < 0 {
		overdue = 0
	}

	f := xlsx.New()
	defer f.Close()
	const sheet = "催报清单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	st, err := xlsx.NewStyles(f)
	if err != nil {
		return nil, err
	}
	lastCol, _ := excelize.ColumnNumberToName(len(chaseColumns))
	last := len(missing) + 3
	if len(missing) == 0 {
		last = 4
	}
	if err := f.AutoFilter(sheet, fmt.Sprintf("A3:%s%d", lastCol, last), nil); err != nil {
		return nil, err
	}
	if err := (xlsx.Page{Paper: xlsx.A4, Margins: xlsx.ListMargins, RepeatRows: "$3:$3", Footer: xlsx.FooterSheetPages}).Apply(f, sheet); err != nil {
		return nil, err
	}
	count, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun", Size: 10}, CustomNumFmt: &chaseCountFmt,
		Border: chaseBorder, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	sw, err := xlsx.SizedStream(f, sheet, len(chaseColumns), last)
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	for i, c := range chaseColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, err
		}
	}
	period := fmt.Sprintf("%d年%s %d Q%d", year, quarterZH[quarter], year, quarter)
	title := fmt.Sprintf("季度报表催报清单 Chase list of missing quarterly reports — %s", period)
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.Title, Value: title}}, excelize.RowOpts{Height: 24}); err != nil {
		return nil, err
	}
	note := fmt.Sprintf("报送截止日期 %s，统计截至 %s：应报 %d 家，未报 %d 家。请督促以下载体尽快补报（逾期报送按迟报计分）。"+
		" Due %s; as of %s, %d of %d carriers have not submitted: ask them to submit now (a late report scores half).",
		dueOn.Format("2006-01-02"), asOf.Format("2006-01-02"), info.Due, info.Missing,
		dueOn.Format("2006-01-02"), asOf.Format("2006-01-02"), info.Missing, info.Due)
	if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: st.Note, Value: note}}, excelize.RowOpts{Height: 32}); err != nil {
		return nil, err
	}
	hdr := make([]any, len(chaseColumns))
	lines := 1
	for i, c := range chaseColumns {
		hdr[i] = excelize.Cell{StyleID: st.Header, Value: c.zh + "\n" + c.en}
		lines = max(lines, xlsx.Lines(c.zh, c.width)+xlsx.Lines(c.en, c.width))
	}
	if err := sw.SetRow("A3", hdr, excelize.RowOpts{Height: xlsx.FitHeight(float64(lines)*13 + 6)}); err != nil {
		return nil, err
	}
	for i, c := range missing {
		vals := []any{i + 1, c.district, c.id, c.name, label(kindZH, c.kind), label(levelZH, c.level),
			c.operator, c.uscc, quarterText(c.last), overdue}
		cells := make([]any, len(vals))
		lines := 1
		for j, v := range vals {
			style := st.Body
			if _, isNum := v.(int); isNum {
				style = count
			}
			if t, ok := v.(string); ok {
				lines = max(lines, xlsx.Lines(t, chaseColumns[j].width))
			}
			cells[j] = excelize.Cell{StyleID: style, Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		// As tall as the longest name wraps to: a name is never cut.
		if err := sw.SetRow(cell, cells, excelize.RowOpts{Height: xlsx.FitHeight(float64(lines)*13 + 4)}); err != nil {
			return nil, err
		}
	}
	if len(missing) == 0 {
		cell := excelize.Cell{StyleID: st.Body, Value: "本季度应报载体均已报送 Every carrier has submitted this quarter's report"}
		if err := sw.SetRow("A4", []any{cell}); err != nil {
			return nil, err
		}
	}
	if err := sw.MergeCell("A2", lastCol+"2"); err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if err := writeChaseDistricts(f, st, cs, period); err != nil {
		return nil, err
	}
	if err := xlsx.Props(f, "季度报表催报清单 Chase list "+period, "", time.Time{}); err != nil {
		return nil, err
	}
	stamp, err := latestIngest(ctx, db)
	if err != nil {
		return nil, err
	}
	if stamp.IsZero() {
		stamp = asOf
	}
	if info.SHA256, err = xlsx.Save(f, path, xlsx.Options{Stamp: stamp}); err != nil {
		return nil, err
	}
	return info, nil
}

// writeChaseDistricts adds the sheet of counts by district.
func writeChaseDistricts(f *excelize.File, st *xlsx.Styles, cs []chaseCarrier, period string) error {
	const sheet = "按区县汇总"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	type counts struct{ due, reported int }
	var order []string
	by := map[string]*counts{}
	for _, c := range cs {
		n := by[c.district]
		if n == nil {
			n = &counts{}
			by[c.district] = n
			order = append(order, c.district) // cs is in district order
		}
		n.due++
		if c.reported {
			n.reported++
		}
	}
	ratio := xlsx.FmtRatio
	pct, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun", Size: 10}, CustomNumFmt: &ratio, Border: chaseBorder})
	if err != nil {
		return err
	}
	count, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "SimSun", Size: 10}, CustomNumFmt: &chaseCountFmt, Border: chaseBorder})
	if err != nil {
		return err
	}
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	}
	if err := set("A1", "各区县报送情况 Submissions by district — "+period, st.Title); err != nil {
		return err
	}
	for i, h := range []string{"区县\nDistrict", "应报\nDue", "已报\nReported", "未报\nMissing", "报送率\nRate"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := set(cell, h, st.Header); err != nil {
			return err
		}
	}
	_ = f.SetRowHeight(sheet, 1, 24)
	_ = f.SetRowHeight(sheet, 2, 32)
	_ = f.SetColWidth(sheet, "A", "A", 16)
	_ = f.SetColWidth(sheet, "B", "E", 11)
	var total counts
	row := 3
	line := func(name string, n counts) error {
		rate := any("")
		if n.due > 0 {
			rate = float64(n.reported) / float64(n.due)
		}
		for i, v := range []any{name, n.due, n.reported, n.due - n.reported} {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			style := count
			if i == 0 {
				style = st.Body
			}
			if err := set(cell, v, style); err != nil {
				return err
			}
		}
		cell, _ := excelize.CoordinatesToCellName(5, row)
		if err := set(cell, rate, pct); err != nil {
			return err
		}
		row++
		return nil
	}
	for _, d := range order {
		n := *by[d]
		total.due += n.due
		total.reported += n.reported
		if err := line(d, n); err != nil {
			return err
		}
	}
	if err := line("合计 Total", total); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return xlsx.Page{Paper: xlsx.A4, Margins: xlsx.ListMargins, RepeatRows: "$2:$2", Footer: xlsx.FooterSheetPages}.Apply(f, sheet)
}

// chaseCountFmt and chaseBorder are the chase list's counts and cell borders.
var (
	chaseCountFmt = xlsx.FmtCount
	chaseBorder   = []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
)
