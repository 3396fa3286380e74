package reports

import "strings"

// Chinese labels for the English codes the views use. Workbooks show Chinese
// (SPEC §5.1); an unknown code is shown as it is rather than dropped.
var (
	gradeZH = map[string]string{"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}

	outcomeZH = map[string]string{"graded": "参评", "not_assessed": "不参评（认定未满一年）", "deferred": "缓评"}

	kindZH = map[string]string{
		"maker_space": "众创空间", "incubator": "科技企业孵化器",
		"innovation_center": "双创中心", "demo_base": "创业就业孵化示范基地",
	}

	trackZH = map[string]string{"comprehensive": "综合类", "specialized": "专业类"}

	levelZH = map[string]string{"municipal": "市级", "provincial": "省级", "national": "国家级"}

	actionZH = map[string]string{"keep": "保留", "rectify": "限期整改", "delist": "摘牌", "revoke": "撤销认定"}

	tierZH = map[string]string{"national": "国家级载体", "specialized": "专业类载体", "standard": "其他载体"}

	incidentZH = map[string]string{
		"major_accident":          "重大安全/质量事故",
		"environmental_violation": "严重环境违法",
		"research_misconduct":     "科研严重失信",
		"abnormal_operation_list": "列入经营异常名录",
		"serious_dishonesty_list": "列入严重违法失信名单",
		"false_data":              "提供虚假材料",
	}

	// eligibilityZH names the outcomes of an eligibility run (SPEC §8): a
	// condition's (met, not_met, review) and a subject's (those and
	// eligible, priority, recommended).
	eligibilityZH = map[string]string{
		"met": "符合", "not_met": "不符合", "review": "待核实",
		"eligible": "符合", "priority": "优先认定", "recommended": "推荐",
	}

	// talentOutcomeZH names the outcomes of a nomination (SPEC §9).
	talentOutcomeZH = map[string]string{"awarded": "授予", "recommended": "推荐", "waitlisted": "备选", "ineligible": "不符合"}

	// talentReasonZH says why a nomination was not selected, by the
	// reason codes of SPEC §9 (talent_results.reasons). The thresholds are
	// the programme's, printed on 说明: a programme may change them.
	talentReasonZH = map[string]string{
		"founded":         "成立时间超过规定年限",
		"jobs":            "带动就业人数不足",
		"jobs_stable":     "就业未稳定一年以上",
		"revenue":         "年营收不足",
		"ip_count":        "知识产权数量不足",
		"prospect":        "市场前景未获认可",
		"influence":       "缺乏行业影响力和领先性",
		"clean_record":    "有不良记录",
		"unknown_group":   "区县或类别不在本期工程名单内",
		"already_awarded": "往年已获同级或更高称号",
		"duplicate":       "同一人同一称号重复推荐",
		"higher_title":    "本年已获更高称号",
		"quota_full":      "名额已满（备选）",
	}

	reasonZH = map[string]string{
		"no_data":         "考核期内无报送数据",
		"missing_reports": "考核期内缺报两个及以上季度",
		"false_data":      "提供虚假材料",
		"quota":           "得分达到优秀线，但超出优秀名额",
	}
)

// label returns the Chinese label of code in m, or code itself.
func label(m map[string]string, code string) string {
	if zh, ok := m[code]; ok {
		return zh
	}
	return code
}

// reasonLabel turns one reason code ("missing_reports", "veto:major_accident")
// into Chinese.
func reasonLabel(code string) string {
	if t, ok := strings.CutPrefix(code, "veto:"); ok {
		return "一票否决：" + label(incidentZH, t)
	}
	if item, ok := strings.CutPrefix(code, "missing_expert:"); ok {
		return "缺少专家评分（" + item + "），该项得 0 分"
	}
	return label(reasonZH, code)
}

// reasonsLabel joins reasons in Chinese with the full-width enumeration comma.
func reasonsLabel(codes []string) string {
	zh := make([]string, len(codes))
	for i, c := range codes {
		zh[i] = reasonLabel(c)
	}
	return strings.Join(zh, "；")
}

// English labels beside the Chinese ones, for bilingual cells ("优秀 Excellent").
var (
	gradeEN = map[string]string{"excellent": "Excellent", "good": "Good", "pass": "Pass", "fail": "Fail"}

	kindEN = map[string]string{
		"maker_space": "Maker space", "incubator": "Technology business incubator",
		"innovation_center": "Innovation and entrepreneurship centre", "demo_base": "Entrepreneurship incubation demonstration base",
	}

	trackEN = map[string]string{"comprehensive": "Comprehensive", "specialized": "Specialized"}

	levelEN = map[string]string{"municipal": "Municipal", "provincial": "Provincial", "national": "National"}

	actionEN = map[string]string{"keep": "Keep", "rectify": "Rectify within a deadline", "delist": "Delisted", "revoke": "Designation revoked"}

	tierEN = map[string]string{"national": "National carriers", "specialized": "Specialized carriers", "standard": "Other carriers"}

	incidentEN = map[string]string{
		"major_accident":          "major safety or quality accident",
		"environmental_violation": "serious environmental violation",
		"research_misconduct":     "serious research misconduct",
		"abnormal_operation_list": "listed for abnormal operation",
		"serious_dishonesty_list": "listed as seriously dishonest",
		"false_data":              "false data provided",
	}

	eligibilityEN = map[string]string{
		"met": "met", "not_met": "not met", "review": "review",
		"eligible": "eligible", "priority": "priority", "recommended": "recommended",
	}

	talentOutcomeEN = map[string]string{"awarded": "awarded", "recommended": "recommended", "waitlisted": "waitlisted", "ineligible": "ineligible"}

	talentReasonEN = map[string]string{
		"founded":         "Founded too long before the selection day",
		"jobs":            "Too few jobs created",
		"jobs_stable":     "Jobs not stable for a year or more",
		"revenue":         "Revenue too low",
		"ip_count":        "Too few intellectual property rights",
		"prospect":        "Market prospect not confirmed",
		"influence":       "No influence or lead in the industry",
		"clean_record":    "Bad record",
		"unknown_group":   "District or category not one of the programme's",
		"already_awarded": "Awarded the same or a higher title in an earlier year",
		"duplicate":       "The same person nominated twice for the title",
		"higher_title":    "Awarded a higher title this year",
		"quota_full":      "The group's quota is full (waitlisted)",
	}

	reasonEN = map[string]string{
		"no_data":         "No report in the assessment window",
		"missing_reports": "Two or more quarters of the window not reported",
		"false_data":      "False data provided",
		"quota":           "Score reached the excellent mark but fell outside the excellent quota",
	}
)

// reasonLabelEN is reasonLabel in English.
func reasonLabelEN(code string) string {
	if t, ok := strings.CutPrefix(code, "veto:"); ok {
		return "Veto: " + label(incidentEN, t)
	}
	if item, ok := strings.CutPrefix(code, "missing_expert:"); ok {
		return "No expert score for " + item + " (0 points for it)"
	}
	return label(reasonEN, code)
}
