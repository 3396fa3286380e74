-- Removing an unpublished year's stored results (SPEC §10 "An unpublished
-- year's stored results can be removed"; `incubeval discard --year Y`).
-- incubeval fills discard_years with Y and every later stored year — they
-- build on Y through the chain (the previous graded year, the recovery of
-- Y-1's grant, the deltas) — after checking that none of them is published,
-- then runs the deletes below in one transaction.
--
-- What goes: the carrier-years (store.assessments, which holds the funding
-- too), their indicator values and their decisions (and so the operators'
-- bans of those years). What stays: the inputs (registry, reports,
-- incidents, deferrals), the earlier years, and store.assessment_runs with
-- its run_indicators, run_targets, run_params and run_window_quarters — the
-- history of every run, which the run ledger names and whose numbers are
-- never given out again.

-- name: inputs :exec
CREATE OR REPLACE TEMP TABLE discard_years (year INTEGER PRIMARY KEY);

-- name: results :exec
DELETE FROM store.assessments     WHERE year IN (SELECT year FROM discard_years);
DELETE FROM store.indicator_lists WHERE year IN (SELECT year FROM discard_years);
DELETE FROM store.decisions       WHERE year IN (SELECT year FROM discard_years);
