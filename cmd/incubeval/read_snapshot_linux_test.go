//go:build linux

package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// readingCommands are the commands that only read (SPEC §10), as command
// lines for the database db writing their files into out.
func readingCommands(db, out string) map[string][]string {
	return map[string][]string{
		"report":       {"--db", db, "report", "--year", "2025", "--out", out},
		"explain":      {"--db", db, "explain", "--carrier", "LZ-ZC-0007", "--year", "2025"},
		"template":     {"--db", db, "template", "--year", "2025", "--quarter", "3", "--out", filepath.Join(out, "t.xlsx")},
		"jobs list":    {"--db", db, "jobs", "list", "--config", os.DevNull},
		"jobs history": {"--db", db, "jobs", "history", "--config", os.DevNull},
	}
}

// fileSums is the SHA-256 and modification time of every file in dir.
// The files named in statOnly get their size and time only: closing a
// file this process opened would release every POSIX lock the process
// holds on it — DuckDB's lock of a database it holds for writing.
func fileSums(t *testing.T, dir string, statOnly ...string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if slices.Contains(statOnly, p) {
			fi, _ := os.Stat(p)
			sums[e.Name()] = fmt.Sprintf("%d %s", fi.Size(), fi.ModTime())
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(p)
		sums[e.Name()] = fmt.Sprintf("%x %s", sha256.Sum256(b), fi.ModTime())
	}
	return sums
}

func sortedKeys(m map[string][]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// While a writer holds the database (another process: DuckDB's locks are
// per process), report, explain, template and jobs list|history read the
// published snapshot, as sql does, and say so on standard error — they
// used to exit 75. report --final learns that the year is not published
// from the snapshot it reads.
func TestReadingCommandsReadTheSnapshotWhileAWriterWorks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	db := copyDemo(t, dir)
	w, err := store.Open(ctx, db, store.Options{Holder: "incubeval assess"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// A write in progress: the snapshot is no longer the database's state.
	if _, err := w.DB.ExecContext(ctx, "INSERT INTO store.meta VALUES ('test.writing', 'x')"); err != nil {
		t.Fatal(err)
	}
	before := fileSums(t, dir, db, db+".wal")
	out := t.TempDir()
	cmds := readingCommands(db, out)
	for _, name := range sortedKeys(cmds) {
		code, stdout, stderr := incubeval3(t, cmds[name]...)
		if code != exitOK || !strings.Contains(stderr, "-- snapshot of ") || !strings.Contains(stderr, "(incubeval assess) is writing a newer one / 正在写入新数据") {
			t.Errorf("%s while a writer works: exit %d\n%s%s", name, code, stdout, stderr)
		}
	}
	for _, f := range []string{"assessment-2025.xlsx", "t.xlsx"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("not written: %v", err)
		}
	}
	code, stdout, stderr := incubeval3(t, "--db", db, "explain", "--carrier", "LZ-ZC-0007", "--year", "2025")
	if code != exitOK || !strings.Contains(stdout, "兰州汇川青年众创空间") || !strings.Contains(stdout, "摘牌 delist") {
		t.Errorf("explain from the snapshot: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = incubeval3(t, "--db", db, "jobs", "history", "--config", os.DevNull)
	if code != exitOK || !strings.Contains(stdout, "demo") || !strings.Contains(stdout, "(1 run)") {
		t.Errorf("jobs history from the snapshot: exit %d\n%s%s", code, stdout, stderr)
	}
	// The demo's 2025 is not published: --final refuses, from what it read.
	code, _, stderr = incubeval3(t, "--db", db, "report", "--year", "2025", "--out", out, "--final")
	if code == exitOK || code == exitBusy || !strings.Contains(stderr, "尚未发布") || !strings.Contains(stderr, "-- snapshot of ") {
		t.Errorf("report --final of an unpublished year while a writer works: exit %d\n%s", code, stderr)
	}
	if after := fileSums(t, dir, db, db+".wal"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the database's folder changed:\nbefore %v\nafter  %v", before, after)
	}
}

// Reading commands write nothing into the database or its snapshot: not
// when they read the snapshot, not when they read the database itself (a
// snapshot older than the database, no writer at work).
func TestReadingCommandsWriteNothing(t *testing.T) {
	for _, stale := range []bool{false, true} {
		t.Run(fmt.Sprintf("stale=%v", stale), func(t *testing.T) {
			dir := t.TempDir()
			db := copyDemo(t, dir)
			if stale {
				later := time.Now().Add(time.Minute)
				if err := os.Chtimes(db, later, later); err != nil {
					t.Fatal(err)
				}
			}
			before := fileSums(t, dir)
			cmds := readingCommands(db, t.TempDir())
			for _, name := range sortedKeys(cmds) {
				code, stdout, stderr := incubeval3(t, cmds[name]...)
				want := "-- snapshot of "
				if stale {
					want = "is older than the database; reading the database itself"
				}
				if code != exitOK || !strings.Contains(stderr, want) {
					t.Errorf("%s: exit %d\n%s%s", name, code, stdout, stderr)
				}
			}
			if after := fileSums(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("the database's folder changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// A database whose block a reading command meets damaged gives way to the
// last good snapshot, as for sql: the same output, and standard error
// saying which file was read instead.
func TestReadingCommandsFallBackToTheSnapshotOfADamagedDatabase(t *testing.T) {
	db := copyDemo(t, t.TempDir())
	explain := []string{"--db", db, "explain", "--carrier", "LZ-ZC-0007", "--year", "2025"}
	_, want, _ := incubeval3(t, explain...)
	damageBlockOf(t, db, "store.assessments")
	later := time.Now().Add(time.Minute) // the snapshot is older than the database
	if err := os.Chtimes(db, later, later); err != nil {
		t.Fatal(err)
	}
	code, got, stderr := incubeval3(t, explain...)
	if code != exitOK || got != want || !strings.Contains(stderr, "the database file "+db+" is damaged and cannot be read / 数据库文件已损坏") ||
		!strings.Contains(stderr, "reading the snapshot of ") {
		t.Errorf("explain: exit %d %q, want %q\n%s", code, got, want, stderr)
	}
	out := t.TempDir()
	code, got, stderr = incubeval3(t, "--db", db, "report", "--year", "2025", "--out", out)
	if code != exitOK || !strings.Contains(got, "assessment-2025.xlsx") || !strings.Contains(stderr, "reading the snapshot of ") {
		t.Errorf("report: exit %d\n%s%s", code, got, stderr)
	}
}
