-- No submission silently lost (SPEC §10).
--
--   * A file rejected whole has a row in store.ingests, status `rejected`,
--     with its rule and message (Chinese and English); what could not be
--     learnt of it is NULL: its bytes when it could not be read (sha256,
--     size_bytes), its kind when no header was recognised, its format, and
--     archive_path (a rejected file is not archived, but for Parquet, which
--     is read from its archived copy). Nothing of it is read as rows:
--     rows_read = rows_accepted = rows_rejected = 0.
--   * A retry: the same bytes ingested again read again the rows rejected
--     only for reasons a later file can remove (unknown_carrier,
--     banned_operator). The retry has its own row, retry_of = the file's
--     first ingest, rows_read = the rows it read again; store.retried_rows
--     names each earlier rejected row it read again, so that the row is
--     listed rejected once, under the latest reading (view rejects).
--   * store.row_issues keeps whose row it was: the row's carrier_id as
--     read, and for a registry row its own district, so that the rejects
--     can go back to each district or carrier.

ALTER TABLE store.ingests ADD COLUMN retry_of BIGINT;     -- a retry: the file's first ingest
ALTER TABLE store.ingests ADD COLUMN rule VARCHAR;        -- rejected whole: the rule (unknown_header, encoding …)
ALTER TABLE store.ingests ADD COLUMN message_zh VARCHAR;  -- rejected whole: what is wrong and what to do
ALTER TABLE store.ingests ADD COLUMN message_en VARCHAR;
ALTER TABLE store.ingests ALTER COLUMN archive_path DROP NOT NULL;
ALTER TABLE store.ingests ALTER COLUMN sha256 DROP NOT NULL;
ALTER TABLE store.ingests ALTER COLUMN size_bytes DROP NOT NULL;
ALTER TABLE store.ingests ALTER COLUMN kind DROP NOT NULL;
ALTER TABLE store.ingests ALTER COLUMN format DROP NOT NULL;

ALTER TABLE store.row_issues ADD COLUMN carrier_id VARCHAR;  -- the row's carrier_id as read; NULL when blank or unread
ALTER TABLE store.row_issues ADD COLUMN district VARCHAR;    -- registry rows: the row's own district

-- Issues stored before: the carrier is known where the issue is about it.
UPDATE store.row_issues SET carrier_id = raw_value
WHERE column_name = 'carrier_id' AND raw_value IS NOT NULL AND raw_value <> '';

-- One row per rejected row that a retry read again: (ingest_id, sheet,
-- row_no) name the earlier reading, retried_by the retry's ingest.
CREATE TABLE store.retried_rows (
    ingest_id  BIGINT NOT NULL,
    sheet      VARCHAR,
    row_no     INTEGER NOT NULL,
    retried_by BIGINT NOT NULL
);
