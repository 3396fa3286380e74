package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/store"
)

// sampleQuery covers the types analysts meet in the views: text (Chinese,
// CSV metacharacters, formula-like), integers, DECIMAL, DOUBLE, DATE,
// TIMESTAMP, BOOLEAN and NULL.
const sampleQuery = "SELECT * FROM samples ORDER BY id"

// mustSQLDB creates a migrated database with a samples table and returns
// its path.
func mustSQLDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sql.duckdb")
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = st.DB.ExecContext(ctx, `
		CREATE TABLE samples (id INTEGER, name VARCHAR, score DECIMAL(5,2), ratio DOUBLE,
			day DATE, at TIMESTAMP, ok BOOLEAN, n BIGINT);
		INSERT INTO samples VALUES
			(1, '城关区众创空间', 91.50, 0.25, DATE '2025-03-31', TIMESTAMP '2025-04-01 08:30:00', true, 12),
			(2, 'comma, "quote"', 60.00, -1.5, DATE '2024-12-31', NULL, false, NULL),
			(3, '=SUM(A1:A2)', NULL, NULL, NULL, TIMESTAMP '2025-11-30 23:59:59', NULL, -7),
			(4, e'two\nlines', 0.05, 1e10, DATE '2000-01-01', TIMESTAMP '2000-01-01 00:00:01', true, 9007199254740993),
			(5, '@home', 100.00, 0, DATE '2025-09-30', NULL, false, 0)`)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// wantText is the sample as store.Text renders it, header first.
func wantText(t *testing.T, db string) [][]string {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB.Query(sampleQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	res, err := newRowsResult(rows)
	if err != nil {
		t.Fatal(err)
	}
	out := [][]string{res.Columns()}
	for res.Next() {
		var r []string
		for _, v := range res.Values() {
			r = append(r, store.Text(v))
		}
		out = append(out, r)
	}
	return out
}

func TestSQLCSVIsRFC4180AndRoundTrips(t *testing.T) {
	db := mustSQLDB(t)
	code, out, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", sampleQuery)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180: %v\n%s", err, out)
	}
	if diff := cmp.Diff(wantText(t, db), got); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	if !strings.Contains(out, `"comma, ""quote"""`) || !strings.Contains(out, "\"two\nlines\"") {
		t.Fatalf("quoting:\n%s", out)
	}
}

func TestSQLSafeCSVDefusesFormulas(t *testing.T) {
	db := mustSQLDB(t)
	_, out, _ := runCLI(t, "--db", db, "sql", "--safe-csv", "--format", "csv", "SELECT name, n FROM samples ORDER BY id")
	got, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"'=SUM(A1:A2)": true, "'@home": true, "'-7": true, "城关区众创空间": true}
	for _, r := range got[1:] {
		for _, c := range r {
			delete(want, c)
		}
	}
	if len(want) > 0 {
		t.Fatalf("missing %v in\n%s", want, out)
	}
}

func TestSQLJSONAndNDJSONAreValid(t *testing.T) {
	db := mustSQLDB(t)
	want := wantText(t, db)
	check := func(objs []map[string]any) {
		t.Helper()
		if len(objs) != len(want)-1 {
			t.Fatalf("%d objects, want %d", len(objs), len(want)-1)
		}
		for i, o := range objs {
			for j, col := range want[0] {
				v, ok := o[col]
				if !ok {
					t.Fatalf("row %d: no key %s", i, col)
				}
				got := ""
				switch x := v.(type) {
				case nil:
				case string:
					got = x
				case json.Number:
					got = x.String()
				case bool:
					got = map[bool]string{true: "true", false: "false"}[x]
				}
				if got != want[i+1][j] {
					t.Errorf("row %d %s: %q, want %q", i, col, got, want[i+1][j])
				}
			}
		}
	}
	_, out, stderr := runCLI(t, "--db", db, "sql", "--format", "json", sampleQuery)
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	var arr []map[string]any
	if err := dec.Decode(&arr); err != nil {
		t.Fatalf("json: %v\n%s%s", err, out, stderr)
	}
	check(arr)
	if !strings.HasPrefix(out, `[`) || !strings.Contains(out, `{"id":1,"name":"城关区众创空间","score":91.50`[:40]) {
		t.Fatalf("column order or numbers:\n%s", out)
	}
	_, out, _ = runCLI(t, "--db", db, "sql", "--format", "ndjson", sampleQuery)
	var objs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		var o map[string]any
		if err := d.Decode(&o); err != nil {
			t.Fatalf("ndjson line %q: %v", line, err)
		}
		objs = append(objs, o)
	}
	check(objs)
	// An empty result is an empty array.
	_, out, _ = runCLI(t, "--db", db, "sql", "--format", "json", "SELECT * FROM samples WHERE false")
	if strings.TrimSpace(out) != "[]" {
		t.Fatalf("empty: %q", out)
	}
}

func TestSQLParquetRoundTrips(t *testing.T) {
	db := mustSQLDB(t)
	out := filepath.Join(t.TempDir(), "sample.parquet")
	code, _, stderr := runCLI(t, "--db", db, "sql", "-o", out, "--param", "min=2", "SELECT * FROM samples WHERE id >= $min ORDER BY id;")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var diff int
	q := "SELECT count(*) FROM ((SELECT * FROM samples WHERE id >= 2 EXCEPT ALL SELECT * FROM read_parquet('" + out + "')) UNION ALL (SELECT * FROM read_parquet('" + out + "') EXCEPT ALL SELECT * FROM samples WHERE id >= 2))"
	if err := st.DB.QueryRow(q).Scan(&diff); err != nil || diff != 0 {
		t.Fatalf("rows differ: %d %v", diff, err)
	}
	if a, b := describe(t, st.DB, "SELECT * FROM samples"), describe(t, st.DB, "SELECT * FROM read_parquet('"+out+"')"); !cmp.Equal(a, b) {
		t.Fatalf("types (-want +got)\n%s", cmp.Diff(a, b))
	}
	if code, _, _ := runCLI(t, "--db", db, "sql", "--format", "parquet", sampleQuery); code != exitUsage {
		t.Fatalf("parquet without --output: exit %d", code)
	}
}

func describe(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query("SELECT column_name || ' ' || column_type FROM (DESCRIBE " + q + ")")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func TestSQLArrowRoundTrips(t *testing.T) {
	db := mustSQLDB(t)
	want := wantText(t, db)
	for _, params := range [][]string{nil, {"--param", "min=1"}} {
		q := sampleQuery
		if params != nil {
			q = "SELECT * FROM samples WHERE id >= $min ORDER BY id"
		}
		args := append(append([]string{"--db", db, "sql", "--format", "arrow"}, params...), q)
		code, out, stderr := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		r, err := ipc.NewReader(bytes.NewReader([]byte(out)))
		if err != nil {
			t.Fatal(err)
		}
		wantTypes := []arrow.Type{arrow.INT32, arrow.STRING, arrow.DECIMAL128, arrow.FLOAT64, arrow.DATE32, arrow.TIMESTAMP, arrow.BOOL, arrow.INT64}
		for i, f := range r.Schema().Fields() {
			if f.Name != want[0][i] || f.Type.ID() != wantTypes[i] {
				t.Errorf("field %d: %s %s, want %s %s", i, f.Name, f.Type, want[0][i], wantTypes[i])
			}
		}
		var got [][]string
		for r.Next() {
			rec := r.Record()
			for row := 0; row < int(rec.NumRows()); row++ {
				var cells []string
				for c := 0; c < int(rec.NumCols()); c++ {
					col := rec.Column(c)
					if col.IsNull(row) {
						cells = append(cells, "")
						continue
					}
					cells = append(cells, col.ValueStr(row))
				}
				got = append(got, cells)
			}
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		r.Release()
		if len(got) != len(want)-1 {
			t.Fatalf("%d rows, want %d", len(got), len(want)-1)
		}
		// Compare the columns whose text does not depend on Arrow's
		// rendering (id, name, ok, n) exactly; the rest by count above
		// and type.
		for i, row := range got {
			for _, c := range []int{0, 1, 6, 7} {
				if row[c] != want[i+1][c] {
					t.Errorf("row %d col %s: %q, want %q", i, want[0][c], row[c], want[i+1][c])
				}
			}
		}
	}
}

func TestSQLXLSXRoundTrips(t *testing.T) {
	db := mustSQLDB(t)
	out := filepath.Join(t.TempDir(), "sample.xlsx")
	if code, _, stderr := runCLI(t, "--db", db, "sql", "-o", out, sampleQuery); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("result")
	if err != nil {
		t.Fatal(err)
	}
	want := wantText(t, db)
	if len(rows) != len(want) || !cmp.Equal(rows[0], want[0]) || rows[1][1] != "城关区众创空间" || rows[1][4] != "2025-03-31" {
		t.Fatalf("xlsx rows %v", rows)
	}
	if v, _ := f.GetCellValue("result", "H5"); v != "9007199254740993" {
		t.Fatalf("H5 = %q", v)
	}
}

func TestSQLTableAlignsAndLimitsRows(t *testing.T) {
	db := mustSQLDB(t)
	_, out, _ := runCLI(t, "--db", db, "sql", "--format", "table", "--max-rows", "2", "SELECT id, name FROM samples ORDER BY id")
	if !strings.Contains(out, "城关区众创空间") || strings.Contains(out, "@home") || !strings.Contains(out, "(5 rows, 3 not shown") {
		t.Fatalf("table:\n%s", out)
	}
	_, out, _ = runCLI(t, "--db", db, "sql", "--format", "table", "SELECT id, name FROM samples WHERE id IN (1, 5) ORDER BY id")
	lines := strings.Split(out, "\n")
	if len(lines) < 5 || displayWidth(lines[3]) != displayWidth(lines[4]) {
		t.Fatalf("rows not aligned:\n%s", out)
	}
}

// displayWidth counts terminal cells: CJK ideographs take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func TestSQLFileAndParams(t *testing.T) {
	db := mustSQLDB(t)
	file := filepath.Join(t.TempDir(), "q.sql")
	os.WriteFile(file, []byte("-- names by id\nSELECT name FROM samples WHERE id = $id AND ok = $ok;\n"), 0o644)
	code, out, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", "-f", file, "--param", "id=1", "--param", "ok=true")
	if code != exitOK || out != "name\n城关区众创空间\n" {
		t.Fatalf("exit %d %q %s", code, out, stderr)
	}
	for _, bad := range [][]string{
		{"-f", file, "SELECT 1"},
		{"--param", "noequals", "SELECT 1"},
		{"--param", "a=1", "--param", "a=2", "SELECT $a"},
		{"--max-rows", "-1", "SELECT 1"},
	} {
		if code, _, _ := runCLI(t, append([]string{"--db", db, "sql"}, bad...)...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

func TestSQLSchemaListsViewsWithDescriptions(t *testing.T) {
	db := mustSQLDB(t)
	code, out, stderr := runCLI(t, "--db", db, "sql", "--schema", "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byView := map[string][]string{}
	for _, r := range rows[1:] {
		byView[r[0]] = r
	}
	for _, v := range []string{"carriers", "quarterly_reports", "quarterly_report_revisions", "incidents", "deferrals",
		"expert_scores", "expert_score_revisions", "expert_values", "application_revisions", "applications", "nomination_revisions", "nominations", "indicator_scores", "assessments", "decisions", "funding", "rejects", "ingest_log", "runs"} {
		r, ok := byView[v]
		if !ok {
			t.Errorf("view %s not listed", v)
			continue
		}
		if r[2] == "" {
			t.Errorf("view %s: no columns: %q", v, r)
		}
		if r[1] == "" {
			t.Errorf("view %s: no description: %q", v, r)
		}
	}
	// Every view an analyst sees has its description (published_years had none).
	for v, r := range byView {
		if r[1] == "" {
			t.Errorf("view %s: no description in sql/views/*.sql", v)
		}
	}
	if _, ok := byView["published_years"]; !ok {
		t.Errorf("view published_years not listed")
	}
	if d := byView["carriers"][1]; d != "The registry as it stands: the latest row for each carrier_id." {
		t.Errorf("carriers description %q", d)
	}
	// The ID number is in the nominations views, and their descriptions say
	// what it is and how workbooks show it.
	for _, v := range []string{"nominations", "nomination_revisions"} {
		if d := byView[v][1]; !strings.Contains(d, "person_id is personal data") || !strings.Contains(d, "masked") {
			t.Errorf("%s description %q does not call person_id personal data, masked", v, d)
		}
	}
	if _, ok := byView["samples"]; ok {
		t.Errorf("a table is listed as a view")
	}
	code, out, _ = runCLI(t, "--db", db, "sql", "--schema", "--format", "table", "assessments")
	if code != exitOK || !strings.HasPrefix(out, "assessments — ") || !strings.Contains(out, "rank_overall") {
		t.Fatalf("schema assessments: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "--db", db, "sql", "--schema", "no_such_view"); code != exitUsage {
		t.Fatalf("unknown view: exit %d", code)
	}
}

func TestSQLRefusesWritesAndChangesNothing(t *testing.T) {
	db := mustSQLDB(t)
	counts := func() map[string]int64 {
		t.Helper()
		st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		c, err := st.TableCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	before := counts()
	beforeBytes, _ := os.ReadFile(db)
	other := filepath.Join(t.TempDir(), "other.duckdb")
	script := filepath.Join(t.TempDir(), "mixed.sql")
	os.WriteFile(script, []byte("SELECT 1;\nDELETE FROM samples;\nSELECT 2;\n"), 0o644)
	for _, args := range [][]string{
		{"CREATE TABLE stolen AS SELECT * FROM samples"},
		{"CREATE VIEW v AS SELECT 1"},
		{"INSERT INTO samples (id) VALUES (99)"},
		{"UPDATE samples SET n = 0"},
		{"DROP TABLE samples"},
		{"COPY (SELECT 1) TO '" + db + "' (FORMAT csv)"},
		{"COPY samples TO '" + db + "'"},
		{"ATTACH '" + other + "' AS o"},
		{"ATTACH '" + db + "' AS again (READ_WRITE)"},
		{"SELECT 1; CREATE TABLE t2 (a INT)"},
		{"SET enable_external_access = true"},
		{"-f", script},
		{"--format", "parquet", "-o", db, "SELECT 1"},
		{"-o", db, "SELECT 1"},
	} {
		code, out, stderr := runCLI(t, append([]string{"--db", db, "sql", "--format", "csv"}, args...)...)
		if code == exitOK {
			t.Errorf("%v: succeeded: %s", args, out)
			continue
		}
		if !strings.Contains(stderr, "nothing was changed") && !strings.Contains(stderr, "would overwrite the database") {
			t.Errorf("%v: unclear message: %s", args, stderr)
		}
	}
	if diff := cmp.Diff(before, counts()); diff != "" {
		t.Fatalf("table counts changed (-before +after)\n%s", diff)
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(beforeBytes, after) {
		t.Fatalf("database file changed")
	}
	if _, err := os.Stat(other); err == nil {
		t.Fatalf("ATTACH created %s", other)
	}
}

func TestSQLFailingQueryShowsDuckDBPosition(t *testing.T) {
	db := mustSQLDB(t)
	code, _, stderr := runCLI(t, "--db", db, "sql", "SELECT nosuch FROM samples")
	if code != exitFail || !strings.Contains(stderr, "nosuch") || !strings.Contains(stderr, "LINE 1") || !strings.Contains(stderr, "^") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "--db", db, "sql", "SELEC 1")
	if code != exitFail || !strings.Contains(stderr, "syntax error") {
		t.Fatalf("syntax: exit %d: %s", code, stderr)
	}
}

func TestSQLTimeoutInterruptsTheQuery(t *testing.T) {
	db := mustSQLDB(t)
	for _, format := range []string{"csv", "arrow"} {
		out := filepath.Join(t.TempDir(), "never."+format)
		code, _, stderr := runCLI(t, "--db", db, "sql", "--format", format, "-o", out, "--timeout", "300ms",
			"SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3")
		if code != exitFail || !strings.Contains(stderr, "--timeout 300ms") {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: a stopped query left %s", format, out)
		}
	}
}

func TestSQLMemoryLimit(t *testing.T) {
	db := mustSQLDB(t)
	code, _, stderr := runCLI(t, "--db", db, "sql", "--memory-limit", "lots", "SELECT 1")
	if code != exitUsage {
		t.Fatalf("bad limit: exit %d %s", code, stderr)
	}
	code, out, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", "--memory-limit", "500MB", "SELECT current_setting('memory_limit') AS m")
	if code != exitOK || !strings.Contains(out, "MiB") && !strings.Contains(out, "MB") {
		t.Fatalf("exit %d %q %s", code, out, stderr)
	}
}

func TestSQLReadsTheSnapshotUnlessStaleOrLive(t *testing.T) {
	db := mustSQLDB(t)
	code, _, stderr := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT 1")
	if code != exitOK || !strings.HasPrefix(stderr, "-- snapshot of ") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "--db", db, "sql", "--live", "--format", "csv", "SELECT 1")
	if code != exitOK || stderr != "" {
		t.Fatalf("--live: exit %d, stderr %q", code, stderr)
	}
	// Written without publishing (another tool, a crash): no writer is at
	// work, so the database itself is read.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(db, later, later); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT 1")
	if code != exitOK || !strings.Contains(stderr, "is older than the database; reading the database itself") {
		t.Fatalf("stale: exit %d, stderr %q", code, stderr)
	}
	os.Remove(store.SnapshotPath(db))
	code, _, stderr = runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT 1")
	if code != exitOK || !strings.Contains(stderr, "no snapshot published yet") {
		t.Fatalf("no snapshot: exit %d, stderr %q", code, stderr)
	}
}

// A result of several pages (arrowPageRows each) comes out whole and in the
// query's order, also when the order is not the table's.
func TestSQLArrowPagesKeepEveryRowInOrder(t *testing.T) {
	db := mustSQLDB(t)
	const rows = 2*arrowPageRows + 4321
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"plain", []string{fmt.Sprintf("SELECT range AS i, 'row ' || range AS s FROM range(%d) ORDER BY i DESC", rows)}},
		{"param", []string{"--param", fmt.Sprintf("n=%d", rows), "SELECT range AS i, 'row ' || range AS s FROM range($n) ORDER BY i DESC"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--db", db, "sql", "--format", "arrow"}, tc.args...)
			code, out, stderr := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			r, err := ipc.NewReader(strings.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			if got := r.Schema().String(); !strings.Contains(got, "i: type=int64") || !strings.Contains(got, "s: type=utf8") || len(r.Schema().Fields()) != 2 {
				t.Fatalf("schema %s", got)
			}
			want := int64(rows - 1)
			for r.Next() {
				rec := r.Record()
				is := rec.Column(0).(*array.Int64)
				ss := rec.Column(1).(*array.String)
				for k := 0; k < is.Len(); k++ {
					if is.Value(k) != want || ss.Value(k) != fmt.Sprintf("row %d", want) {
						t.Fatalf("row %d: %d %q, want %d", rows-1-want, is.Value(k), ss.Value(k), want)
					}
					want--
				}
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			if want != -1 {
				t.Fatalf("%d rows, want %d", rows-1-want, rows)
			}
		})
	}
}
