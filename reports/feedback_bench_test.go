package reports_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// BenchmarkFeedback: the feedback workbooks of the national-scale year 2025
// (the generated 13,000 carriers, about 12,700 of them graded). The database
// is built once; only WriteFeedback is timed. Goal: under 40 s on 2 cores.
//
//	go test -run '^$' -bench Feedback -benchtime 1x ./reports/
func BenchmarkFeedback(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	st, err := store.Open(ctx, nationalDB(b), store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var graded int
	if err := st.DB.QueryRow("SELECT count(*) FROM assessments WHERE year = 2025 AND outcome = 'graded'").Scan(&graded); err != nil {
		b.Fatal(err)
	}

	b.Run(fmt.Sprintf("graded=%d", graded), func(b *testing.B) {
		files := 0
		for i := 0; b.Loop(); i++ {
			out := filepath.Join(dir, fmt.Sprintf("feedback-%d", i))
			fb, err := reports.WriteFeedback(ctx, st.DB, 2025, out, reports.FeedbackOptions{})
			n := fb.Written
			if err != nil {
				b.Fatal(err)
			}
			if n != graded {
				b.Fatalf("wrote %d workbooks, want %d", n, graded)
			}
			files += n
			b.StopTimer()
			if err := os.RemoveAll(out); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(files)/b.Elapsed().Seconds(), "files/s")
	})
}
