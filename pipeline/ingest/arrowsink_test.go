package ingest_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
)

// laterCancel is a context cancelled once its Done has been asked for
// after many times: in the middle of a load, wherever that is.
type laterCancel struct {
	context.Context
	asked atomic.Int64
	after int64
	once  sync.Once
	done  chan struct{}
}

func (c *laterCancel) Done() <-chan struct{} {
	if c.asked.Add(1) == c.after {
		c.once.Do(func() { close(c.done) })
	}
	return c.done
}

func (c *laterCancel) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// A large file's rows are inserted from Arrow batches while it is still
// being read: cancelled in the middle, at any of many points, the load
// returns the cancellation, leaves the database as it was (no rows, no
// ingest log, no view of the batches left behind), and the same file then
// loads whole.
func TestStreamedLoadCancelledMidway(t *testing.T) {
	dir := t.TempDir()
	reg, q, err := sample.National(dir, 2000, 2022, 4, 2025, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer ingest.SetHeldRows(0)() // every file streamed
	count := func(st *store.Store, query string) int {
		t.Helper()
		var n int
		if err := st.DB.QueryRow(query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	cancelled := 0
	for _, after := range []int64{8, 24, 32, 48, 64} {
		st := mustOpen(t)
		if _, err := ingest.Ingest(context.Background(), st, []string{reg}, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
		logged := count(st, "SELECT count(*) FROM store.ingests")
		ctx := &laterCancel{Context: context.Background(), after: after, done: make(chan struct{})}
		finished := make(chan error, 1)
		go func() {
			_, err := ingest.Ingest(ctx, st, []string{q}, ingest.Options{})
			finished <- err
		}()
		select {
		case err = <-finished:
		case <-time.After(2 * time.Minute):
			t.Fatalf("cancelled after %d asks: the load never returned", after)
		}
		if err == nil {
			continue // the load finished before the cancellation came
		}
		cancelled++
		t.Logf("cancelled after %d asks: %v", after, err)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled after %d asks: got %v, want the cancellation", after, err)
		}
		if n := count(st, "SELECT count(*) FROM store.quarterly"); n != 0 {
			t.Errorf("cancelled after %d asks: %d quarterly rows stored", after, n)
		}
		if n := count(st, "SELECT count(*) FROM store.ingests"); n != logged {
			t.Errorf("cancelled after %d asks: %d ingest log rows, want %d", after, n, logged)
		}
		res, err := ingest.Ingest(context.Background(), st, []string{q}, ingest.Options{})
		if err != nil || res.Files[0].Status != ingest.StatusLoaded {
			t.Fatalf("the file after the cancellation: %v %+v", err, res)
		}
		if got, want := count(st, "SELECT count(*) FROM store.quarterly"), res.Files[0].RowsRead; got != want || want != 2000*12 {
			t.Errorf("%d rows stored, %d read, want %d", got, want, 2000*12)
		}
		if n := count(st, "SELECT count(*) FROM duckdb_views() WHERE view_name LIKE 'incubeval%'"); n != 0 {
			t.Errorf("%d views of the batches left behind", n)
		}
	}
	if cancelled < 3 {
		t.Fatalf("only %d of the loads were cancelled midway: the test checks nothing", cancelled)
	}
}
