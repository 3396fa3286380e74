package reports_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
)

// demoYear is the last year of the embedded sample (data to 2025Q3).
const demoYear = 2025

var (
	nationalOnce sync.Once
	nationalFile string // the assessed national-scale database, for benchmarks
	nationalErr  error

	demoOnce sync.Once
	demoFile string // the assessed demo database, built once per test binary
	demoErr  error
	demoDir  string
)

// TestMain removes the shared demo database after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	if talentFixtureDir != "" {
		os.RemoveAll(talentFixtureDir)
	}
	if nationalFile != "" {
		os.RemoveAll(filepath.Dir(nationalFile))
	}
	os.Exit(code)
}

// demoStore opens a private copy of the demo database, ingested and assessed
// for demoYear (and every year before it). Each caller gets its own copy, so
// tests may write to it.
func demoStore(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "reports-demo-")
		if demoErr != nil {
			return
		}
		inbox := filepath.Join(demoDir, "inbox")
		if _, demoErr = sample.Demo(inbox); demoErr != nil {
			return
		}
		demoFile = filepath.Join(demoDir, "demo.duckdb")
		st, err := store.Open(ctx, demoFile, store.Options{})
		if err != nil {
			demoErr = err
			return
		}
		defer st.Close()
		today := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
		if _, demoErr = ingest.Ingest(ctx, st, []string{inbox}, ingest.Options{Today: today}); demoErr != nil {
			return
		}
		if _, demoErr = assess.Run(ctx, st, assess.Options{Year: demoYear}); demoErr != nil {
			return
		}
		// The provincial demonstration-base recommendation of the year
		// (SPEC §8.3), for the eligibility workbook.
		p, err := eligibility.Named("provincial_demo_base")
		if err != nil {
			demoErr = err
			return
		}
		_, demoErr = eligibility.Run(ctx, st, p, eligibility.Options{Year: demoYear, Today: today})
	})
	if demoErr != nil {
		t.Fatalf("demo database: %v", demoErr)
	}
	dst := filepath.Join(t.TempDir(), "demo.duckdb")
	if err := copyFile(demoFile, dst); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dst, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// nationalDB returns the path of a database holding the generated
// national-scale history (13,000 carriers, 2016Q4–2025Q3, as `make bench`
// uses) assessed for 2025; it is built once per test binary and shared by
// the benchmarks, which only read it.
func nationalDB(b *testing.B) string {
	b.Helper()
	nationalOnce.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "reports-national-")
		if err != nil {
			nationalErr = err
			return
		}
		reg, q, err := sample.National(filepath.Join(dir, "inputs"), 13000, 2016, 4, 2025, 3)
		if err != nil {
			nationalErr = err
			return
		}
		path := filepath.Join(dir, "national.duckdb")
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			nationalErr = err
			return
		}
		defer st.Close()
		if _, nationalErr = ingest.Ingest(ctx, st, []string{reg, q}, ingest.Options{}); nationalErr != nil {
			return
		}
		if _, nationalErr = assess.Run(ctx, st, assess.Options{Year: 2025}); nationalErr != nil {
			return
		}
		nationalFile = path
	})
	if nationalErr != nil {
		b.Fatalf("national database: %v", nationalErr)
	}
	return nationalFile
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func TestDemoStoreHasAssessment(t *testing.T) {
	st := demoStore(t)
	var n int
	if err := st.DB.QueryRow("SELECT count(*) FROM assessments WHERE year = ? AND outcome = 'graded'", demoYear).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("demo year has %d graded carriers, want the sample's ~100+", n)
	}
}
