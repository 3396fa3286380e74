package reports_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/reports"
)

// schemeStore is the demo database with demoYear assessed again under the
// rubric at path (a version 2 file of several schemes).
func schemeStore(t *testing.T, path string) *sql.DB {
	t.Helper()
	n, err := rubric.LoadNormalizedFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st := demoStore(t)
	if _, err := assess.Run(context.Background(), st, assess.Options{Year: demoYear, Rubric: n}); err != nil {
		t.Fatalf("assess with %s: %v", path, err)
	}
	return st.DB
}

type testScheme struct {
	code, zh string
	inds     []testIndicator
}

type testIndicator struct {
	code, zh, expr, score, section string
	bonus                          bool
}

// runSchemes reads the schemes and indicators of the run that made demoYear.
func runSchemes(t *testing.T, db *sql.DB) []testScheme {
	t.Helper()
	rows, err := db.Query(`
		SELECT s.code, s.name_zh, i.code, i.name_zh, i.value_expr, i.score, coalesce(i.section, ''), i.bonus
		FROM rubric_schemes s JOIN rubric_indicators i ON i.run_id = s.run_id AND i.scheme = s.code
		WHERE s.run_id = (SELECT max(run_id) FROM assessments WHERE year = ?)
		ORDER BY s.ord, i.ord`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []testScheme
	for rows.Next() {
		var code, zh string
		var ind testIndicator
		if err := rows.Scan(&code, &zh, &ind.code, &ind.zh, &ind.expr, &ind.score, &ind.section, &ind.bonus); err != nil {
			t.Fatal(err)
		}
		if len(out) == 0 || out[len(out)-1].code != code {
			out = append(out, testScheme{code: code, zh: zh})
		}
		out[len(out)-1].inds = append(out[len(out)-1].inds, ind)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 3 {
		t.Fatalf("the run has %d schemes, want several", len(out))
	}
	return out
}

// pointsOf is each graded carrier's points, indicator by indicator of its
// scheme in display order, as indicator_scores holds them.
func pointsOf(t *testing.T, db *sql.DB) map[string][]string {
	t.Helper()
	rows, err := db.Query(`SELECT carrier_id, CAST(points AS DOUBLE) FROM indicator_scores WHERE year = ? ORDER BY carrier_id, ord`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var id string
		var p float64
		if err := rows.Scan(&id, &p); err != nil {
			t.Fatal(err)
		}
		out[id] = append(out[id], strconv.FormatFloat(p, 'f', -1, 64))
	}
	return out
}

func flat(s string) string { return strings.ReplaceAll(s, "\n", "") }

// With a rubric of several schemes the workbook has a rankings sheet per
// scheme showing exactly its indicators and the carriers it scored, with
// the points indicator_scores holds; 排名 names each carrier's scheme;
// 指标明细 labels each row by its scheme's indicator; 说明 names every
// scheme and every formula.
func TestAssessmentShowsEachSchemesIndicators(t *testing.T) {
	db := schemeStore(t, "../deploy/rubrics/by-kind.yaml")
	schemes := runSchemes(t, db)
	info, f := writeDemoAssessment(t, db, reports.AssessmentOptions{})
	points := pointsOf(t, db)

	wantSheets := []string{"概览", "排名"}
	for _, s := range schemes {
		wantSheets = append(wantSheets, "排名（"+s.zh+"）")
	}
	wantSheets = append(wantSheets, assessmentSheets[2:]...)
	if !slices.Equal(info.Sheets, wantSheets) {
		t.Fatalf("sheets %q, want %q", info.Sheets, wantSheets)
	}

	const fixed = 8 // 名次 … 等级 on a scheme's sheet
	total := 0
	for _, s := range schemes {
		rows := asmRaw(t, f, "排名（"+s.zh+"）")
		hdr := rows[2]
		if len(hdr) != fixed+len(s.inds) {
			t.Fatalf("%s: %d columns, want %d + its %d indicators: %q", s.zh, len(hdr), fixed, len(s.inds), hdr)
		}
		for j, ind := range s.inds {
			if h := flat(hdr[fixed+j]); !strings.Contains(h, ind.zh) {
				t.Errorf("%s: column %d is %q, want indicator %s", s.zh, fixed+j+1, hdr[fixed+j], ind.zh)
			}
		}
		ids, err := db.Query(`SELECT carrier_id FROM assessments WHERE year = ? AND outcome = 'graded' AND scheme = ?
			ORDER BY rank_overall, carrier_id`, demoYear, s.code)
		if err != nil {
			t.Fatal(err)
		}
		data := asmData(rows)
		i := 0
		for ; ids.Next(); i++ {
			var id string
			if err := ids.Scan(&id); err != nil {
				t.Fatal(err)
			}
			if i >= len(data) || asmCell(data[i], 1) != id {
				t.Fatalf("%s: row %d is not %s", s.zh, i+4, id)
			}
			got := make([]string, len(s.inds))
			for j := range s.inds {
				got[j] = asmCell(data[i], fixed+j)
			}
			if !slices.Equal(got, points[id]) {
				t.Errorf("%s %s: points %q, want %q", s.zh, id, got, points[id])
			}
		}
		ids.Close()
		if i == 0 || len(data) != i {
			t.Errorf("%s: %d rows, want its %d carriers", s.zh, len(data), i)
		}
		total += i
	}
	graded := asmCount(t, db, `SELECT count(*) FROM assessments WHERE year = ? AND outcome = 'graded'`, demoYear)
	if total != graded {
		t.Errorf("the scheme sheets hold %d carriers, want the %d graded", total, graded)
	}
	rank := asmRaw(t, f, "排名")
	if hdr := rank[2]; len(hdr) != 15 || flat(hdr[7]) != "评分方案Scheme" {
		t.Errorf("排名 header %q: want 14 columns and the scheme, no indicators", hdr)
	}
	if n := len(asmData(rank)); n != graded {
		t.Errorf("排名 has %d rows, want %d", n, graded)
	}

	// 指标明细: the view's rows, each labelled by its scheme's indicator.
	names := map[string]string{} // scheme code, indicator → name
	schemeZH := map[string]string{}
	for _, s := range schemes {
		schemeZH[s.code] = s.zh
		for _, ind := range s.inds {
			names[s.code+"/"+ind.code] = ind.zh
		}
	}
	rows, err := db.Query(`
		SELECT s.carrier_id, s.scheme, s.indicator, CAST(s.value AS DOUBLE), CAST(s.target AS DOUBLE), CAST(s.points AS DOUBLE)
		FROM indicator_scores s JOIN assessments a USING (year, carrier_id)
		WHERE s.year = ? ORDER BY a.rank_overall, s.carrier_id, s.ord`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	detail := asmData(asmRaw(t, f, "指标明细"))
	ff := func(x sql.NullFloat64) string {
		if !x.Valid {
			return ""
		}
		return strconv.FormatFloat(x.Float64, 'f', -1, 64)
	}
	n := 0
	for ; rows.Next(); n++ {
		var id, scheme, ind string
		var v, tg, p sql.NullFloat64
		if err := rows.Scan(&id, &scheme, &ind, &v, &tg, &p); err != nil {
			t.Fatal(err)
		}
		g := detail[n]
		want := []string{id, schemeZH[scheme], ff(v), ff(tg), ff(p)}
		if got := []string{asmCell(g, 1), asmCell(g, 4), asmCell(g, 6), asmCell(g, 7), asmCell(g, 9)}; !slices.Equal(got, want) {
			t.Fatalf("指标明细 row %d: %q, want %q", n+4, got, want)
		}
		if lbl := asmCell(g, 5); !strings.HasPrefix(lbl, names[scheme+"/"+ind]) {
			t.Fatalf("指标明细 row %d: indicator %q, want %s's %s", n+4, lbl, scheme, names[scheme+"/"+ind])
		}
	}
	rows.Close()
	if n != len(detail) {
		t.Errorf("指标明细 has %d rows, want %d", len(detail), n)
	}

	// 说明: every scheme, and each of its indicators with its formula, in
	// the scheme's table.
	method := asmShown(t, f, "说明")
	for i, s := range schemes {
		at := slices.IndexFunc(method, func(r []string) bool {
			return strings.HasPrefix(asmCell(r, 0), "方案"+strconv.Itoa(i+1)+" "+s.zh)
		})
		if at < 0 {
			t.Fatalf("说明 does not name scheme %d %s", i+1, s.zh)
		}
		if !strings.Contains(asmCell(method[at], 1), "（方案代码 "+s.code+"）") {
			t.Errorf("说明, scheme %s: %q", s.zh, asmCell(method[at], 1))
		}
		for j, ind := range s.inds {
			r := method[at+2+j]
			if !strings.HasPrefix(asmCell(r, 0), ind.zh) || asmCell(r, 1) != ind.expr {
				t.Errorf("说明, scheme %s, indicator %d: %q, want %s = %s", s.zh, j+1, r, ind.zh, ind.expr)
			}
		}
		if got := asmCell(method[at+2+len(s.inds)], 0); got != "合计 Total" {
			t.Errorf("说明, scheme %s: %q after its indicators, want the total", s.zh, got)
		}
	}
}

// A scheme with sections, steps, per-unit, relative and bonus items: 说明
// says each scoring in words, and each letter lists its carrier's
// scheme's indicators (sections, bonus marks) with the numbers of the
// views and, as the target, the line that earns full points.
func TestSchemeScoringInWordsAndLetters(t *testing.T) {
	db := schemeStore(t, "../deploy/rubrics/national-three-part.yaml")
	schemes := runSchemes(t, db)
	_, f := writeDemoAssessment(t, db, reports.AssessmentOptions{})
	var text strings.Builder
	for _, r := range asmShown(t, f, "说明") {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, want := range []string{
		"阶梯计分：≥6 得 4 分，≥12 得 7 分，≥24 得 10 分", "每 100 万元得 1 分，最高 10 分", "每 1 家得 3 分，最高 15 分",
		"相对最优值计分", "加分项，阶梯计分", "加分项合计最高 5 分", "越低越好：≤10满分，≥40零分",
		"适用于：载体类型为科技企业孵化器且类别为综合类的载体", "综合类、专业类分别计算",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("说明 does not say %q", want)
		}
	}

	dir, _ := writeDemoFeedback(t, db)
	for _, s := range schemes {
		t.Run(s.code, func(t *testing.T) {
			var id string
			if err := db.QueryRow(`SELECT min(carrier_id) FROM assessments WHERE year = ? AND scheme = ? AND outcome = 'graded'`,
				demoYear, s.code).Scan(&id); err != nil {
				t.Fatal(err)
			}
			rows := feedbackCells(t, filepath.Join(dir, id+".xlsx"))
			head := fbFind(t, rows, 0, "五、指标得分")
			if !strings.Contains(head[0], "评分方案 Scheme："+s.zh) {
				t.Errorf("%s: %q does not name the scheme %s", id, head[0], s.zh)
			}
			q, err := db.Query(`
				SELECT CAST(s.value AS DOUBLE), CAST(s.target AS DOUBLE), CAST(s.points AS DOUBLE), i.score, i.steps, i.per, i.points, s.weight
				FROM indicator_scores s JOIN rubric_indicators i ON i.run_id = s.run_id AND i.scheme = s.scheme AND i.code = s.indicator
				WHERE s.year = ? AND s.carrier_id = ? ORDER BY s.ord`, demoYear, id)
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			at := slices.IndexFunc(rows, func(r []string) bool { return strings.HasPrefix(fbCell(r, 0), "序号") })
			section := ""
			for j := 0; q.Next(); j++ {
				var v, tg, p, per, unitPoints sql.NullFloat64
				var score string
				var steps any
				var weight float64
				if err := q.Scan(&v, &tg, &p, &score, &steps, &per, &unitPoints, &weight); err != nil {
					t.Fatal(err)
				}
				ind := s.inds[j]
				if ind.section != section {
					at++
					if got := fbCell(rows[at], 0); got != ind.section {
						t.Fatalf("%s: row %d is %q, want the section %s", id, at+1, got, ind.section)
					}
					section = ind.section
				}
				at++
				r := rows[at]
				if fbCell(r, 0) != strconv.Itoa(j+1) || !strings.HasPrefix(fbCell(r, 1), ind.zh) {
					t.Fatalf("%s: row %d is %q, want indicator %d %s", id, at+1, r, j+1, ind.zh)
				}
				if ind.bonus && !strings.Contains(fbCell(r, 1), "加分") {
					t.Errorf("%s: bonus item %q not marked", id, fbCell(r, 1))
				}
				ff := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
				if v.Valid && fbCell(r, 3) != ff(v.Float64) {
					t.Errorf("%s %s: value %q, want %v", id, ind.code, fbCell(r, 3), v.Float64)
				}
				if fbCell(r, 6) != ff(p.Float64) {
					t.Errorf("%s %s: points %q, want %v", id, ind.code, fbCell(r, 6), p.Float64)
				}
				var target string
				switch score {
				case "linear", "band":
					target = ff(tg.Float64)
				case "per_unit":
					target = ff(per.Float64 * float64(int((weight+unitPoints.Float64-1e-9)/unitPoints.Float64)))
				case "steps":
					target = "阶梯\nSteps"
					for _, st := range steps.([]any) {
						pair := st.([]any)
						if pair[1].(float64) >= weight {
							target = ff(pair[0].(float64))
							break
						}
					}
				case "relative":
					target = "—"
				}
				if fbCell(r, 4) != target {
					t.Errorf("%s %s (%s): target %q, want %q", id, ind.code, score, fbCell(r, 4), target)
				}
			}
		})
	}
}

// Indicators the eleven of SPEC §4.2 do not name are formatted by their
// unit and value expression; the eleven keep theirs.
func TestIndicatorFormatsFromUnitAndFormula(t *testing.T) {
	db := schemeStore(t, "../deploy/rubrics/national-three-part.yaml")
	_, f := writeDemoAssessment(t, db, reports.AssessmentOptions{})
	want := map[string]string{
		"培训辅导次数（次）":      "#,##0",    // sum(trainings)
		"每名服务人员对应工位数（个）": "#,##0.00", // workstations / staff
		"在孵企业平均营收（万元）":   "#,##0.00",
		"获投融资企业数（加分）（家）": "#,##0", // sum(financed)
		"服务质量（专家评议）（分）":  "General",
		"在孵企业退出率（%）":     "0.0%",
		"数据按时报送（季度）":     "#,##0.0",
	}
	rows := asmRaw(t, f, "指标明细")
	seen := map[string]bool{}
	for i, r := range rows[3:] {
		lbl := asmCell(r, 5)
		w, ok := want[lbl]
		if !ok || seen[lbl] {
			continue
		}
		seen[lbl] = true
		cell, _ := excelize.CoordinatesToCellName(7, i+4)
		if got := numFmt(t, f, "指标明细", cell); got != w {
			t.Errorf("%s: format %q, want %q", lbl, got, w)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("found %d of the indicators %v", len(seen), want)
	}
}
