package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Set-based checks run in SQL inside the load transaction, after the rows
// of a group of files have been appended.

// duplicateKeys are the columns that identify a row within one file.
var duplicateKeys = map[Kind][]string{
	Registry:  {"carrier_id"},
	Quarterly: {"carrier_id", "year", "quarter"},
	Incidents: {"carrier_id", "occurred_on", "type"},
	Deferrals: {"carrier_id", "year"},
}

// rejectDuplicates rejects every row whose key occurs more than once in the
// same file: with two versions of a quarter in one file there is no telling
// which the carrier meant, so neither is loaded and the clerk is asked to
// keep one.
func rejectDuplicates(ctx context.Context, conn *sql.Conn, spec *Spec, lo, hi int64) error {
	keys := duplicateKeys[spec.Kind]
	keyList := strings.Join(keys, ", ")
	var zh, en []string
	var on []string
	for _, k := range keys {
		c := spec.Columns[spec.colIndex(k)]
		zh = append(zh, c.ZH)
		en = append(en, k)
		on = append(on, fmt.Sprintf("d.%s = t.%s", k, k))
	}
	script := fmt.Sprintf(`
CREATE OR REPLACE TEMP TABLE dup_keys AS
SELECT ingest_id, %[1]s, count(*) AS n,
       string_agg(coalesce(sheet || '!', '') || row_no, ', ' ORDER BY sheet, row_no) AS at_rows
FROM %[2]s WHERE ingest_id BETWEEN %[3]d AND %[4]d
GROUP BY ingest_id, %[1]s HAVING count(*) > 1;

INSERT INTO store.row_issues
SELECT t.ingest_id, t.sheet, t.row_no, '%[5]s', CAST(t.%[5]s AS VARCHAR), 'duplicate_key', 'error',
       '同一%[6]s在本文件中出现 ' || d.n || ' 次（第 ' || d.at_rows || ' 行），无法确定以哪一行为准，请只保留一行后重新报送',
       'the same %[7]s occurs ' || d.n || ' times in this file (rows ' || d.at_rows || '); keep one row and resend'
FROM %[2]s t JOIN dup_keys d ON d.ingest_id = t.ingest_id AND %[8]s;

DELETE FROM %[2]s t WHERE t.ingest_id BETWEEN %[3]d AND %[4]d
  AND EXISTS (SELECT 1 FROM dup_keys d WHERE d.ingest_id = t.ingest_id AND %[8]s);

DROP TABLE dup_keys;`,
		keyList, spec.Table, lo, hi, keys[0], strings.Join(zh, "+"), strings.Join(en, "+"), strings.Join(on, " AND "))
	_, err := conn.ExecContext(ctx, script)
	return err
}

// spikeColumns are checked against the carrier's previous quarter.
var spikeColumns = []string{"incubating", "jobs", "revenue", "financing"}

// flagSpikes warns on values more than 5× the same carrier's previous
// quarter (its winning revision, which may come from an earlier file).
func flagSpikes(ctx context.Context, conn *sql.Conn, lo, hi int64) error {
	spec := Specs[Quarterly]
	var parts []string
	for _, col := range spikeColumns {
		c := spec.Columns[spec.colIndex(col)]
		// Money is DOUBLE in the table; show it as the DECIMAL the views show.
		typ := "BIGINT"
		if c.Type == tMoney {
			typ = "DECIMAL(18,2)"
		}
		parts = append(parts, fmt.Sprintf(`
SELECT c.ingest_id, c.sheet, c.row_no, '%[1]s' AS col,
       CAST(CAST(c.%[1]s AS %[3]s) AS VARCHAR) AS cur, CAST(CAST(p.%[1]s AS %[3]s) AS VARCHAR) AS prev,
       '%[2]s' AS zh
FROM cur c JOIN prev p ON p.carrier_id = c.carrier_id AND p.qi = c.year * 4 + c.quarter - 1
WHERE p.%[1]s > 0 AND c.%[1]s > 5 * p.%[1]s`, col, c.Label(), typ))
	}
	script := fmt.Sprintf(`
INSERT INTO store.row_issues
WITH cur AS (SELECT * FROM store.quarterly WHERE ingest_id BETWEEN %d AND %d),
prev AS (SELECT carrier_id, year * 4 + quarter AS qi, %s FROM quarterly_report_revisions WHERE is_winning),
spikes AS (%s)
SELECT ingest_id, sheet, row_no, col, cur, 'spike_5x', 'warning',
       zh || '：由上季度的 ' || prev || ' 增至 ' || cur || '，超过 5 倍，请核实',
       col || ': rose from ' || prev || ' last quarter to ' || cur || ', more than 5×; please check'
FROM spikes`, lo, hi, strings.Join(spikeColumns, ", "), strings.Join(parts, "\nUNION ALL"))
	_, err := conn.ExecContext(ctx, script)
	return err
}

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
