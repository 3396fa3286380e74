package eligibility_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
)

// TestDemoPlants: the demo inbox, ingested and its last year assessed,
// gets from both embedded profiles the outcomes its plants promise: each
// application of sample.DemoApplications its outcome, unmet and to_review
// (municipal_maker_space), each base of sample.DemoBases its outcome and
// unmet, with on_time_exit to review (provincial_demo_base); and only the
// planted bases are recommended.
func TestDemoPlants(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	dir := filepath.Join(w.dir, "demo")
	if _, err := sample.Demo(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Ingest(ctx, w.st, []string{dir}, ingest.Options{Today: testToday}); err != nil {
		t.Fatal(err)
	}
	if sample.DemoApplicationsYear != sample.DemoBasesYear {
		t.Fatalf("applications of %d, bases of %d: one year's plants", sample.DemoApplicationsYear, sample.DemoBasesYear)
	}
	y := sample.DemoBasesYear
	if _, err := assess.Run(ctx, w.st, assess.Options{Year: y, Today: testToday}); err != nil {
		t.Fatal(err)
	}
	for _, name := range eligibility.Embedded() {
		p, err := eligibility.Named(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eligibility.Run(ctx, w.st, p, eligibility.Options{Year: y, Today: testToday}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	orEmpty := func(xs []string) []string {
		if xs == nil {
			return []string{}
		}
		return xs
	}

	for _, p := range sample.DemoApplications() {
		r := w.result("municipal_maker_space", y, p.ID)
		got := sample.PlantedApplication{ID: p.ID, Outcome: r.outcome, Unmet: orEmpty(r.unmet), ToReview: orEmpty(r.toReview), Plot: p.Plot}
		p.Unmet, p.ToReview = orEmpty(p.Unmet), orEmpty(p.ToReview)
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("application %s (%s) (-planted +got):\n%s\nchecks %v\nvalues %v", p.ID, p.Plot, diff, r.checks, r.values)
		}
	}

	var recommended []string
	for _, p := range sample.DemoBases() {
		r := w.result("provincial_demo_base", y, p.ID)
		got := sample.PlantedBase{ID: p.ID, Outcome: r.outcome, Unmet: orEmpty(r.unmet), Plot: p.Plot}
		p.Unmet = orEmpty(p.Unmet)
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("base %s (%s) (-planted +got):\n%s\nchecks %v\nvalues %v", p.ID, p.Plot, diff, r.checks, r.values)
		}
		if !slices.Equal(r.toReview, []string{"on_time_exit"}) {
			t.Errorf("base %s: to review %v, want [on_time_exit]", p.ID, r.toReview)
		}
		if p.Outcome == "recommended" {
			recommended = append(recommended, p.ID)
		}
	}
	rows, err := w.st.DB.Query(`SELECT subject_id FROM eligibility WHERE profile = 'provincial_demo_base' AND year = ? AND outcome = 'recommended' ORDER BY subject_id`, y)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, recommended) {
		t.Errorf("recommended %v, want the planted %v", got, recommended)
	}
}
