package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "github.com/marcboeker/go-duckdb"

	"github.com/incubeval/incubeval/pipeline/store"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// oldDatabase writes a database as a build that knew only the migrations
// before `upTo` left it, then runs setup on it.
func oldDatabase(t *testing.T, upTo string, setup ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", strings.SplitN(q, "\n", 2)[0], err)
		}
	}
	exec(`CREATE SCHEMA store;
		CREATE TABLE store.schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL);
		CREATE TABLE store.meta (key VARCHAR PRIMARY KEY, value VARCHAR)`)
	for _, m := range sqlfiles.Migrations() {
		if m.Name >= upTo {
			break
		}
		exec(m.Text)
		exec("INSERT INTO store.schema_migrations VALUES (?, ?)", m.Name, time.Now())
	}
	for _, q := range setup {
		exec(q)
	}
	return path
}

// Before 0008 a graded carrier-year had a row in store.assessments and one
// in store.funding; after it, one row holds both, and the views say the
// same as before.
func TestMigrationFoldsFundingIntoAssessments(t *testing.T) {
	path := oldDatabase(t, "0008",
		`INSERT INTO store.assessments (year, carrier_id, registry_ingest_id, level, outcome, score, grade, reasons,
			rank_overall, rank_district, rank_group, score_delta, rank_delta, quarters_reported, window_start, window_end, run_id, decided_on)
		VALUES (2024, 'C1', 1, 'national', 'graded', 86.5, 'good', ['quota'], 1, 1, 1, 2.25, 3, 4, DATE '2023-10-01', DATE '2024-09-30', 7, DATE '2024-11-30'),
		       (2024, 'C2', 1, 'municipal', 'not_assessed', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, DATE '2023-10-01', DATE '2024-09-30', 7, DATE '2024-11-30')`,
		`INSERT INTO store.funding VALUES (2024, 'C1', 'national', 500000, 0.8, 400000, 0, 400000, 7)`)
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows := func(q string) []string { t.Helper(); return cellRows(t, st.DB, q) }
	if diff := cmp.Diff([]string{"2024|C1|national|500000|0.80|400000|0|400000|7"},
		rows("SELECT * FROM funding")); diff != "" {
		t.Errorf("funding view after the migration (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{
		"2024|C1|national|graded|86.50|good|[quota]|1|1|1|2.25|3",
		"2024|C2|municipal|not_assessed|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL",
	}, rows(`SELECT year, carrier_id, level, outcome, score, grade, reasons, rank_overall, rank_district,
		rank_group, score_delta, rank_delta FROM assessments ORDER BY carrier_id`)); diff != "" {
		t.Errorf("assessments view after the migration (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2024|C1|keep|2024-11-30|good"},
		rows("SELECT year, carrier_id, action, effective_on, reason FROM decisions")); diff != "" {
		t.Errorf("decisions view after the migration (-want +got):\n%s", diff)
	}
	var types string
	if err := st.DB.QueryRow(`SELECT string_agg(data_type, ',' ORDER BY column_name) FROM information_schema.columns
		WHERE table_schema = 'main' AND table_name = 'funding' AND column_name IN ('tier', 'factor')`).Scan(&types); err != nil {
		t.Fatal(err)
	}
	if types != "DECIMAL(4,2),VARCHAR" {
		t.Errorf("funding view column types %q: the codes are VARCHAR in the views, as before", types)
	}
}

// A funding row without its assessment would be lost by the fold: the
// migration refuses, and the database stays as it was.
func TestMigrationRefusesOrphanFunding(t *testing.T) {
	path := oldDatabase(t, "0008",
		`INSERT INTO store.funding VALUES (2024, 'C9', 'standard', 100000, 1.0, 100000, 0, 100000, 7)`)
	_, err := store.Open(context.Background(), path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "without an assessment") {
		t.Fatalf("open: %v, want the orphan funding row named", err)
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM store.funding").Scan(&n); err != nil || n != 1 {
		t.Fatalf("store.funding after the refused migration: %d rows, %v; want the row kept", n, err)
	}
	if err := db.QueryRow("SELECT count(*) FROM store.schema_migrations WHERE name LIKE '0008%'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("0008 recorded %d times (%v); want not applied", n, err)
	}
}

// cellRows runs q and returns each row as its cells cast to text, joined
// by "|" (NULL for a blank).
func cellRows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rs, err := db.Query("SELECT CAST(columns(*) AS VARCHAR) FROM (" + q + ")")
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var cells []string
		for _, v := range vals {
			cells = append(cells, map[bool]string{true: v.String, false: "NULL"}[v.Valid])
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}
