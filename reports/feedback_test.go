package reports_test

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/reports"
)

const feedbackSheet = "评价反馈表"

// writeDemoFeedback writes the demo year's feedback workbooks into a new folder.
func writeDemoFeedback(t *testing.T, db *sql.DB) (string, int) {
	t.Helper()
	dir := t.TempDir()
	fb, err := reports.WriteFeedback(context.Background(), db, demoYear, dir, reports.FeedbackOptions{})
	if err != nil {
		t.Fatalf("WriteFeedback: %v", err)
	}
	return dir, fb.Written
}

// feedbackCells reads back a feedback workbook's cells, raw (numbers
// unformatted), checking it has exactly the one sheet.
func feedbackCells(t *testing.T, path string) [][]string {
	t.Helper()
	return feedbackRows(t, path, true)
}

// feedbackRows reads back a feedback workbook's cells, raw or as displayed.
func feedbackRows(t *testing.T, path string, raw bool) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 16 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{feedbackSheet}) {
		t.Fatalf("%s: sheets %v, want [%s]", path, got, feedbackSheet)
	}
	rows, err := f.GetRows(feedbackSheet, excelize.Options{RawCellValue: raw})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// fbCell is row[i], or "" past the row's end.
func fbCell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// fbFind returns the first row whose cell in column col (0-based) starts with prefix.
func fbFind(t *testing.T, rows [][]string, col int, prefix string) []string {
	t.Helper()
	for _, r := range rows {
		if strings.HasPrefix(fbCell(r, col), prefix) {
			return r
		}
	}
	t.Fatalf("no row with %q in column %d", prefix, col)
	return nil
}

func fbFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("cell %q is not a number: %v", s, err)
	}
	return v
}

func TestFeedbackOneWorkbookPerGradedCarrier(t *testing.T) {
	st := demoStore(t)
	dir, n := writeDemoFeedback(t, st.DB)

	var want []string
	rows, err := st.DB.Query("SELECT carrier_id FROM assessments WHERE year = ? AND outcome = 'graded' ORDER BY carrier_id", demoYear)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want = append(want, id+".xlsx")
	}
	rows.Close()
	if n != len(want) {
		t.Errorf("WriteFeedback wrote %d, the view has %d graded carriers", n, len(want))
	}
	want = append(want, "SHA256SUMS") // the folder's checksums
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name()) // temporary files would show up here too
	}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files in %s (-want +got):\n%s", dir, diff)
	}
}

// TestFeedbackMatchesViews reads back the workbooks of a carrier of every
// decision and checks score, grade, ranks, decision, funding and every
// indicator against the views — and the group median against one computed
// here from indicator_scores.
func TestFeedbackMatchesViews(t *testing.T) {
	st := demoStore(t)
	db := st.DB
	dir, _ := writeDemoFeedback(t, db)

	// One carrier of each action, first by id.
	q, err := db.Query(`
		SELECT carrier_id FROM decisions WHERE year = ?
		QUALIFY row_number() OVER (PARTITION BY action ORDER BY carrier_id) = 1
		ORDER BY carrier_id`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for q.Next() {
		var id string
		if err := q.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	q.Close()
	if len(ids) < 4 {
		t.Fatalf("demo year has carriers of %d decisions, want keep, rectify, delist and revoke", len(ids))
	}

	medians := groupMedians(t, db)
	rb, err := rubric.Load(rubric.DefaultV1YAML(), "the default, version 1")
	if err != nil {
		t.Fatal(err)
	}
	gradeZH := map[string]string{"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
	actionZH := map[string]string{"keep": "保留", "rectify": "限期整改", "delist": "摘牌", "revoke": "撤销认定"}

	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			var (
				name, grade, kind, track, action string
				score                            float64
				rankOverall, countOverall        int
				deadline, bannedUntil            sql.NullTime
				amount, recovery                 int64
			)
			if err := db.QueryRow(`
				SELECT a.name, a.grade, a.kind, a.track, CAST(a.score AS DOUBLE), a.rank_overall,
				       count(*) OVER (), d.action, d.deadline, d.banned_until, f.amount_yuan, f.recovery_yuan
				FROM assessments a JOIN decisions d USING (year, carrier_id) JOIN funding f USING (year, carrier_id)
				WHERE a.year = ? AND a.outcome = 'graded'
				QUALIFY a.carrier_id = ?`, demoYear, id).Scan(
				&name, &grade, &kind, &track, &score, &rankOverall, &countOverall,
				&action, &deadline, &bannedUntil, &amount, &recovery); err != nil {
				t.Fatal(err)
			}
			rows := feedbackCells(t, filepath.Join(dir, id+".xlsx"))

			if got := fbCell(rows[0], 0); got != "2025年度双创载体绩效评价反馈表（草稿）  Assessment feedback 2025 (draft)" {
				t.Errorf("title %q", got)
			}
			if got := fbCell(fbFind(t, rows, 0, "载体名称"), 2); got != name {
				t.Errorf("name %q, want %q", got, name)
			}
			if got := fbCell(fbFind(t, rows, 0, "载体编号"), 2); got != id {
				t.Errorf("id %q, want %q", got, id)
			}
			if got := fbFloat(t, fbCell(fbFind(t, rows, 0, "综合得分"), 2)); got != score {
				t.Errorf("score %v, want %v", got, score)
			}
			if got := fbCell(fbFind(t, rows, 4, "评价等级"), 6); !strings.HasPrefix(got, gradeZH[grade]+" ") {
				t.Errorf("grade %q, want %s", got, gradeZH[grade])
			}
			wantRank := "第 " + strconv.Itoa(rankOverall) + " 名 / 共 " + strconv.Itoa(countOverall) + " 家"
			if got := fbCell(fbFind(t, rows, 0, "全市排名"), 2); !strings.HasPrefix(got, wantRank) {
				t.Errorf("rank %q, want %q", got, wantRank)
			}
			if got := fbCell(fbFind(t, rows, 0, "处理决定"), 2); !strings.HasPrefix(got, actionZH[action]+"\n") {
				t.Errorf("decision %q, want %s", got, actionZH[action])
			}
			switch action {
			case "rectify":
				want := deadline.Time.Format("2006-01-02")
				if got := fbCell(fbFind(t, rows, 0, "整改期限"), 2); !strings.Contains(got, want) {
					t.Errorf("deadline %q, want %s", got, want)
				}
			case "delist", "revoke":
				want := bannedUntil.Time.Format("2006-01-02")
				if got := fbCell(fbFind(t, rows, 0, "处理说明"), 2); !strings.Contains(got, want) {
					t.Errorf("ban %q, want until %s", got, want)
				}
			}
			if got := fbFloat(t, fbCell(fbFind(t, rows, 4, "资助金额"), 6)); got != float64(amount) {
				t.Errorf("subsidy %v, want %d", got, amount)
			}
			if recovery > 0 {
				if got := fbFloat(t, fbCell(fbFind(t, rows, 0, "追回资助"), 2)); got != float64(recovery) {
					t.Errorf("recovery %v, want %d", got, recovery)
				}
			}

			// The indicator table: eleven rows after the header, in the rubric's order.
			type line struct {
				code                              string
				value, target, weight, points, md float64
				blank                             bool
			}
			var want []line
			iq, err := db.Query(`
				SELECT indicator, value, target, weight, CAST(points AS DOUBLE) FROM indicator_scores
				WHERE year = ? AND carrier_id = ? ORDER BY ord`, demoYear, id)
			if err != nil {
				t.Fatal(err)
			}
			for iq.Next() {
				var l line
				var v sql.NullFloat64 // blank where undefined (SPEC §7), shown —
				if err := iq.Scan(&l.code, &v, &l.target, &l.weight, &l.points); err != nil {
					t.Fatal(err)
				}
				l.value, l.blank = v.Float64, !v.Valid
				l.md = medians[kind+"/"+track+"/"+l.code]
				want = append(want, l)
			}
			iq.Close()
			if len(want) != 11 {
				t.Fatalf("%d indicators in the view, want 11", len(want))
			}
			header := slices.IndexFunc(rows, func(r []string) bool { return strings.HasPrefix(fbCell(r, 0), "序号") })
			if header < 0 || header+len(want) >= len(rows) {
				t.Fatal("no indicator table")
			}
			for i, w := range want {
				r := rows[header+1+i]
				ind, _ := rb.Indicator(w.code)
				if got := fbCell(r, 1); !strings.HasPrefix(got, ind.NameZH) || !strings.Contains(got, "\n"+ind.NameEN) {
					t.Errorf("row %d: indicator %q, want %s / %s", i+1, got, ind.NameZH, ind.NameEN)
				}
				for _, c := range []struct {
					what string
					col  int
					want float64
				}{{"value", 3, w.value}, {"target", 4, w.target}, {"weight", 5, w.weight}, {"points", 6, w.points}, {"group median", 7, w.md}} {
					if c.what == "value" && w.blank {
						if got := fbCell(r, c.col); got != "—" {
							t.Errorf("%s: blank value shown as %q, want —", w.code, got)
						}
						continue
					}
					got := fbFloat(t, fbCell(r, c.col))
					if math.Abs(got-c.want) > 1e-9*math.Max(1, math.Abs(c.want)) {
						t.Errorf("%s %s: %v, want %v", w.code, c.what, got, c.want)
					}
				}
				met := !w.blank && w.value >= w.target
				if ind.Direction == rubric.BandLower {
					met = !w.blank && w.value <= w.target
				}
				if got, wantMet := fbCell(r, 8), map[bool]string{true: "达标\nMet", false: "未达标\nNot met"}[met]; got != wantMet {
					t.Errorf("%s met: %q, want %q", w.code, got, wantMet)
				}
			}
			total := rows[header+1+len(want)]
			if got := fbCell(total, 6); fbFloat(t, got) != score {
				t.Errorf("total points %s, want the score %v", got, score)
			}

			// As displayed: the number formats come through.
			shown := feedbackRows(t, filepath.Join(dir, id+".xlsx"), false)
			if got, want := fbCell(fbFind(t, shown, 4, "资助金额"), 6), formatYuan(amount)+" 元 yuan"; got != want {
				t.Errorf("subsidy shown as %q, want %q", got, want)
			}
			if got, want := fbCell(fbFind(t, shown, 0, "综合得分"), 2), strconv.FormatFloat(score, 'f', 2, 64); got != want {
				t.Errorf("score shown as %q, want %q", got, want)
			}
			for i, w := range want {
				r := shown[header+1+i]
				switch w.code {
				case "filed_ratio":
					if got := fbCell(r, 3); !strings.HasSuffix(got, "%") {
						t.Errorf("filed_ratio shown as %q, want a percentage", got)
					}
				case "exit_rate":
					if got := fbCell(r, 4); !strings.HasPrefix(got, "≤") || !strings.HasSuffix(got, "%") {
						t.Errorf("exit_rate target shown as %q, want ≤ a percentage", got)
					}
				case "trainings":
					if got := fbCell(r, 4); got != "≥"+strconv.FormatFloat(w.target, 'f', -1, 64) {
						t.Errorf("trainings target shown as %q, want ≥%v", got, w.target)
					}
				}
			}
		})
	}
}

// formatYuan writes v with thousands separators.
func formatYuan(v int64) string {
	s := strconv.FormatInt(v, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// groupMedians computes, from indicator_scores, the median value of every
// indicator within each ranking group (kind + track) of the demo year.
func groupMedians(t *testing.T, db *sql.DB) map[string]float64 {
	t.Helper()
	rows, err := db.Query(`
		SELECT a.kind, a.track, i.indicator, i.value
		FROM indicator_scores i JOIN assessments a USING (year, carrier_id)
		WHERE i.year = ? AND a.outcome = 'graded'`, demoYear)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	values := map[string][]float64{}
	for rows.Next() {
		var kind, track, code string
		var nv sql.NullFloat64
		if err := rows.Scan(&kind, &track, &code, &nv); err != nil {
			t.Fatal(err)
		}
		if !nv.Valid {
			continue // a blank value is not in the median
		}
		v := nv.Float64
		k := kind + "/" + track + "/" + code
		values[k] = append(values[k], v)
	}
	medians := map[string]float64{}
	for k, vs := range values {
		sort.Float64s(vs)
		m := len(vs) / 2
		if len(vs)%2 == 1 {
			medians[k] = vs[m]
		} else {
			medians[k] = (vs[m-1] + vs[m]) / 2
		}
	}
	return medians
}

func TestFeedbackIsDeterministic(t *testing.T) {
	st := demoStore(t)
	first, _ := writeDemoFeedback(t, st.DB)
	second, _ := writeDemoFeedback(t, st.DB)
	entries, err := os.ReadDir(first)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".xlsx" {
			continue
		}
		a := feedbackCells(t, filepath.Join(first, e.Name()))
		b := feedbackCells(t, filepath.Join(second, e.Name()))
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("%s differs between two runs (-first +second):\n%s", e.Name(), diff)
		}
	}
}

func TestFeedbackStopsWhenCancelled(t *testing.T) {
	st := demoStore(t)

	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		dir := t.TempDir()
		fb, err := reports.WriteFeedback(ctx, st.DB, demoYear, dir, reports.FeedbackOptions{})
		n := fb.Written
		if !errors.Is(err, context.Canceled) || n != 0 {
			t.Fatalf("WriteFeedback = %d, %v; want 0, context.Canceled", n, err)
		}
	})

	t.Run("during", func(t *testing.T) {
		var total int
		if err := st.DB.QueryRow("SELECT count(*) FROM assessments WHERE year = ? AND outcome = 'graded'", demoYear).Scan(&total); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		dir := t.TempDir()
		type result struct {
			n   int
			err error
		}
		done := make(chan result, 1)
		go func() {
			fb, err := reports.WriteFeedback(ctx, st.DB, demoYear, dir, reports.FeedbackOptions{Workers: 1})
			done <- result{fb.Written, err}
		}()
		// Cancel as soon as the first workbook is there.
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			if m, _ := filepath.Glob(filepath.Join(dir, "*.xlsx")); len(m) > 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		cancel()
		r := <-done
		if !errors.Is(r.err, context.Canceled) {
			t.Fatalf("WriteFeedback after cancel = %d, %v; want context.Canceled", r.n, r.err)
		}
		if r.n < 1 || r.n >= total {
			t.Errorf("wrote %d of %d before stopping; want some, not all", r.n, total)
		}
		m, _ := filepath.Glob(filepath.Join(dir, "*"))
		if len(m) != r.n {
			t.Errorf("%d files in the folder, WriteFeedback says %d", len(m), r.n)
		}
	})
}

func TestFeedbackYearWithoutResults(t *testing.T) {
	st := demoStore(t)
	fb, err := reports.WriteFeedback(context.Background(), st.DB, 1999, t.TempDir(), reports.FeedbackOptions{})
	if err != nil || fb.Written != 0 {
		t.Fatalf("WriteFeedback(1999) = %d, %v; want 0, nil", fb.Written, err)
	}
}
