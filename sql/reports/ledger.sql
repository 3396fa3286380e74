-- The run ledger, store.runs (jobs/ledger.go): one row for every
-- scheduled job and every command that wrote, inserted when it starts
-- and updated when it ends; what a run left running had committed; and
-- the daemon's catch-up, which asks whether an occurrence was done.
-- Times are the stored wall times (jobs' wall()).

-- name: ledger_insert :query
-- Adds a run with the next run_id and returns it.
INSERT INTO store.runs
SELECT coalesce(max(run_id), 0) + 1, $job, $scheduled_at, $started_at, $finished_at, $status,
       $error, $rows_ingested, $files_written, $args
FROM store.runs
RETURNING run_id;

-- name: ledger_update :exec
-- Writes the outcome of run $run_id, inserted as running.
UPDATE store.runs SET finished_at = $finished_at, status = $status, error = $error,
       rows_ingested = $rows_ingested, files_written = $files_written, args = $args
WHERE run_id = $run_id;

-- name: ledger_not_published :query
-- The runs after $run (the latest run the published snapshot holds) that
-- ended ok or caught_up and whose note does not yet say the snapshot was
-- not published: they wrote rows no snapshot holds.
SELECT count(*) FROM store.runs
WHERE run_id > $run AND status IN ('ok', 'caught_up') AND finished_at IS NOT NULL
  AND coalesce(error, '') NOT LIKE '%snapshot was not published%';

-- name: ledger_note_not_published :exec
-- Adds $note to the runs ledger_not_published counts.
UPDATE store.runs SET error = concat_ws(e'\n', error, $note)
WHERE run_id > $run AND status IN ('ok', 'caught_up') AND finished_at IS NOT NULL
  AND coalesce(error, '') NOT LIKE '%snapshot was not published%';

-- name: ledger_running :query
-- The rows left running (of job $job; every job when it is ''), each with
-- the start of the next run recorded after it, which bounds what it can
-- have committed, and the process id its args name (0: none).
SELECT r.run_id, r.started_at,
       (SELECT min(n.started_at) FROM store.runs n WHERE n.run_id > r.run_id AND n.started_at > r.started_at),
       coalesce(TRY_CAST(json_extract_string(r.args, '$.pid') AS BIGINT), 0)
FROM store.runs r
WHERE r.status = 'running' AND ($job = '' OR r.job = $job)
ORDER BY r.run_id;

-- name: ledger_fail_running :exec
-- Ends run $run_id, left running, as failed at $finished_at with the note
-- $error, counting the $rows_ingested it had committed (NULL: none).
UPDATE store.runs SET status = 'failed', finished_at = coalesce(finished_at, $finished_at), error = $error,
       rows_ingested = coalesce(rows_ingested, $rows_ingested)
WHERE run_id = $run_id;

-- name: ledger_committed_since :query
-- What was committed from $from until $until (NULL: until now): files
-- ingested and their accepted rows, the ingest batches, the assessment
-- runs and the years published.
SELECT (SELECT count(*) FROM store.ingests WHERE ingested_at >= $from AND ($until IS NULL OR ingested_at < $until)),
       (SELECT coalesce(sum(rows_accepted), 0) FROM store.ingests WHERE ingested_at >= $from AND ($until IS NULL OR ingested_at < $until)),
       (SELECT string_agg(DISTINCT batch_id::VARCHAR, ', ' ORDER BY batch_id::VARCHAR) FROM store.ingests WHERE ingested_at >= $from AND ($until IS NULL OR ingested_at < $until)),
       (SELECT string_agg(run_id::VARCHAR, ', ' ORDER BY run_id) FROM store.assessment_runs WHERE computed_at >= $from AND ($until IS NULL OR computed_at < $until)),
       (SELECT string_agg(year::VARCHAR, ', ' ORDER BY year) FROM store.published_years WHERE published_at >= $from AND ($until IS NULL OR published_at < $until));

-- name: ledger_child_rows :query
-- The rows of job $job started at or after $started_at by process $pid.
SELECT count(*) FROM store.runs WHERE job = $job AND started_at >= $started_at
  AND TRY_CAST(json_extract_string(args, '$.pid') AS BIGINT) = $pid;

-- name: ledger_since :query
-- The store.meta value of $key: when the daemon first watched a job.
SELECT value FROM store.meta WHERE key = $key;

-- name: ledger_set_since :exec
-- Records $value as when the daemon first watched a job ($key).
INSERT OR REPLACE INTO store.meta VALUES ($key, $value);

-- name: ledger_covered :query
-- The ok or caught_up rows of job $job scheduled at or after $at (a
-- manual run counts from when it started).
SELECT count(*) FROM store.runs
WHERE job = $job AND status IN ('ok', 'caught_up') AND coalesce(scheduled_at, started_at) >= $at;

-- name: ledger_history :query
-- The ledger, newest first, of job $job ('' for every job), at most
-- $limit rows (NULL: all).
SELECT run_id, job, scheduled_at, started_at, finished_at, status, error, rows_ingested, files_written, args
FROM runs WHERE $job = '' OR job = $job
ORDER BY started_at DESC, run_id DESC
LIMIT $limit;

-- name: ledger_running_count :query
-- How many rows are left running.
SELECT count(*) FROM store.runs WHERE status = 'running';

-- name: ledger_started_rows :query
-- The rows of job $job started at $started_at: a pending outcome whose
-- row is already there is not inserted again.
SELECT count(*) FROM store.runs WHERE job = $job AND started_at = $started_at;

-- name: ledger_rows_ingested :query
-- The rows accepted by the files ingested from $from to $until: what a
-- run that ended without counting them ingested.
SELECT sum(rows_accepted) FROM store.ingests WHERE ingested_at BETWEEN $from AND $until;

-- name: ledger_started_run :query
-- The run of job $job started at $started_at, $run_id if that is one of
-- them (a restore from the snapshot may have given it to another run).
SELECT run_id FROM store.runs WHERE job = $job AND started_at = $started_at
ORDER BY run_id = $run_id DESC, run_id LIMIT 1;
