package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Writer answers by trying the lock: a lock file naming a live process
// that holds no lock (a stale file whose pid was reused) is no writer.
func TestWriterTriesTheLockNotThePid(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	if _, _, busy := store.Writer(db); busy {
		t.Fatal("busy without a lock file")
	}
	if _, err := os.Stat(db + ".lock"); err == nil {
		t.Fatal("Writer created the lock file")
	}
	for _, stale := range []string{"1 incubeval schedule\n", strconv.Itoa(os.Getpid()) + " incubeval assess\n"} {
		os.WriteFile(db+".lock", []byte(stale), 0o644)
		if pid, _, busy := store.Writer(db); busy {
			t.Fatalf("stale lock file %q: busy (pid %d)", stale, pid)
		}
	}
	w, err := store.Open(context.Background(), db, store.Options{Holder: "incubeval assess"})
	if err != nil {
		t.Fatal(err)
	}
	pid, holder, busy := store.Writer(db)
	if !busy || pid != os.Getpid() || holder != "incubeval assess" {
		t.Fatalf("while a writer holds it: %d %q %v", pid, holder, busy)
	}
	w.Close()
	if _, _, busy := store.Writer(db); busy {
		t.Fatal("busy after the writer closed")
	}
}

// Readers asking all the time never turn a writer away: the writer's
// TryLock meets a reader's shared lock only for an instant, and retries.
func TestWriterAskingDoesNotMakeAWriterBusy(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	mustWrite(t, db, "CREATE TABLE t (a INT)")
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				store.Writer(db)
			}
		}()
	}
	defer func() { stop.Store(true); wg.Wait() }()
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		st, err := store.Open(ctx, db, store.Options{})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		st.Close()
	}
}
