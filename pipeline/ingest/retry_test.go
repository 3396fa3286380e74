package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
)

// noRowBothAcceptedAndRejected asserts that no row of a file is both in
// the store and listed in rejects, across the file's ingests (the file and
// its retries).
func noRowBothAcceptedAndRejected(t *testing.T, st *store.Store) {
	t.Helper()
	n := count(t, st, `
		WITH accepted AS (`+acceptedRows()+`)
		SELECT count(*) FROM accepted a JOIN ingest_order oa USING (ingest_id)
		JOIN (SELECT r.*, o.file_order FROM rejects r JOIN ingest_order o USING (ingest_id)) r
		  ON r.file_order = oa.file_order AND coalesce(r.sheet, '') = coalesce(a.sheet, '') AND r.row_no = a.row_no`)
	if n != 0 {
		t.Fatalf("%d rows are both accepted and listed in rejects", n)
	}
}

// TestRetryAfterTheRegistryArrives: a quarterly file ingested before the
// registry has its rows rejected (unknown_carrier). Ingested again before
// the registry arrives, it is "already ingested" and nothing changes;
// after, the same bytes read again exactly the rows rejected only for
// unknown_carrier — not one with another error too — in a retry logged as
// its own ingest; nothing is loaded twice, and every row is accounted for
// once (SPEC §10).
func TestRetryAfterTheRegistryArrives(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	q := writeFile(t, dir, "城关区季度报表.csv", quarterlyHeader+
		qrow(nil)+ // row 2: only its carrier is unknown
		qrow(map[int]string{0: "LZ-FH-0001", 5: "30"})+ // row 3: filed > incubating too
		qrow(map[int]string{0: "LZ-XX-9999"})) // row 4: a carrier the registry never has
	first := run(t, st, q).Files[0]
	if first.Status != ingest.StatusAllRejected || first.RowsRead != 3 || first.Rejected != 3 {
		t.Fatalf("before the registry: %+v", first)
	}

	// Again, before the registry: nothing to retry yet, nothing changes.
	before, _ := st.TableCounts(context.Background())
	again := run(t, st, q).Files[0]
	if again.Status != ingest.StatusDuplicate || again.DuplicateOf != first.IngestID || again.Blocked != 2 ||
		!cmp.Equal(again.BlockedRules, []string{"unknown_carrier"}) {
		t.Fatalf("again before the registry: %+v", again)
	}
	after, _ := st.TableCounts(context.Background())
	if diff := cmp.Diff(before, after); diff != "" {
		t.Fatalf("a retry with nothing to accept changed the database (-before +after):\n%s", diff)
	}

	loadRegistry(t, st)
	retry := run(t, st, q).Files[0]
	if retry.RetryOf != first.IngestID || retry.Status != ingest.StatusPartial || retry.RowsRead != 2 || retry.Accepted != 1 || retry.Rejected != 1 ||
		!cmp.Equal(retry.RetriedRules, []string{"unknown_carrier"}) {
		t.Fatalf("the retry: %+v", retry)
	}
	if diff := cmp.Diff([]reject{{3, "carrier_id", "unknown_carrier"}, {3, "filed", "filed_gt_incubating"}}, rejectsOf(t, st, first.IngestID)); diff != "" {
		t.Fatalf("the first ingest's rejects now (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]reject{{4, "carrier_id", "unknown_carrier"}}, rejectsOf(t, st, retry.IngestID)); diff != "" {
		t.Fatalf("the retry's rejects (-want +got):\n%s", diff)
	}
	var retried, retryOf int
	st.DB.QueryRow("SELECT rows_retried FROM ingest_log WHERE ingest_id = ?", first.IngestID).Scan(&retried)
	st.DB.QueryRow("SELECT retry_of FROM ingest_log WHERE ingest_id = ?", retry.IngestID).Scan(&retryOf)
	if retried != 2 || int64(retryOf) != first.IngestID {
		t.Fatalf("ingest_log: rows_retried %d, retry_of %d", retried, retryOf)
	}
	if n := count(t, st, "SELECT count(*) FROM reject_history WHERE ingest_id = ? AND retried_by = ?", first.IngestID, retry.IngestID); n != 2 {
		t.Fatalf("reject_history marks %d reasons retried, want 2 (rows 2 and 4)", n)
	}
	if n := count(t, st, "SELECT count(*) FROM quarterly_reports WHERE carrier_id = 'LZ-ZC-0001' AND ingest_id = ? AND row_no = 2", retry.IngestID); n != 1 {
		t.Fatal("row 2 is not the carrier's report")
	}
	noRowBothAcceptedAndRejected(t, st)

	// A fourth time: row 4's carrier is still unknown; nothing changes.
	before, _ = st.TableCounts(context.Background())
	fourth := run(t, st, q).Files[0]
	if fourth.Status != ingest.StatusDuplicate || fourth.Blocked != 1 {
		t.Fatalf("a fourth time: %+v", fourth)
	}
	after, _ = st.TableCounts(context.Background())
	if diff := cmp.Diff(before, after); diff != "" {
		t.Fatalf("(-before +after):\n%s", diff)
	}
	// The registry now has it: row 4 is read again, from the retry's rejects.
	run(t, st, writeFile(t, dir, "补充名录.csv", registryHeader+strings.Replace(strings.Split(registryCSV, "\n")[1], "LZ-ZC-0001", "LZ-XX-9999", 1)+"\n"))
	fifth := run(t, st, q).Files[0]
	if fifth.RetryOf != first.IngestID || fifth.RowsRead != 1 || fifth.Accepted != 1 {
		t.Fatalf("a fifth time: %+v", fifth)
	}
	noRowBothAcceptedAndRejected(t, st)
	if n := count(t, st, "SELECT count(*) FROM rejects WHERE file_name = '城关区季度报表.csv'"); n != 2 {
		t.Fatalf("%d reasons still rejected, want row 3's two", n)
	}
}

// TestRetriedRowRanksAsItsFile: on equal submitted_on the revision
// ingested last wins (SPEC §3.2); a retried row counts as ingested with its
// file, not at the retry — what loading in the right order would have
// given. A revision sent after the file, on the same date, still wins.
func TestRetriedRowRanksAsItsFile(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	f := writeFile(t, dir, "f.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-12", 4: "20"}))
	run(t, st, f)
	loadRegistry(t, st)
	run(t, st, writeFile(t, dir, "g.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-12", 4: "30"})))
	if r := run(t, st, f).Files[0]; r.RetryOf == 0 || r.Accepted != 1 {
		t.Fatalf("retry of f: %+v", r)
	}
	var incubating int
	st.DB.QueryRow("SELECT incubating FROM quarterly_reports WHERE carrier_id = 'LZ-ZC-0001'").Scan(&incubating)
	if incubating != 30 {
		t.Fatalf("winner incubating=%d, want 30: g was sent after f", incubating)
	}
	rows, err := st.DB.Query("SELECT incubating FROM quarterly_report_revisions ORDER BY revision")
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for rows.Next() {
		var n int
		rows.Scan(&n)
		got = append(got, n)
	}
	rows.Close()
	if diff := cmp.Diff([]int{20, 30}, got); diff != "" {
		t.Fatalf("revisions (-want +got):\n%s", diff)
	}
	// A later file on the same date wins over both.
	run(t, st, writeFile(t, dir, "h.csv", quarterlyHeader+qrow(map[int]string{3: "2025-10-12", 4: "40"})))
	st.DB.QueryRow("SELECT incubating FROM quarterly_reports WHERE carrier_id = 'LZ-ZC-0001'").Scan(&incubating)
	if incubating != 40 {
		t.Fatalf("winner incubating=%d, want 40", incubating)
	}
}

// TestRetryInTheRegistrysBatch: a workbook rejected before its registry is
// retried in the batch that brings the registry (registry files load
// first), its sheets' rows found again by sheet and row.
func TestRetryInTheRegistrysBatch(t *testing.T) {
	st := mustOpen(t)
	dir := t.TempDir()
	q := dir + "/季度报表.xlsx"
	if err := writeXLSX(q, "2025年第三季度季度报表\n"+quarterlyHeader+qrow(nil)+qrow(map[int]string{0: "LZ-FH-0001", 2: "2", 3: "2025-07-10"})); err != nil {
		t.Fatal(err)
	}
	first := run(t, st, q).Files[0]
	reg := writeFile(t, dir, "registry.csv", registryCSV)
	res := run(t, st, q, reg)
	if len(res.Files) != 2 || res.Files[0].Kind != ingest.Registry || res.Files[1].RetryOf != first.IngestID ||
		res.Files[1].Status != ingest.StatusLoaded || res.Files[1].Accepted != 2 {
		t.Fatalf("%+v", res.Files)
	}
	if n := count(t, st, "SELECT count(*) FROM quarterly_reports WHERE sheet = 'Sheet1'"); n != 2 {
		t.Fatalf("%d reports from the workbook, want 2", n)
	}
	noRowBothAcceptedAndRejected(t, st)
}

// TestRetryAfterABanIsLifted: registry rows refused because their operator
// was banned (banned_operator) are read again once the ban is gone. A
// carrier_id on two rows of the file is a duplicate whatever else is wrong
// with either: both rows are rejected duplicate_key the first time — the
// one recognized before the ban does not load — and neither is read again
// (TestRetryNowRejectedOnly has the twin loaded by the earlier rule).
func TestRetryAfterABanIsLifted(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	if err := st.Exec(context.Background(), `INSERT INTO store.decisions (year, carrier_id, action, effective_on, banned_until, reason, operator_uscc, run_id)
		VALUES (2024, 'LZ-ZC-0001', 'delist', DATE '2024-11-30', DATE '2027-12-31', 'fail', ?, 1)`, usccA); err != nil {
		t.Fatal(err)
	}
	line := strings.Split(registryCSV, "\n")[1] // LZ-ZC-0001 of usccA, recognized 2019-03-31
	row := func(id, recognized string) string {
		return strings.Replace(strings.Replace(line, "LZ-ZC-0001", id, 1), "2019-03-31", recognized, 1) + "\n"
	}
	r := writeFile(t, t.TempDir(), "名录.csv", registryHeader+
		row("LZ-ZC-0003", "2019-01-01")+ // row 2: before the ban, but a duplicate
		row("LZ-ZC-0003", "2025-03-01")+ // row 3: during the ban, and a duplicate
		row("LZ-ZC-0004", "2025-06-01")) // row 4: during the ban
	first := run(t, st, r).Files[0]
	if first.Accepted != 0 || first.Rejected != 3 {
		t.Fatalf("during the ban: %+v", first)
	}
	want := []reject{{2, "carrier_id", "duplicate_key"}, {3, "carrier_id", "duplicate_key"}, {3, "recognized_on", "banned_operator"},
		{4, "recognized_on", "banned_operator"}}
	if diff := cmp.Diff(want, rejectsOf(t, st, first.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	if again := run(t, st, r).Files[0]; again.Status != ingest.StatusDuplicate || again.Blocked != 1 ||
		!cmp.Equal(again.BlockedRules, []string{"banned_operator"}) {
		t.Fatalf("again during the ban: %+v", again)
	}
	if err := st.Exec(context.Background(), "DELETE FROM store.decisions"); err != nil {
		t.Fatal(err)
	}
	retry := run(t, st, r).Files[0]
	if retry.RetryOf != first.IngestID || retry.RowsRead != 1 || retry.Accepted != 1 || retry.Rejected != 0 || retry.NowRejected != 0 {
		t.Fatalf("after the ban: %+v", retry)
	}
	if count(t, st, "SELECT count(*) FROM carriers WHERE carrier_id = 'LZ-ZC-0003'") != 0 ||
		count(t, st, "SELECT count(*) FROM carriers WHERE carrier_id = 'LZ-ZC-0004'") != 1 {
		t.Fatal("LZ-ZC-0003, duplicated, must not be registered; LZ-ZC-0004 must be")
	}
	noRowBothAcceptedAndRejected(t, st)
}

// TestRetryOfAStreamedFile: a file too large to be held in memory is read
// again in a stream, and only the rows to retry are taken.
func TestRetryOfAStreamedFile(t *testing.T) {
	defer ingest.SetHeldRows(10)()
	st := mustOpen(t)
	var b strings.Builder
	b.WriteString(quarterlyHeader)
	b.WriteString(qrow(nil))
	for i := range 200 {
		b.WriteString(qrow(map[int]string{0: fmt.Sprintf("LZ-XX-%06d", i)}))
	}
	b.WriteString(qrow(map[int]string{0: "LZ-FH-0001", 2: "2", 3: "2025-07-10"}))
	q := writeFile(t, t.TempDir(), "big.csv", b.String())
	first := run(t, st, q).Files[0]
	loadRegistry(t, st)
	retry := run(t, st, q).Files[0]
	if retry.RetryOf != first.IngestID || retry.RowsRead != first.RowsRead || retry.Accepted != 2 || retry.Rejected != first.RowsRead-2 {
		t.Fatalf("first %+v\nretry %+v", first, retry)
	}
	if n := count(t, st, "SELECT count(*) FROM quarterly_reports"); n != 2 {
		t.Fatalf("%d reports, want 2", n)
	}
	noRowBothAcceptedAndRejected(t, st)
}

// TestRetryThatCannotReadTheRowsSaysWhy: when a retry cannot be made (here
// the rows to read again are not where the file has them: retry_mismatch),
// the file's line says so, and does not claim the rows still wait for the
// registry.
func TestRetryThatCannotReadTheRowsSaysWhy(t *testing.T) {
	st := mustOpen(t)
	q := writeFile(t, t.TempDir(), "q.csv", quarterlyHeader+qrow(nil))
	first := run(t, st, q).Files[0]
	if err := st.Exec(context.Background(), "UPDATE store.row_issues SET row_no = 99 WHERE ingest_id = ?", first.IngestID); err != nil {
		t.Fatal(err)
	}
	loadRegistry(t, st)
	again, err := ingest.Ingest(context.Background(), st, []string{q}, ingest.Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	f := again.Files[0]
	if f.Status != ingest.StatusDuplicate || f.Blocked != 0 || len(f.Notes) != 1 ||
		!strings.Contains(f.Notes[0], "1 row rejected for unknown_carrier not retried: ") ||
		!strings.Contains(f.Notes[0], "the file no longer reads as it did") {
		t.Fatalf("%+v", f)
	}
}
