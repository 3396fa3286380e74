package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every file or folder a command writes workbooks to is checked before
// anything runs, as sql --output is: never the database or one of its
// files, never the archive of ingested files. ingest --rejects-out naming
// the database used to load the batch, then write the rejects workbook
// over the database that held it.
func TestOutputsNeverReplaceTheDatabase(t *testing.T) {
	db := demoDB(t)
	dir := filepath.Dir(db)
	archived, err := filepath.Glob(filepath.Join(dir, "archive", "*", "*"))
	if err != nil || len(archived) == 0 {
		t.Fatalf("no archived file: %v", err)
	}
	inputs := t.TempDir()
	csv := filepath.Join(inputs, "late.csv")
	os.WriteFile(csv, []byte("载体编号,发生日期,类型,说明\nLZ-NOPE-1,2025-01-01,major_accident,\n"), 0o644)
	link := filepath.Join(inputs, "link.xlsx")
	if err := os.Symlink(db, link); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"rejects over the database", []string{"ingest", csv, "--rejects-out", db}},
		{"rejects over its write-ahead log", []string{"ingest", csv, "--rejects-out", db + ".wal"}},
		{"rejects over its snapshot", []string{"ingest", csv, "--rejects-out", db + ".snapshot"}},
		{"rejects through a link to it", []string{"ingest", csv, "--rejects-out", link}},
		{"rejects over an archived file", []string{"ingest", csv, "--rejects-out", archived[0]}},
		{"rejects by district into the archive", []string{"ingest", csv, "--rejects-by", "district", "--rejects-out", filepath.Join(dir, "archive", "new")}},
		{"rejects by district into the database", []string{"ingest", csv, "--rejects-by", "district", "--rejects-out", db}},
		{"template over the database", []string{"template", "--year", "2025", "--quarter", "3", "--out", filepath.Join(dir, "incubeval.duckdb.xlsx")}},
		{"report into the archive", []string{"report", "--year", "2025", "--out", filepath.Join(dir, "archive")}},
		{"run into the archive", []string{"run", "--year", "2025", "--inbox", inputs, "--out", filepath.Join(dir, "archive", "x", "y")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, append([]string{"--db", db}, c.args...)...)
			if code != exitUsage || !strings.Contains(stderr, "database") || !strings.Contains(stderr, "数据库") {
				t.Fatalf("exit %d, want %d refusing in both languages\n%s%s", code, exitUsage, out, stderr)
			}
			if strings.Contains(out, "loaded") || strings.Contains(out, "Assessed") {
				t.Errorf("worked before refusing:\n%s", out)
			}
		})
	}
	if after := tree(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("the database's folder changed:\nbefore %v\nafter  %v", before, after)
	}
	// Files written inside a folder: the feedback letters through a link
	// into the archive.
	out2 := filepath.Join(inputs, "out2")
	os.Mkdir(out2, 0o755)
	if err := os.Symlink(filepath.Join(dir, "archive"), filepath.Join(out2, "feedback-2025")); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "--db", db, "report", "--year", "2025", "--out", out2, "--feedback"); code != exitUsage || !strings.Contains(stderr, "archive") {
		t.Fatalf("feedback letters into the archive through a link: exit %d\n%s%s", code, out, stderr)
	}
	if after := tree(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("the database's folder changed:\nbefore %v\nafter  %v", before, after)
	}
	// A database named as a file a command writes in its folder.
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args func(db, folder string) []string
	}{
		{filepath.Join("out", "feedback-2025", "LZ-ZC-0001.xlsx"), func(db, folder string) []string {
			return []string{"report", "--year", "2025", "--out", filepath.Dir(folder), "--feedback"}
		}},
		{filepath.Join("out", "feedback-2025", "SHA256SUMS"), func(db, folder string) []string {
			return []string{"report", "--year", "2025", "--out", filepath.Dir(folder), "--feedback"}
		}},
		{filepath.Join("rej", "退回清单-城关区.xlsx"), func(db, folder string) []string {
			return []string{"ingest", csv, "--rejects-by", "district", "--rejects-out", folder}
		}},
		{filepath.Join("out", "rejects-batch-2.xlsx"), func(db, folder string) []string {
			return []string{"run", "--year", "2025", "--inbox", inputs, "--out", folder}
		}},
	} {
		other := filepath.Join(t.TempDir(), c.name)
		os.MkdirAll(filepath.Dir(other), 0o755)
		if err := os.WriteFile(other, data, 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, stderr := runCLI(t, append([]string{"--db", other}, c.args(other, filepath.Dir(other))...)...)
		if code != exitUsage || !strings.Contains(stderr, "is named as a file written there") {
			t.Errorf("database %s: exit %d\n%s%s", c.name, code, out, stderr)
		}
		if got, _ := os.ReadFile(other); string(got) != string(data) {
			t.Errorf("database %s was written over", c.name)
		}
	}
	// A folder of its own is fine.
	if code, out, stderr := runCLI(t, "--db", db, "ingest", csv, "--rejects-out", filepath.Join(inputs, "r.xlsx")); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
}
