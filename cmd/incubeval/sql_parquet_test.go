package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/store"
)

// typesQuery has a column of each type an analyst meets, NULLs included
// (the row with id -1).
const typesQuery = `SELECT * FROM typed ORDER BY id`

// The Parquet file sql writes (arrow/go's pqarrow, from DuckDB's Arrow
// export) reads back in DuckDB with the same column types and values as
// the file DuckDB's own COPY … TO (FORMAT parquet) writes, which sql used
// before external access was turned off.
func TestSQLParquetMatchesDuckDBsOwnWriter(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "types.duckdb")
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.DB.ExecContext(ctx, `
		CREATE TYPE mood AS ENUM ('低', '中', '高');
		CREATE TABLE typed AS
		SELECT range::INTEGER AS id,
			'名称 ' || range AS name,
			['城关区', '七里河区', NULL, 'x'][range % 4 + 1] AS district,
			(range % 400 * 0.25)::DECIMAL(5,2) AS score,
			(range * 7.5)::DECIMAL(12,3) AS amount,
			(range * 1000000000000.5)::DECIMAL(20,1) AS big,
			range / 3 AS ratio,
			DATE '2025-03-31' + range::INTEGER AS day,
			TIMESTAMP '2025-04-01 08:30:00' + INTERVAL (range) MINUTE AS at,
			['低', '中', '高'][range % 3 + 1]::mood AS level,
			range % 2 = 0 AS ok,
			range * 9007199254740 AS n,
			(range % 30000)::SMALLINT AS small,
			[range, range + 1] AS ints,
			['a' || range, NULL] AS texts,
			{'k': range, 'v': 'x' || range} AS pair,
			TIME '08:00:00' + INTERVAL (range) SECOND AS clock,
			to_timestamp(1743467400 + range) AS attz,
			('b' || range)::BLOB AS bytes,
			uuid() AS id2,
			MAP {'a': range} AS m,
			range::UBIGINT AS u,
			(range / 7)::FLOAT AS f,
			range::HUGEINT * 1000000000000000000000 AS huge,
			(TIMESTAMP '2025-01-01' + INTERVAL (range) SECOND)::TIMESTAMP_NS AS ns
		FROM range(130000);
		INSERT INTO typed (id) VALUES (-1)`)
	if err != nil {
		t.Fatal(err)
	}
	// The whole table (nested columns: arrow/go's FileWriter) and its flat
	// columns (encoded in parallel).
	queries := map[string]string{
		"nested": typesQuery,
		"flat":   "SELECT * EXCLUDE (ints, texts, pair, m) FROM typed ORDER BY id",
	}
	for name, q := range queries {
		if _, err := st.DB.ExecContext(ctx, "COPY ("+q+") TO '"+filepath.Join(dir, name+".duck.parquet")+"' (FORMAT parquet)"); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			duck, ours := filepath.Join(dir, name+".duck.parquet"), filepath.Join(dir, name+".ours.parquet")
			if code, _, stderr := runCLI(t, "--db", db, "sql", "-o", ours, q); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			compareParquet(t, db, duck, ours, 130001, 2)
		})
	}
}

// compareParquet checks that ours reads back in DuckDB with the column
// types and values of duck, rows in the same order, in rowGroups row
// groups.
func compareParquet(t *testing.T, db, duck, ours string, rows, rowGroups int) {
	t.Helper()
	r, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want, got := describe(t, r.DB, "SELECT * FROM read_parquet('"+duck+"')"), describe(t, r.DB, "SELECT * FROM read_parquet('"+ours+"')")
	// Known differences, each for a reason: arrow/go marks a Parquet TIME
	// as adjusted to UTC, DuckDB's Arrow export gives a UUID as text, and
	// DuckDB's own writer rounds a HUGEINT to a DOUBLE where the Arrow
	// export keeps it exact.
	known := map[string]string{
		"clock TIME":  "clock TIME WITH TIME ZONE",
		"id2 UUID":    "id2 VARCHAR",
		"huge DOUBLE": "huge DECIMAL(38,0)",
	}
	for i, w := range want {
		if k, ok := known[w]; ok && i < len(got) && got[i] == k {
			got[i] = w
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("column types (-DuckDB's +ours)\n%s", diff)
	}
	// Both files are in the query's order: compare them row by row,
	// column by column.
	var cond []string
	for _, c := range want {
		name, _, _ := strings.Cut(c, " ")
		cond = append(cond, "d."+name+" IS DISTINCT FROM o."+name)
	}
	var diff int
	q := "SELECT count(*) FROM read_parquet('" + duck + "') d POSITIONAL JOIN read_parquet('" + ours + "') o WHERE " + strings.Join(cond, " OR ")
	if err := r.DB.QueryRow(q).Scan(&diff); err != nil || diff != 0 {
		t.Fatalf("%d rows differ (%v)", diff, err)
	}
	var n int
	if err := r.DB.QueryRow("SELECT count(*) FROM read_parquet('" + ours + "')").Scan(&n); err != nil || n != rows {
		t.Fatalf("%d rows, want %d (%v)", n, rows, err)
	}
	var groups int
	if err := r.DB.QueryRow("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + ours + "')").Scan(&groups); err != nil || groups != rowGroups {
		t.Errorf("%d row groups, want %d (one a page of %d rows) %v", groups, rowGroups, arrowPageRows, err)
	}
}
