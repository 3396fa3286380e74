package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/talent"
)

// TestTalentCommand: load nominations, decide the year, print the quota
// fill, write the workbook; a year outside the programme and a bad
// programme file are refused.
func TestTalentCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	r1 := sample.EligibleNomination("N1", 2022, talent.Rising)
	s1 := sample.EligibleNomination("N2", 2022, talent.Star)
	m1 := sample.EligibleNomination("N3", 2022, talent.Master)
	bad := sample.EligibleNomination("N4", 2022, talent.Rising)
	bad.Jobs = 4
	f := filepath.Join(dir, "创业人才推荐.csv")
	os.WriteFile(f, sample.NominationsCSV(r1, s1, m1, bad), 0o644)
	if code, _, stderr := runCLI(t, "--db", db, "ingest", f); code != exitOK {
		t.Fatalf("ingest: %s", stderr)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "--db", db, "talent", "--year", "2022", "--out", out)
	if code != exitOK {
		t.Fatalf("talent exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"4 nominations", "新锐创客 rising   授予 awarded 1  不符合 ineligible 1", "创业达人 master   推荐 recommended 1",
		"城关区", "600", "599", filepath.Join(out, "talent-2022.xlsx")} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, r1.PersonID) {
		t.Errorf("an ID number on the terminal:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "talent-2022.xlsx")); err != nil {
		t.Fatal(err)
	}
	// --stored: the stored decision's workbook, read-only, identical.
	again := filepath.Join(dir, "again")
	if code, stdout, stderr := runCLI(t, "--db", db, "talent", "--year", "2022", "--out", again, "--stored"); code != exitOK {
		t.Fatalf("--stored exit %d\n%s\n%s", code, stdout, stderr)
	}
	b1, _ := os.ReadFile(filepath.Join(out, "talent-2022.xlsx"))
	b2, _ := os.ReadFile(filepath.Join(again, "talent-2022.xlsx"))
	if len(b1) == 0 || string(b1) != string(b2) {
		t.Errorf("--stored wrote another workbook (%d vs %d bytes)", len(b1), len(b2))
	}
	var runs string
	_, runs, _ = runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM talent_runs")
	if !strings.Contains(runs, "\n1") {
		t.Errorf("--stored decided again: %q", runs)
	}
	if code, _, stderr := runCLI(t, "--db", db, "talent", "--year", "2023", "--out", again, "--stored"); code != exitFail || !strings.Contains(stderr, "talent --year 2023") {
		t.Errorf("--stored for an undecided year: exit %d %s", code, stderr)
	}
	badProg := filepath.Join(dir, "p.yaml")
	os.WriteFile(badProg, []byte(strings.Replace(string(talent.DefaultYAML()), "min_jobs: 50", "min_jobz: 50", 1)), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"talent", "--year", "2024"}, exitFail, "not a year of the programme"},
		{[]string{"talent", "--year", "2022", "--programme", badProg}, exitFail, "p.yaml:"},
		{[]string{"talent"}, exitUsage, "--year"},
	} {
		code, stdout, stderr := runCLI(t, append([]string{"--db", db}, c.args...)...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", c.args, code, c.code, c.want, stdout, stderr)
		}
	}
}
