package reports

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

var (
	asmFileKindZH = map[string]string{"registry": "载体名录", "quarterly": "季度报表", "incidents": "事件记录", "deferrals": "暂缓评价",
		"expert_scores": "专家评分", "applications": "认定申请", "nominations": "创业人才推荐"}
	asmFileStatusZH = map[string]string{"loaded": "全部接收", "partial": "部分退回", "all_rejected": "全部退回", "duplicate": "重复文件", "rejected": "整份退回"}
)

// asmMethodWidths are the widths of 说明's columns A–I: narrow enough to
// print on A4 at more than 90%, B:C wide enough for a SHA-256.
var asmMethodWidths = []float64{24, 31, 38, 8, 11, 11, 11, 8, 20}

// writeAsmMethod writes 说明: the window, the rubric the run used, the data
// cut-off, the run id and every input file with its SHA-256.
func writeAsmMethod(ctx context.Context, db *sql.DB, f *excelize.File, st *asmStyles, r *asmRun) error {
	sheet := asmSheetMethod
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	for i, wd := range asmMethodWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, wd); err != nil {
			return err
		}
	}
	w := &asmGrid{f: f, st: st, sheet: sheet, widths: asmMethodWidths}
	lastCol, _ := excelize.ColumnNumberToName(len(asmMethodWidths))
	var total float64
	for _, wd := range asmMethodWidths[1:] {
		total += wd
	}
	w.put(1, 1, r.title("说明", "Method"), st.titleCenter)
	merge := func(a, b string) {
		if w.err == nil {
			w.err = f.MergeCell(sheet, a, b)
		}
	}
	height := func(row int, h float64) {
		if w.err == nil {
			w.err = f.SetRowHeight(sheet, row, xlsx.FitHeight(h))
		}
	}
	merge("A1", lastCol+"1")
	height(1, 30)
	note := "本表说明本工作簿的数据来源和评价方法，所列数值均取自本次评价运行所记录的评价细则和导入日志。" +
		"This sheet records where the numbers come from and the rubric the run used."
	w.put(1, 2, note, st.Note)
	merge("A2", lastCol+"2")
	height(2, asmNoteHeight(note, total+asmMethodWidths[0]))
	w.row = 3
	// kv writes a label and a text spanning the rest of the row.
	kv := func(lbl, text string, style int) {
		w.put(1, w.row, lbl, st.label)
		w.put(2, w.row, text, style)
		for c := 3; c <= len(asmMethodWidths); c++ {
			w.put(c, w.row, nil, style)
		}
		merge(fmt.Sprintf("B%d", w.row), fmt.Sprintf("%s%d", lastCol, w.row))
		height(w.row, max(18, float64(xlsx.Lines(text, total))*13.5+5))
		w.row++
	}
	text := st.body[akText]

	w.section("一、基本信息", "General")
	kv("考核年度 Year", fmt.Sprint(r.year), text)
	window := fmt.Sprintf("%s 至 %s", asmDay(r.windowStart), asmDay(r.windowEnd))
	switch r.windowKind {
	case "sep":
		window += "（上年第四季度至本年第三季度，即年度总结报送截止前最近四个完整季度）Q4 of the year before to Q3"
	case "calendar":
		window += "（本年第一季度至第四季度）Q1 to Q4 of the year"
	}
	kv("考核期 Window", window+"。每个季度以最后报送的版本为准。The latest revision of each quarter counts.", text)
	kv("数据截止 Data cut-off", r.cutoffText()+"（参与本次计算的最后一次数据导入时间 the latest ingest the run used）", text)
	kv("运行编号 Run", fmt.Sprintf("%d（计算时间 computed at %s）", r.runID, r.computedAt.Format("2006-01-02 15:04")), text)
	status := "草稿：结果尚未发布，重新计算可能变化。Draft: not yet published; results may change if recomputed."
	if r.final {
		status = "定稿：结果已发布（冻结）。Final: the results are published (frozen)."
	}
	kv("结果状态 Status", status, text)
	kv("评价细则 SHA-256 Rubric hash", r.rubricSHA, st.hash)
	budget := "未设置，按测算金额资助 None: amounts as computed"
	if r.budget.Valid {
		budget = xlsx.Thousands(r.budget.Int64) + " 元 yuan"
	}
	kv("年度资助预算 Annual budget", budget, text)

	if r.plain() {
		writeAsmMethodIndicators(w, r)
	} else {
		writeAsmMethodSchemes(w, r, kv, merge)
	}
	p := r.params
	if p.valid {
		kv("数据按时报送 Reporting", fmt.Sprintf("考核期内每个季度：按时报送（季度结束后15日内）%s，逾期报送 %s，未报送 %s。On time %s, late %s, missing %s per quarter.",
			asmNum(p.onTime), asmNum(p.late), asmNum(p.missing), asmNum(p.onTime), asmNum(p.late), asmNum(p.missing)), text)

		w.section("三、等级标准", "Grades")
		kv(gradeZH["excellent"]+" Excellent", fmt.Sprintf("得分 ≥ %s，且在优秀名额内。Score ≥ %s and within the quota.", asmNum(p.excellent), asmNum(p.excellent)), text)
		kv(gradeZH["good"]+" Good", fmt.Sprintf("得分 ≥ %s；或得分 ≥ %s 但超出优秀名额。Score ≥ %s, or ≥ %s outside the quota.",
			asmNum(p.good), asmNum(p.excellent), asmNum(p.good), asmNum(p.excellent)), text)
		kv(gradeZH["pass"]+" Pass", fmt.Sprintf("得分 ≥ %s。Score ≥ %s.", asmNum(p.pass), asmNum(p.pass)), text)
		kv(gradeZH["fail"]+" Fail", fmt.Sprintf("得分 < %s；或考核期内无报送数据、缺报两个及以上季度、发生一票否决事项、提供虚假材料。"+
			"Score < %s, or no data, two or more quarters missing, a veto incident, false data.", asmNum(p.pass), asmNum(p.pass)), text)
		if own := asmSchemeGrades(r); own != "" {
			kv("各方案等级线 Scheme grades", own, text)
		}
		scope, scopeEN := "全市统一", "city-wide"
		switch p.quotaScope {
		case "city":
		case "scheme":
			scope, scopeEN = "各评分方案分别计算，方案内按得分排序", "within each scheme"
		case "track":
			scope, scopeEN = "综合类、专业类分别计算，类别内按得分排序", "within each track (comprehensive, specialized)"
		default:
			scope, scopeEN = p.quotaScope, p.quotaScope
		}
		kv("优秀名额 Excellent quota", fmt.Sprintf("不超过当年参评载体数的 %s（向下取整，%s），按得分从高到低确定，与末位同分者一并评为优秀；强制不合格的载体计入参评数但不参与优秀评定。"+
			"At most %s of the graded carriers (rounded down), %s; ties with the last admitted are admitted.",
			asmPct(p.quotaShare), scope, asmPct(p.quotaShare), scopeEN), text)
	} else {
		w.section("三、等级标准", "Grades")
		kv("评价细则 Rubric", "本次运行未记录等级标准和报送计分，请以 SHA-256 对照存档。The run did not store its thresholds.", text)
	}

	rb := r.rubric
	if rb == nil {
		w.section("四、一票否决与资助", "Vetoes and funding")
		kv("评价细则 Rubric", "本次运行记录的评价细则无法读取，请以 SHA-256 对照存档。The stored rubric could not be read.", text)
		if w.err != nil {
			return w.err
		}
		return writeAsmInputs(ctx, db, f, w, r)
	}

	w.section("四、一票否决", "Vetoes")
	vetoes := make([]string, 0, len(rb.Vetoes))
	for t := range rb.Vetoes {
		vetoes = append(vetoes, t)
	}
	order := rubric.VetoTypes()
	slices.SortFunc(vetoes, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	for _, t := range vetoes {
		act := "评为不合格。Inside the window: the grade is fail."
		if rb.Vetoes[t] == rubric.VetoCapPass {
			act = "最高评为合格。Inside the window: the grade is at most pass."
		}
		kv(label(incidentZH, t), "考核期内发生的，"+act, text)
	}
	kv(label(incidentZH, rubric.FalseData), "评为不合格，撤销认定，追回上年度及本年度资助；运营主体禁止申报。Fail, revoked, subsidies recovered, operator banned.", text)

	if p.valid {
		w.section("五、动态管理", "Decisions")
		day := p.decidedOn.Format("01-02")
		kv("决定日期 Decision date", fmt.Sprintf("每年 %s（年度总结报送截止日）。%s of the year.", asmMonthDay(day), day), text)
		kv("限期整改 Rectify", fmt.Sprintf("当年不合格（且不属于摘牌、撤销情形）的，通报并限期整改，期限为决定日后 %d 天。Deadline: decision date + %d days.",
			p.rectifyDays, p.rectifyDays), text)
		kv("摘牌 Delist", fmt.Sprintf("本年不合格且上一参评年度也不合格（其间仅有缓评年度）的，摘牌并撤销全部认定；运营主体至第 %d 年 12 月 31 日不得申报。"+
			"Two failing graded years in a row; the operator is banned until 31 December of year + %d.", p.banYears, p.banYears), text)
	}

	w.section("六、资助标准", "Funding")
	w.header("资助档次\nTier", "英文名称\nEnglish", "适用载体\nApplies to", "", "档次上限（元）\nCap (yuan)", "")
	merge(fmt.Sprintf("C%d", w.row-1), fmt.Sprintf("D%d", w.row-1))
	merge(fmt.Sprintf("E%d", w.row-1), fmt.Sprintf("F%d", w.row-1))
	height(w.row-1, 30) // two lines across the merged cells
	applies := map[string]string{"national": "国家级载体", "specialized": "非国家级的专业类载体", "standard": "其他载体"}
	for _, t := range rb.Funding.Tiers {
		w.line(t.NameZH, []asmKind{akText, akText, akText, akMoney, akMoney}, t.NameEN, label(applies, t.Code), nil, t.CapYuan, nil)
		merge(fmt.Sprintf("C%d", w.row-1), fmt.Sprintf("D%d", w.row-1))
		merge(fmt.Sprintf("E%d", w.row-1), fmt.Sprintf("F%d", w.row-1))
	}
	var factors []string
	for _, g := range []string{"excellent", "good", "pass", "fail"} {
		if x, ok := rb.Funding.Factors[g]; ok {
			factors = append(factors, fmt.Sprintf("%s %s", gradeZH[g], asmNum(x)))
		}
	}
	kv("等级系数 Grade factors", strings.Join(factors, "，")+"。资助金额 = 档次上限 × 等级系数。Amount = cap × factor.", text)
	kv("预算压缩 Budget", fmt.Sprintf("设置年度预算且测算总额超出时，各载体金额按“预算 ÷ 测算总额”等比例压缩，并向下取整到 %d 元；摘牌、撤销的载体不予资助。"+
		"Above the budget every amount is scaled by budget ÷ total and rounded down to %d yuan.", rb.Funding.RoundDownTo, rb.Funding.RoundDownTo), text)
	if w.err != nil {
		return w.err
	}
	return writeAsmInputs(ctx, db, f, w, r)
}

// writeAsmMethodIndicators writes the indicator table of a run scored
// as SPEC §4.2 does (asmRun.plain): weights and targets by level.
func writeAsmMethodIndicators(w *asmGrid, r *asmRun) {
	w.section("二、考核指标、权重与目标值", "Indicators, weights and targets")
	w.header("指标\nIndicator", "英文名称\nEnglish", "计分方式\nScoring", "权重\nWeight",
		"市级目标\nMunicipal", "省级目标\nProvincial", "国家级目标\nNational", "单位\nUnit")
	for _, ind := range r.indicators {
		var scoring string
		var targets []any
		switch {
		case ind.direction == rubric.BandLower:
			scoring = fmt.Sprintf("越低越好：≤%s满分，≥%s零分，其间线性", asmPct(ind.fullAt.Float64), asmPct(ind.zeroAt.Float64))
			targets = []any{nil, nil, nil}
		default:
			scoring = "越高越好：权重 × min(1, 实际值 ÷ 目标值)"
			for _, t := range ind.targets {
				targets = append(targets, asmFloat(t))
			}
		}
		kinds := []asmKind{akText, akText, akGeneral, ind.valueKind, ind.valueKind, ind.valueKind, akCode}
		w.line(ind.zh, kinds, append(append([]any{ind.en, scoring, ind.weight}, targets...), indicatorUnit(ind.unit))...)
	}
	var weights float64
	for _, ind := range r.indicators {
		weights += ind.weight
	}
	w.line("合计 Total", []asmKind{akText, akText, akGeneral, akText, akText, akText, akText}, nil, "总分为各项得分之和（各项保留两位小数）", weights, nil, nil, nil, nil)
}

// writeAsmMethodSchemes writes every scheme of the run: what it applies
// to, its grades and bonus cap, and each indicator with its section,
// value expression, scoring in words, weight, targets and unit.
func writeAsmMethodSchemes(w *asmGrid, r *asmRun, kv func(lbl, text string, style int), merge func(a, b string)) {
	st := w.st
	w.section("二、评分方案与考核指标", "Schemes and indicators")
	intro := fmt.Sprintf("本次评价共 %d 个评分方案，按下列顺序匹配，载体由第一个适用的方案评分；名次为全市统一排名。"+
		"The run has %d schemes, tried in this order: the first that applies scores the carrier; ranks are city-wide.", len(r.schemes), len(r.schemes))
	if len(r.schemes) == 1 {
		intro = "本次评价的评分方案如下。The run's scheme."
	}
	kv("评分方案 Schemes", intro, st.body[akText])
	for i, s := range r.schemes {
		w.row++ // a blank line between schemes
		lbl, text := fmt.Sprintf("方案%d %s\nScheme %d %s", i+1, s.zh, i+1, s.en), asmSchemeText(s)
		kv(lbl, text, st.body[akText])
		// The label wraps in A as the text does across B:I.
		var rest float64
		for _, wd := range w.widths[1:] {
			rest += wd
		}
		lines := max(xlsx.Lines(lbl, w.widths[0]), xlsx.Lines(text, rest))
		if w.err == nil {
			w.err = w.f.SetRowHeight(w.sheet, w.row-1, xlsx.FitHeight(max(18, float64(lines)*13.5+5)))
		}
		w.header("指标\nIndicator", "计算式\nValue", "计分方式\nScoring", "权重\nWeight",
			"市级目标\nMunicipal", "省级目标\nProvincial", "国家级目标\nNational", "单位\nUnit", "一级指标\nSection")
		var weights float64
		for _, ind := range s.indicators {
			name := bonusName(ind.zh, ind.en, ind.bonus, "\n")
			if !ind.bonus {
				weights += ind.weight
			}
			targets := []any{nil, nil, nil}
			if ind.score == scoreLinear {
				for j, t := range ind.targets {
					targets[j] = asmFloat(t)
				}
			}
			kinds := []asmKind{akText, akText, akGeneral, ind.valueKind, ind.valueKind, ind.valueKind, akCode, akText}
			zh, en := ind.words()
			row := w.line(name, kinds, append(append([]any{ind.expr, zh + "\n" + en, ind.weight}, targets...),
				indicatorUnit(ind.unit), ind.section)...)
			w.put(2, row, ind.expr, st.hash)
		}
		total := "总分为各项得分之和（各项保留两位小数）"
		if s.bonusCap > 0 {
			total += fmt.Sprintf("；加分项另计，合计不超过 %s 分", asmNum(s.bonusCap))
		}
		row := w.line("合计 Total", []asmKind{akText, akText, akGeneral, akText, akText, akText, akText, akText}, nil, total, weights, nil, nil, nil, nil, nil)
		merge(fmt.Sprintf("A%d", row), fmt.Sprintf("B%d", row))
	}
	w.row++
}

// asmSchemeText says what a scheme applies to, its grades and bonus cap.
func asmSchemeText(s *rubricScheme) string {
	applies := func(zh map[string]string, codes []string) string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = label(zh, c)
		}
		return strings.Join(out, "、")
	}
	var to, toEN []string
	if s.kinds != nil {
		to = append(to, "载体类型为"+applies(kindZH, s.kinds))
		toEN = append(toEN, "kind "+strings.Join(s.kinds, ", "))
	}
	if s.tracks != nil {
		to = append(to, "类别为"+applies(trackZH, s.tracks))
		toEN = append(toEN, "track "+strings.Join(s.tracks, ", "))
	}
	if s.levels != nil {
		to = append(to, "级别为"+applies(levelZH, s.levels))
		toEN = append(toEN, "level "+strings.Join(s.levels, ", "))
	}
	zh, en := "适用于：全部载体", "Applies to: every carrier"
	if len(to) > 0 {
		zh, en = "适用于："+strings.Join(to, "且")+"的载体", "Applies to: "+strings.Join(toEN, " and ")
	}
	zh += fmt.Sprintf("（方案代码 %s）。", s.code)
	en += fmt.Sprintf(" (code %s).", s.code)
	if gz, ge := s.grades(); gz != "" {
		zh += "等级线：" + gz + "。"
		en += " Grades: " + ge + "."
	}
	if s.bonusCap > 0 {
		zh += fmt.Sprintf("加分项合计最高 %s 分，总分可超过 100 分。", asmNum(s.bonusCap))
		en += fmt.Sprintf(" Bonus items add at most %s points.", asmNum(s.bonusCap))
	} else {
		zh += "无加分。"
		en += " No bonus."
	}
	return zh + en
}

// asmSchemeGrades lists the schemes whose grade thresholds are not the
// run's defaults; empty when none.
func asmSchemeGrades(r *asmRun) string {
	var zh []string
	for _, s := range r.schemes {
		if !s.excellent.Valid || (s.excellent.Float64 == r.params.excellent && s.good.Float64 == r.params.good && s.pass.Float64 == r.params.pass) {
			continue
		}
		g, _ := s.grades()
		zh = append(zh, s.zh+"："+g)
	}
	if len(zh) == 0 {
		return ""
	}
	return "以下方案使用各自的等级线：" + strings.Join(zh, "；") + "。These schemes grade by their own thresholds."
}

// writeAsmInputs lists the input files the run used, with their SHA-256.
func writeAsmInputs(ctx context.Context, db *sql.DB, f *excelize.File, w *asmGrid, r *asmRun) error {
	st := w.st
	// The file list starts a page: it is the appendix a reader checks.
	if w.err == nil {
		w.err = f.InsertPageBreak(w.sheet, fmt.Sprintf("A%d", w.row+1))
	}
	w.section("七、输入文件", "Input files")
	hdr := w.header("文件名\nFile", "SHA-256", "", "类型\nKind", "读取行数\nRows read", "接收\nAccepted", "退回\nRejected", "状态\nStatus", "导入时间\nIngested at")
	if w.err == nil {
		w.err = f.MergeCell(w.sheet, fmt.Sprintf("B%d", hdr), fmt.Sprintf("C%d", hdr))
	}
	rows, err := sqlfiles.Rows(ctx, db, "assessment_input_files", sql.Named("cutoff", r.cutoff))
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name, sha, kind, status string
		var read, accepted, rejected sql.NullInt64
		var at sql.NullTime
		if err := rows.Scan(&name, &sha, &kind, &read, &accepted, &rejected, &status, &at); err != nil {
			return err
		}
		ingested := ""
		if at.Valid {
			ingested = at.Time.Format("2006-01-02 15:04:05")
		}
		row := w.line(name, []asmKind{akText, akText, akCode, akInt, akInt, akInt, akCode, akCode},
			nil, nil, label(asmFileKindZH, kind), asmInt(read), asmInt(accepted), asmInt(rejected), label(asmFileStatusZH, status), ingested)
		w.put(2, row, sha, st.hash)
		w.put(3, row, nil, st.hash)
		if w.err == nil {
			w.err = f.MergeCell(w.sheet, fmt.Sprintf("B%d", row), fmt.Sprintf("C%d", row))
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 {
		w.line("无 None", []asmKind{akText}, nil)
	}
	if w.err != nil {
		return w.err
	}
	return xlsx.Page{Paper: xlsx.A4, Margins: xlsx.ListMargins, RepeatRows: "$1:$1", Footer: xlsx.FooterSheetPages}.Apply(f, w.sheet)
}

// asmPct prints a share as a percentage without trailing zeros: 0.3 → "30%".
func asmPct(x float64) string { return asmNum(x*100) + "%" }

// asmMonthDay turns "11-30" into "11月30日".
func asmMonthDay(md string) string {
	m, d, ok := strings.Cut(md, "-")
	if !ok {
		return md
	}
	return strings.TrimLeft(m, "0") + "月" + strings.TrimLeft(d, "0") + "日"
}
