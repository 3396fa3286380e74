-- Ingest accounting: what came in, what was refused and why.

-- name: ingest_log :view
-- One row per file loaded; rows_read = rows_accepted + rows_rejected.
CREATE OR REPLACE VIEW ingest_log AS
SELECT ingest_id, batch_id, file_name, sha256, kind, rows_read, rows_accepted,
       rows_rejected, rows_warned, ingested_at, status, format, encoding,
       sheets, size_bytes, source_path, archive_path, notes
FROM store.ingests;

-- name: rejects :view
-- Every reason a row was rejected, with file, sheet, row, column and raw value.
CREATE OR REPLACE VIEW rejects AS
SELECT i.ingest_id, g.file_name, i.sheet, i.row_no, i.column_name, i.raw_value,
       i.rule, i.message_zh, i.message_en, g.kind, g.batch_id
FROM store.row_issues i JOIN store.ingests g USING (ingest_id)
WHERE i.severity = 'error';

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
