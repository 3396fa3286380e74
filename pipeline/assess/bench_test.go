package assess_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
)

// BenchmarkAssess: nine assessment years (2017–2025) over the generated
// national data, at 1/4, 1 and 4 times the national 13,000 carriers — the
// ratio of the times shows how the assessment grows with carriers.
func BenchmarkAssess(b *testing.B) {
	for _, n := range []int{3250, 13000, 52000} {
		b.Run(fmt.Sprintf("carriers=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			reg, q, err := sample.National(dir, n, 2016, 4, 2025, 3)
			if err != nil {
				b.Fatal(err)
			}
			st, err := store.Open(context.Background(), filepath.Join(dir, "b.duckdb"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			if _, err := ingest.Ingest(context.Background(), st, []string{reg, q}, ingest.Options{}); err != nil {
				b.Fatal(err)
			}
			// As the command line leaves it: checkpointed on close.
			if _, err := st.DB.Exec("CHECKPOINT"); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := assess.Run(context.Background(), st, assess.Options{Year: 2025})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Computed) != 9 {
					b.Fatalf("computed %v, want 2017–2025", res.Computed)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "carriers/s")
		})
	}
}
