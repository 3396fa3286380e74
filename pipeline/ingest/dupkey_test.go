package ingest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
)

// regRow is the first row of registryCSV (LZ-ZC-0001 of usccA,
// recognized 2019-03-31) with its carrier_id, recognized_on and area_m2
// replaced; "" keeps a cell.
func regRow(id, recognized, area string) string {
	cells := strings.Split(strings.Split(registryCSV, "\n")[1], ",")
	for i, v := range map[int]string{0: id, 8: recognized, 10: area} {
		if v != "" {
			cells[i] = v
		}
	}
	return strings.Join(cells, ",") + "\n"
}

// TestDuplicateKeyWhateverElseIsWrong: a key that occurs twice in a file
// rejects every occurrence duplicate_key, also when one occurrence has an
// error of its own — otherwise the other loaded as if the file held one
// version of the carrier, the quarter, the incident or the deferral. A
// row whose key cells are blank or not valid has no key: it is no one's
// twin (README, Validation).
func TestDuplicateKeyWhateverElseIsWrong(t *testing.T) {
	long := strings.Repeat("长", ingest.MaxCellChars+1)
	tests := []struct {
		name, file, body string
		want             []reject
		count            string // rows of the key loaded: must be 0
	}{
		{"registry, a twin with an invalid number", "r.csv",
			registryHeader + regRow("LZ-ZC-0901", "", "abc") + regRow("LZ-ZC-0901", "", ""),
			[]reject{{2, "area_m2", "number"}, {2, "carrier_id", "duplicate_key"}, {3, "carrier_id", "duplicate_key"}},
			"SELECT count(*) FROM store.registry WHERE carrier_id = 'LZ-ZC-0901'"},
		{"quarterly, a twin with an invalid count", "q.csv",
			quarterlyHeader + qrow(nil) + qrow(map[int]string{4: "x"}),
			[]reject{{2, "carrier_id", "duplicate_key"}, {3, "carrier_id", "duplicate_key"}, {3, "incubating", "integer"}},
			"SELECT count(*) FROM store.quarterly WHERE carrier_id = 'LZ-ZC-0001'"},
		{"quarterly, twins of an unknown carrier, one with another error", "q.csv",
			quarterlyHeader + qrow(map[int]string{0: "LZ-XX-0001"}) + qrow(map[int]string{0: "LZ-XX-0001", 5: "30"}),
			[]reject{{2, "carrier_id", "duplicate_key"}, {2, "carrier_id", "unknown_carrier"},
				{3, "carrier_id", "duplicate_key"}, {3, "carrier_id", "unknown_carrier"}, {3, "filed", "filed_gt_incubating"}},
			"SELECT count(*) FROM store.quarterly"},
		{"quarterly, twins of a quarter not ended", "q.csv",
			quarterlyHeader + qrow(map[int]string{2: "4", 3: "2025-11-01"}) + qrow(map[int]string{2: "4", 3: "2025-11-02"}),
			[]reject{{2, "carrier_id", "duplicate_key"}, {2, "quarter", "quarter_future"}, {3, "carrier_id", "duplicate_key"}, {3, "quarter", "quarter_future"}},
			"SELECT count(*) FROM store.quarterly"},
		{"incidents, a twin with a note too long", "i.csv",
			"载体编号,发生日期,类型,说明\nLZ-ZC-0001,2025-03-01,列入经营异常名录,\nLZ-ZC-0001,2025-03-01,abnormal_operation_list," + long + "\n",
			[]reject{{2, "carrier_id", "duplicate_key"}, {3, "carrier_id", "duplicate_key"}, {3, "note", "too_long"}},
			"SELECT count(*) FROM store.incidents"},
		{"deferrals, a twin with a reason too long", "d.csv",
			"载体编号,年度,原因\nLZ-ZC-0001,2025," + long + "\nLZ-ZC-0001,2025,场地改造\n",
			[]reject{{2, "carrier_id", "duplicate_key"}, {2, "reason", "too_long"}, {3, "carrier_id", "duplicate_key"}},
			"SELECT count(*) FROM store.deferrals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			f := run(t, st, writeFile(t, t.TempDir(), tt.file, tt.body)).Files[0]
			if f.RowsRead != 2 || f.Accepted != 0 || f.Rejected != 2 {
				t.Fatalf("got %d read = %d accepted + %d rejected; want 2 = 0 + 2", f.RowsRead, f.Accepted, f.Rejected)
			}
			if diff := cmp.Diff(tt.want, rejectsOf(t, st, f.IngestID)); diff != "" {
				t.Fatalf("rejects (-want +got):\n%s", diff)
			}
			if n := count(t, st, tt.count); n != 0 {
				t.Fatalf("%d rows of a duplicated key loaded", n)
			}
			if n := count(t, st, "SELECT count(*) FROM retryable_rejects"); n != 0 {
				t.Fatalf("%d duplicated rows wait for a retry; duplicate_key needs a corrected file", n)
			}
		})
	}
}

// TestDuplicateKeyNeedsAKey: a row whose key cells are blank or not valid
// (a year that is not one, a quarter out of range, a blank carrier) has no
// key, so it is no row's twin: the other row of the carrier loads.
func TestDuplicateKeyNeedsAKey(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	f := run(t, st, writeFile(t, t.TempDir(), "q.csv", quarterlyHeader+
		qrow(nil)+
		qrow(map[int]string{1: "今年"})+
		qrow(map[int]string{2: "5"})+
		qrow(map[int]string{1: "1999", 3: "2000-01-10"})+
		qrow(map[int]string{0: ""}))).Files[0]
	if f.Accepted != 1 || f.Rejected != 4 {
		t.Fatalf("got %d accepted + %d rejected; want 1 + 4", f.Accepted, f.Rejected)
	}
	want := []reject{{3, "year", "year"}, {4, "quarter", "quarter"}, {5, "year", "year_range"}, {6, "carrier_id", "required"}}
	if diff := cmp.Diff(want, rejectsOf(t, st, f.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	// The registry: a row without a carrier_id is not a twin of another.
	f = run(t, st, writeFile(t, t.TempDir(), "r.csv", registryHeader+regRow("LZ-ZC-0902", "", "")+
		strings.Replace(regRow("LZ-ZC-0902", "", ""), "LZ-ZC-0902", "", 1))).Files[0]
	if f.Accepted != 1 || f.Rejected != 1 {
		t.Fatalf("registry: got %d accepted + %d rejected; want 1 + 1", f.Accepted, f.Rejected)
	}
}

// ban bars usccA (the operator of LZ-ZC-0001) from recognition from
// 2024-11-30 to 2027-12-31, as a delisting decided for year does; "discard
// --year" removes the year's decisions and with them the ban.
func ban(t *testing.T, st *store.Store, year int) {
	t.Helper()
	if err := st.Exec(context.Background(), `INSERT INTO store.decisions (year, carrier_id, action, effective_on, banned_until, reason, operator_uscc, run_id)
		VALUES (?, 'LZ-ZC-0001', 'delist', DATE '2024-11-30', DATE '2027-12-31', 'fail', ?, 1)`, year, usccA); err != nil {
		t.Fatal(err)
	}
}

// TestDuplicateKeyWithABannedTwin: a carrier on two rows of a registry
// file, one recognized during its operator's ban (banned_operator), one
// before it. Both are rejected duplicate_key: the clean one does not load,
// and the banned one is not retryable — once the ban is lifted, the file
// again is "already ingested" with nothing waiting, rather than a row
// "still" waiting for a ban that no longer exists.
func TestDuplicateKeyWithABannedTwin(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	ban(t, st, 2024)
	r := writeFile(t, t.TempDir(), "名录.csv", registryHeader+
		regRow("LZ-ZC-0903", "2025-03-01", "")+ // row 2: during the ban
		regRow("LZ-ZC-0903", "2019-01-01", "")) // row 3: before it
	first := run(t, st, r).Files[0]
	if first.Accepted != 0 || first.Rejected != 2 {
		t.Fatalf("during the ban: %+v", first)
	}
	want := []reject{{2, "carrier_id", "duplicate_key"}, {2, "recognized_on", "banned_operator"}, {3, "carrier_id", "duplicate_key"}}
	if diff := cmp.Diff(want, rejectsOf(t, st, first.IngestID)); diff != "" {
		t.Fatalf("rejects (-want +got):\n%s", diff)
	}
	if n := count(t, st, "SELECT count(*) FROM carriers WHERE carrier_id = 'LZ-ZC-0903'"); n != 0 {
		t.Fatal("a twin of a duplicated carrier_id was registered")
	}
	if err := st.Exec(context.Background(), "DELETE FROM store.decisions WHERE year = 2024"); err != nil {
		t.Fatal(err)
	}
	before, _ := st.TableCounts(context.Background())
	again := run(t, st, r).Files[0]
	if again.Status != ingest.StatusDuplicate || again.Blocked != 0 || again.RetryOf != 0 {
		t.Fatalf("after the ban: %+v", again)
	}
	after, _ := st.TableCounts(context.Background())
	if diff := cmp.Diff(before, after); diff != "" {
		t.Fatalf("(-before +after):\n%s", diff)
	}
	if n := count(t, st, "SELECT count(*) FROM retryable_rejects"); n != 0 {
		t.Fatalf("%d rows wait for a retry", n)
	}
}

// TestRetryLoadsNoTwin: a retry reads again only some rows of a file;
// their keys are still counted against every row of the file, so a retry
// cannot load one twin of a duplicated key. A row read again that is now
// rejected for a reason no later file removes (duplicate_key) is recorded
// as such, and the file no longer claims rows waiting for the registry.
//
// A file ingested before this rule held such a row: its twin had an error
// of its own and did not count. The test makes that state by removing the
// duplicate_key reasons the first reading gave.
func TestRetryLoadsNoTwin(t *testing.T) {
	for _, streamed := range []bool{false, true} {
		name := "held"
		if streamed {
			name = "streamed"
		}
		t.Run(name, func(t *testing.T) {
			if streamed {
				defer ingest.SetHeldRows(1)()
			}
			st := mustOpen(t)
			dir := t.TempDir()
			q := writeFile(t, dir, "q.csv", quarterlyHeader+
				qrow(nil)+ // row 2: only its carrier is unknown
				qrow(map[int]string{4: "x"})+ // row 3: its twin, incubating not a number
				qrow(map[int]string{0: "LZ-FH-0001"})) // row 4: only its carrier is unknown
			first := run(t, st, q).Files[0]
			want := []reject{{2, "carrier_id", "duplicate_key"}, {2, "carrier_id", "unknown_carrier"},
				{3, "carrier_id", "duplicate_key"}, {3, "carrier_id", "unknown_carrier"}, {3, "incubating", "integer"},
				{4, "carrier_id", "unknown_carrier"}}
			if diff := cmp.Diff(want, rejectsOf(t, st, first.IngestID)); diff != "" {
				t.Errorf("first reading (-want +got):\n%s", diff)
			}
			if err := st.Exec(context.Background(), "DELETE FROM store.row_issues WHERE rule = 'duplicate_key'"); err != nil {
				t.Fatal(err)
			}
			loadRegistry(t, st)
			retry := run(t, st, q).Files[0]
			if retry.RetryOf != first.IngestID || retry.RowsRead != 2 || retry.Accepted != 1 || retry.Rejected != 1 ||
				retry.NowRejected != 1 || !cmp.Equal(retry.NowRejectedRules, []string{"duplicate_key"}) {
				t.Fatalf("the retry: %+v", retry)
			}
			if diff := cmp.Diff([]reject{{2, "carrier_id", "duplicate_key"}}, rejectsOf(t, st, retry.IngestID)); diff != "" {
				t.Fatalf("the retry's rejects (-want +got):\n%s", diff)
			}
			var msg string
			st.DB.QueryRow("SELECT message_en FROM rejects WHERE ingest_id = ?", retry.IngestID).Scan(&msg)
			if !strings.Contains(msg, "rows 2, 3") {
				t.Fatalf("the message does not name the twin: %s", msg)
			}
			if n := count(t, st, "SELECT count(*) FROM quarterly_reports WHERE carrier_id = 'LZ-ZC-0001'"); n != 0 {
				t.Fatal("a twin of a duplicated quarter was loaded")
			}
			noRowBothAcceptedAndRejected(t, st)
			again := run(t, st, q).Files[0]
			if again.Status != ingest.StatusDuplicate || again.Blocked != 0 {
				t.Fatalf("again: %+v", again)
			}
		})
	}
}

// TestRetryNowRejectedOnly: a retry none of whose rows is accepted, but
// whose row is now rejected for duplicate_key, is kept: the row leaves
// retryable_rejects under its latest reading, instead of waiting for ever
// behind a message that the ban is still in force. The state is one the
// earlier rule left: a registry row refused during its operator's ban
// (banned_operator) beside its twin, recognized before the ban, loaded.
// The file is ingested again once the ban is lifted, or while it lasts.
func TestRetryNowRejectedOnly(t *testing.T) {
	for _, lifted := range []bool{true, false} {
		t.Run(map[bool]string{true: "ban lifted", false: "during the ban"}[lifted], func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			ban(t, st, 2025)
			r := writeFile(t, t.TempDir(), "名录.csv", registryHeader+
				regRow("LZ-ZC-0904", "2025-03-01", "")+ // row 2: during the ban
				regRow("LZ-ZC-0904", "2019-01-01", "")) // row 3: before it
			first := run(t, st, r).Files[0]
			if first.Accepted != 0 || first.Rejected != 2 {
				t.Fatalf("during the ban: %+v", first)
			}
			// Row 3 loaded, and no duplicate_key, as the earlier rule had it.
			for _, q := range []string{
				`INSERT INTO store.registry BY NAME SELECT * REPLACE (? AS ingest_id, 3 AS row_no, 'LZ-ZC-0904' AS carrier_id, DATE '2019-01-01' AS recognized_on)
				 FROM store.registry WHERE carrier_id = 'LZ-ZC-0001'`,
				"UPDATE store.ingests SET rows_accepted = 1, rows_rejected = 1, status = 'partial' WHERE ingest_id = ?",
				"DELETE FROM store.row_issues WHERE rule = 'duplicate_key' AND ingest_id = ?",
			} {
				if err := st.Exec(context.Background(), q, first.IngestID); err != nil {
					t.Fatal(err)
				}
			}
			if n := count(t, st, "SELECT count(*) FROM retryable_rejects"); n != 1 {
				t.Fatalf("%d rows wait for a retry, want row 2", n)
			}
			wantRules := []string{"banned_operator", "duplicate_key"}
			if lifted {
				if err := st.Exec(context.Background(), "DELETE FROM store.decisions WHERE year = 2025"); err != nil {
					t.Fatal(err)
				}
				wantRules = []string{"duplicate_key"}
			}
			retry := run(t, st, r).Files[0]
			if retry.RetryOf != first.IngestID || retry.Status != ingest.StatusAllRejected || retry.RowsRead != 1 || retry.Accepted != 0 ||
				retry.NowRejected != 1 || !cmp.Equal(retry.NowRejectedRules, wantRules) {
				t.Fatalf("the retry: %+v", retry)
			}
			var msg string
			st.DB.QueryRow("SELECT message_en FROM rejects WHERE ingest_id = ? AND rule = 'duplicate_key'", retry.IngestID).Scan(&msg)
			if !strings.Contains(msg, "rows 2, 3") {
				t.Fatalf("the message does not name the twin loaded before: %s", msg)
			}
			if n := count(t, st, "SELECT count(*) FROM retryable_rejects"); n != 0 {
				t.Fatalf("%d rows still wait for a retry", n)
			}
			noRowBothAcceptedAndRejected(t, st)
			before, _ := st.TableCounts(context.Background())
			if again := run(t, st, r).Files[0]; again.Status != ingest.StatusDuplicate || again.Blocked != 0 {
				t.Fatalf("once more: %+v", again)
			}
			after, _ := st.TableCounts(context.Background())
			if diff := cmp.Diff(before, after); diff != "" {
				t.Fatalf("(-before +after):\n%s", diff)
			}
		})
	}
}
