package ingest_test

import (
	"context"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
)

// A panic in the loader while the INSERT of its Arrow batches runs on the
// transaction's connection (the scheduler turns a job's panic into a failed
// run and goes on): database/sql discards the connection as the panic
// leaves conn.Raw, so store.ConnTx's ROLLBACK never reached it, and the
// INSERT, waiting for batches that never came, kept the transaction open
// with its view of the batches: every later load in the process failed
// to register its own ("register the rows: duckdb_arrow_scan").
func TestStreamedLoadPanicRollsBack(t *testing.T) {
	dir := t.TempDir()
	reg, q, err := sample.National(dir, 12000, 2022, 4, 2025, 3) // 144,000 quarterly rows
	if err != nil {
		t.Fatal(err)
	}
	defer ingest.SetHeldRows(0)() // every file streamed
	st := mustOpen(t)
	if _, err := ingest.Ingest(context.Background(), st, []string{reg}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	rows := 0
	restore := ingest.SetRowHook(func() {
		if rows++; rows == 130000 { // past the first batch (122,880 rows): the INSERT runs
			panic("a loader's bug")
		}
	})
	finished := make(chan any, 1)
	go func() {
		defer func() { finished <- recover() }()
		ingest.Ingest(context.Background(), st, []string{q}, ingest.Options{})
	}()
	select {
	case p := <-finished:
		if p != "a loader's bug" {
			t.Fatalf("got %v, want the loader's panic", p)
		}
	case <-time.After(time.Minute):
		t.Fatal("the load panicked and never returned: the rollback waits for the INSERT")
	}
	restore()
	var n int
	if err := st.DB.QueryRow("SELECT count(*) FROM store.quarterly").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d quarterly rows stored after the panic (%v)", n, err)
	}
	res, err := ingest.Ingest(context.Background(), st, []string{q}, ingest.Options{})
	if err != nil || res.Files[0].Status != ingest.StatusLoaded {
		t.Fatalf("the file after the panic: %v %+v", err, res)
	}
}
