package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

func TestSecondWriterIsBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.duckdb")
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = store.Open(ctx, path, store.Options{})
	var busy *store.BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("second writer: got %v, want BusyError", err)
	}
	if busy.PID != os.Getpid() || !strings.Contains(err.Error(), "in use by another incubeval process") {
		t.Fatalf("message %q (pid %d), want our pid %d", err, busy.PID, os.Getpid())
	}
	st.Close()
	st2, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatalf("after close the database must open again: %v", err)
	}
	st2.Close()
}

func TestMigrationsApplyOnceAndViewsExist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.duckdb")
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := st.DB.QueryRow("SELECT count(*) FROM store.schema_migrations").Scan(&n); err != nil || n == 0 {
			t.Fatalf("migrations recorded: %d, %v", n, err)
		}
		for _, v := range []string{"carriers", "quarterly_reports", "quarterly_report_revisions", "incidents", "deferrals", "expert_scores", "expert_values", "applications", "application_revisions", "nominations", "nomination_revisions", "rejects", "warnings", "ingest_log", "runs"} {
			if _, err := st.DB.Exec("SELECT * FROM " + v + " LIMIT 0"); err != nil {
				t.Errorf("view %s: %v", v, err)
			}
		}
		st.Close()
	}
}

func TestReadOnlyOpenOfMissingDatabase(t *testing.T) {
	_, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "none.duckdb"), store.Options{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Fatalf("got %v", err)
	}
}

func TestReadOnlyCannotWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.duckdb")
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	ro, err := store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.DB.Exec("CREATE TABLE t(a INT)"); err == nil {
		t.Fatal("a read-only open accepted CREATE TABLE")
	}
}
