package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/sample"
)

// TestEligibilityCommand: a clerk's day — ingest the applications, run
// the profile with --out, explain one application; and the refusals.
func TestEligibilityCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.duckdb")
	d := time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)
	ok := sample.MakerSpaceApplication("SQ-OK", d)
	small := sample.MakerSpaceApplication("SQ-SMALL", d)
	small.Area, small.ServiceArea = 499, 400
	review := sample.MakerSpaceApplication("SQ-REVIEW", d)
	review.Facilities = false
	apps := filepath.Join(dir, "认定申请.csv")
	if err := os.WriteFile(apps, sample.ApplicationsCSV(ok, small, review), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "--db", db, "ingest", apps); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, stderr)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "--db", db, "eligibility", "--profile", "municipal_maker_space", "--year", "2025", "--out", out)
	if code != exitOK {
		t.Fatalf("eligibility exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"checked 3 applications", "符合条件 eligible              1", "待核实 review                 1",
		"不符合 not met                1", "space                      1  固定的办公场所", "facilities                 1",
		filepath.Join(out, "eligibility-municipal_maker_space-2025.xlsx")} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "eligibility-municipal_maker_space-2025.xlsx")); err != nil {
		t.Fatal(err)
	}
	// --stored: the stored run's workbook, identical, nothing checked again.
	again := filepath.Join(dir, "again")
	if code, stdout, stderr := runCLI(t, "--db", db, "eligibility", "--profile", "municipal_maker_space", "--year", "2025", "--out", again, "--stored"); code != exitOK {
		t.Fatalf("--stored exit %d\n%s\n%s", code, stdout, stderr)
	}
	b1, _ := os.ReadFile(filepath.Join(out, "eligibility-municipal_maker_space-2025.xlsx"))
	b2, _ := os.ReadFile(filepath.Join(again, "eligibility-municipal_maker_space-2025.xlsx"))
	if len(b1) == 0 || string(b1) != string(b2) {
		t.Errorf("--stored wrote another workbook (%d vs %d bytes)", len(b1), len(b2))
	}
	// A re-run is a new run; the view shows the latest only.
	if code, _, stderr := runCLI(t, "--db", db, "eligibility", "--profile", "municipal_maker_space", "--year", "2025"); code != exitOK {
		t.Fatalf("re-run exit %d: %s", code, stderr)
	}
	_, csv, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT count(*), count(DISTINCT run_id), (SELECT count(*) FROM eligibility_runs) FROM eligibility")
	if got := strings.TrimSpace(strings.Split(csv, "\n")[1]); got != "3,1,2" {
		t.Errorf("after a re-run: rows, runs shown, runs stored = %s, want 3,1,2", got)
	}
	// explain: every condition, the value and threshold, and the source row.
	code, stdout, stderr = runCLI(t, "--db", db, "explain", "--application", "sq-small", "--year", "2025")
	if code != exitOK {
		t.Fatalf("explain exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"SQ-SMALL", "不符合 not met", "固定的办公场所", "499", "≥ 500", "认定申请.csv", "row 3"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("explain lacks %q:\n%s", want, stdout)
		}
	}
	// Refusals.
	bad := filepath.Join(dir, "mine.yaml")
	data, _ := os.ReadFile(filepath.Join("..", "..", "pipeline", "eligibility", "profiles", "municipal_maker_space.yaml"))
	os.WriteFile(bad, []byte(strings.Replace(string(data), "at_least: 10", "at_lest: 10", 1)), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"eligibility", "--profile", "nosuch", "--year", "2025"}, exitUsage, "not an embedded profile"},
		{[]string{"eligibility", "--profile", bad, "--year", "2025"}, exitFail, "mine.yaml:"},
		{[]string{"eligibility", "--profile", "municipal_maker_space", "--year", "2024"}, exitFail, "no application dated in 2024"},
		{[]string{"eligibility", "--profile", "provincial_demo_base", "--year", "2030"}, exitUsage, "2030"},
		{[]string{"explain", "--application", "SQ-NONE", "--year", "2025"}, exitFail, "SQ-NONE"},
		{[]string{"explain", "--application", "SQ-OK", "--carrier", "X", "--year", "2025"}, exitUsage, "one of them"},
	} {
		code, stdout, stderr := runCLI(t, append([]string{"--db", db}, c.args...)...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", c.args, code, c.code, c.want, stdout, stderr)
		}
	}
}

// TestExplainEligibilityCase: two applications whose ids differ only in
// case (SQ-A and sq-a, distinct to ingest and to the run) are never
// explained as one: the id typed exactly shows that application's checks
// and source alone, and an id matching both in another case is refused as
// ambiguous, as explain --carrier refuses one.
func TestExplainEligibilityCase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.duckdb")
	d := time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)
	upper := sample.MakerSpaceApplication("SQ-A", d)
	lower := sample.MakerSpaceApplication("sq-a", d)
	lower.Staff = 1
	apps := filepath.Join(dir, "认定申请.csv")
	if err := os.WriteFile(apps, sample.ApplicationsCSV(upper, lower), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "--db", db, "ingest", apps); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, stderr)
	}
	if code, out, stderr := runCLI(t, "--db", db, "eligibility", "--profile", "municipal_maker_space", "--year", "2025"); code != exitOK {
		t.Fatalf("eligibility exit %d\n%s\n%s", code, out, stderr)
	}
	code, stdout, stderr := runCLI(t, "--db", db, "explain", "--application", "SQ-A", "--year", "2025")
	if code != exitOK {
		t.Fatalf("explain exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "符合条件 eligible") {
		t.Errorf("SQ-A meets every condition:\n%s", stdout)
	}
	if n := strings.Count(stdout, "staff ≥ 3"); n != 1 || !strings.Contains(stdout, "(staff): 符合 met") {
		t.Errorf("SQ-A's explanation shows %d staff checks, or its staff not met (sq-a's?):\n%s", n, stdout)
	}
	code, stdout, stderr = runCLI(t, "--db", db, "explain", "--application", "sq-a", "--year", "2025")
	if code != exitOK || !strings.Contains(stdout, "(staff): 不符合 not met") || strings.Count(stdout, "staff ≥ 3") != 1 {
		t.Errorf("sq-a: exit %d, want its own result (not met: staff)\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "--db", db, "explain", "--application", "Sq-A", "--year", "2025")
	if code != exitFail || !strings.Contains(stderr, "SQ-A") || !strings.Contains(stderr, "sq-a") {
		t.Errorf("Sq-A: exit %d, want it refused as ambiguous, naming SQ-A and sq-a\n%s\n%s", code, stdout, stderr)
	}
}

// TestEligibilityOutRefusedFirst: a workbook path that would overwrite the
// database (here a link to it in --out) is refused with exit 2 before
// anything is stored — not after the run was stored, where exit 2 (a
// usage error: nothing done) would be untrue.
func TestEligibilityOutRefusedFirst(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.duckdb")
	apps := filepath.Join(dir, "认定申请.csv")
	if err := os.WriteFile(apps, sample.ApplicationsCSV(sample.MakerSpaceApplication("SQ-OK", time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC))), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "--db", db, "ingest", apps); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, stderr)
	}
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	if err := os.Symlink(db, filepath.Join(out, "eligibility-municipal_maker_space-2025.xlsx")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "--db", db, "eligibility", "--profile", "municipal_maker_space", "--year", "2025", "--out", out)
	if code != exitUsage {
		t.Errorf("exit %d, want %d\n%s\n%s", code, exitUsage, stdout, stderr)
	}
	_, csv, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM eligibility_runs")
	if got := strings.TrimSpace(strings.Split(csv, "\n")[1]); got != "0" {
		t.Errorf("refused, yet %s runs stored", got)
	}
}

// TestExplainEligibilityNewerInputs: explain shows what the run stored
// beside today's source rows; when an input that can change the result
// arrived after the run (here a corrected application: 2 staff, not 6),
// it says so and how to re-run — the stored values and the file named as
// their source no longer agree.
func TestExplainEligibilityNewerInputs(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.duckdb")
	d := time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)
	app := sample.MakerSpaceApplication("SQ-1", d)
	first := filepath.Join(dir, "认定申请.csv")
	if err := os.WriteFile(first, sample.ApplicationsCSV(app), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "--db", db, "ingest", first); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, stderr)
	}
	if code, out, stderr := runCLI(t, "--db", db, "eligibility", "--profile", "municipal_maker_space", "--year", "2025"); code != exitOK {
		t.Fatalf("eligibility exit %d\n%s\n%s", code, out, stderr)
	}
	code, stdout, _ := runCLI(t, "--db", db, "explain", "--application", "SQ-1", "--year", "2025")
	if code != exitOK || strings.Contains(stdout, "Note:") {
		t.Errorf("explain right after the run: exit %d, or a note:\n%s", code, stdout)
	}
	app.Staff = 2
	second := filepath.Join(dir, "认定申请-更正.csv")
	if err := os.WriteFile(second, sample.ApplicationsCSV(app), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if code, out, stderr := runCLI(t, "--db", db, "ingest", second); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, stderr)
	}
	code, stdout, stderr := runCLI(t, "--db", db, "explain", "--application", "SQ-1", "--year", "2025")
	if code != exitOK {
		t.Fatalf("explain exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"认定申请-更正.csv", "Note:", "1 file", "eligibility --profile municipal_maker_space --year 2025"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("explain after a correction lacks %q:\n%s", want, stdout)
		}
	}
}

// TestEligibilityOutUnusable: an --out folder that cannot be made (under
// a regular file) is refused before the run is stored, not after it —
// where the counts printed and then "mkdir …: not a directory" left a
// stored run without its workbook.
func TestEligibilityOutUnusable(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.duckdb")
	apps := filepath.Join(dir, "认定申请.csv")
	if err := os.WriteFile(apps, sample.ApplicationsCSV(sample.MakerSpaceApplication("SQ-OK", time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC))), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "--db", db, "ingest", apps); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, stderr)
	}
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	code, stdout, stderr := runCLI(t, "--db", db, "eligibility", "--profile", "municipal_maker_space", "--year", "2025", "--out", filepath.Join(file, "sub"))
	if code == exitOK || strings.Contains(stdout, "checked") {
		t.Errorf("exit %d, want a refusal before the run\n%s\n%s", code, stdout, stderr)
	}
	_, csv, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM eligibility_runs")
	if got := strings.TrimSpace(strings.Split(csv, "\n")[1]); got != "0" {
		t.Errorf("refused, yet %s runs stored", got)
	}
}
