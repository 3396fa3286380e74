package ingest_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Each validation rule of SPEC §3, defended by a row that breaks only it.
func TestQuarterlyRules(t *testing.T) {
	tests := []struct {
		rule   string
		column string
		over   map[int]string
	}{
		{"required", "submitted_on", map[int]string{3: ""}},
		{"required", "incubating", map[int]string{4: " "}},
		{"integer", "trainings", map[int]string{9: "4.5"}},
		{"integer", "events", map[int]string{11: "三"}},
		{"negative", "graduated", map[int]string{7: "-1"}},
		{"number", "revenue", map[int]string{13: "六百"}},
		{"negative", "financing", map[int]string{15: "-3"}},
		{"date", "submitted_on", map[int]string{3: "2025-13-45"}},
		{"date", "submitted_on", map[int]string{3: "2025-02-30"}},
		{"year", "year", map[int]string{1: "二〇二五"}},
		{"year_range", "year", map[int]string{1: "1999", 3: "2000-01-10"}},
		{"year_range", "year", map[int]string{1: "2026", 3: "2025-10-10"}},
		{"quarter", "quarter", map[int]string{2: "5"}},
		{"quarter", "quarter", map[int]string{2: "Q0"}},
		{"quarter_future", "quarter", map[int]string{2: "4", 3: "2025-11-01"}}, // 2025Q4 has begun (today 2025-11-20) but not ended
		{"submitted_before_quarter_end", "submitted_on", map[int]string{3: "2025-09-29"}},
		{"date_future", "submitted_on", map[int]string{3: "2025-11-21"}},
		{"ratio", "utilization", map[int]string{17: "high"}},
		{"ratio_range", "utilization", map[int]string{17: "150%"}},
		{"ratio_range", "utilization", map[int]string{17: "85"}},
		{"filed_gt_incubating", "filed", map[int]string{5: "21"}},
		{"unknown_carrier", "carrier_id", map[int]string{0: "LZ-XX-9999"}},
		{"too_large", "trainees", map[int]string{10: "99999999999"}},
		// The views' DECIMAL(18,6) holds less than 10^12: an amount that
		// would not fit broke every query reading revenue.
		{"too_large", "revenue", map[int]string{13: "1000000000000"}},
		{"too_large", "financing", map[int]string{15: "1e11"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s=%v", tt.rule, tt.column, tt.over), func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			dir := t.TempDir()
			// One good row beside the bad one: only the bad row is rejected.
			good := qrow(map[int]string{0: "LZ-FH-0001"})
			res := run(t, st, writeFile(t, dir, "q.csv", quarterlyHeader+good+qrow(tt.over)))
			f := res.Files[0]
			if f.RowsRead != 2 || f.Accepted != 1 || f.Rejected != 1 {
				t.Fatalf("got %d read, %d accepted, %d rejected; want 2, 1, 1", f.RowsRead, f.Accepted, f.Rejected)
			}
			got := rejectsOf(t, st, f.IngestID)
			found := false
			for _, r := range got {
				if r.Row == 3 && r.Column == tt.column && r.Rule == tt.rule {
					found = true
				}
			}
			if !found {
				t.Fatalf("want row 3 %s rejected by %s; rejects: %+v", tt.column, tt.rule, got)
			}
		})
	}
}

func TestQuarterlyQuarterQuirk(t *testing.T) {
	// 2025 Q4 is in progress on 2025-11-20: a report for it cannot have
	// been submitted after its end, so it is refused as a future quarter;
	// 2026 Q1 has not begun at all (and its year is beyond the current one).
	st := mustOpen(t)
	loadRegistry(t, st)
	res := run(t, st, writeFile(t, t.TempDir(), "q.csv", quarterlyHeader+qrow(map[int]string{2: "4", 3: "2026-01-05"})))
	got := rejectsOf(t, st, res.Files[0].IngestID)
	want := []reject{{2, "submitted_on", "date_future"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
}

func TestRegistryRules(t *testing.T) {
	row := func(cells ...string) string {
		base := []string{"LZ-ZC-0009", "测试众创空间", usccA, "测试公司", "城关区", "众创空间", "综合", "市级", "2020-01-01", "", "1000", "500", "10", "", "5", "否"}
		for i := 0; i+1 < len(cells); i += 2 {
			var idx int
			fmt.Sscan(cells[i], &idx)
			base[idx] = cells[i+1]
		}
		out := ""
		for i, c := range base {
			if i > 0 {
				out += ","
			}
			out += c
		}
		return out + "\n"
	}
	tests := []struct {
		rule, column string
		cells        []string
	}{
		{"required", "name", []string{"1", ""}},
		{"required", "recognized_on", []string{"8", ""}},
		{"uscc_length", "operator_uscc", []string{"2", "91110000100012885"}},
		{"uscc_char", "operator_uscc", []string{"2", "9111000010001288SO"}},
		{"uscc_org_check", "operator_uscc", []string{"2", "91350100M000100X43"}},
		{"uscc_check", "operator_uscc", []string{"2", "911100001000128856"}},
		{"enum", "kind", []string{"5", "咖啡馆"}},
		{"enum", "track", []string{"6", "混合"}},
		{"enum", "level", []string{"7", "县级"}},
		{"date_future", "recognized_on", []string{"8", "2026-01-01"}},
		{"service_area_gt_area", "service_area_m2", []string{"11", "1500"}},
		{"negative", "area_m2", []string{"10", "-5"}},
		{"too_large", "area_m2", []string{"10", "123456789012345"}},
		{"integer", "workstations", []string{"12", "十"}},
		{"bool", "virtual", []string{"15", "也许"}},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.column, func(t *testing.T) {
			st := mustOpen(t)
			res := run(t, st, writeFile(t, t.TempDir(), "r.csv", registryHeader+row("0", "LZ-ZC-0008")+row(tt.cells...)))
			f := res.Files[0]
			if f.Accepted != 1 || f.Rejected != 1 {
				t.Fatalf("got %d accepted, %d rejected; want 1, 1", f.Accepted, f.Rejected)
			}
			got := rejectsOf(t, st, f.IngestID)
			if len(got) != 1 || got[0] != (reject{3, tt.column, tt.rule}) {
				t.Fatalf("want [{3 %s %s}], got %+v", tt.column, tt.rule, got)
			}
		})
	}
}

func TestDuplicateKeyInFileRejectsEveryOccurrence(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	body := quarterlyHeader + qrow(nil) + qrow(map[int]string{0: "LZ-FH-0001"}) + qrow(map[int]string{4: "25"})
	res := run(t, st, writeFile(t, t.TempDir(), "q.csv", body))
	want := []reject{{2, "carrier_id", "duplicate_key"}, {4, "carrier_id", "duplicate_key"}}
	if diff := cmp.Diff(want, rejectsOf(t, st, res.Files[0].IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	if n := count(t, st, "SELECT count(*) FROM quarterly_reports WHERE carrier_id = 'LZ-ZC-0001'"); n != 0 {
		t.Fatalf("a duplicated quarter was loaded (%d rows)", n)
	}
	// The registry: the same carrier twice in one file.
	res = run(t, st, writeFile(t, t.TempDir(), "r.csv", registryCSV+"LZ-ZC-0001,另一个名字,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31,,,,,,,\n"))
	if f := res.Files[0]; f.Accepted != 1 || f.Rejected != 2 {
		t.Fatalf("registry duplicates: %d accepted, %d rejected; want 1, 2", f.Accepted, f.Rejected)
	}
}

func TestIncidentAndDeferralRules(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	dir := t.TempDir()
	inc := "载体编号,发生日期,类型,说明\n" +
		"LZ-ZC-0001,2025-03-01,列入经营异常名录,年报未公示\n" +
		"LZ-ZC-0001,2025-04-01,major_accident,\n" +
		"LZ-ZC-0001,2025-04-02,打架斗殴,\n" + // unknown type
		"LZ-ZC-0001,2026-04-02,false_data,\n" + // future
		"LZ-XX-0001,2025-04-02,false_data,\n" // unknown carrier
	res := run(t, st, writeFile(t, dir, "incidents.csv", inc))
	want := []reject{{4, "type", "enum"}, {5, "occurred_on", "date_future"}, {6, "carrier_id", "unknown_carrier"}}
	if diff := cmp.Diff(want, rejectsOf(t, st, res.Files[0].IngestID)); diff != "" {
		t.Fatalf("incident rejects (-want +got):\n%s", diff)
	}
	if n := count(t, st, "SELECT count(*) FROM incidents WHERE type IN ('abnormal_operation_list', 'major_accident')"); n != 2 {
		t.Fatalf("incident types not mapped to codes: %d", n)
	}
	def := "载体编号,年度,原因\nLZ-ZC-0001,2024,场地改造\nLZ-ZC-0001,2027,太远\nLZ-FH-0001,2026,提前批准\n"
	res = run(t, st, writeFile(t, dir, "deferrals.csv", def))
	want = []reject{{3, "year", "year_range"}}
	if diff := cmp.Diff(want, rejectsOf(t, st, res.Files[0].IngestID)); diff != "" {
		t.Fatalf("deferral rejects (-want +got):\n%s", diff)
	}
}

func TestSpikeWarningAcceptsAndFlags(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	dir := t.TempDir()
	run(t, st, writeFile(t, dir, "q2.csv", quarterlyHeader+qrow(map[int]string{2: "2", 3: "2025-07-10"})))
	res := run(t, st, writeFile(t, dir, "q3.csv", quarterlyHeader+qrow(map[int]string{4: "101", 5: "90", 13: "3000.5"})))
	f := res.Files[0]
	if f.Accepted != 1 || f.Warned != 1 {
		t.Fatalf("want 1 accepted and warned, got %+v", f)
	}
	rows, err := st.DB.Query("SELECT column_name, raw_value FROM warnings WHERE rule = 'spike_5x' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var c, v string
		rows.Scan(&c, &v)
		got = append(got, c+"="+v)
	}
	// incubating 20 → 101 (> 5×) and revenue 600 → 3000.5 (> 5×); jobs unchanged.
	if diff := cmp.Diff([]string{"incubating=101", "revenue=3000.50"}, got); diff != "" {
		t.Fatalf("spike warnings (-want +got):\n%s", diff)
	}
}
