-- The rejects workbooks (退回清单; incubeval ingest --rejects-out, with
-- --rejects-by one per district or carrier): the rejects view's rows of
-- one ingest batch, in the workbooks they go into. reports/rejects.go lays
-- them out; whose row a reject is (district, carrier_id) is the view's.

-- name: rejects_workbooks :query
-- The rejects of ingest batch $batch_id, split by $split into workbooks:
-- '' — one, the whole batch (part ''); 'district' — one per district a
-- reject goes back to; 'carrier' — one per carrier, for the rejects whose
-- district is known. A reject whose district or carrier is not known (a
-- row whose carrier is not registered and that is not a registry row, a
-- row without a carrier id, a file rejected whole) has no part and goes to
-- a workbook of its file (file_id). issues is how many rejects the row's
-- workbook holds. In workbook order (part, then file), and in each in
-- file, sheet, row, column and rule order.
SELECT r.part, r.file_id, count(*) OVER (PARTITION BY r.part, r.file_id) AS issues,
       r.file_name, coalesce(r.sheet, '') AS sheet, r.row_no, coalesce(r.column_name, '') AS column_name,
       coalesce(r.raw_value, '') AS raw_value, r.rule, r.message_zh, r.message_en, coalesce(r.kind, '') AS kind
FROM (
    SELECT *, CASE WHEN part IS NULL THEN ingest_id END AS file_id
    FROM (
        SELECT *,
               CASE $split
                   WHEN '' THEN ''
                   WHEN 'district' THEN nullif(trim(district), '')
                   WHEN 'carrier' THEN CASE WHEN nullif(trim(district), '') IS NOT NULL THEN nullif(trim(carrier_id), '') END
                   ELSE error('rejects_workbooks: $split is '''', district or carrier')
               END AS part
        FROM rejects
        WHERE batch_id = $batch_id)
) r
ORDER BY r.part NULLS LAST, r.file_id, r.ingest_id, r.sheet NULLS FIRST, r.row_no NULLS FIRST, r.column_name NULLS FIRST, r.rule;

-- name: batch_ingested_at :query
-- When ingest batch $batch_id's last file was ingested: the date of its
-- rejects workbooks, so that the same batch gives the same workbook.
SELECT max(ingested_at) FROM ingest_log WHERE batch_id = $batch_id;
