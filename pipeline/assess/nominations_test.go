package assess_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
)

// Nominations (SPEC §9) ingested after a run never make its year stale:
// the talent selection reads them, the assessment does not (any other
// file of an unknown kind would, sql/reports/years.sql year_newer_inputs).
func TestNominationsAfterTheRunLeaveTheYearCurrent(t *testing.T) {
	w := newWorld(t)
	w.carrier("A", "municipal", "comprehensive", "2020-01-01", 1)
	w.window("A", 2025, full)
	w.assess(2025)
	path := filepath.Join(t.TempDir(), "创业人才推荐.csv")
	if err := os.WriteFile(path, sample.NominationsCSV(sample.EligibleNomination("TJ2023-001", 2023, "star")), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Ingest(context.Background(), w.st, []string{path}, ingest.Options{Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Files[0]; f.Kind != ingest.Nominations || f.Accepted != 1 {
		t.Fatalf("nominations file: %+v", f)
	}
	sum, err := assess.Summarize(context.Background(), w.st.DB, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if err := assess.CheckCurrent(context.Background(), w.st.DB, sum); err != nil {
		t.Errorf("a nominations file made 2025 stale: %v", err)
	}
}
