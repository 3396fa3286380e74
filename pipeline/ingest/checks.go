package ingest

import (
	"context"
	"database/sql"
	"fmt"
)

// Set-based checks run in SQL inside the load transaction, after the rows
// of a group of files have been appended.

type fileCounts struct {
	accepted, rejectedRows, warnedRows int
}

// countRows counts, per ingest, rows accepted and distinct rows rejected and
// warned; the caller checks that they add up to the rows read.
func countRows(ctx context.Context, conn *sql.Conn, spec *Spec, lo, hi int64) (map[int64]*fileCounts, error) {
	out := map[int64]*fileCounts{}
	for id := lo; id <= hi; id++ {
		out[id] = &fileCounts{}
	}
	q := fmt.Sprintf(`
SELECT ingest_id, 'accepted', count(*) FROM %s WHERE ingest_id BETWEEN %[2]d AND %[3]d GROUP BY 1
UNION ALL
SELECT ingest_id, severity, count(DISTINCT (coalesce(sheet, ''), row_no)) FROM store.row_issues
WHERE ingest_id BETWEEN %[2]d AND %[3]d GROUP BY 1, 2`, spec.Table, lo, hi)
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("count rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var what string
		var n int
		if err := rows.Scan(&id, &what, &n); err != nil {
			return nil, err
		}
		c := out[id]
		if c == nil {
			return nil, fmt.Errorf("count rows: unexpected ingest %d", id)
		}
		switch what {
		case "accepted":
			c.accepted = n
		case "error":
			c.rejectedRows = n
		case "warning":
			c.warnedRows = n
		}
	}
	return out, rows.Err()
}
