package reports_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports"
	"github.com/incubeval/incubeval/reports/xlsxtest"
)

// talentToday is "today" of the talent tests: after 2022's selection day.
var talentToday = time.Date(2023, 1, 10, 0, 0, 0, 0, time.UTC)

// talentProgramme is the embedded programme with quotas small enough to
// bind: 城关区 2 and 大学生青年群体 3 (as pipeline/talent's smallQuotas).
func talentProgramme(t testing.TB) *talent.Programme {
	text := strings.Replace(string(talent.DefaultYAML()), "{name: 城关区, quota: 600}", "{name: 城关区, quota: 2}", 1)
	text = strings.Replace(text, "{name: 大学生青年群体, quota: 30}", "{name: 大学生青年群体, quota: 3}", 1)
	p, err := talent.Load([]byte(text), "small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// talentNom is a nomination meeting every criterion of title in year y,
// in district and category, with the contest score given.
func talentNom(id string, y int, title, district, category string, score float64) sample.Nomination {
	n := sample.EligibleNomination(id, y, title)
	n.District, n.Category, n.ContestScore = district, category, score
	return n
}

// talentNominations are the tests' two years of nominations, by year.
//
// 2021 — rising: 城关区 (quota 2) R21-1 90, R21-2 88 awarded, R21-3 70
// waitlisted; 七里河区 R21-4 awarded; R21-5 4 jobs and R21-6 founded on
// D − 2 years with 49.99 万元 ineligible. Star: 大学生青年群体 (quota 3)
// S21-1, S21-2; 巾帼创业群体 S21-3. Master: M21-1 recommended, M21-2
// one patent, ineligible.
//
// 2022 — rising: 城关区 has no quota left, R21-1's person again
// (R22-2, already_awarded) and R22-1 (99, waitlisted); 安宁区 R22-3
// awarded; 西固区 R22-4, whose person is awarded star (S22-4) this year
// (higher_title), and R22-5 and R22-6, one person twice (R22-6, 80, stands;
// R22-5, 75, duplicate). Star: 大学生青年群体 has 1 left: S22-1 92 awarded,
// S22-2 91 waitlisted; 巾帼创业群体 S22-4 awarded. Master: M22-1 (85) and
// M22-2 (90) recommended, M22-2 first.
func talentNominations() map[int][]sample.Nomination {
	const cg, qlh, ning, xg = "城关区", "七里河区", "安宁区", "西固区"
	const student, women = "大学生青年群体", "巾帼创业群体"
	r215 := talentNom("R21-5", 2021, "rising", qlh, student, 95)
	r215.Jobs = 4
	r216 := talentNom("R21-6", 2021, "rising", cg, student, 60)
	r216.FoundedOn, r216.Revenue = time.Date(2019, 11, 30, 0, 0, 0, 0, time.UTC), 49.99
	m212 := talentNom("M21-2", 2021, "master", cg, student, 70)
	m212.IPCount = 1
	r211 := talentNom("R21-1", 2021, "rising", cg, student, 90)

	r222 := talentNom("R22-2", 2022, "rising", cg, student, 95)
	r222.Person, r222.PersonID = r211.Person, r211.PersonID
	r224 := talentNom("R22-4", 2022, "rising", xg, student, 97)
	s224 := talentNom("S22-4", 2022, "star", cg, women, 88)
	s224.Person, s224.PersonID = r224.Person, r224.PersonID
	r225 := talentNom("R22-5", 2022, "rising", xg, student, 75)
	r226 := talentNom("R22-6", 2022, "rising", xg, student, 80)
	r225.Person, r225.PersonID = r226.Person, r226.PersonID
	return map[int][]sample.Nomination{
		2021: {
			r211, talentNom("R21-2", 2021, "rising", cg, student, 88), talentNom("R21-3", 2021, "rising", cg, student, 70),
			talentNom("R21-4", 2021, "rising", qlh, student, 85), r215, r216,
			talentNom("S21-1", 2021, "star", cg, student, 95), talentNom("S21-2", 2021, "star", cg, student, 90),
			talentNom("S21-3", 2021, "star", cg, women, 80),
			talentNom("M21-1", 2021, "master", cg, student, 90), m212,
		},
		2022: {
			talentNom("R22-1", 2022, "rising", cg, student, 99), r222, talentNom("R22-3", 2022, "rising", ning, student, 81),
			r224, r225, r226,
			talentNom("S22-1", 2022, "star", cg, student, 92), talentNom("S22-2", 2022, "star", cg, student, 91), s224,
			talentNom("M22-1", 2022, "master", cg, student, 85), talentNom("M22-2", 2022, "master", ning, student, 90),
		},
	}
}

// talentWorld is a database with nominations ingested through the real
// path and years decided by talent.Run.
type talentWorld struct {
	t     testing.TB
	st    *store.Store
	dir   string
	batch int
	p     *talent.Programme
}

func newTalentWorld(t testing.TB) *talentWorld {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "talent.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &talentWorld{t: t, st: st, dir: dir, p: talentProgramme(t)}
}

func (w *talentWorld) nominate(noms ...sample.Nomination) {
	w.t.Helper()
	w.batch++
	dir := filepath.Join(w.dir, fmt.Sprintf("b%d", w.batch))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "创业人才推荐.csv"), sample.NominationsCSV(noms...), 0o644); err != nil {
		w.t.Fatal(err)
	}
	res, err := ingest.Ingest(context.Background(), w.st, []string{dir}, ingest.Options{Today: talentToday})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, rejected, _ := res.Totals(); rejected > 0 {
		w.t.Fatalf("nominations rejected: %+v", res.Files)
	}
}

func (w *talentWorld) decide(y int) {
	w.t.Helper()
	if _, err := talent.Run(context.Background(), w.st, w.p, talent.Options{Year: y}); err != nil {
		w.t.Fatal(err)
	}
}

// talentDecided is the world of talentNominations, 2021 and 2022 decided.
func talentDecided(t testing.TB) *talentWorld {
	w := newTalentWorld(t)
	noms := talentNominations()
	w.nominate(noms[2021]...)
	w.decide(2021)
	w.nominate(noms[2022]...)
	w.decide(2022)
	return w
}

var (
	talentFixtureOnce sync.Once
	talentFixtureDir  string
	talentFixtureFile string
	talentFixtureErr  error
)

// talentStore opens a private copy of a database holding talentDecided's
// world, built once per test binary: for the workbook tests every
// workbook goes through (workbookWriters), whose demo has no nominations.
func talentStore(t *testing.T) *store.Store {
	t.Helper()
	talentFixtureOnce.Do(func() {
		talentFixtureDir, talentFixtureErr = os.MkdirTemp("", "reports-talent-")
		if talentFixtureErr != nil {
			return
		}
		file := filepath.Join(talentFixtureDir, "talent.duckdb")
		w := &talentWorld{t: t, dir: talentFixtureDir, p: talentProgramme(t)}
		if w.st, talentFixtureErr = store.Open(context.Background(), file, store.Options{}); talentFixtureErr != nil {
			return
		}
		noms := talentNominations()
		w.nominate(noms[2021]...) // a failure ends t, and talentFixtureFile stays empty
		w.decide(2021)
		w.nominate(noms[2022]...)
		w.decide(2022)
		if talentFixtureErr = w.st.Close(); talentFixtureErr == nil {
			talentFixtureFile = file
		}
	})
	if talentFixtureErr != nil || talentFixtureFile == "" {
		t.Fatalf("talent database: %v", talentFixtureErr)
	}
	dst := filepath.Join(t.TempDir(), "talent.duckdb")
	if err := copyFile(talentFixtureFile, dst); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dst, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// talentSheetNames are the workbook's sheets, in order.
var talentSheetNames = []string{"汇总", "新锐创客", "创业新秀", "创业达人", "公示", "名额", "未入选", "说明"}

// talentSheets reads every sheet of a workbook as rows of raw cell values
// (numbers as stored, not as formatted).
func talentSheets(t *testing.T, path string) map[string][][]string {
	return talentCells(t, path, true)
}

// talentCells reads every sheet of a workbook as rows of cell values,
// raw or as their formats show them.
func talentCells(t *testing.T, path string, raw bool) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20, RawCellValue: raw})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, talentSheetNames) {
		t.Fatalf("sheets %q, want %q", got, talentSheetNames)
	}
	out := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		out[s] = rows
	}
	return out
}

// rowWith is the first row of rows whose column c (1-based) is v, or nil.
func rowWith(rows [][]string, c int, v string) []string {
	for _, r := range rows {
		if cellAt([][]string{r}, 1, c) == v {
			return r
		}
	}
	return nil
}

// TestTalentWorkbookShowsTheStoredDecision: each sheet of the 2022
// workbook shows what the decisions of 2021 and 2022 stored.
func TestTalentWorkbookShowsTheStoredDecision(t *testing.T) {
	w := talentDecided(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "talent-2022.xlsx")
	info, err := reports.WriteTalent(ctx, w.st.DB, 2022, out)
	if err != nil {
		t.Fatal(err)
	}
	var runID int64
	if err := w.st.DB.QueryRow("SELECT run_id FROM talent_runs WHERE year = 2022 AND latest").Scan(&runID); err != nil {
		t.Fatal(err)
	}
	if info.Path != out || info.RunID != runID || info.Nominations != 11 || info.Notice != 6 {
		t.Fatalf("info %+v; want run %d, 11 nominations, 6 in the notice", info, runID)
	}
	sheets := talentSheets(t, out)

	// 新锐创客: every district in the programme's order, its awards by
	// rank, then its subtotal against the quota; the total last.
	type line struct{ group, rank, name, text string }
	lines := func(rows [][]string) []line {
		var got []line
		for _, r := range rows[3:] {
			r = append(r, make([]string, 6)...)
			if strings.HasPrefix(r[3], "小计：") || strings.HasPrefix(r[3], "合计：") {
				got = append(got, line{r[2], "", "", r[3]})
			} else {
				got = append(got, line{r[2], r[3], r[4], r[5]})
			}
		}
		return got
	}
	rising := sheets["新锐创客"]
	if cellAt(rising, 3, 3) != "区县\nDistrict" || cellAt(rising, 3, 6) != "身份证号\nID number" {
		t.Errorf("新锐创客 header %q", rising[2])
	}
	r223 := mask(talentNominations()[2022][2].PersonID)
	r226 := mask(talentNominations()[2022][5].PersonID)
	want := []line{
		{"城关区", "", "", "小计：本年授予 0 名；名额 2，往年已授予 2，剩余 0"},
		{"七里河区", "", "", "小计：本年授予 0 名；名额 300，往年已授予 1，剩余 299"},
		{"西固区", "1", "测试R22-6", r226},
		{"西固区", "", "", "小计：本年授予 1 名；名额 150，往年已授予 0，剩余 149"},
		{"安宁区", "1", "测试R22-3", r223},
		{"安宁区", "", "", "小计：本年授予 1 名；名额 160，往年已授予 0，剩余 159"},
		{"红古区", "", "", "小计：本年授予 0 名；名额 70，往年已授予 0，剩余 70"},
		{"永登县", "", "", "小计：本年授予 0 名；名额 180，往年已授予 0，剩余 180"},
		{"榆中县", "", "", "小计：本年授予 0 名；名额 180，往年已授予 0，剩余 180"},
		{"皋兰县", "", "", "小计：本年授予 0 名；名额 70，往年已授予 0，剩余 70"},
		{"兰州高新区", "", "", "小计：本年授予 0 名；名额 90，往年已授予 0，剩余 90"},
		{"全市", "", "", "合计：本年授予 2 名；名额 1,202，往年已授予 3，剩余 1,197"},
	}
	if got := lines(rising); !slices.Equal(got, want) {
		t.Errorf("新锐创客\n got %q\nwant %q", got, want)
	}
	// The nomination's figures beside the award: score, jobs, revenue.
	if r := rowWith(rising, 2, "R22-6"); r == nil || r[0] != "1" || r[6] != "兰州R22-6科技有限公司" || r[7] != "80" || r[8] != "10" || r[9] != "100" {
		t.Errorf("R22-6's row %q", r)
	}

	// 创业新秀 by category: 大学生青年群体 has one left after 2021's two.
	star := sheets["创业新秀"]
	if got := lines(star)[:4]; !slices.Equal(got, []line{
		{"大学生青年群体", "1", "测试S22-1", mask(talentNominations()[2022][6].PersonID)},
		{"大学生青年群体", "", "", "小计：本年授予 1 名；名额 3，往年已授予 2，剩余 0"},
		{"巾帼创业群体", "1", "测试R22-4", mask(talentNominations()[2022][3].PersonID)},
		{"巾帼创业群体", "", "", "小计：本年授予 1 名；名额 18，往年已授予 1，剩余 16"},
	}) {
		t.Errorf("创业新秀 begins %q", got)
	}

	// 创业达人: recommended, ranked across the city.
	master := sheets["创业达人"]
	if r := master[3]; r[0] != "1" || r[1] != "M22-2" || r[5] != "安宁区" || r[9] != "3" {
		t.Errorf("创业达人 first row %q", r)
	}
	if r := master[4]; r[0] != "2" || r[1] != "M22-1" {
		t.Errorf("创业达人 second row %q", r)
	}

	// 公示: everyone awarded or recommended, the title built from the
	// programme's name.
	notice := sheets["公示"]
	if got := cellAt(notice, 2, 1); got != "2022年度兰州市“百千万”创业人才拟授予（推荐）名单公示" {
		t.Errorf("notice title %q", got)
	}
	if text := cellAt(notice, 3, 1); !strings.Contains(text, "2022年度兰州市“百千万”创业人才拟授予“新锐创客”称号2名、“创业新秀”称号2名，拟推荐“创业达人”2名，现将名单予以公示。") ||
		!strings.Contains(text, "公示期为5个工作日") || !strings.Contains(cellAt(notice, 4, 1), "联系人：") {
		t.Errorf("notice text %q / %q", text, cellAt(notice, 4, 1))
	}
	var listed []string
	for _, r := range notice[6:] {
		if len(r) >= 6 && r[1] != "" {
			listed = append(listed, strings.Join(r[1:6], "|"))
		}
	}
	if want := []string{
		"测试R22-6|" + r226 + "|兰州R22-6科技有限公司|新锐创客|西固区",
		"测试R22-3|" + r223 + "|兰州R22-3科技有限公司|新锐创客|安宁区",
		"测试S22-1|" + mask(talentNominations()[2022][6].PersonID) + "|兰州S22-1科技有限公司|创业新秀|大学生青年群体",
		"测试R22-4|" + mask(talentNominations()[2022][3].PersonID) + "|兰州S22-4科技有限公司|创业新秀|巾帼创业群体",
		"测试M22-2|" + mask(talentNominations()[2022][10].PersonID) + "|兰州M22-2科技有限公司|创业达人\n（推荐）|安宁区",
		"测试M22-1|" + mask(talentNominations()[2022][9].PersonID) + "|兰州M22-1科技有限公司|创业达人\n（推荐）|城关区",
	}; !slices.Equal(listed, want) {
		t.Errorf("notice rows\n got %q\nwant %q", listed, want)
	}

	// 名额: one row per group, equal to talent_quota, and each title's total.
	rows, err := w.st.DB.Query(`SELECT title, quota_group, quota, awarded_before, awarded_this_year, remaining
		FROM talent_quota WHERE year = 2022 ORDER BY CASE title WHEN 'rising' THEN 1 ELSE 2 END, ord`)
	if err != nil {
		t.Fatal(err)
	}
	var wantQuota []string
	for rows.Next() {
		var title, group string
		var q, b, n, r int
		if err := rows.Scan(&title, &group, &q, &b, &n, &r); err != nil {
			t.Fatal(err)
		}
		wantQuota = append(wantQuota, fmt.Sprintf("%s|%s|%d|%d|%d|%d", talent.TitleZH(title), group, q, b, n, r))
	}
	rows.Close()
	var gotQuota, totals []string
	for _, r := range sheets["名额"][3:] {
		s := strings.Join(r, "|")
		if r[1] == "合计 Total" {
			totals = append(totals, s)
		} else {
			gotQuota = append(gotQuota, s)
		}
	}
	if len(wantQuota) != 19 || !slices.Equal(gotQuota, wantQuota) {
		t.Errorf("名额\n got %q\nwant talent_quota %q", gotQuota, wantQuota)
	}
	if want := []string{"新锐创客|合计 Total|1202|3|2|1197", "创业新秀|合计 Total|153|3|2|148"}; !slices.Equal(totals, want) {
		t.Errorf("名额 totals %q, want %q", totals, want)
	}

	// 未入选: the reasons in Chinese, one a line, the codes beside.
	type notSelected struct{ title, group, outcome, rank, reasons, codes string }
	notSel := map[string]notSelected{}
	for _, r := range sheets["未入选"][3:] {
		r = append(r, make([]string, 10)...)
		notSel[r[1]] = notSelected{r[4], r[5], r[6], r[7], r[8], r[9]}
	}
	for id, want := range map[string]notSelected{
		"R22-1": {"新锐创客", "城关区", "备选", "1", "名额已满（备选）", "quota_full"},
		"R22-2": {"新锐创客", "城关区", "不符合", "", "往年已获同级或更高称号", "already_awarded"},
		"R22-4": {"新锐创客", "西固区", "不符合", "", "本年已获更高称号", "higher_title"},
		"R22-5": {"新锐创客", "西固区", "不符合", "", "同一人同一称号重复推荐", "duplicate"},
		"S22-2": {"创业新秀", "大学生青年群体", "备选", "2", "名额已满（备选）", "quota_full"},
	} {
		if got := notSel[id]; got != want {
			t.Errorf("未入选 %s: %q, want %q", id, got, want)
		}
	}
	if len(notSel) != 5 {
		t.Errorf("未入选 lists %d nominations, want 5: %v", len(notSel), notSel)
	}

	// 汇总: the programme's progress, 2021 and 2022, against its totals
	// (the quotas of this programme: 1,202 and 153).
	sum := sheets["汇总"]
	type progress struct{ now, total, share, starNow, starTotal, starShare, masters string }
	got := map[string]progress{}
	for _, r := range sum {
		if len(r) >= 8 && regexp.MustCompile(`^20\d\d年$`).MatchString(r[0]) {
			got[r[0]] = progress{r[1], r[2], r[3], r[4], r[5], r[6], r[7]}
		}
	}
	share := func(n, of float64) string { return strconv.FormatFloat(n/of, 'f', -1, 64) }
	if want := map[string]progress{
		"2021年": {"3", "3", share(3, 1202), "3", "3", share(3, 153), "1"},
		"2022年": {"2", "5", share(5, 1202), "2", "5", share(5, 153), "2"},
	}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("汇总 progress\n got %v\nwant %v", got, want)
	}
	all := strings.Join(slices.Concat(sum...), "\n")
	for _, s := range []string{"% of 1,202", "% of 153", w.p.SHA256, "兰就办发〔2021〕5号（seed 001）", "2022-11-30", "2021、2022、2023"} {
		if !strings.Contains(all, s) {
			t.Errorf("汇总 does not say %q", s)
		}
	}
	if strings.Contains(all, "注意") {
		t.Errorf("汇总 warns of changed nominations, none changed")
	}
	if r := rowWith(sum, 1, "新锐创客\n（按区县）"); r == nil || strings.Join(r[1:5], " ") != "6 2 1 3" {
		t.Errorf("汇总 2022 rising outcomes %q, want 6 nominated, 2 awarded, 1 waitlisted, 3 ineligible", r)
	}

	// 说明: the criteria of the stored programme and the rules.
	method := strings.Join(slices.Concat(sheets["说明"]...), "\n")
	for _, s := range []string{"成立日期晚于 2020-11-30", "成立日期晚于 2019-11-30", "成立日期晚于 2017-11-30", "带动就业 50 人以上，且稳定就业一年以上",
		"知识产权 2 项以上", "工程期共 1,202 名", "工程期共 153 名", "仍相同时按推荐编号升序", "620102********1234", "quota_full\n名额已满（备选）"} {
		if !strings.Contains(method, s) {
			t.Errorf("说明 does not say %q", s)
		}
	}
	checkPrints(t, out)
}

// mask is an ID number as the workbooks show it.
func mask(id string) string { return id[:6] + "********" + id[14:] }

// The 2021 workbook: its own year's outcomes, ineligible for every
// criterion failed, and progress of 2021 only.
func TestTalentWorkbookOfAnEarlierYear(t *testing.T) {
	w := talentDecided(t)
	out := filepath.Join(t.TempDir(), "talent-2021.xlsx")
	if _, err := reports.WriteTalent(context.Background(), w.st.DB, 2021, out); err != nil {
		t.Fatal(err)
	}
	sheets := talentSheets(t, out)
	r := rowWith(sheets["未入选"], 2, "R21-6")
	if r == nil || r[6] != "不符合" || r[8] != "成立时间超过规定年限\n年营收不足" || r[9] != "founded\nrevenue" {
		t.Errorf("R21-6 %q", r)
	}
	if r := rowWith(sheets["未入选"], 2, "M21-2"); r == nil || r[4] != "创业达人" || r[5] != "全市" || r[8] != "知识产权数量不足" {
		t.Errorf("M21-2 %q", r)
	}
	for _, r := range sheets["汇总"] {
		if len(r) > 0 && r[0] == "2022年" {
			t.Errorf("the 2021 workbook shows 2022's progress: %q", r)
		}
	}
}

// Every cell of every sheet, as it shows, and every part of the file, is
// free of full ID numbers: no 17 digits in a row, and no nomination's
// number.
func TestTalentWorkbookHoldsNoFullIDNumber(t *testing.T) {
	w := talentDecided(t)
	out := filepath.Join(t.TempDir(), "talent-2022.xlsx")
	if _, err := reports.WriteTalent(context.Background(), w.st.DB, 2022, out); err != nil {
		t.Fatal(err)
	}
	digits := regexp.MustCompile(`[0-9]{17}`)
	cells := 0
	for sheet, rows := range talentCells(t, out, false) {
		for i, r := range rows {
			for j, v := range r {
				cells++
				// The programme's SHA-256 is hex, not an ID number.
				if digits.MatchString(strings.ReplaceAll(v, w.p.SHA256, "")) {
					t.Errorf("%s row %d column %d holds 17 digits in a row: %q", sheet, i+1, j+1, v)
				}
			}
		}
	}
	if cells < 200 {
		t.Fatalf("scanned only %d cells", cells)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		for _, noms := range talentNominations() {
			for _, n := range noms {
				if bytes.Contains(data, []byte(n.PersonID)) {
					t.Errorf("%s holds %s's full ID number", f.Name, n.ID)
				}
			}
		}
	}
}

// The same decision gives the same bytes, dated by the decision; the
// SHA-256 reported is the file's. The file appears whole or not at all.
func TestTalentWorkbookIsDeterministicAndAtomic(t *testing.T) {
	w := talentDecided(t)
	ctx := context.Background()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.xlsx"), filepath.Join(dir, "b.xlsx")
	info, err := reports.WriteTalent(ctx, w.st.DB, 2022, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reports.WriteTalent(ctx, w.st.DB, 2022, b); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if !bytes.Equal(x, y) {
		t.Error("two writes of the same decision differ")
	}
	if h := sha256.Sum256(x); info.SHA256 != hex.EncodeToString(h[:]) {
		t.Errorf("reported SHA-256 %s, the file's is %x", info.SHA256, h)
	}
	f, err := excelize.OpenFile(a)
	if err != nil {
		t.Fatal(err)
	}
	props, _ := f.GetDocProps()
	f.Close()
	var decided time.Time
	if err := w.st.DB.QueryRow("SELECT decided_at FROM talent_runs WHERE year = 2022 AND latest").Scan(&decided); err != nil {
		t.Fatal(err)
	}
	// decided_at is Lanzhou's wall time; the properties are in UTC.
	if want := decided.Add(-8 * time.Hour).Truncate(time.Second).Format(time.RFC3339); props.Created != want {
		t.Errorf("dated %s, want the decision's %s", props.Created, want)
	}
	// The rename fails after the whole workbook is written: the folder
	// stays, no temporary file is left beside it.
	folder := filepath.Join(dir, "talent-2022.xlsx")
	if err := os.MkdirAll(filepath.Join(folder, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := reports.WriteTalent(ctx, w.st.DB, 2022, folder); err == nil {
		t.Fatal("a workbook written over a folder")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"a.xlsx", "b.xlsx", "talent-2022.xlsx"}; !slices.Equal(names, want) {
		t.Errorf("the folder holds %q, want %q (no temporary file left)", names, want)
	}
}

// No decision of the year stored: no workbook, a message in both
// languages saying what to run, a file already at the path unchanged.
func TestTalentWorkbookRefusesWithoutADecision(t *testing.T) {
	w := talentDecided(t)
	out := filepath.Join(t.TempDir(), "talent-2023.xlsx")
	if err := os.WriteFile(out, []byte("the last good copy"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := reports.WriteTalent(context.Background(), w.st.DB, 2023, out)
	if !errors.Is(err, reports.ErrNoTalentRun) {
		t.Fatalf("2023: %v, want ErrNoTalentRun", err)
	}
	if !strings.Contains(err.Error(), "run incubeval talent --year 2023 first") || !strings.Contains(err.Error(), "请先运行 incubeval talent --year 2023") {
		t.Errorf("%v: does not say what to run in both languages", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "the last good copy" {
		t.Errorf("a refused write changed the file: %q", b)
	}
}

// A nomination ingested after the decision is not in the workbook: 汇总
// says so and what to run.
func TestTalentWorkbookSaysWhenNominationsChanged(t *testing.T) {
	w := talentDecided(t)
	w.nominate(talentNom("R22-9", 2022, "rising", "城关区", "大学生青年群体", 50))
	out := filepath.Join(t.TempDir(), "talent-2022.xlsx")
	if _, err := reports.WriteTalent(context.Background(), w.st.DB, 2022, out); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(slices.Concat(talentSheets(t, out)["汇总"]...), "\n")
	if !strings.Contains(all, "注意：有 1 条2022年度推荐在本次评选后新增") || !strings.Contains(all, "run incubeval talent --year 2022 again") {
		t.Errorf("汇总 does not warn of the nomination added after the decision")
	}
}

// The summary's charts: awarded per year and the cumulative share, both
// over the progress table, printed within the page.
func TestTalentSummaryCharts(t *testing.T) {
	st := talentStore(t)
	out := filepath.Join(t.TempDir(), "talent-2022.xlsx")
	if _, err := reports.WriteTalent(context.Background(), st.DB, 2022, out); err != nil {
		t.Fatal(err)
	}
	ps := checkPrints(t, out)
	want := map[string]string{"汇总": "A4 portrait", "新锐创客": "A4 landscape", "创业新秀": "A4 landscape", "创业达人": "A4 landscape",
		"公示": "A4 portrait", "名额": "A4 portrait", "未入选": "A4 landscape", "说明": "A4 portrait"}
	for _, p := range ps {
		if p.Paper != want[p.Sheet] {
			t.Errorf("%s prints on %s, want %s", p.Sheet, p.Paper, want[p.Sheet])
		}
		for _, d := range p.Drawings {
			if !d.Inside(p.Area) {
				t.Errorf("%s: a chart spans %v, outside the print area %v", p.Sheet, d, p.Area)
			}
		}
		if n := len(p.Drawings); (p.Sheet == "汇总") != (n == 2) {
			t.Errorf("%s has %d charts", p.Sheet, n)
		}
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	charts := 0
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/charts/chart") {
			continue
		}
		charts++
		rc, _ := f.Open()
		x, _ := io.ReadAll(rc)
		rc.Close()
		// Two series (rising, star) over the years in column A of 汇总.
		if !bytes.Contains(x, []byte(`<barDir val="col">`)) || !bytes.Contains(x, []byte(`<grouping val="clustered">`)) ||
			bytes.Count(x, []byte("<ser>")) != 2 || !bytes.Contains(x, []byte("&#39;汇总&#39;!$A$")) {
			t.Errorf("%s: not a clustered column chart of two series over 汇总's years", f.Name)
		}
	}
	if charts != 2 {
		t.Errorf("%d charts, want 2", charts)
	}
	if err := xlsxtest.CheckDimensions(out); err != nil {
		t.Error(err)
	}
}
