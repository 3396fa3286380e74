package talent_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/pipeline/talent"
)

// BenchmarkTalent: a programme year of 20,000 nominations (a province's
// worth; a city gets hundreds), every title and group, after an earlier
// year of 20,000 decided.
func BenchmarkTalent(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	p := talent.Default()
	for _, y := range []int{2021, 2022} {
		noms := make([]sample.Nomination, 20000)
		for i := range noms {
			title := talent.Titles[i%3]
			n := sample.EligibleNomination(fmt.Sprintf("B%d-%05d", y, i), y, title)
			n.District = p.Districts[i%len(p.Districts)].Name
			n.Category = p.Categories[i%len(p.Categories)].Name
			n.ContestScore = float64(50 + i%50)
			n.Jobs += i % 7
			if i%11 == 0 {
				n.CleanRecord = false
			}
			noms[i] = n
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("n%d.csv", y)), sample.NominationsCSV(noms...), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(ctx, filepath.Join(dir, "b.duckdb"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := ingest.Ingest(ctx, st, []string{filepath.Join(dir, "n2021.csv"), filepath.Join(dir, "n2022.csv")}, ingest.Options{Today: testToday}); err != nil {
		b.Fatal(err)
	}
	if _, err := talent.Run(ctx, st, p, talent.Options{Year: 2021}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := talent.Run(ctx, st, p, talent.Options{Year: 2022})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Nominations), "nominations")
	}
}
