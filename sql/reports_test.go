package sqlfiles_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// TestReportQueriesPrepare: every query of sql/reports parses and
// prepares — its tables, views, columns and functions exist — against a
// new database with every migration and view, so that a query broken by
// a change to the schema fails here rather than when a workbook is due.
func TestReportQueriesPrepare(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	for _, f := range sqlfiles.Reports() {
		for _, b := range f.Blocks {
			q, err := sqlfiles.Query(b.Name)
			if err != nil {
				t.Errorf("%s: %v", b.Where(), err)
				continue
			}
			stmt, err := st.DB.PrepareContext(ctx, q)
			if err != nil {
				t.Errorf("query %s (%s) does not prepare: %v", b.Name, b.Where(), err)
				continue
			}
			stmt.Close()
			n++
		}
	}
	if n == 0 {
		t.Fatal("no queries in sql/reports")
	}
}
