package ingest_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

// TestFileRejectedWholeIsLogged: a file rejected whole has a row in
// ingest_log — status rejected, its rule and message in Chinese and
// English, 0 read = 0 accepted + 0 rejected — and one line in rejects, so
// that the submitter hears of it (SPEC §10). The same bytes rejected again
// get a row of their own each time (they are not "already ingested"), and a
// corrected file, other bytes, loads. What could not be learnt of a file
// (the bytes of one never read, the kind of one without a header) is NULL.
func TestFileRejectedWholeIsLogged(t *testing.T) {
	st := mustOpen(t)
	loadRegistry(t, st)
	dir := t.TempDir()
	bad := writeFile(t, dir, "城关区/季度报表.csv", "姓名,年龄\n张三,30\n")
	for i := 1; i <= 2; i++ {
		before, _ := st.TableCounts(context.Background())
		res := run(t, st, bad)
		if len(res.Files) != 1 || res.Files[0].Status != ingest.StatusRejected || res.Files[0].IngestID == 0 {
			t.Fatalf("attempt %d: %+v", i, res.Files)
		}
		checkRejectedWhole(t, st, before, res)
	}
	if n := count(t, st, "SELECT count(*) FROM ingest_log WHERE file_name = '季度报表.csv' AND status = 'rejected' AND rule = 'unknown_header' AND sha256 IS NOT NULL AND kind IS NULL AND format = 'csv'"); n != 2 {
		t.Fatalf("%d rows for the rejected file, want one per attempt", n)
	}
	if n := count(t, st, "SELECT count(*) FROM rejects WHERE file_name = '季度报表.csv' AND row_no IS NULL AND message_zh LIKE '无法识别表头%'"); n != 2 {
		t.Fatalf("%d lines in rejects for the rejected file, want 2", n)
	}
	// A rejected file never blocks the corrected one.
	os.WriteFile(bad, []byte(quarterlyHeader+qrow(nil)), 0o644)
	if res := run(t, st, bad); res.Files[0].Status != ingest.StatusLoaded {
		t.Fatalf("the corrected file: %+v", res.Files[0])
	}
	// A file never read (a FIFO): its bytes are not known.
	missing := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(missing, 0o644); err != nil {
		t.Fatal(err)
	}
	res := run(t, st, missing)
	if res.Files[0].Status != ingest.StatusRejected {
		t.Fatalf("an unreadable file: %+v", res.Files[0])
	}
	var sha, size sql.NullString
	if err := st.DB.QueryRow("SELECT sha256, size_bytes FROM ingest_log WHERE ingest_id = ?", res.Files[0].IngestID).Scan(&sha, &size); err != nil || sha.Valid || size.Valid {
		t.Fatalf("an unread file's sha256 %v size %v (%v), want NULL", sha, size, err)
	}
}
