package ingest_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

// TestWinningRevision: the latest submitted_on wins; on equal dates the
// revision ingested last wins; every revision is kept.
func TestWinningRevision(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	dir := t.TempDir()
	run(t, st, writeFile(t, dir, "a.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-12", 4: "20"})))
	run(t, st, writeFile(t, dir, "b.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-20", 4: "21"})))
	// An older revision arriving later does not win.
	run(t, st, writeFile(t, dir, "c.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-05", 4: "22"})))
	var incubating, revisions int
	if err := st.DB.QueryRow("SELECT incubating, revisions FROM quarterly_reports WHERE carrier_id = 'LZ-ZC-0001'").Scan(&incubating, &revisions); err != nil {
		t.Fatal(err)
	}
	if incubating != 21 || revisions != 3 {
		t.Fatalf("winner incubating=%d revisions=%d; want 21 (latest submitted_on), 3", incubating, revisions)
	}
	// Same date as the winner, ingested last: it wins.
	run(t, st, writeFile(t, dir, "d.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-20", 4: "23"})))
	if err := st.DB.QueryRow("SELECT incubating FROM quarterly_reports WHERE carrier_id = 'LZ-ZC-0001'").Scan(&incubating); err != nil {
		t.Fatal(err)
	}
	if incubating != 23 {
		t.Fatalf("equal dates: winner incubating=%d, want 23 (ingested last)", incubating)
	}
	rows, err := st.DB.Query("SELECT incubating FROM quarterly_report_revisions ORDER BY revision")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var n int
		rows.Scan(&n)
		got = append(got, n)
	}
	if diff := cmp.Diff([]int{22, 20, 21, 23}, got); diff != "" {
		t.Fatalf("revisions by submitted_on (-want +got):\n%s", diff)
	}
}

// TestLateReportIsOnTimeFlagged: due 15 days after the quarter ends.
func TestDueDateAndTimeliness(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	dir := t.TempDir()
	body := quarterlyHeader +
		qrow(map[int]string{2: "3", 3: "2025-10-15"}) + // due 2025-10-15: on time
		qrow(map[int]string{2: "2", 3: "2025-07-16"}) + // due 2025-07-15: 1 day late
		qrow(map[int]string{1: "2024", 2: "4", 3: "2025-01-15"}) // Q4 due 15 January
	run(t, st, writeFile(t, dir, "q.csv", body))
	rows, err := st.DB.Query("SELECT year || 'Q' || quarter, due_on::VARCHAR, on_time, days_late FROM quarterly_reports ORDER BY year, quarter")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type due struct {
		Q, Due string
		OnTime bool
		Late   int
	}
	var got []due
	for rows.Next() {
		var d due
		rows.Scan(&d.Q, &d.Due, &d.OnTime, &d.Late)
		got = append(got, d)
	}
	want := []due{{"2024Q4", "2025-01-15", true, 0}, {"2025Q2", "2025-07-15", false, 1}, {"2025Q3", "2025-10-15", true, 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

// TestSameFileInBatchOnce: the same bytes under two names load once.
func TestSameBytesTwiceInOneBatch(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", quarterlyHeader+qrow(nil))
	b := writeFile(t, dir, "copy/b.csv", quarterlyHeader+qrow(nil))
	res := run(t, st, a, b)
	if res.Files[0].Status != "loaded" || res.Files[1].Status != "duplicate" {
		t.Fatalf("%+v", res.Files)
	}
	if n := count(t, st, "SELECT count(*) FROM quarterly_report_revisions"); n != 1 {
		t.Fatalf("%d revisions, want 1", n)
	}
}

// TestFolderIngestOrdersRegistryFirst: a folder whose quarterly file sorts
// before the registry still loads, because the registry is loaded first.
func TestFolderIngestOrdersRegistryFirst(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	writeFile(t, dir, "a_quarterly.csv", quarterlyHeader+qrow(nil))
	writeFile(t, dir, "z_registry.csv", registryCSV)
	writeFile(t, dir, "notes.docx", "not an input")
	writeFile(t, dir, "~$lock.xlsx", "excel lock file")
	res := run(t, st, dir)
	if len(res.Files) != 2 || res.Files[0].Kind != "registry" || res.Files[1].Status != "loaded" {
		t.Fatalf("%+v", res.Files)
	}
	if len(res.Skipped) != 2 {
		t.Fatalf("skipped %v, want notes.docx and the lock file", res.Skipped)
	}
}

// TestOverBudgetFilesLoadTheSame: files past the in-memory budget are
// streamed on their turn; the database ends up the same.
func TestOverBudgetFilesLoadTheSame(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "registry.csv", registryCSV)
	for i, q := range []string{"1", "2", "3"} {
		body := quarterlyHeader + qrow(map[int]string{2: q, 3: "2025-" + []string{"04", "07", "10"}[i] + "-10"}) +
			qrow(map[int]string{0: "LZ-FH-0001", 2: q, 3: "2025-" + []string{"04", "07", "10"}[i] + "-11"})
		writeFile(t, dir, "q"+q+".csv", body)
	}
	writeFile(t, dir, "q3-dup.csv", quarterlyHeader+qrow(nil)+qrow(nil)+qrow(map[int]string{4: "200"}))
	dumps := make([]string, 2)
	for i, budget := range []int64{1 << 30, 1} {
		restore := ingest.SetHeldRows(budget)
		st := mustOpen(t)
		run(t, st, dir)
		restore()
		dumps[i] = dump(t, st.DB)
	}
	if diff := cmp.Diff(dumps[0], dumps[1]); diff != "" {
		t.Fatalf("held vs streamed (-held +streamed):\n%s", diff)
	}
}
