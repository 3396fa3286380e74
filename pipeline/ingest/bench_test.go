package ingest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
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
		b.StopTimer()
		st := mustOpen(b)
		if _, err := ingest.Ingest(context.Background(), st, []string{reg}, ingest.Options{}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
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
