package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// entries lists what a folder holds, recursively, for "nothing was left
// behind" checks.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// TestNoImplicitDatabase: a command never makes a database nobody asked
// for. Commands that only read, and writing commands that work on stored
// data (assess, publish), refuse a missing database and leave nothing
// behind — no file, no lock file, no ledger; a missing folder is an error
// naming it, never created (SPEC §10, issue 12).
func TestNoImplicitDatabase(t *testing.T) {
	inputs := t.TempDir()
	quarterly := filepath.Join(inputs, "q.csv")
	if err := os.WriteFile(quarterly, []byte(quarterlyCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string // after --db DB
		missing string   // "folder": DB's folder does not exist; else the file
		want    []string // in stderr
	}{
		{"assess before any ingest", []string{"assess", "--year", "2025"}, "", []string{"no database at", "没有数据库", "none was created"}},
		{"publish", []string{"publish", "--year", "2025", "--yes"}, "", []string{"no database at", "没有数据库"}},
		{"unpublish", []string{"unpublish", "--year", "2025", "--reason", "wrong data"}, "", []string{"no database at", "没有数据库"}},
		{"discard", []string{"discard", "--year", "2025", "--yes"}, "", []string{"no database at", "没有数据库"}},
		{"jobs history", []string{"jobs", "history"}, "", nil},
		{"report", []string{"report", "--year", "2025", "--out", filepath.Join(inputs, "out")}, "", []string{"no database at", "没有数据库"}},
		{"explain", []string{"explain", "--carrier", "LZ-ZC-0001", "--year", "2025"}, "", []string{"no database at", "没有数据库"}},
		{"sql", []string{"sql", "SELECT 1"}, "", []string{"no database at", "没有数据库"}},
		{"ingest of a missing path", []string{"ingest", filepath.Join(inputs, "typo.csv")}, "", []string{"typo.csv"}},
		{"ingest into a missing folder", []string{"ingest", quarterly}, "folder", []string{"does not exist", "不存在", "nonexist"}},
		{"run into a missing folder", []string{"run", "--year", "2025", "--inbox", inputs, "--out", filepath.Join(inputs, "out")}, "folder", []string{"does not exist", "nonexist"}},
		{"assess in a missing folder", []string{"assess", "--year", "2025"}, "folder", []string{"no database at", "没有数据库"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "incubeval.duckdb")
			if tt.missing == "folder" {
				db = filepath.Join(dir, "nonexist", "sub", "x.duckdb")
			}
			code, out, stderr := runCLI(t, append([]string{"--db", db}, tt.args...)...)
			if code != exitFail {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFail, out, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "created a new database") {
				t.Errorf("said it created a database:\n%s", stderr)
			}
			if left := entries(t, dir); len(left) > 0 {
				t.Fatalf("left behind %v", left)
			}
		})
	}
}

// TestIngestSaysItCreatedTheDatabase: a command that brings data in makes
// the database when there is none, and says so on stderr with the full
// path; the next one, finding it, says nothing.
func TestIngestSaysItCreatedTheDatabase(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"r.csv": registryCSV, "q.csv": quarterlyCSV} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	code, out, stderr := runCLI(t, "--db", "incubeval.duckdb", "ingest", "r.csv", "q.csv")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	abs := filepath.Join(dir, "incubeval.duckdb")
	if want := "created a new database at " + abs + " / 已新建数据库 " + abs; !strings.Contains(stderr, want) {
		t.Fatalf("stderr lacks %q:\n%s", want, stderr)
	}
	if strings.Contains(out, "created a new database") {
		t.Fatalf("the note went to stdout:\n%s", out)
	}
	code, _, stderr = runCLI(t, "--db", "incubeval.duckdb", "ingest", "r.csv", "q.csv")
	if code != exitOK || strings.Contains(stderr, "created") {
		t.Fatalf("second ingest: exit %d, stderr %q", code, stderr)
	}
	// assess finds it now, and makes nothing new.
	if code, out, stderr := runCLI(t, "--db", "incubeval.duckdb", "assess", "--year", "2025"); code != exitOK || strings.Contains(stderr, "created") {
		t.Fatalf("assess: exit %d\n%s\n%s", code, out, stderr)
	}
}
