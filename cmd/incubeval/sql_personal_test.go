package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

// An ID number is shown by sql only to whoever names its column: SELECT *
// shows it masked in every format, a query saying person_id shows it.
func TestSQLShowsIDNumbersOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.duckdb")
	reg := filepath.Join(dir, "registry.csv")
	os.WriteFile(reg, []byte(registryCSV), 0o644)
	if code, _, stderr := runCLI(t, "--db", db, "ingest", reg); code != exitOK {
		t.Fatalf("ingest: %s", stderr)
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const id = "62010219870101123X"
	if _, err := st.DB.Exec(`INSERT INTO store.talent_results (run_id, nomination_id, person, person_id, enterprise, title, quota_group, outcome, rank_in_group, reasons) VALUES (1, 'N1', '张三', ?, '某公司', 'rising', '城关区', 'awarded', 1, [])`, id); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out := filepath.Join(dir, "x.parquet")
	for _, args := range [][]string{
		{"sql", "SELECT * FROM store.talent_results"},
		{"sql", "--format", "csv", "SELECT * FROM store.talent_results"},
		{"sql", "--format", "json", "SELECT * FROM store.talent_results"},
		{"sql", "--format", "parquet", "-o", out, "SELECT * FROM store.talent_results"},
	} {
		code, stdout, stderr := runCLI(t, append([]string{"--db", db}, args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d %s", args, code, stderr)
		}
		if args[1] == "--format" && args[2] == "parquet" {
			mem, err := sql.Open("duckdb", "")
			if err != nil {
				t.Fatal(err)
			}
			if err := mem.QueryRow("SELECT string_agg(person_id, ',') FROM read_parquet(?)", out).Scan(&stdout); err != nil {
				t.Fatal(err)
			}
			mem.Close()
		}
		if strings.Contains(stdout, id) || !strings.Contains(stdout, "620102********123X") {
			t.Errorf("%v shows %q", args, stdout)
		}
	}
	_, stdout, _ := runCLI(t, "--db", db, "sql", "--format", "csv", "SELECT nomination_id, person_id FROM store.talent_results")
	if !strings.Contains(stdout, id) {
		t.Errorf("asked by name, not shown: %q", stdout)
	}
}
