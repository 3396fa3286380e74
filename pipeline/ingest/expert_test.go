package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
)

// Expert scores (专家评分, SPEC §7): the fourth kind of input.

const expertHeader = "载体编号,年度,评分项,评委,分数\n"

// erow is a valid expert score row: LZ-ZC-0001, 2025, service_quality,
// 专家甲, 85, with overrides by column index (0 carrier_id … 4 score).
func erow(over map[int]string) string {
	cells := []string{"LZ-ZC-0001", "2025", "service_quality", "专家甲", "85"}
	for i, v := range over {
		cells[i] = v
	}
	return strings.Join(cells, ",") + "\n"
}

// expertScores lists the view expert_scores as carrier|year|item|judge|score|revisions.
func expertScores(tb testing.TB, st *store.Store) []string {
	tb.Helper()
	return lines(queryLines(tb, st, `SELECT carrier_id || '|' || year || '|' || item || '|' || judge || '|' || score || '|' || revisions
		FROM expert_scores ORDER BY ALL`))
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

// queryLines returns a one-column query's rows, one a line.
func queryLines(tb testing.TB, st *store.Store, q string, args ...any) string {
	tb.Helper()
	rows, err := st.DB.Query(q, args...)
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// TestExpertScoresRecognisedByTheirHeader: a file of expert scores is
// recognised from its header, in Chinese, in English, with synonyms or in
// bilingual cells, in CSV and XLSX, and loads as kind expert_scores; the
// score is kept exactly, to the hundredth.
func TestExpertScoresRecognisedByTheirHeader(t *testing.T) {
	tests := []struct{ name, file, body string }{
		{"Chinese", "评分.csv", expertHeader + erow(map[int]string{4: "87.5"})},
		{"English", "scores.csv", "carrier_id,year,item,judge,score\n" + erow(map[int]string{4: "87.50"})},
		{"synonyms and a title row", "评审.csv", "2025年度专家评审打分表,,,,\n编号,评审年度,评分项目,评审专家,得分\n" + erow(map[int]string{4: "８７.５"})},
		{"bilingual cells, full-width brackets", "bi.csv", "\"载体编号\ncarrier_id\",年度 year,评分项 item,评委/judge,分数|score\n" + erow(map[int]string{4: "0.875e2"})},
		{"workbook", "评分.xlsx", expertHeader + erow(map[int]string{4: "87.5"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			f := run(t, st, writeInput(t, t.TempDir(), tt.file, tt.body)).Files[0]
			if f.Kind != ingest.ExpertScores || f.Status != ingest.StatusLoaded || f.RowsRead != 1 || f.Accepted != 1 {
				t.Fatalf("got %+v; want one expert_scores row loaded", f)
			}
			if diff := cmp.Diff([]string{"LZ-ZC-0001|2025|service_quality|专家甲|87.50|1"}, expertScores(t, st)); diff != "" {
				t.Fatalf("expert_scores (-want +got):\n%s", diff)
			}
			if kind := queryLines(t, st, "SELECT kind FROM ingest_log WHERE ingest_id = ?", f.IngestID); kind != "expert_scores\n" {
				t.Fatalf("ingest_log.kind %q", kind)
			}
		})
	}
}

// TestExpertScoresNumberCells: in a workbook a score is a number cell; a
// computed one (=87.4+0.05 is a few units of the 17th digit off 87.45) is
// read as the spreadsheet shows it, to 15 significant digits.
func TestExpertScoresNumberCells(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	f := excelize.NewFile()
	rows := [][]any{
		{"载体编号", "年度", "评分项", "评委", "分数"},
		{"LZ-ZC-0001", 2025, "service_quality", "专家甲", 87.4 + 0.05},
		{"LZ-ZC-0001", 2025, "service_quality", "专家乙", 100},
		{"LZ-ZC-0001", 2025, "service_quality", "专家丙", 0.1 + 0.2},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "评分.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if r := run(t, st, path).Files[0]; r.Accepted != 3 {
		t.Fatalf("got %+v; want 3 accepted", r)
	}
	want := []string{"LZ-ZC-0001|2025|service_quality|专家丙|0.30|1", "LZ-ZC-0001|2025|service_quality|专家乙|100.00|1", "LZ-ZC-0001|2025|service_quality|专家甲|87.45|1"}
	if diff := cmp.Diff(want, expertScores(t, st)); diff != "" {
		t.Fatalf("expert_scores (-want +got):\n%s", diff)
	}
}

// TestExpertScoreRules: each rule an expert score row can break, defended
// by a row that breaks only it, with the message the clerk reads.
func TestExpertScoreRules(t *testing.T) {
	tests := []struct {
		rule, column string
		over         map[int]string
		zh, en       string // parts of the messages
	}{
		{"required", "carrier_id", map[int]string{0: ""}, "不能为空", "required"},
		{"required", "item", map[int]string{2: " "}, "「评分项」item：不能为空", "item: required"},
		{"required", "judge", map[int]string{3: ""}, "「评委」judge：不能为空", "judge: required"},
		{"required", "score", map[int]string{4: ""}, "「分数」score：不能为空", "score: required"},
		{"year", "year", map[int]string{1: "今年"}, "不是年份", "not a year"},
		{"year_range", "year", map[int]string{1: "1999"}, "年度应在 2000 至 2025 之间", "year must be 2000 to 2025"},
		{"year_range", "year", map[int]string{1: "2026"}, "年度应在 2000 至 2025 之间", "year must be 2000 to 2025"},
		{"item_code", "item", map[int]string{2: "服务质量"}, "不是评分项代码", "not an item code"},
		{"item_code", "item", map[int]string{2: "1st_round"}, "以小写英文字母开头", "a lower-case letter"},
		{"item_code", "item", map[int]string{2: "service quality"}, "只含小写字母、数字和下划线", "digits and underscores"},
		{"item_code", "item", map[int]string{2: "Service_Quality"}, "应写作 service_quality", "write it service_quality"},
		{"number", "score", map[int]string{4: "八十五"}, "不是数字", "not a number"},
		{"score_range", "score", map[int]string{4: "-1"}, "不在 0 至 100 之间", "outside 0–100"},
		{"score_range", "score", map[int]string{4: "100.01"}, "不在 0 至 100 之间", "outside 0–100"},
		{"score_decimals", "score", map[int]string{4: "87.255"}, "超过两位小数", "more than two decimals"},
		{"score_decimals", "score", map[int]string{4: "0.001"}, "四舍五入", "round it"},
		{"unknown_carrier", "carrier_id", map[int]string{0: "LZ-XX-9999"}, "不在载体名录中", "not in the registry"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s=%v", tt.rule, tt.column, tt.over), func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			// One good row beside the bad one: only the bad row is rejected.
			good := erow(map[int]string{3: "专家乙"})
			f := run(t, st, writeFile(t, t.TempDir(), "e.csv", expertHeader+good+erow(tt.over))).Files[0]
			if f.RowsRead != 2 || f.Accepted != 1 || f.Rejected != 1 {
				t.Fatalf("got %d read, %d accepted, %d rejected; want 2, 1, 1", f.RowsRead, f.Accepted, f.Rejected)
			}
			if diff := cmp.Diff([]reject{{3, tt.column, tt.rule}}, rejectsOf(t, st, f.IngestID)); diff != "" {
				t.Fatalf("rejects (-want +got):\n%s", diff)
			}
			var zh, en string
			if err := st.DB.QueryRow("SELECT message_zh, message_en FROM rejects WHERE ingest_id = ?", f.IngestID).Scan(&zh, &en); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(zh, tt.zh) || !strings.Contains(en, tt.en) {
				t.Fatalf("messages %q / %q; want them to say %q / %q", zh, en, tt.zh, tt.en)
			}
			if rzh, ren := ingest.RuleName(tt.rule, false); rzh == tt.rule || ren == tt.rule {
				t.Fatalf("rule %s has no name for the rejects workbook", tt.rule)
			}
		})
	}
}

// TestExpertScoreColumnsNamedForTheClerk: the rejects workbook names an
// expert score's columns in Chinese.
func TestExpertScoreColumnsNamedForTheClerk(t *testing.T) {
	for field, zh := range map[string]string{"carrier_id": "载体编号", "year": "年度", "item": "评分项", "judge": "评委", "score": "分数"} {
		if got := ingest.ColumnName(ingest.ExpertScores, field); got != zh {
			t.Errorf("ColumnName(expert_scores, %s) = %q, want %q", field, got, zh)
		}
	}
	if ingest.ExpertScores.ZH() != "专家评分" || string(ingest.ExpertScores) != "expert_scores" {
		t.Errorf("kind %s, %s", ingest.ExpertScores, ingest.ExpertScores.ZH())
	}
}

// TestExpertScoresMissingColumn: a header of expert scores without one of
// its required columns rejects the file whole, naming the column.
func TestExpertScoresMissingColumn(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	before, _ := st.TableCounts(context.Background())
	res := run(t, st, writeFile(t, t.TempDir(), "e.csv", "载体编号,年度,评分项,评委\nLZ-ZC-0001,2025,service_quality,专家甲\n"))
	f := res.Files[0]
	if f.Status != ingest.StatusRejected || f.Err.Rule != "missing_columns" || !strings.Contains(f.Err.ZH, "「分数」score") {
		t.Fatalf("got %+v %+v; want rejected missing_columns naming 「分数」score", f, f.Err)
	}
	checkRejectedWhole(t, st, before, res)
}

// TestExpertScoresKindForced: --kind expert_scores reads a file as expert
// scores; a file of expert scores read as another kind has no header of
// that kind.
func TestExpertScoresKindForced(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	path := writeFile(t, t.TempDir(), "e.csv", expertHeader+erow(nil))
	res, err := ingest.Ingest(context.Background(), st, []string{path}, ingest.Options{Today: today, Kind: ingest.Quarterly})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Files[0]; f.Status != ingest.StatusRejected || f.Err.Rule != "unknown_header" || !strings.Contains(f.Err.ZH, "季度报表") {
		t.Fatalf("read as quarterly: %+v %+v", f, f.Err)
	}
	res, err = ingest.Ingest(context.Background(), st, []string{path}, ingest.Options{Today: today, Kind: ingest.ExpertScores})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, st, res)
	if f := res.Files[0]; f.Kind != ingest.ExpertScores || f.Accepted != 1 {
		t.Fatalf("read as expert scores: %+v", f)
	}
}

// TestExpertScoresDuplicateKey: a carrier's year, item and judge twice in
// one file rejects every occurrence (duplicate_key), whatever else is
// wrong with either; the judge is compared as loaded (full-width folded,
// spaces collapsed). Another judge, item or year is no twin.
func TestExpertScoresDuplicateKey(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	f := run(t, st, writeFile(t, t.TempDir(), "e.csv", expertHeader+
		erow(nil)+ // 2: twin of 3
		erow(map[int]string{4: "101"})+ // 3: twin of 2, and out of range
		erow(map[int]string{3: "专家Ａ  一"})+ // 4: twin of 5 once folded
		erow(map[int]string{3: "专家A 一"})+ // 5
		erow(map[int]string{3: "专家乙"})+ // 6: another judge
		erow(map[int]string{2: "innovation"})+ // 7: another item
		erow(map[int]string{1: "2024"})+ // 8: another year
		erow(map[int]string{0: "LZ-FH-0001"}))).Files[0] // 9: another carrier
	if f.RowsRead != 8 || f.Accepted != 4 || f.Rejected != 4 {
		t.Fatalf("got %d read = %d accepted + %d rejected; want 8 = 4 + 4", f.RowsRead, f.Accepted, f.Rejected)
	}
	want := []reject{{2, "carrier_id", "duplicate_key"}, {3, "carrier_id", "duplicate_key"}, {3, "score", "score_range"},
		{4, "carrier_id", "duplicate_key"}, {5, "carrier_id", "duplicate_key"}}
	if diff := cmp.Diff(want, rejectsOf(t, st, f.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	msg := queryLines(t, st, "SELECT DISTINCT message_zh FROM rejects WHERE row_no = 2")
	if !strings.Contains(msg, "同一载体编号+年度+评分项+评委在本文件中出现 2 次（第 2, 3 行）") {
		t.Fatalf("duplicate_key message %q", msg)
	}
	if n := count(t, st, `SELECT count(*) FROM store.expert_scores
		WHERE (carrier_id, year, item) = ('LZ-ZC-0001', 2025, 'service_quality') AND judge IN ('专家甲', '专家A 一')`); n != 0 {
		t.Fatalf("%d rows of a duplicated key loaded", n)
	}
	if n := count(t, st, "SELECT count(*) FROM expert_scores"); n != 4 {
		t.Fatalf("%d scores loaded, want 4", n)
	}
}

// TestExpertScoresLaterFileReplaces: a judge's score given again in a
// later file replaces the earlier one; both revisions are kept, and the
// value the rubric reads follows the latest.
func TestExpertScoresLaterFileReplaces(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	dir := t.TempDir()
	first := run(t, st, writeFile(t, dir, "初评.csv", expertHeader+erow(map[int]string{4: "80"})+erow(map[int]string{3: "专家乙", 4: "70"}))).Files[0]
	second := run(t, st, writeFile(t, dir, "复评.csv", expertHeader+erow(map[int]string{4: "90.25"}))).Files[0]
	if first.Accepted != 2 || second.Accepted != 1 {
		t.Fatalf("first %+v, second %+v", first, second)
	}
	want := []string{"LZ-ZC-0001|2025|service_quality|专家乙|70.00|1", "LZ-ZC-0001|2025|service_quality|专家甲|90.25|2"}
	if diff := cmp.Diff(want, expertScores(t, st)); diff != "" {
		t.Fatalf("expert_scores (-want +got):\n%s", diff)
	}
	if got := queryLines(t, st, "SELECT ingest_id || ' ' || row_no FROM expert_scores WHERE judge = '专家甲'"); got != fmt.Sprintf("%d 2\n", second.IngestID) {
		t.Fatalf("the winner comes from %q, want the second file's row 2", got)
	}
	if got := queryLines(t, st, `SELECT revision || ' ' || is_winning || ' ' || score FROM expert_score_revisions
		WHERE judge = '专家甲' ORDER BY revision`); got != "1 false 80.00\n2 true 90.25\n" {
		t.Fatalf("expert_score_revisions:\n%s", got)
	}
	// (90.25 + 70) / 2 = 80.125 → 80.13
	if got := queryLines(t, st, "SELECT judges || ' ' || value FROM expert_values"); got != "2 80.13\n" {
		t.Fatalf("expert_values %q, want 2 judges, 80.13", got)
	}
}

// TestExpertScoresRetryAfterTheRegistry: scores of a carrier not yet in
// the registry are rejected unknown_carrier and read again when the same
// file comes after the registry, as quarterly reports are.
func TestExpertScoresRetryAfterTheRegistry(t *testing.T) {
	st := mustOpen(t)
	path := writeFile(t, t.TempDir(), "e.csv", expertHeader+erow(nil)+erow(map[int]string{3: "专家乙", 4: "八十"}))
	first := run(t, st, path).Files[0]
	if first.Status != ingest.StatusAllRejected || first.Rejected != 2 {
		t.Fatalf("before the registry: %+v", first)
	}
	loadRegistry(t, st)
	retry := run(t, st, path).Files[0]
	if retry.RetryOf != first.IngestID || retry.RowsRead != 1 || retry.Accepted != 1 {
		t.Fatalf("the retry: %+v", retry)
	}
	noRowBothAcceptedAndRejected(t, st)
	if diff := cmp.Diff([]string{"LZ-ZC-0001|2025|service_quality|专家甲|85.00|1"}, expertScores(t, st)); diff != "" {
		t.Fatalf("expert_scores (-want +got):\n%s", diff)
	}
}

// TestExpertValues: the value of expert(ITEM) is the mean of the judges'
// scores, after dropping exactly one highest and one lowest when there
// are five judges or more (even when tied), rounded to 2 decimals half
// away from zero — exactly: DuckDB's round of a DOUBLE mean of 64.085 or
// 1.005 (a binary fraction just below) gives 64.08 and 1.00.
func TestExpertValues(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	items := []struct {
		item   string
		scores []string
		want   string // judges|trimmed|dropped_high|dropped_low|value
	}{
		{"one", []string{"100"}, "1|false|||100.00"},
		{"two_half", []string{"0", "0.01"}, "2|false|||0.01"},                                 // 0.005
		{"three", []string{"83.33", "83.33", "83.35"}, "3|false|||83.34"},                     // 83.3366…
		{"four", []string{"80", "85", "90", "95.01"}, "4|false|||87.50"},                      // 87.5025
		{"four_half", []string{"64", "64", "64", "64.34"}, "4|false|||64.09"},                 // 64.085: in DOUBLE 64.0849…, 64.08
		{"five", []string{"100", "0", "83.33", "83.33", "83.34"}, "5|true|100.00|0.00|83.33"}, // 250/3
		{"five_tie_top", []string{"90", "90", "80", "70", "60"}, "5|true|90.00|60.00|80.00"},
		{"five_tie_bottom", []string{"60", "60", "70", "80", "95"}, "5|true|95.00|60.00|70.00"},
		{"five_all_equal", []string{"75.5", "75.5", "75.5", "75.5", "75.5"}, "5|true|75.50|75.50|75.50"},
		{"six_half", []string{"100", "0", "1", "1", "1", "1.02"}, "6|true|100.00|0.00|1.01"},                 // 1.005: in DOUBLE 1.00
		{"seven", []string{"88.01", "92.5", "79", "85.02", "90", "61", "99.99"}, "7|true|99.99|61.00|86.91"}, // 434.53/5 = 86.906
		{"seven_ties", []string{"99", "99", "99", "50", "50", "50", "75"}, "7|true|99.00|50.00|74.60"},       // 373/5
	}
	var body strings.Builder
	body.WriteString(expertHeader)
	var want []string
	for _, it := range items {
		for j, s := range it.scores {
			body.WriteString(erow(map[int]string{2: it.item, 3: fmt.Sprintf("专家%d", j+1), 4: s}))
		}
		want = append(want, it.item+"|"+it.want)
	}
	// Another year and another carrier are other values.
	body.WriteString(erow(map[int]string{1: "2024", 2: "four", 4: "10"}))
	body.WriteString(erow(map[int]string{0: "LZ-FH-0001", 2: "four", 4: "20"}))
	run(t, st, writeFile(t, t.TempDir(), "e.csv", body.String()))
	got := lines(queryLines(t, st, `SELECT item || '|' || judges || '|' || trimmed || '|' || coalesce(CAST(dropped_high AS VARCHAR), '')
		|| '|' || coalesce(CAST(dropped_low AS VARCHAR), '') || '|' || value
		FROM expert_values WHERE carrier_id = 'LZ-ZC-0001' AND year = 2025 ORDER BY 1`))
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("expert_values (-want +got):\n%s", diff)
	}
	others := queryLines(t, st, `SELECT year || ' ' || carrier_id || ' ' || judges || ' ' || value FROM expert_values
		WHERE NOT (carrier_id = 'LZ-ZC-0001' AND year = 2025) ORDER BY ALL`)
	if others != "2024 LZ-ZC-0001 1 10.00\n2025 LZ-FH-0001 1 20.00\n" {
		t.Fatalf("other years and carriers:\n%s", others)
	}
	if types := queryLines(t, st, "SELECT DISTINCT typeof(value) || ' ' || typeof(dropped_high) FROM expert_values"); types != "DECIMAL(5,2) DECIMAL(5,2)\n" {
		t.Fatalf("types %q; want exact decimals", types)
	}
}

// TestSampleExpertScoresLoad: sample.ExpertScoresCSV writes the same bytes
// each time, and every row of it loads.
func TestSampleExpertScoresLoad(t *testing.T) {
	carriers, items := []string{"LZ-ZC-0001", "LZ-FH-0001"}, []string{"service_quality", "innovation"}
	data := sample.ExpertScoresCSV(carriers, 2025, items, 5)
	if !bytes.Equal(data, sample.ExpertScoresCSV(carriers, 2025, items, 5)) {
		t.Fatal("two calls wrote different bytes")
	}
	st := mustOpen(t)
	loadRegistry(t, st)
	f := run(t, st, writeFile(t, t.TempDir(), "专家评分.csv", string(data))).Files[0]
	if f.Kind != ingest.ExpertScores || f.RowsRead != 20 || f.Accepted != 20 {
		t.Fatalf("got %+v; want 20 expert scores loaded", f)
	}
	if n := count(t, st, "SELECT count(*) FROM expert_values WHERE judges = 5 AND trimmed AND value BETWEEN 60 AND 100"); n != 4 {
		t.Fatalf("%d values of 5 judges, want 4", n)
	}
}
