package sample

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/incubeval/incubeval/pipeline/uscc"
)

// demoFiles runs Demo into a fresh folder and returns the folder and the
// paths relative to it.
func demoFiles(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	paths, err := Demo(dir)
	if err != nil {
		t.Fatal(err)
	}
	rel := make([]string, len(paths))
	for i, p := range paths {
		if rel[i], err = filepath.Rel(dir, p); err != nil {
			t.Fatal(err)
		}
	}
	return dir, rel
}

func sheetRows(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheet == "" {
		sheet = f.GetSheetName(0)
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDemoIsDeterministic(t *testing.T) {
	dirA, a := demoFiles(t)
	dirB, b := demoFiles(t)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("file lists differ:\n%v\n%v", a, b)
	}
	want := []string{
		"applications/认定申请2025.xlsx",
		"deferrals/暂缓评价.csv",
		"incidents/事件记录.xlsx",
		"nominations/创业人才推荐2021.xlsx",
		"nominations/创业人才推荐2022.xlsx",
		"nominations/创业人才推荐2023.xlsx",
		"quarterly/补报与更正2025Q2.xlsx",
		"quarterly/西固区季度报表.csv",
		"registry/载体名录.xlsx",
	}
	for _, w := range want {
		found := false
		for _, p := range a {
			found = found || filepath.ToSlash(p) == w
		}
		if !found {
			t.Errorf("Demo did not write %s", w)
		}
	}
	if len(a) != len(want)+len(lanzhou)-1 {
		t.Errorf("Demo wrote %d files, want %d", len(a), len(want)+len(lanzhou)-1)
	}
	for _, p := range a {
		x, err := os.ReadFile(filepath.Join(dirA, p))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(dirB, p))
		if err != nil {
			t.Fatal(err)
		}
		if sha256.Sum256(x) != sha256.Sum256(y) {
			t.Errorf("%s differs between two runs", p)
		}
	}
}

func TestDemoRegistryCodesAreValidAndIDsUnique(t *testing.T) {
	dir, _ := demoFiles(t)
	rows := sheetRows(t, filepath.Join(dir, "registry", "载体名录.xlsx"), "")
	if got := strings.Join(rows[1], ","); got != strings.Join(registryHeaderZh, ",") {
		t.Fatalf("header row = %s", got)
	}
	ids := map[string]bool{}
	operators := map[string]string{}
	for _, row := range rows[2:] {
		id, code, op := row[0], row[2], row[3]
		if ids[id] {
			t.Errorf("carrier_id %s is not unique", id)
		}
		ids[id] = true
		if err := uscc.Validate(code); err != nil {
			t.Errorf("%s: operator code %s: %v", id, code, err)
		}
		if prev, ok := operators[code]; ok && prev != op {
			t.Errorf("%s: code %s names two operators, %s and %s", id, code, prev, op)
		}
		operators[code] = op
	}
	if len(ids) != 150 {
		t.Errorf("registry holds %d carriers, want 150", len(ids))
	}
	if n := len(ids) - len(operators); n != len(operatorPairs) {
		t.Errorf("%d operators run two carriers, want %d", n, len(operatorPairs))
	}
	for _, s := range Stories {
		if !ids[s.CarrierID] {
			t.Errorf("story carrier %s is not in the registry", s.CarrierID)
		}
	}
	if ids[unknownCarrier] {
		t.Errorf("%s must not be in the registry", unknownCarrier)
	}
}

// Each story must be visible in the years it names: a carrier is graded in
// Y only if it was recognized at least a year before the window ends.
func TestStoriesFitRecognitionDates(t *testing.T) {
	d, err := buildDemo()
	if err != nil {
		t.Fatal(err)
	}
	gradedFrom := map[string]int{
		"LZ-ZC-0007": 2023, "LZ-FH-0012": 2023, "LZ-JD-0005": 2023, "LZ-ZC-0042": 2023,
		"LZ-FH-0020": 2022, "LZ-SC-0009": 2022, "LZ-ZC-0015": 2025, "LZ-FH-0008": 2024,
		"LZ-JD-0011": 2023, "LZ-SC-0004": 2020, "LZ-ZC-0031": 2024, "LZ-JD-0020": 2024,
		"LZ-ZC-0023": 2025, "LZ-FH-0005": 2023, "LZ-ZC-0050": 2024,
	}
	seen := map[string]bool{}
	for _, s := range Stories {
		if seen[s.CarrierID] {
			t.Errorf("%s has two stories", s.CarrierID)
		}
		seen[s.CarrierID] = true
		c := d.byID[s.CarrierID]
		if s.Plot == "new" {
			if c.recognized.Year() != 2025 {
				t.Errorf("%s: recognized %s, want 2025", c.id, c.recognized.Format(time.DateOnly))
			}
			continue
		}
		y, ok := gradedFrom[s.CarrierID]
		if !ok {
			y = 2019
		}
		if limit := day(y-1, 9, 30); c.recognized.After(limit) {
			t.Errorf("%s (%s): recognized %s, after %s", c.id, s.Plot, c.recognized.Format(time.DateOnly), limit.Format(time.DateOnly))
		}
	}
	for id := range plots {
		if !seen[id] {
			t.Errorf("plot for %s has no story", id)
		}
	}
}

func TestDemoBadRowsAreWhereTheySay(t *testing.T) {
	bad, err := DemoBadRows()
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != DemoRejectedRows {
		t.Fatalf("%d bad rows, DemoRejectedRows = %d", len(bad), DemoRejectedRows)
	}
	dir, _ := demoFiles(t)
	rules := map[string]bool{}
	for _, b := range bad {
		rules[b.Rule] = true
		var rows [][]string
		if strings.HasSuffix(b.File, ".csv") {
			rows = gbkRows(t, filepath.Join(dir, b.File))
		} else {
			rows = sheetRows(t, filepath.Join(dir, b.File), b.Sheet)
		}
		if b.Row > len(rows) || len(rows[b.Row-1]) == 0 || rows[b.Row-1][colCarrier] != b.CarrierID {
			t.Errorf("%s: %s!%s row %d does not hold %s", b.Rule, b.File, b.Sheet, b.Row, b.CarrierID)
			continue
		}
		row := rows[b.Row-1]
		switch b.Rule {
		case "duplicate_row":
			prev := rows[b.Row-2]
			if prev[colCarrier] != row[colCarrier] || prev[colYear] != row[colYear] {
				t.Errorf("duplicate_row: row %d does not repeat row %d", b.Row, b.Row-1)
			}
		case "filed_exceeds_incubating":
			inc, _ := strconv.Atoi(row[colIncubating])
			filed, _ := strconv.Atoi(row[colFiled])
			if filed <= inc {
				t.Errorf("filed %d <= incubating %d", filed, inc)
			}
		case "ratio_out_of_range":
			if row[colUtilization] != "150%" {
				t.Errorf("utilization = %q", row[colUtilization])
			}
		case "unparseable_date":
			if row[colSubmitted] != "2025-13-45" {
				t.Errorf("submitted_on = %q", row[colSubmitted])
			}
		case "quarter_out_of_range":
			if row[colQuarter] != "5" {
				t.Errorf("quarter = %q", row[colQuarter])
			}
		}
	}
	if len(rules) != DemoRejectedRows {
		t.Errorf("%d distinct rules among %d bad rows", len(rules), DemoRejectedRows)
	}
}

// gbkRows reads a GBK CSV; it fails the test unless the bytes are not UTF-8
// and decode from GBK without a replacement character.
func gbkRows(t *testing.T, path string) [][]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(raw) {
		t.Fatalf("%s is valid UTF-8, want GBK", filepath.Base(path))
	}
	text, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsRune(text, utf8.RuneError) {
		t.Fatalf("%s does not decode cleanly from GBK", filepath.Base(path))
	}
	rows, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDemoGBKFileDecodes(t *testing.T) {
	dir, _ := demoFiles(t)
	rows := gbkRows(t, filepath.Join(dir, "quarterly", gbkDistrict+"季度报表.csv"))
	if got := strings.Join(rows[0], ","); got != strings.Join(quarterlyHeaderZh, ",") {
		t.Errorf("header = %s", got)
	}
	if len(rows) < 100 {
		t.Errorf("only %d rows", len(rows))
	}
	raw, err := os.ReadFile(filepath.Join(dir, "deferrals", "暂缓评价.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\uFEFF载体编号,年度,原因\r\n")) || !utf8.Valid(raw) {
		t.Errorf("deferrals file does not start with a BOM and its header")
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestNationalWritesEveryCarrierEveryQuarter(t *testing.T) {
	dir := t.TempDir()
	reg, qly, err := National(dir, 50, 2024, 1, 2025, 3)
	if err != nil {
		t.Fatal(err)
	}
	regRows, qRows := readCSV(t, reg), readCSV(t, qly)
	if len(regRows) != 1+50 {
		t.Errorf("registry has %d rows, want 51", len(regRows))
	}
	if len(qRows) != 1+50*7 {
		t.Errorf("quarterly has %d rows, want %d", len(qRows), 1+50*7)
	}
	if got := strings.Join(qRows[0], ","); got != strings.Join(quarterlyHeaderEn, ",") {
		t.Errorf("quarterly header = %s", got)
	}
	ids := map[string]bool{}
	for _, row := range regRows[1:] {
		if ids[row[0]] {
			t.Errorf("carrier_id %s is not unique", row[0])
		}
		ids[row[0]] = true
		if err := uscc.Validate(row[2]); err != nil {
			t.Errorf("%s: %v", row[0], err)
		}
	}
	for _, row := range qRows[1:] {
		num := func(col int) int {
			n, err := strconv.Atoi(row[col])
			if err != nil || n < 0 {
				t.Fatalf("%v: column %s = %q", row, quarterlyHeaderEn[col], row[col])
			}
			return n
		}
		y, q := num(colYear), num(colQuarter)
		sub, err := time.Parse(time.DateOnly, row[colSubmitted])
		if err != nil || sub.Before(quarterEnd(y, q)) {
			t.Errorf("%v: submitted_on before the quarter ends", row)
		}
		if num(colFiled) > num(colIncubating) || num(colFinanced) > num(colIncubating) {
			t.Errorf("%v: filed or financed exceeds incubating", row)
		}
		if !ids[row[colCarrier]] {
			t.Errorf("%v: carrier not in the registry", row)
		}
	}
	again := t.TempDir()
	reg2, qly2, err := National(again, 50, 2024, 1, 2025, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{reg, reg2}, {qly, qly2}} {
		x, _ := os.ReadFile(pair[0])
		y, _ := os.ReadFile(pair[1])
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", filepath.Base(pair[0]))
		}
	}
}

// QuarterXLSX must describe National's carriers with National's values, so
// benchmarks over either input load the same data.
func TestQuarterXLSXMatchesNational(t *testing.T) {
	nat := t.TempDir()
	reg, qly, err := National(nat, 5, 2025, 3, 2025, 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths, err := QuarterXLSX(dir, 5, 2025, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 6 || filepath.Base(paths[0]) != "registry.csv" {
		t.Fatalf("paths = %v", paths)
	}
	x, _ := os.ReadFile(reg)
	y, _ := os.ReadFile(paths[0])
	if !bytes.Equal(x, y) {
		t.Errorf("registry.csv differs from National's")
	}
	want := map[string][]string{}
	for _, row := range readCSV(t, qly)[1:] {
		want[row[colCarrier]] = row
	}
	for _, p := range paths[1:] {
		rows := sheetRows(t, p, "")
		if len(rows) != 3 || strings.Join(rows[1], ",") != strings.Join(quarterlyHeaderZh, ",") {
			t.Fatalf("%s: rows = %v", filepath.Base(p), rows)
		}
		got := rows[2]
		w, ok := want[got[colCarrier]]
		if !ok {
			t.Fatalf("%s: carrier %s not in National", filepath.Base(p), got[colCarrier])
		}
		serialDays, _ := strconv.Atoi(got[colSubmitted])
		got[colSubmitted] = excelEpoch.AddDate(0, 0, serialDays).Format(time.DateOnly)
		for j := range quarterlyHeaderEn {
			a, errA := strconv.ParseFloat(got[j], 64)
			b, errB := strconv.ParseFloat(w[j], 64)
			if errA == nil && errB == nil && a == b || got[j] == w[j] {
				continue
			}
			t.Errorf("%s: %s = %q, National has %q", got[colCarrier], quarterlyHeaderEn[j], got[j], w[j])
		}
	}
}
