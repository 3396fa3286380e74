package eligibility_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
)

// BenchmarkEligibility: the provincial demo-base profile over the
// generated national data (13,000 carriers, 2016Q4–2025Q3, assessed), and
// the municipal maker-space profile over 20,000 applications of a year —
// a province's worth, far more than a city receives.
func BenchmarkEligibility(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	reg, q, err := sample.National(dir, 13000, 2016, 4, 2025, 3)
	if err != nil {
		b.Fatal(err)
	}
	apps := make([]sample.Application, 20000)
	for i := range apps {
		a := sample.MakerSpaceApplication(fmt.Sprintf("SQ%05d", i), time.Date(2025, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC))
		a.Area = float64(300 + i%1500) // some too small
		a.ServiceArea = a.Area * 0.8
		a.Facilities = i%7 != 0 // some to review
		apps[i] = a
	}
	appsFile := filepath.Join(dir, "认定申请.csv")
	if err := os.WriteFile(appsFile, sample.ApplicationsCSV(apps...), 0o644); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "b.duckdb"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	if _, err := ingest.Ingest(ctx, st, []string{reg, q, appsFile}, ingest.Options{Today: today}); err != nil {
		b.Fatal(err)
	}
	if _, err := assess.Run(ctx, st, assess.Options{Year: 2025, Today: today}); err != nil {
		b.Fatal(err)
	}
	for _, name := range eligibility.Embedded() {
		p, err := eligibility.Named(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := eligibility.Run(ctx, st, p, eligibility.Options{Year: 2025, Today: today})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Subjects), "subjects")
			}
		})
	}
}
