-- What every workbook that is not an assessment run's (the chase list,
-- the template) is dated by. reports/workbook.go.

-- name: latest_ingest :query
-- When the latest file the database holds was ingested: the data cut-off
-- of the workbook (NULL: none).
SELECT max(ingested_at) FROM ingest_log;
