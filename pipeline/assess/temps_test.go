package assess

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// TestDropTempsLeavesTheConnectionEmpty: after a run, the pooled
// connection keeps none of the steps' TEMP tables and views (a national
// year's intermediate results would stay in memory).
func TestDropTempsLeavesTheConnectionEmpty(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := execFile(ctx, conn, sqlfiles.Assessment()[0], &threadPlan{}); err != nil {
		t.Fatal(err)
	}
	// … and relative's rescoring: a view of a table.
	if _, err := conn.ExecContext(ctx, `CREATE TEMP VIEW a_view AS SELECT * FROM assess_years; CREATE TEMP TABLE "a ""quoted"" name" (a INT);
		CREATE TEMP TABLE a_points_first AS SELECT 1 AS x; CREATE TEMP VIEW a_points AS FROM a_points_first`); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		t.Helper()
		if err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM duckdb_tables() WHERE temporary)
			+ (SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n < 10 {
		t.Fatalf("%d temporary tables and views before; the inputs step makes more", n)
	}
	if err := dropTemps(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d temporary tables and views left", n)
	}
	var tables int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'store'").Scan(&tables); err != nil || tables == 0 {
		t.Fatalf("%d tables of the store left, %v", tables, err)
	}
}
