package ingest_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/sample"
	"github.com/incubeval/incubeval/pipeline/store"
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
	checkWinners(t, st)
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

// TestWinningRevisionInOneBatch: the same revisions arriving in one batch
// (one load transaction) give the same winner as one by one.
func TestWinningRevisionInOneBatch(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-12", 4: "20"}))
	b := writeFile(t, dir, "b.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-20", 4: "21"}))
	c := writeFile(t, dir, "c.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-05", 4: "22"}))
	run(t, st, a, b, c)
	var incubating, revisions int
	if err := st.DB.QueryRow("SELECT incubating, revisions FROM quarterly_reports WHERE carrier_id = 'LZ-ZC-0001'").Scan(&incubating, &revisions); err != nil {
		t.Fatal(err)
	}
	if incubating != 21 || revisions != 3 {
		t.Fatalf("winner incubating=%d revisions=%d; want 21, 3", incubating, revisions)
	}
	checkWinners(t, st)
	// A later batch: a tie on the date with the winner (ingested last wins)
	// and an older one (loses), together.
	d := writeFile(t, dir, "d.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-20", 4: "23"}))
	e := writeFile(t, dir, "e.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-01", 4: "24"}))
	run(t, st, d, e)
	if err := st.DB.QueryRow("SELECT incubating, revisions FROM quarterly_reports WHERE carrier_id = 'LZ-ZC-0001'").Scan(&incubating, &revisions); err != nil {
		t.Fatal(err)
	}
	if incubating != 23 || revisions != 5 {
		t.Fatalf("winner incubating=%d revisions=%d; want 23, 5", incubating, revisions)
	}
	checkWinners(t, st)
}

// checkWinners compares the cache ingest keeps of the winning revisions
// (store.quarterly_superseded, which quarterly_winners and quarterly_reports
// read) with the rule of SPEC §3.2 as the view quarterly_report_revisions
// states it: the same winners, the same revisions counted, and exactly the
// losing revisions recorded as superseded.
func checkWinners(t testing.TB, st *store.Store) {
	t.Helper()
	var bad, n int
	err := st.DB.QueryRow(`
		WITH rule AS (
		    SELECT carrier_id, year, quarter, ingest_id, row_no, is_winning,
		           count(*) OVER (PARTITION BY carrier_id, year, quarter) AS revisions
		    FROM quarterly_report_revisions
		),
		won AS (SELECT carrier_id, year, quarter, ingest_id, row_no, revisions FROM rule WHERE is_winning),
		got AS (SELECT carrier_id, year, quarter, ingest_id, row_no, revisions FROM quarterly_reports),
		lost AS (SELECT ingest_id, row_no, carrier_id, year, quarter FROM rule WHERE NOT is_winning),
		cached AS (SELECT ingest_id, row_no, carrier_id, year, quarter FROM store.quarterly_superseded)
		SELECT (SELECT count(*) FROM (SELECT * FROM won EXCEPT ALL SELECT * FROM got))
		     + (SELECT count(*) FROM (SELECT * FROM got EXCEPT ALL SELECT * FROM won))
		     + (SELECT count(*) FROM (SELECT * FROM lost EXCEPT ALL SELECT * FROM cached))
		     + (SELECT count(*) FROM (SELECT * FROM cached EXCEPT ALL SELECT * FROM lost)),
		       (SELECT count(*) FROM won)`).Scan(&bad, &n)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		rows, err := st.DB.Query(`
			WITH w AS (SELECT carrier_id, year, quarter FROM quarterly_report_revisions r
			           WHERE is_winning = EXISTS (SELECT 1 FROM store.quarterly_superseded s
			                 WHERE s.ingest_id = r.ingest_id AND s.carrier_id = r.carrier_id AND s.year = r.year AND s.quarter = r.quarter))
			SELECT r.carrier_id, r.year, r.quarter, r.submitted_on::VARCHAR, r.ingest_id, r.row_no, r.is_winning,
			       s.ingest_id IS NOT NULL
			FROM quarterly_report_revisions r SEMI JOIN w USING (carrier_id, year, quarter)
			LEFT JOIN store.quarterly_superseded s USING (ingest_id, carrier_id, year, quarter)
			ORDER BY 1, 2, 3, r.revision LIMIT 12`)
		if err == nil {
			for rows.Next() {
				var c, sub string
				var y, q, id, row int
				var wins, gone bool
				rows.Scan(&c, &y, &q, &sub, &id, &row, &wins, &gone)
				t.Logf("%s %dQ%d submitted %s ingest %d row %d: wins by the rule %v, superseded in the cache %v", c, y, q, sub, id, row, wins, gone)
			}
			rows.Close()
		}
		t.Fatalf("%d rows differ between the winners cached at ingest and the rule (quarterly_report_revisions), of %d quarters", bad, n)
	}
}

// TestDemoWinners: the demo inbox (revisions in several files of one batch,
// in XLSX and CSV) gives the winners of the rule.
func TestDemoWinners(t *testing.T) {
	st := mustOpen(t)
	inbox := filepath.Join(t.TempDir(), "inbox")
	if _, err := sample.Demo(inbox); err != nil {
		t.Fatal(err)
	}
	run(t, st, inbox)
	var superseded int
	if err := st.DB.QueryRow("SELECT count(*) FROM store.quarterly_superseded").Scan(&superseded); err != nil {
		t.Fatal(err)
	}
	if superseded == 0 {
		t.Fatal("the demo has revisions, but none is recorded as superseded")
	}
}
