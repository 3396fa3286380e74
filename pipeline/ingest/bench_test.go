package ingest_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
)

// BenchmarkIngestHistoryCSV: the national history (13,000 carriers,
// 2016Q4–2025Q3, 468,000 quarterly rows) as one consolidated CSV.
func BenchmarkIngestHistoryCSV(b *testing.B) {
	dir := b.TempDir()
	reg, q, err := sample.National(dir, 13000, 2016, 4, 2025, 3)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st := withRegistry(b, reg)
		res, err := ingest.Ingest(context.Background(), st, []string{q}, ingest.Options{})
		if err != nil || res.Files[0].Accepted != 468000 {
			b.Fatalf("%v %+v", err, res)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(468000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkIngestQuarterXLSX: one quarter as 13,000 single-carrier workbooks.
func BenchmarkIngestQuarterXLSX(b *testing.B) {
	dir := b.TempDir()
	files, err := sample.QuarterXLSX(dir, 13000, 2025, 3)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := mustOpen(b)
		if _, err := ingest.Ingest(context.Background(), st, files[:1], ingest.Options{}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := ingest.Ingest(context.Background(), st, []string{filepath.Join(dir, "quarterly")}, ingest.Options{})
		if err != nil || res.Count(ingest.StatusLoaded) != 13000 {
			b.Fatalf("%v", err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(13000*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkIngestVsReadCSV times, in alternation in one run, the ingest
// of the national history CSV (registry loaded: validated, accounted for,
// archived, committed) and DuckDB's bare read_csv of the same file into
// a table of a new database file (no validation at all), and reports the
// ratio (issue 16's target: ≤ 2.5).
func BenchmarkIngestVsReadCSV(b *testing.B) {
	dir := b.TempDir()
	reg, q, err := sample.National(dir, 13000, 2016, 4, 2025, 3)
	if err != nil {
		b.Fatal(err)
	}
	var ing, bare, ingCPU, bareCPU time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st := withRegistry(b, reg)
		t0, c0 := time.Now(), cpuTime()
		res, err := ingest.Ingest(context.Background(), st, []string{q}, ingest.Options{})
		ing, ingCPU = ing+time.Since(t0), ingCPU+cpuTime()-c0
		if err != nil || res.Files[0].Accepted != 468000 {
			b.Fatalf("%v %+v", err, res)
		}
		b.StopTimer()
		st.Close()
		db, err := sql.Open("duckdb", filepath.Join(b.TempDir(), "bare.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0, c0 = time.Now(), cpuTime()
		var n int64
		_, err = db.Exec("CREATE TABLE q AS SELECT * FROM read_csv('" + strings.ReplaceAll(q, "'", "''") + "')")
		if err == nil {
			err = db.QueryRow("SELECT count(*) FROM q").Scan(&n)
		}
		bare, bareCPU = bare+time.Since(t0), bareCPU+cpuTime()-c0
		if err != nil || n != 468000 {
			b.Fatalf("bare read_csv: %v, %d rows", err, n)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(ing.Seconds()/float64(b.N), "ingest-s")
	b.ReportMetric(bare.Seconds()/float64(b.N), "read_csv-s")
	b.ReportMetric(ing.Seconds()/bare.Seconds(), "ratio")
	b.ReportMetric(ingCPU.Seconds()/float64(b.N), "ingest-cpu-s")
	b.ReportMetric(bareCPU.Seconds()/float64(b.N), "read_csv-cpu-s")
}

// withRegistry is a new store with the registry reg loaded, outside the
// benchmark's timer.
func withRegistry(b *testing.B, reg string) *store.Store {
	b.StopTimer()
	defer b.StartTimer()
	st := mustOpen(b)
	if _, err := ingest.Ingest(context.Background(), st, []string{reg}, ingest.Options{}); err != nil {
		b.Fatal(err)
	}
	return st
}
