package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

// listDir names every file under dir, for "nothing was created" checks.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			out = append(out, strings.TrimPrefix(p, dir+string(filepath.Separator)))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// A reader for queries people type can read the database and nothing
// else, and can change neither the database nor its own settings.
func TestOpenReaderRefusesEverythingButReadingTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	mustWrite(t, db, "CREATE TABLE t AS SELECT range AS i FROM range(10)")
	other := filepath.Join(dir, "other.duckdb")
	before := listDir(t, dir)
	dbBytes, _ := os.ReadFile(db)

	ctx := context.Background()
	r, err := store.OpenReader(ctx, db, store.ReaderOptions{MemoryLimit: "32MB"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var limit string
	if err := r.DB.QueryRow("SELECT current_setting('memory_limit')").Scan(&limit); err != nil || !strings.Contains(limit, "MiB") {
		t.Fatalf("memory_limit %q %v", limit, err)
	}
	for _, q := range []string{
		"SET enable_external_access = true",
		"RESET enable_external_access",
		"SET lock_configuration = false",
		"SET memory_limit = '10GB'",
		"SET temp_directory = '" + dir + "'",
		"SELECT * FROM read_text('/etc/passwd')",
		"SELECT * FROM read_blob('/etc/passwd')",
		"SELECT * FROM glob('/etc/*')",
		"SELECT * FROM read_csv('/etc/passwd')",
		"SELECT * FROM read_parquet('" + db + "')",
		"ATTACH '" + other + "' AS o",
		"ATTACH '" + store.SnapshotPath(db) + "' AS s (READ_WRITE)",
		"ATTACH ':memory:' AS m",
		"COPY (SELECT 1) TO '" + filepath.Join(dir, "pwn.csv") + "'",
		"COPY t TO '" + db + "'",
		"EXPORT DATABASE '" + filepath.Join(dir, "export") + "'",
		"INSTALL httpfs",
		"LOAD httpfs",
		"LOAD '" + filepath.Join(dir, "x.duckdb_extension") + "'",
		"CREATE TABLE t2 (a INT)",
		"INSERT INTO t VALUES (99)",
		"DELETE FROM t",
		"DROP TABLE t",
		"CREATE VIEW v AS SELECT 1",
	} {
		if _, err := r.DB.Exec(q); err == nil {
			t.Errorf("%s: ran", q)
		}
	}
	// Spilling to DuckDB's own temporary folder still works: a sort of
	// more than the memory limit.
	var n int64
	if err := r.DB.QueryRow(`SELECT count(*) FROM (SELECT range AS i, repeat('x', 40) || range AS s
		FROM range(1500000) ORDER BY s DESC)`).Scan(&n); err != nil || n != 1500000 {
		t.Fatalf("sort beyond the memory limit: %d %v", n, err)
	}
	r.Close()
	if after := listDir(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("files changed:\nbefore %q\nafter  %q", before, after)
	}
	if b, _ := os.ReadFile(db); string(b) != string(dbBytes) {
		t.Fatal("the database file changed")
	}
}

func TestOpenReaderRefusesABadMemoryLimit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	mustWrite(t, db, "CREATE TABLE t (a INT)")
	_, err := store.OpenReader(context.Background(), db, store.ReaderOptions{MemoryLimit: "lots"})
	var cfg *store.ConfigError
	if !errors.As(err, &cfg) {
		t.Fatalf("got %v, want a ConfigError", err)
	}
}
