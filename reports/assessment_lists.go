package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// asmStrings converts a scanned DuckDB list (VARCHAR[]) to strings.
func asmStrings(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// loadAsmRankings reads 排名: every graded carrier in rank order, with the
// points of each indicator of the run's one scheme; when the run has
// several, with the scheme that scored it instead (the points are on each
// scheme's own sheet, loadAsmSchemeRankings).
func loadAsmRankings(ctx context.Context, db *sql.DB, st *asmStyles, r *asmRun) (*asmList, error) {
	var indicators []rubricIndicator
	if len(r.schemes) == 1 {
		indicators = r.schemes[0].indicators
	}
	return loadAsmRankingList(ctx, db, st, r, nil, indicators)
}

// loadAsmSchemeRankings reads the rankings sheet of one scheme: the
// carriers it scored, in the city-wide rank order, with the points of
// each of its indicators.
func loadAsmSchemeRankings(s *rubricScheme) func(context.Context, *sql.DB, *asmStyles, *asmRun) (*asmList, error) {
	return func(ctx context.Context, db *sql.DB, st *asmStyles, r *asmRun) (*asmList, error) {
		return loadAsmRankingList(ctx, db, st, r, s, s.indicators)
	}
}

func loadAsmRankingList(ctx context.Context, db *sql.DB, st *asmStyles, r *asmRun, scheme *rubricScheme, indicators []rubricIndicator) (*asmList, error) {
	var schemeArg sql.NullString
	if scheme != nil {
		schemeArg = sql.NullString{String: scheme.code, Valid: true}
	}
	// The city-wide sheet of a run with several schemes names each row's.
	showScheme := scheme == nil && len(r.schemes) > 1
	schemeName := map[string]string{}
	for _, s := range r.schemes {
		schemeName[s.code] = s.zh
	}
	nInd := len(indicators)
	rows, err := sqlfiles.Rows(ctx, db, "assessment_rankings", sql.Named("year", r.year), sql.Named("scheme", schemeArg))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var data [][]any
	var ids []string // each row's carrier
	for rows.Next() {
		var rank, rankD, rankG sql.NullInt64
		var id, name, district, kind, level, track, grade, code string
		var score, scoreDelta sql.NullFloat64
		var rankDelta sql.NullInt64
		var reasons any
		if err := rows.Scan(&rank, &id, &name, &district, &kind, &level, &track, &score, &grade,
			&scoreDelta, &rankDelta, &rankD, &rankG, &reasons, &code); err != nil {
			return nil, err
		}
		row := make([]any, 0, 15+nInd)
		switch {
		case scheme != nil: // the points print beside the result
			row = append(row, asmInt(rank), id, name, district, label(levelZH, level), label(trackZH, track),
				asmFloat(score), label(gradeZH, grade))
		default:
			row = append(row, asmInt(rank), id, name, district, label(kindZH, kind), label(levelZH, level),
				label(trackZH, track))
			if showScheme {
				row = append(row, label(schemeName, code))
			}
			row = append(row, asmFloat(score), label(gradeZH, grade),
				asmFloat(scoreDelta), asmInt(rankDelta), asmInt(rankD), asmInt(rankG), reasonsLabel(asmStrings(reasons)))
		}
		data = append(data, row)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// Each carrier's points on its scheme's indicators, in display order,
	// from the indicator rows (read once for this sheet and 指标明细, and
	// asked for after the rankings so that both queries run at once).
	if nInd > 0 {
		details, err := r.indicatorRows(ctx, db)
		if err != nil {
			return nil, err
		}
		pts := make(map[string][]any, len(data))
		for _, d := range details {
			pts[d.id] = append(pts[d.id], d.points)
		}
		for k, row := range data {
			ps := pts[ids[k]]
			for i := range nInd {
				var v any
				if i < len(ps) {
					v = ps[i]
				}
				row = append(row, v)
			}
			data[k] = row
		}
	}
	// What an official reads comes first and prints (on A3); the points of
	// each indicator follow, for the screen and for sorting. A scheme's
	// sheet is its points: they print, after the result.
	var cols []asmColumn
	var gradeCol, printCols int
	if scheme != nil {
		cols = []asmColumn{
			{zh: "名次", en: "Rank", kind: akInt, width: 7},
			{zh: "载体编号", en: "Carrier ID", kind: akCode, max: 16},
			{zh: "载体名称", en: "Name", kind: akText, max: 30},
			{zh: "区县", en: "District", kind: akCode, max: 12},
			{zh: "级别", en: "Level", kind: akCode, max: 10},
			{zh: "类别", en: "Track", kind: akCode, max: 10},
			{zh: "得分", en: "Score", kind: akScore, width: 9},
			{zh: "等级", en: "Grade", kind: akCode, width: 8},
		}
		gradeCol = len(cols)
		for _, ind := range indicators {
			cols = append(cols, asmColumn{zh: asmIndicatorHeader(ind, 10), en: ind.en, kind: akScore, width: 12})
		}
	} else {
		cols = []asmColumn{
			{zh: "名次", en: "Rank", kind: akInt, width: 7},
			{zh: "载体编号", en: "Carrier ID", kind: akCode, max: 16},
			{zh: "载体名称", en: "Name", kind: akText, max: 40},
			{zh: "区县", en: "District", kind: akCode, max: 14},
			{zh: "载体类型", en: "Kind", kind: akCode, max: 22},
			{zh: "级别", en: "Level", kind: akCode, max: 10},
			{zh: "类别", en: "Track", kind: akCode, max: 10},
		}
		if showScheme {
			cols = append(cols, asmColumn{zh: "评分方案", en: "Scheme", kind: akCode, max: 22})
		}
		gradeCol = len(cols) + 2
		cols = append(cols,
			asmColumn{zh: "得分", en: "Score", kind: akScore, width: 9},
			asmColumn{zh: "等级", en: "Grade", kind: akCode, width: 8},
			asmColumn{zh: "得分变化", en: "Score change", kind: akSignedNum, width: 9},
			asmColumn{zh: "名次变化", en: "Rank change", kind: akSignedInt, width: 9},
			asmColumn{zh: "区县内\n名次", en: "Rank in district", kind: akInt, width: 9},
			asmColumn{zh: "同类\n名次", en: "Rank in group", kind: akInt, width: 9},
			asmColumn{zh: "说明", en: "Reasons", kind: akText, max: 32},
		)
		printCols = len(cols)
		for _, ind := range indicators {
			cols = append(cols, asmColumn{zh: asmIndicatorHeader(ind, 14), en: ind.en, kind: akScore, width: 16})
		}
	}
	prevNote := "上年未参评的载体，得分变化和名次变化为空。"
	if !r.hasPrev {
		prevNote = fmt.Sprintf("%d年无评价结果，得分变化和名次变化为空。", r.year-1)
	}
	where := "各指标得分在“说明”列之后（不打印），明细见“指标明细”。"
	switch {
	case showScheme:
		where = "各载体按所适用的评分方案评分（见“说明”），各方案的指标得分见各方案的排名表，明细见“指标明细”。"
	case scheme != nil:
		where = fmt.Sprintf("本表列出按评分方案“%s”（%s）评分的载体及其各指标得分，名次为全市名次，得分变化、说明等见“排名”表。", scheme.zh, scheme.en)
	}
	note := r.provenance() + fmt.Sprintf(" 按总分从高到低排名，同分同名次（1-2-2-4），同分者按载体编号排列；%s得分变化 = 本年得分 − %d年得分；名次变化 = %d年名次 − 本年名次，正数表示名次上升。%s 同类 = 载体类型 + 类别。"+
		"Ranked by score (ties share a rank); score change = %d score − %d score; rank change > 0 means the carrier moved up.",
		where, r.year-1, r.year-1, prevNote, r.year, r.year-1)
	name, title := asmSheetRankings, r.title("排名", "Rankings")
	empty := "本年度没有参评载体 No carrier was graded this year"
	if scheme != nil {
		name, title = scheme.sheet, r.title("排名 · "+scheme.zh, "Rankings · "+scheme.en)
		empty = "本年度没有按本方案评分的载体 No carrier was scored by this scheme this year"
	}
	ls := &asmList{
		name: name, title: title, note: note, cols: cols, rows: data,
		conds: []asmCond{asmGradeConds(st, gradeCol)}, freezeCols: 3, printCols: printCols, a3: true,
		empty: empty,
	}
	return ls, nil
}

// asmIndicatorHeader is the heading of an indicator's points column: its
// section (一级指标) if it has one, its name and its weight, or its most
// as a bonus item (加分项).
func asmIndicatorHeader(ind rubricIndicator, width float64) string {
	zh := xlsx.BreakZH(ind.zh, width)
	if ind.section != "" {
		zh = ind.section + "\n" + zh
	}
	if ind.bonus {
		return zh + fmt.Sprintf("\n（加分，最高%s分）", asmNum(ind.weight))
	}
	return zh + fmt.Sprintf("\n（%s分）", asmNum(ind.weight))
}

// asmNum prints a weight or threshold without trailing zeros.
func asmNum(x float64) string { return strconv.FormatFloat(math.Round(x*1e9)/1e9, 'f', -1, 64) }

// asmFailReasons says in Chinese why a carrier failed: its reasons, or,
// when it has none, that its score is below the pass line (the stored
// below_pass), with the run's pass mark.
func asmFailReasons(codes []string, belowPass sql.NullBool, r *asmRun) string {
	switch {
	case len(codes) > 0:
		return reasonsLabel(codes)
	case !belowPass.Bool:
		return ""
	case r.params.valid:
		return fmt.Sprintf("得分低于合格线（%s分）", asmNum(r.params.pass))
	}
	return "得分低于合格线"
}

// asmUnknown stands for a number of the run's rubric that it no longer has
// (a run stored before they were kept, whose rubric no longer reads).
const asmUnknown = "—"

// loadAsmRectify reads 限期整改: the carriers to rectify, why and by when.
func loadAsmRectify(ctx context.Context, db *sql.DB, st *asmStyles, r *asmRun) (*asmList, error) {
	rows, err := sqlfiles.Rows(ctx, db, "assessment_rectify", sql.Named("year", r.year))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var data [][]any
	for rows.Next() {
		var id, name, district, kind, level, grade string
		var operator sql.NullString
		var score sql.NullFloat64
		var reasons any
		var below sql.NullBool
		var effective, deadline sql.NullTime
		if err := rows.Scan(&id, &name, &district, &kind, &level, &operator, &score, &grade, &reasons, &below, &effective, &deadline); err != nil {
			return nil, err
		}
		data = append(data, []any{len(data) + 1, id, name, district, label(kindZH, kind), label(levelZH, level),
			operator.String, asmFloat(score), label(gradeZH, grade), asmFailReasons(asmStrings(reasons), below, r),
			asmTime(effective), asmTime(deadline)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Narrow enough to print on A4 at 8 points or more, whatever the names.
	cols := []asmColumn{
		{zh: "序号", en: "No.", kind: akInt, width: 6},
		{zh: "载体编号", en: "Carrier ID", kind: akCode, max: 16},
		{zh: "载体名称", en: "Name", kind: akText, max: 22},
		{zh: "区县", en: "District", kind: akCode, max: 14},
		{zh: "载体类型", en: "Kind", kind: akText, max: 12},
		{zh: "级别", en: "Level", kind: akCode, max: 10},
		{zh: "运营主体", en: "Operator", kind: akText, max: 22},
		{zh: "得分", en: "Score", kind: akScore, width: 8},
		{zh: "等级", en: "Grade", kind: akCode, width: 8},
		{zh: "整改原因", en: "Reasons", kind: akText, max: 24},
		{zh: "决定日期", en: "Decided on", kind: akDate, width: 12},
		{zh: "整改期限", en: "Rectify by", kind: akDate, width: 12},
	}
	days := asmUnknown
	if r.params.valid {
		days = fmt.Sprint(r.params.rectifyDays)
	}
	note := r.provenance() + fmt.Sprintf(" 以下载体%d年度考核不合格，予以通报并限期整改，整改期限为决定之日起%s天；下一参评年度仍不合格的，予以摘牌。"+
		"These carriers failed the %d assessment and must rectify within %s days of the decision.", r.year, days, r.year, days)
	return &asmList{
		name: asmSheetRectify, title: r.title("限期整改", "Rectification"), note: note, cols: cols, rows: data,
		conds: []asmCond{asmGradeConds(st, 9)}, freezeCols: 3,
		empty: "本年度没有限期整改的载体 No carrier has to rectify this year",
	}, nil
}

// loadAsmDelist reads 摘牌与撤销: delisted and revoked carriers with their
// operator, the failing years, the ban and any subsidy to recover.
func loadAsmDelist(ctx context.Context, db *sql.DB, st *asmStyles, r *asmRun) (*asmList, error) {
	rows, err := sqlfiles.Rows(ctx, db, "assessment_delist", sql.Named("year", r.year))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var data [][]any
	for rows.Next() {
		var action, id, name, district, kind, level string
		var operator, uscc, prevGrade sql.NullString
		var score sql.NullFloat64
		var reasons any
		var below sql.NullBool
		var prevYear, recovery sql.NullInt64
		var effective, banned sql.NullTime
		if err := rows.Scan(&action, &id, &name, &district, &kind, &level, &operator, &uscc, &score, &reasons, &below,
			&prevYear, &prevGrade, &effective, &banned, &recovery); err != nil {
			return nil, err
		}
		var why string
		var prevFail any
		codes := asmStrings(reasons)
		switch action {
		case "delist":
			why = "连续两次参评不合格"
			if prevYear.Valid {
				why = fmt.Sprintf("连续两次参评不合格（%d年、%d年）", prevYear.Int64, r.year)
			}
			why += "；本年：" + asmFailReasons(codes, below, r)
		default:
			why = asmFailReasons(codes, below, r)
		}
		if prevYear.Valid && prevGrade.String == "fail" {
			prevFail = prevYear.Int64
		}
		designation := "撤销认定"
		if action == "delist" {
			designation = "摘牌，撤销全部认定"
		}
		data = append(data, []any{len(data) + 1, label(actionZH, action), id, name, district, operator.String, uscc.String,
			why, asmTime(banned), asmInt(recovery),
			label(kindZH, kind), label(levelZH, level), asmFloat(score), prevFail, designation, asmTime(effective)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The first ten columns print (A4): who, why, the ban and the money;
	// the rest are for the screen.
	cols := []asmColumn{
		{zh: "序号", en: "No.", kind: akInt, width: 6},
		{zh: "处理", en: "Action", kind: akCode, width: 10},
		{zh: "载体编号", en: "Carrier ID", kind: akCode, max: 16},
		{zh: "载体名称", en: "Name", kind: akText, max: 22},
		{zh: "区县", en: "District", kind: akCode, max: 14},
		{zh: "运营主体", en: "Operator", kind: akText, max: 22},
		{zh: "统一社会信用代码", en: "USCC", kind: akCode, width: 22},
		{zh: "原因", en: "Reason", kind: akText, max: 24},
		{zh: "禁止申报\n截止", en: "Banned until", kind: akDate, width: 12},
		{zh: "追回资助\n（元）", en: "Recovery (yuan)", kind: akMoney},
		{zh: "载体类型", en: "Kind", kind: akCode, max: 24},
		{zh: "级别", en: "Level", kind: akCode},
		{zh: "本年得分", en: "Score", kind: akScore, width: 9},
		{zh: "上次不合格\n年度", en: "Previous failing year", kind: akCode, width: 11},
		{zh: "认定资格", en: "Designation", kind: akCode},
		{zh: "决定日期", en: "Decided on", kind: akDate, width: 12},
	}
	years := asmUnknown
	decided := ""
	if r.params.valid {
		years = fmt.Sprint(r.params.banYears)
		decided = fmt.Sprintf("决定日期 %s。Decided on %s. ", asmDay(r.params.decidedOn), asmDay(r.params.decidedOn))
	}
	note := r.provenance() + fmt.Sprintf(" %s连续两年考核不合格的载体予以摘牌，撤销全部认定资格；提供虚假材料的载体撤销认定，并追回上年度及本年度已拨付的资助资金。"+
		"运营主体%s年内（至禁止申报截止日）不得申报任何市级载体认定。"+
		"Carriers failing two graded years in a row are delisted; carriers that supplied false data are revoked and their subsidies recovered. "+
		"Their operators may not apply for any municipal designation until the date shown. 载体类型、级别、得分、上次不合格年度、认定资格和决定日期在右侧各列（不打印）。", decided, years)
	return &asmList{
		name: asmSheetDelist, title: r.title("摘牌与撤销", "Delisting and revocation"), note: note, cols: cols, rows: data,
		freezeCols: 4, printCols: 10, empty: "本年度没有摘牌或撤销的载体 No carrier was delisted or revoked this year",
	}, nil
}

// loadAsmFunding reads 资助: each graded carrier's subsidy, subtotals by tier
// and the total, and whether the budget scaled the amounts.
func loadAsmFunding(ctx context.Context, db *sql.DB, st *asmStyles, r *asmRun) (*asmList, error) {
	rows, err := sqlfiles.Rows(ctx, db, "assessment_funding", sql.Named("year", r.year))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tierName := func(code string) string {
		if r.rubric != nil {
			for _, t := range r.rubric.Funding.Tiers {
				if t.Code == code && t.NameZH != "" {
					return t.NameZH
				}
			}
		}
		return label(tierZH, code)
	}
	var data [][]any
	for rows.Next() {
		var rank sql.NullInt64
		var id, name, district, level, track, tier string
		var grade, action sql.NullString
		var capYuan, unscaled, amount, recovery int64
		var factor float64
		if err := rows.Scan(&rank, &id, &name, &district, &level, &track, &grade, &tier, &capYuan, &factor,
			&unscaled, &amount, &recovery, &action); err != nil {
			return nil, err
		}
		data = append(data, []any{asmInt(rank), id, name, district, label(levelZH, level), label(trackZH, track),
			label(gradeZH, grade.String), tierName(tier), capYuan, factor, unscaled, amount, recovery,
			label(actionZH, action.String)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Subtotals by tier, then the total: numbers, not formulas, so that every
	// reader shows them without recalculating.
	trows, err := sqlfiles.Rows(ctx, db, "assessment_funding_totals", sql.Named("year", r.year))
	if err != nil {
		return nil, err
	}
	defer trows.Close()
	var totals [][]any
	var sumUnscaled, sumAmount int64
	for trows.Next() {
		var tier sql.NullString
		var n, unscaled, amount, recovery int64
		if err := trows.Scan(&tier, &n, &unscaled, &amount, &recovery); err != nil {
			return nil, err
		}
		lbl := fmt.Sprintf("小计：%s（%d家）", tierName(tier.String), n)
		if !tier.Valid {
			lbl = fmt.Sprintf("合计 Total（%d家）", n)
			sumUnscaled, sumAmount = unscaled, amount
		}
		totals = append(totals, []any{nil, nil, excelize.Cell{StyleID: st.total[akText], Value: lbl}, nil, nil, nil, nil, nil, nil, nil,
			unscaled, amount, recovery, nil})
	}
	if err := trows.Err(); err != nil {
		return nil, err
	}
	cols := []asmColumn{
		{zh: "名次", en: "Rank", kind: akInt, width: 7},
		{zh: "载体编号", en: "Carrier ID", kind: akCode, max: 16},
		{zh: "载体名称", en: "Name", kind: akText, max: 28},
		{zh: "区县", en: "District", kind: akCode, max: 14},
		{zh: "级别", en: "Level", kind: akCode, max: 10},
		{zh: "类别", en: "Track", kind: akCode, max: 10},
		{zh: "等级", en: "Grade", kind: akCode, width: 8},
		{zh: "资助档次", en: "Tier", kind: akText, max: 12},
		{zh: "档次上限\n（元）", en: "Cap (yuan)", kind: akMoney},
		{zh: "等级系数", en: "Factor", kind: akFactor, width: 8},
		{zh: "测算金额\n（元）", en: "Before budget (yuan)", kind: akMoney},
		{zh: "资助金额\n（元）", en: "Amount (yuan)", kind: akMoney},
		{zh: "追回金额\n（元）", en: "Recovery (yuan)", kind: akMoney},
		{zh: "处理决定", en: "Decision", kind: akCode, width: 9},
	}
	budget := "未设年度资助预算，按测算金额资助。No annual budget: amounts as computed."
	if r.budget.Valid {
		round := ""
		if r.params.valid {
			round = fmt.Sprintf("并向下取整到%d元", r.params.roundDownTo)
		}
		if sumAmount != sumUnscaled {
			budget = fmt.Sprintf("年度资助预算 %s 元，测算总额 %s 元超出预算，各载体金额按“预算 ÷ 测算总额”等比例压缩%s，资助总额 %s 元。"+
				"The computed total exceeds the budget of %s yuan: every amount is scaled down in proportion.",
				xlsx.Thousands(r.budget.Int64), xlsx.Thousands(sumUnscaled), round, xlsx.Thousands(sumAmount), xlsx.Thousands(r.budget.Int64))
		} else {
			budget = fmt.Sprintf("年度资助预算 %s 元，测算总额 %s 元未超出预算，按测算金额资助。The computed total is within the budget of %s yuan.",
				xlsx.Thousands(r.budget.Int64), xlsx.Thousands(sumUnscaled), xlsx.Thousands(r.budget.Int64))
		}
	}
	note := r.provenance() + " 资助金额 = 档次上限 × 等级系数；" + budget + " 摘牌、撤销认定的载体不予资助，撤销认定的载体追回上年度及本年度资助。" +
		"Amount = tier cap × grade factor; delisted and revoked carriers get nothing, revoked carriers repay."
	return &asmList{
		name: asmSheetFunding, title: r.title("资助", "Funding"), note: note, cols: cols, rows: data, totals: totals,
		conds: []asmCond{asmGradeConds(st, 7)}, freezeCols: 3,
		empty: "本年度没有资助 No funding this year",
	}, nil
}

// loadAsmCompliance reads 数据报送: for every graded carrier and window
// quarter, when the winning report was submitted and whether on time.
func loadAsmCompliance(ctx context.Context, db *sql.DB, st *asmStyles, r *asmRun) (*asmList, error) {
	// The window's quarters, as the run stored them.
	type quarter struct {
		y, q int
		due  time.Time
	}
	var quarters []quarter
	qrows, err := sqlfiles.Rows(ctx, db, "assessment_window_quarters", sql.Named("year", r.year))
	if err != nil {
		return nil, err
	}
	for qrows.Next() {
		var q quarter
		if err := qrows.Scan(&q.y, &q.q, &q.due); err != nil {
			qrows.Close()
			return nil, err
		}
		quarters = append(quarters, q)
	}
	qrows.Close()
	if err := qrows.Err(); err != nil {
		return nil, err
	}
	var data [][]any
	var cur, dates []any
	k := 0
	late := map[int64]string{} // 逾期N天, made once for each N
	var id, name, district string
	err = arrowRows(ctx, db, "assessment_compliance", r.year, func(rec arrow.Record) error {
		cols := rec.Columns()
		if len(cols) != 10 {
			return fmt.Errorf("assessment_compliance: %d columns, want 10", len(cols))
		}
		for i := range int(rec.NumRows()) {
			if k == 0 {
				cur = make([]any, 0, 3+2*len(quarters)+4)
				for j, last := range []*string{&id, &name, &district} {
					v, err := arrowText(cols[j], i, last)
					if err != nil {
						return err
					}
					cur = append(cur, v)
				}
				dates = make([]any, 0, len(quarters))
			}
			submitted, err := arrowDate(cols[3], i)
			if err != nil {
				return err
			}
			onTime, valid, err := arrowBool(cols[4], i)
			if err != nil {
				return err
			}
			status := "未报送"
			switch {
			case !valid:
			case onTime:
				status = "按时"
			default:
				days, _, err := arrowInt(cols[5], i)
				if err != nil {
					return err
				}
				if status = late[days]; status == "" {
					status = fmt.Sprintf("逾期%d天", days)
					late[days] = status
				}
			}
			cur = append(cur, status)
			dates = append(dates, asmTime(submitted))
			if k++; k == len(quarters) {
				for j := 6; j < 9; j++ {
					n, ok, err := arrowInt(cols[j], i)
					if err != nil || !ok {
						return errors.Join(err, errors.New("assessment_compliance: a count is NULL"))
					}
					cur = append(cur, n)
				}
				var points sql.NullFloat64
				if points.Float64, points.Valid, err = arrowFloat(cols[9], i); err != nil {
					return err
				}
				data = append(data, append(append(cur, asmFloat(points)), dates...))
				k = 0
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Printed: each quarter's status, the counts and the points; the
	// submission dates follow, for the screen.
	cols := []asmColumn{
		{zh: "载体编号", en: "Carrier ID", kind: akCode, max: 16},
		{zh: "载体名称", en: "Name", kind: akText, max: 36},
		{zh: "区县", en: "District", kind: akCode, max: 14},
	}
	var conds []asmCond
	for _, q := range quarters {
		zh := fmt.Sprintf("%d年\n第%s季度\n截止%s", q.y, asmQuarterZH(q.q), q.due.Format("01-02"))
		en := fmt.Sprintf("%d Q%d due %s", q.y, q.q, q.due.Format("01-02"))
		cols = append(cols, asmColumn{zh: zh, en: en, kind: akCode, width: 11})
		statusCol := len(cols)
		colName, _ := excelize.ColumnNumberToName(statusCol)
		missing, late := st.status.missing, st.status.late
		conds = append(conds, asmCond{col: statusCol, opts: []excelize.ConditionalFormatOptions{
			{Type: "cell", Criteria: "==", Value: `"未报送"`, Format: &missing},
			{Type: "formula", Criteria: fmt.Sprintf(`LEFT(%s%d,2)="逾期"`, colName, asmFirstData), Format: &late},
		}})
	}
	weight := asmUnknown
	if r.reportingWeight.Valid {
		weight = asmNum(r.reportingWeight.Float64)
	}
	cols = append(cols,
		asmColumn{zh: "按时\n季度数", en: "On time", kind: akInt, width: 8},
		asmColumn{zh: "逾期\n季度数", en: "Late", kind: akInt, width: 8},
		asmColumn{zh: "未报送\n季度数", en: "Missing", kind: akInt, width: 8},
		asmColumn{zh: fmt.Sprintf("报送得分\n（%s分）", weight), en: "Reporting points", kind: akScore, width: 10},
	)
	printCols := len(cols)
	for _, q := range quarters {
		cols = append(cols, asmColumn{zh: fmt.Sprintf("%d年第%s季度\n报送日期", q.y, asmQuarterZH(q.q)), en: fmt.Sprintf("%d Q%d submitted on", q.y, q.q), kind: akDate, width: 16})
	}
	rp := asmUnknown
	if r.params.valid {
		rp = fmt.Sprintf("按时%s、逾期%s、未报送%s", asmNum(r.params.onTime), asmNum(r.params.late), asmNum(r.params.missing))
	}
	note := r.provenance() + " 季度报表应于季度结束后15日内报送；同一季度多次报送的，以最后报送的版本为准，按其报送日期判断是否按时。每季度计分：" + rp +
		"。考核期内缺报两个及以上季度的，评为不合格。Reports are due 15 days after the quarter ends; the latest revision counts."
	return &asmList{
		name: asmSheetCompliance, title: r.title("数据报送", "Reporting compliance"), note: note, cols: cols, rows: data,
		conds: conds, freezeCols: 2, printCols: printCols,
		empty: "本年度没有参评载体 No carrier was graded this year",
	}, nil
}

func asmQuarterZH(q int) string {
	if q >= 1 && q <= 4 {
		return []string{"一", "二", "三", "四"}[q-1]
	}
	return fmt.Sprint(q)
}

// loadAsmIndicators reads 指标明细: one row per graded carrier and indicator.
// It is the largest sheet: its rows are read column by column (Arrow), and
// kept as plain values until they are written.
func loadAsmIndicators(ctx context.Context, db *sql.DB, st *asmStyles, r *asmRun) (*asmList, error) {
	// Labels by the scheme and the indicator's place in it, with the unit;
	// a target where the scoring has none says how it scores instead.
	type indLabel struct {
		label  string
		style  int
		target string // steps, per_unit, relative: the scoring in words
	}
	labels := map[string][]indLabel{}
	indW := xlsx.TextWidth("Indicator")
	for _, ind := range r.indicators {
		ls := labels[ind.scheme]
		for len(ls) <= ind.ord {
			ls = append(ls, indLabel{label: fmt.Sprint(len(ls)), style: st.body[akGeneral]})
		}
		lbl := ind.zh
		switch ind.unit {
		case "":
		case "ratio":
			lbl += "（%）"
		default:
			lbl += "（" + ind.unit + "）"
		}
		if ind.bonus && !strings.Contains(lbl, "加分") {
			lbl += "［加分项］"
		}
		ls[ind.ord] = indLabel{label: lbl, style: st.body[ind.valueKind], target: ind.short()}
		labels[ind.scheme] = ls
		indW = max(indW, xlsx.TextWidth(lbl))
	}
	multi := len(r.schemes) > 1
	schemeName := map[string]string{}
	schemeW := xlsx.TextWidth("评分方案")
	for _, s := range r.schemes {
		schemeName[s.code] = s.zh
		schemeW = max(schemeW, xlsx.TextWidth(s.zh))
	}
	rows, err := r.indicatorRows(ctx, db)
	if err != nil {
		return nil, err
	}
	// Its widest ids and names, in characters as DuckDB's length counts
	// them; a carrier's rows repeat its id and name.
	var idLen, nameLen int
	for i := range rows {
		if d := &rows[i]; i == 0 || d.id != rows[i-1].id || d.name != rows[i-1].name {
			idLen = max(idLen, utf8.RuneCountInString(d.id))
			nameLen = max(nameLen, utf8.RuneCountInString(d.name))
		}
	}
	n := len(rows)
	fill := func(i int, vals []any, styles []int) {
		d := &rows[i]
		l := indLabel{label: fmt.Sprint(d.ord), style: st.body[akGeneral]}
		if ls := labels[d.scheme]; d.ord >= 0 && d.ord < len(ls) {
			l = ls[d.ord]
		}
		vals[0], vals[1], vals[2], vals[3] = asmInt(d.rank), d.id, d.name, label(levelZH, d.level)
		c := 4
		if multi {
			vals[c] = label(schemeName, d.scheme)
			c++
		}
		vals[c], vals[c+1], vals[c+2] = l.label, asmFloat(d.value), asmFloat(d.target)
		vals[c+3], vals[c+4] = d.weight, d.points
		styles[c+1], styles[c+2] = l.style, l.style
		if !d.target.Valid && l.target != "" {
			vals[c+2], styles[c+2] = l.target, st.body[akCode]
		}
	}
	fit := func(w float64) float64 { return min(w+2.5, 40) }
	cols := []asmColumn{
		{zh: "名次", en: "Rank", kind: akInt, width: 7},
		{zh: "载体编号", en: "Carrier ID", kind: akCode, width: fit(max(xlsx.TextWidth("Carrier ID"), float64(idLen)))},
		// Names are Chinese: two units a character.
		{zh: "载体名称", en: "Name", kind: akText, width: fit(max(xlsx.TextWidth("载体名称"), 2*float64(nameLen)))},
		{zh: "级别", en: "Level", kind: akCode, width: 8},
	}
	if multi {
		cols = append(cols, asmColumn{zh: "评分方案", en: "Scheme", kind: akCode, width: fit(schemeW)})
	}
	cols = append(cols,
		asmColumn{zh: "指标（单位）", en: "Indicator (unit)", kind: akText, width: fit(indW)},
		asmColumn{zh: "实际值", en: "Value", kind: akGeneral, width: 12},
		asmColumn{zh: "目标值", en: "Target", kind: akGeneral, width: 12},
		asmColumn{zh: "权重", en: "Weight", kind: akGeneral, width: 7},
		asmColumn{zh: "得分", en: "Points", kind: akScore, width: 8},
	)
	how := " 越高越好的指标：得分 = 权重 × min(1, 实际值 ÷ 目标值)，目标值按载体级别确定；退出率越低越好，目标值为满分线。各项得分保留两位小数，总分为各项得分之和。" +
		"Points = weight × min(1, value ÷ target); for the exit rate the target is the full-points line."
	if !r.plain() {
		how = " 各载体按所适用评分方案的指标计分（计分方式见“说明”）：线性计分的目标值按载体级别确定，越低越好的指标目标值为满分线，阶梯、按量和相对最优计分的目标值栏为计分方式。" +
			"各项得分保留两位小数，总分为各项得分之和，加分项合计不超过方案的加分上限。" +
			"Each carrier is scored by its scheme's indicators (see 说明); the target column is the linear target, a band's full-points line, or the scoring in words."
	}
	note := r.provenance() + how +
		fmt.Sprintf(" 本表共 %s 行，打印整个工作簿时只打印表头；如需打印明细，请在“页面布局 → 打印区域”中取消或重设打印区域。"+
			"This sheet has %s rows: printing the workbook prints its heading only; to print rows, clear or reset the print area (Page Layout → Print Area).",
			xlsx.Thousands(int64(n)), xlsx.Thousands(int64(n)))
	return &asmList{
		name: asmSheetIndicators, title: r.title("指标明细", "Indicator detail"), note: note, cols: cols, n: n, fill: fill,
		freezeCols: 3, printHead: true, empty: "本年度没有参评载体 No carrier was graded this year",
	}, nil
}

// asmDetail is a row of assessment_indicator_rows: one graded carrier's
// score on one indicator.
type asmDetail struct {
	rank           sql.NullInt64
	id, name       string
	level          string
	ord            int
	value, target  sql.NullFloat64
	weight, points float64
	scheme         string
}

// indicatorRows are the year's indicator rows, read once for the sheets
// that show them (指标明细, and the points on the rankings sheets), by the
// first to ask, whole: go-duckdb's Arrow interface gives a result so.
func (r *asmRun) indicatorRows(ctx context.Context, db *sql.DB) ([]asmDetail, error) {
	r.details.once.Do(func() { r.details.rows, r.details.err = readAsmIndicatorRows(ctx, db, r.year) })
	return r.details.rows, r.details.err
}

func readAsmIndicatorRows(ctx context.Context, db *sql.DB, year int) ([]asmDetail, error) {
	var rows []asmDetail
	var id, name, level, scheme string // the last of each: a carrier's rows repeat them
	err := arrowRows(ctx, db, "assessment_indicator_rows", year, func(rec arrow.Record) error {
		cols := rec.Columns()
		if len(cols) != 10 {
			return fmt.Errorf("assessment_indicator_rows: %d columns, want 10", len(cols))
		}
		if n := int(rec.NumRows()); cap(rows)-len(rows) < n { // doubling: slices.Grow's quarter steps copied the rows over and over
			rows = slices.Grow(rows, max(n, len(rows), 8192))
		}
		for i := range int(rec.NumRows()) {
			var d asmDetail
			var err error
			var ok bool
			var ord int64
			if d.rank.Int64, d.rank.Valid, err = arrowInt(cols[0], i); err != nil {
				return err
			}
			if d.id, err = arrowText(cols[1], i, &id); err != nil {
				return err
			}
			if d.name, err = arrowText(cols[2], i, &name); err != nil {
				return err
			}
			if d.level, err = arrowText(cols[3], i, &level); err != nil {
				return err
			}
			if ord, ok, err = arrowInt(cols[4], i); err != nil || !ok {
				return errors.Join(err, errors.New("assessment_indicator_rows: ord is NULL"))
			}
			d.ord = int(ord)
			if d.value.Float64, d.value.Valid, err = arrowFloat(cols[5], i); err != nil {
				return err
			}
			if d.target.Float64, d.target.Valid, err = arrowFloat(cols[6], i); err != nil {
				return err
			}
			if d.weight, ok, err = arrowFloat(cols[7], i); err != nil || !ok {
				return errors.Join(err, errors.New("assessment_indicator_rows: weight is NULL"))
			}
			if d.points, ok, err = arrowFloat(cols[8], i); err != nil || !ok {
				return errors.Join(err, errors.New("assessment_indicator_rows: points are NULL"))
			}
			if d.scheme, err = arrowText(cols[9], i, &scheme); err != nil {
				return err
			}
			rows = append(rows, d)
		}
		return nil
	})
	return rows, err
}
