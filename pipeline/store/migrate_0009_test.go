package store_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Before 0009 a file rejected whole had no ingest_log row and rejects had
// no carrier; after it, the files and rows logged before read as they did
// (no retry, nothing retried), their rejects name the carrier where the
// issue was about it, and the log takes a file rejected whole.
func TestMigration0009KeepsTheLog(t *testing.T) {
	path := oldDatabase(t, "0009",
		`INSERT INTO store.ingests VALUES (1, 1, 'q.csv', 'in/q.csv', 'archive/ab/ab.csv', 'ab', 10, 'quarterly', 'csv',
			'utf-8', NULL, 2, 0, 2, 0, TIMESTAMP '2025-10-16 02:00:00', 'all_rejected', NULL)`,
		`INSERT INTO store.row_issues VALUES
			(1, NULL, 2, 'carrier_id', 'LZ-XX-0001', 'unknown_carrier', 'error', '载体编号不在名录中', 'not in the registry'),
			(1, NULL, 3, 'filed', '30', 'filed_gt_incubating', 'error', '已备案数大于在孵数', 'filed > incubating')`)
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var read, acc, rej, retried int
	var retryOf sql.NullInt64
	if err := st.DB.QueryRow("SELECT rows_read, rows_accepted, rows_rejected, rows_retried, retry_of FROM ingest_log WHERE ingest_id = 1").Scan(&read, &acc, &rej, &retried, &retryOf); err != nil {
		t.Fatal(err)
	}
	if read != 2 || acc != 0 || rej != 2 || retried != 0 || retryOf.Valid {
		t.Fatalf("ingest_log: %d = %d + %d, retried %d, retry_of %v", read, acc, rej, retried, retryOf)
	}
	var carriers, lines, retryable int
	st.DB.QueryRow("SELECT count(carrier_id), count(*) FROM rejects WHERE ingest_id = 1").Scan(&carriers, &lines)
	st.DB.QueryRow("SELECT count(*) FROM retryable_rejects WHERE file_ingest_id = 1").Scan(&retryable)
	if carriers != 1 || lines != 2 || retryable != 1 {
		t.Fatalf("rejects: %d with a carrier of %d, %d retryable; want 1 of 2, 1", carriers, lines, retryable)
	}
	if err := st.Exec(ctx, `INSERT INTO store.ingests (ingest_id, batch_id, file_name, source_path, rows_read, rows_accepted, rows_rejected, rows_warned,
		ingested_at, status, rule, message_zh, message_en) VALUES (2, 2, 'pipe.csv', 'in/pipe.csv', 0, 0, 0, 0, TIMESTAMP '2025-10-17 02:00:00', 'rejected', 'not_regular', '不是普通文件', 'not a regular file')`); err != nil {
		t.Fatalf("a file rejected whole, unread: %v", err)
	}
	var rule string
	if err := st.DB.QueryRow("SELECT rule FROM rejects WHERE ingest_id = 2 AND row_no IS NULL").Scan(&rule); err != nil || rule != "not_regular" {
		t.Fatalf("the rejected file in rejects: %q %v", rule, err)
	}
}
