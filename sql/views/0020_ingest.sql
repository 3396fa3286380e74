-- Ingest accounting: what came in, what was refused and why.
--
-- Every row of every file is accounted for once (SPEC §3.5, §10):
--   * on every ingest_log row, rows_read = rows_accepted + rows_rejected;
--   * a file rejected whole has one row, status `rejected`, 0 = 0 + 0, and
--     one line in rejects (its rule and message, row_no empty); the same
--     bytes rejected again get a row again;
--   * a retry (retry_of set) reads again the rows earlier ingests of the
--     same file rejected only for unknown_carrier or banned_operator
--     (retryable_rejects); each earlier ingest counts those of its rows in
--     rows_retried, and rejects lists a row under its latest reading only.
-- So for every ingest_log row
--     rows_rejected - rows_retried = the rows it has in rejects
--       (count(DISTINCT (sheet, row_no)) FROM rejects WHERE row_no IS NOT NULL),
-- and over the whole log, each file counted once by its first ingest,
--     sum(rows_read) FILTER (WHERE retry_of IS NULL)
--       = sum(rows_accepted) + sum(rows_rejected - rows_retried):
-- each row a file holds is accepted once, or still rejected once.

-- name: ingest_log :view
-- One row per file ingested (loaded, partial, all_rejected, or rejected whole with its rule and message) and per retry of a file's rejected rows (retry_of: the file's first ingest); rows_read = rows_accepted + rows_rejected on every row, rows_retried = of its rejected rows, those a later retry read again.
CREATE OR REPLACE VIEW ingest_log AS
SELECT g.ingest_id, g.batch_id, g.file_name, g.sha256, g.kind, g.rows_read, g.rows_accepted,
       g.rows_rejected, g.rows_warned, g.ingested_at, g.status, g.format, g.encoding,
       g.sheets, g.size_bytes, g.source_path, g.archive_path, g.notes,
       g.retry_of, coalesce(r.rows_retried, 0) AS rows_retried,
       g.rule, g.message_zh, g.message_en
FROM store.ingests g
LEFT JOIN (SELECT ingest_id, count(*) AS rows_retried FROM store.retried_rows GROUP BY ALL) r
       ON r.ingest_id = g.ingest_id;

-- name: reject_history :view
-- Every reason a row was ever rejected, and every file rejected whole (row_no empty), with retried_by: the retry that read the row again (then accepted it, or rejected it again under its own ingest_id).
CREATE OR REPLACE VIEW reject_history AS
SELECT i.ingest_id, g.file_name, i.sheet, i.row_no, i.column_name, i.raw_value,
       i.rule, i.message_zh, i.message_en, g.kind, g.batch_id,
       i.carrier_id,
       -- whose row it is: a registry row's, an application's or a
       -- nomination's own district, else the registry's (an
       -- application's carrier_id is its application_id, a nomination's
       -- its nomination_id, no carrier's)
       coalesce(i.district, c.district) AS district,
       r.retried_by
FROM store.row_issues i
JOIN store.ingests g ON g.ingest_id = i.ingest_id
LEFT JOIN carriers c ON c.carrier_id = i.carrier_id AND coalesce(g.kind, '') NOT IN ('applications', 'nominations')
LEFT JOIN store.retried_rows r
       ON r.ingest_id = i.ingest_id AND r.row_no = i.row_no AND coalesce(r.sheet, '') = coalesce(i.sheet, '')
WHERE i.severity = 'error'
UNION ALL
SELECT ingest_id, file_name, NULL, NULL, NULL, NULL, rule, message_zh, message_en, kind, batch_id,
       NULL, NULL, NULL
FROM store.ingests
WHERE status = 'rejected';

-- name: rejects :view
-- What is rejected now, and why: every reason a row was rejected, with file, sheet, row, column and raw value, and every file rejected whole (row_no empty); a row read again by a retry is listed under the retry if rejected again, never also under the earlier ingest. carrier_id and district say whose row it is. An ID number (a nomination's person_id, SPEC §9) is never here whole: raw_value and messages hold it masked.
CREATE OR REPLACE VIEW rejects AS
SELECT ingest_id, file_name, sheet, row_no, column_name, raw_value, rule,
       message_zh, message_en, kind, batch_id, carrier_id, district
FROM reject_history
WHERE retried_by IS NULL;

-- name: retryable_rejects :view
-- Rows still rejected only for reasons a later file can remove (SPEC §10) — unknown_carrier (the registry had not arrived) and banned_operator (the ban was lifted) — which ingesting the same bytes again reads again; file_ingest_id is the file's first ingest.
CREATE OR REPLACE VIEW retryable_rejects AS
SELECT o.file_order AS file_ingest_id, i.ingest_id, i.sheet, i.row_no,
       list(DISTINCT i.rule ORDER BY i.rule) AS rules
FROM store.row_issues i
JOIN ingest_order o ON o.ingest_id = i.ingest_id
ANTI JOIN store.retried_rows r
       ON r.ingest_id = i.ingest_id AND r.row_no = i.row_no AND coalesce(r.sheet, '') = coalesce(i.sheet, '')
WHERE i.severity = 'error'
GROUP BY ALL
HAVING bool_and(i.rule IN ('unknown_carrier', 'banned_operator'));

-- name: warnings :view
-- Rows accepted but flagged for a second look, such as a value over 5× last quarter (spike_5x).
CREATE OR REPLACE VIEW warnings AS
SELECT i.ingest_id, g.file_name, i.sheet, i.row_no, i.column_name, i.raw_value,
       i.rule, i.message_zh, i.message_en, g.kind, g.batch_id
FROM store.row_issues i JOIN store.ingests g USING (ingest_id)
WHERE i.severity = 'warning';

-- name: runs :view
-- The run ledger: every command or scheduled job that wrote to the database.
CREATE OR REPLACE VIEW runs AS
SELECT run_id, job, scheduled_at, started_at, finished_at, status, error,
       rows_ingested, files_written, args
FROM store.runs;
