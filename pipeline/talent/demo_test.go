package talent_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
)

// TestDemoNominations: the demo's nominations, ingested and the programme
// years decided in order, get from the embedded programme the outcome and
// reasons sample.DemoNominations promises, every one of them, with its
// title and quota group; and 残疾人创业群体's quota is used up in 2023.
func TestDemoNominations(t *testing.T) {
	w := newWorld(t, nil)
	dir := filepath.Join(w.dir, "demo")
	if _, err := sample.Demo(dir); err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Ingest(context.Background(), w.st, []string{filepath.Join(dir, "nominations")}, ingest.Options{Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	if read, accepted, _, _ := res.Totals(); read != len(sample.DemoNominations()) || accepted != read {
		t.Fatalf("%d read, %d accepted; want the %d planted, all accepted", read, accepted, len(sample.DemoNominations()))
	}
	for _, y := range sample.DemoNominationYears {
		w.decide(y)
	}
	for _, p := range sample.DemoNominations() {
		var title, group string
		if err := w.st.DB.QueryRow(`SELECT title, quota_group FROM talent_results WHERE year = ? AND nomination_id = ?`, p.Year, p.ID).Scan(&title, &group); err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		g := w.result(p.Year, p.ID)
		got := sample.PlantedNomination{ID: p.ID, Year: p.Year, Title: title, Group: group, Outcome: g.outcome, Reasons: g.reasons, Plot: p.Plot}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("%s (%s) (-planted +decided):\n%s", p.ID, p.Plot, diff)
		}
	}
	var before, now, remaining int
	if err := w.st.DB.QueryRow(`SELECT awarded_before, awarded_this_year, remaining FROM talent_quota
		WHERE year = 2023 AND title = 'star' AND quota_group = '残疾人创业群体'`).Scan(&before, &now, &remaining); err != nil {
		t.Fatal(err)
	}
	if before != 5 || now != 1 || remaining != 0 {
		t.Errorf("残疾人创业群体 2023: %d before, %d now, %d remaining; want 5, 1, 0", before, now, remaining)
	}
}
