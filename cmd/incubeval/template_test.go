package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/store"
)

// runTemplate runs the template command through the root command (whose
// flag, argument and required-flag checks it relies on) and returns the
// command's error itself.
func runTemplate(t *testing.T, db string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, dbPath: db}
	cmd := a.rootCommand()
	cmd.SetArgs(append([]string{"--db", db, "template"}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

func TestTemplateCommandWithoutDatabase(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "季度报表-2025Q3.xlsx")
	stdout, stderr, err := runTemplate(t, filepath.Join(dir, "none.duckdb"), "--year", "2025", "--quarter", "3", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, out) || !strings.Contains(stderr, "no database") {
		t.Fatalf("stdout %q stderr %q: want the path written and a note that the carriers list is empty", stdout, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "季度报表,在册载体,填报说明" {
		t.Fatalf("sheets %s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.duckdb")); err == nil {
		t.Fatal("the template command created a database")
	}
}

func TestTemplateCommandReadsDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	out := filepath.Join(dir, "out", "t.xlsx")
	// Standard error says only what was read (the published snapshot).
	if _, stderr, err := runTemplate(t, db, "--year", "2024", "--quarter", "4", "--out", out); err != nil || !strings.HasPrefix(stderr, "-- snapshot of ") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("%v %q", err, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}

// TestTemplateCommandApplications: --kind applications writes the
// applications sheet for a year without a database (none is made), and
// the sheet, filled in, ingests as applications with zero rejects.
func TestTemplateCommandApplications(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	out := filepath.Join(dir, "认定申请-2025.xlsx")
	stdout, _, err := runTemplate(t, db, "--kind", "applications", "--year", "2025", "--out", out)
	if err != nil || !strings.Contains(stdout, out) {
		t.Fatalf("%v; stdout %q", err, stdout)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("the applications template made a database")
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.GetSheetList(), ","); got != "认定申请,填报说明" {
		t.Fatalf("sheets %s", got)
	}
	row := []any{"SQ2025-001", "兰州五泉青年众创空间", "91350100M000100Y43", "兰州五泉科技服务有限公司", "企业", "城关区", "众创空间", "综合",
		"2025-06-16", "2021-03-10", "2022-05-01", 800, 680, 60, "", 15, 5, "是", "是", "是", "是", "是", "", ""}
	if err := f.SetSheetRow("认定申请", "A4", &row); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, stdout, stderr := runCLI(t, "--db", db, "ingest", out)
	if code != exitOK || !strings.Contains(stdout, "[applications #1]: 1 read = 1 accepted + 0 rejected") {
		t.Fatalf("ingest: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestTemplateCommandNominations: --kind nominations writes the
// nominations sheet for a programme year without a database (none is
// made), and the sheet, filled in, ingests as nominations with zero
// rejects; a year outside the embedded programme is written with a note.
func TestTemplateCommandNominations(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	out := filepath.Join(dir, "创业人才推荐-2023.xlsx")
	stdout, stderr, err := runTemplate(t, db, "--kind", "nominations", "--year", "2023", "--out", out)
	if err != nil || !strings.Contains(stdout, out) || stderr != "" {
		t.Fatalf("%v; stdout %q, stderr %q", err, stdout, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("the nominations template made a database")
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.GetSheetList(), ","); got != "创业人才推荐,填报说明" {
		t.Fatalf("sheets %s", got)
	}
	row := []any{"TR2023-001", 2023, "张伟", "62010219950505056x", "兰州金城数字科技有限公司", "91350100M000100Y43", "2022-03-10",
		"红古区", "残疾人创业群体", "新锐创客", 8, "是", 120.5, 1, "是", "是", "否", 87.25}
	if err := f.SetSheetRow("创业人才推荐", "A4", &row); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, stdout, stderr := runCLI(t, "--db", db, "ingest", out)
	if code != exitOK || !strings.Contains(stdout, "[nominations #1]: 1 read = 1 accepted + 0 rejected") {
		t.Fatalf("ingest: exit %d\n%s%s", code, stdout, stderr)
	}
	_, stderr, err = runTemplate(t, db, "--kind", "nominations", "--year", "2025", "--out", filepath.Join(dir, "n2025.xlsx"))
	if err != nil || !strings.Contains(stderr, "2025 is not a year of the embedded programme (2021–2023)") {
		t.Fatalf("%v; stderr %q", err, stderr)
	}
}

func TestTemplateCommandUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--quarter", "3", "--out", "t.xlsx"},
		{"--year", "2025", "--out", "t.xlsx"},
		{"--year", "2025", "--quarter", "5", "--out", "t.xlsx"},
		{"--year", "2025", "--quarter", "3"},
		{"--year", "2025", "--quarter", "3", "--out", "t.csv"},
		{"--kind", "applications", "--year", "2025", "--quarter", "3", "--out", "t.xlsx"},
		{"--kind", "applications", "--out", "t.xlsx"},
		{"--kind", "nominations", "--year", "2022", "--quarter", "3", "--out", "t.xlsx"},
		{"--kind", "nominations", "--year", "2022", "--out", "t.csv"},
		{"--kind", "registry", "--year", "2025", "--out", "t.xlsx"},
	} {
		_, _, err := runTemplate(t, filepath.Join(dir, "x.duckdb"), args...)
		var usage usageError
		if !errors.As(err, &usage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

// TestTemplateCommandExitCodes goes through the whole command line once the
// command is registered in cli.go.
func TestTemplateCommandExitCodes(t *testing.T) {
	registered := false
	for _, c := range (&app{}).rootCommand().Commands() {
		registered = registered || c.Name() == "template"
	}
	if !registered {
		t.Skip("`template` is not registered in rootCommand (cli.go) yet")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	if code, _, stderr := runCLI(t, "--db", db, "template", "--year", "2025", "--quarter", "0", "--out", filepath.Join(dir, "t.xlsx")); code != exitUsage {
		t.Fatalf("quarter 0: exit %d, want %d (%s)", code, exitUsage, stderr)
	}
	if code, _, stderr := runCLI(t, "--db", db, "template", "--year", "2025", "--quarter", "3", "--out", filepath.Join(dir, "t.xlsx")); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
