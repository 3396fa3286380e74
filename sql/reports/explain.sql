-- incubeval explain --carrier ID --year Y: how a carrier's result was
-- made, read from the views. cmd/incubeval/explain.go prints it.

-- name: explain_result :query
-- The result of carrier $carrier_id in year $year: outcome, grade,
-- reasons, score, rank, decision, funding, window and the scheme that
-- scored it (code and names, as the run stored them); no row when it has
-- none.
SELECT a.name, a.outcome, a.grade, array_to_string(a.reasons, ','), a.score, a.rank_overall,
       d.action, d.reason, CAST(d.deadline AS VARCHAR), CAST(d.banned_until AS VARCHAR), a.level, a.district,
       f.amount_yuan, f.recovery_yuan, CAST(a.window_start AS VARCHAR), CAST(a.window_end AS VARCHAR),
       a.scheme, s.name_zh, s.name_en
FROM assessments a
LEFT JOIN decisions d USING (year, carrier_id)
LEFT JOIN funding f USING (year, carrier_id)
LEFT JOIN rubric_schemes s ON s.run_id = a.run_id AND s.code = a.scheme
WHERE a.year = $year AND a.carrier_id = $carrier_id;

-- name: explain_indicators :query
-- The indicators of carrier $carrier_id in year $year, those of its
-- scheme in display order: value, target, weight and points, named as the
-- run that made the result stored them, with the value expression (the
-- formula), the scoring and its parameters, unit and bonus flag.
SELECT s.indicator, coalesce(i.name_zh, ''), CAST(s.value AS DOUBLE), CAST(s.target AS DOUBLE), CAST(s.weight AS DOUBLE), s.points,
       coalesce(i.value_expr, ''), coalesce(i.score, ''), coalesce(i.unit, ''), i.full_at, i.zero_at, i.steps, i.per, i.points,
       coalesce(s.bonus, false)
FROM indicator_scores s
LEFT JOIN rubric_indicators i ON i.run_id = s.run_id AND i.scheme = s.scheme AND i.code = s.indicator
WHERE s.year = $year AND s.carrier_id = $carrier_id ORDER BY s.ord;

-- name: explain_quarters :query
-- The reports of carrier $carrier_id for the quarters of year $year's
-- window (as the run stored them), today's winning revisions, with the
-- file, sheet and row each came from.
SELECT q.year, q.quarter, CAST(q.submitted_on AS VARCHAR), CAST(q.due_on AS VARCHAR), q.on_time, q.revisions,
       l.file_name, coalesce(q.sheet, ''), q.row_no
FROM quarterly_reports q JOIN ingest_log l USING (ingest_id)
JOIN window_quarters w ON w.quarter_year = q.year AND w.quarter = q.quarter
WHERE w.year = $year AND q.carrier_id = $carrier_id
ORDER BY q.year, q.quarter;

-- name: explain_carrier_ids :query
-- The carrier ids the registry has held that equal $carrier_id whatever
-- the case.
SELECT DISTINCT carrier_id FROM carrier_history WHERE lower(carrier_id) = lower($carrier_id) ORDER BY 1;

-- incubeval explain --application ID --year Y (or --carrier ID --profile
-- NAME --year Y): an eligibility result, read from the views.

-- name: explain_eligibility_ids :query
-- The subject ids of the latest run of profile $profile in year $year
-- that equal $subject_id whatever the case (ids that differ only in case
-- are distinct subjects).
SELECT DISTINCT subject_id FROM eligibility
WHERE profile = $profile AND year = $year AND lower(subject_id) = lower($subject_id)
ORDER BY 1;

-- name: explain_eligibility_result :query
-- The result of subject $subject_id (exactly as the run wrote it: see
-- explain_eligibility_ids) under profile $profile in year $year (the
-- latest run): kind, name, district, outcome, the conditions not met
-- and to review, the reference day, the profile's names and the run.
SELECT e.subject_kind, coalesce(e.name, ''), coalesce(e.district, ''), e.outcome,
       coalesce(array_to_string(e.unmet, ','), ''), coalesce(array_to_string(e.to_review, ','), ''), CAST(e.reference_day AS VARCHAR),
       coalesce(r.name_zh, ''), coalesce(r.name_en, ''), r.run_id, CAST(r.window_end AS VARCHAR), r.profile_sha256
FROM eligibility e JOIN eligibility_runs r USING (run_id)
WHERE e.profile = $profile AND e.year = $year AND e.subject_id = $subject_id;

-- name: explain_eligibility_newer :query
-- What arrived after run $run_id checked its subjects and can change its
-- results: the files of the kinds a profile reads (registry, quarterly,
-- incidents, applications) loaded since with rows accepted, and the
-- assessment runs since (their decisions are the bans and delistings it
-- read); and when it checked.
SELECT (SELECT count(*) FROM ingest_log l
        WHERE l.ingested_at > r.checked_at AND l.rows_accepted > 0
          AND l.kind IN ('registry', 'quarterly', 'incidents', 'applications')),
       (SELECT count(*) FROM assessment_runs a WHERE a.computed_at > r.checked_at),
       strftime(r.checked_at, '%Y-%m-%d %H:%M')
FROM eligibility_runs r WHERE r.run_id = $run_id;

-- name: explain_eligibility_checks :query
-- Every check of subject $subject_id under profile $profile in year $year,
-- in the profile's order: the condition (code, names, outcome), the check
-- in words, its period, the value found, the threshold and its outcome.
SELECT k.condition, coalesce(c.name_zh, ''), k.condition_outcome, k.part, coalesce(k.period, ''), k.kind, k.what,
       coalesce(k.value, ''), coalesce(k.threshold, ''), k.outcome
FROM eligibility_checks k
JOIN eligibility_conditions c ON c.run_id = k.run_id AND c.ord = k.ord
WHERE k.profile = $profile AND k.year = $year AND k.subject_id = $subject_id
ORDER BY k.ord, k.part, k.period;

-- name: explain_application_source :query
-- Where application $subject_id's winning row came from: file, sheet, row,
-- and how many revisions it has.
SELECT l.file_name, coalesce(a.sheet, ''), a.row_no, a.revisions
FROM applications a JOIN ingest_log l USING (ingest_id)
WHERE a.application_id = $subject_id;

-- name: explain_carrier_source :query
-- Where carrier $subject_id's registry row came from: file, sheet, row.
SELECT l.file_name, coalesce(c.sheet, ''), c.row_no
FROM carriers c JOIN ingest_log l USING (ingest_id)
WHERE c.carrier_id = $subject_id;

-- name: explain_eligibility_quarters :query
-- The quarterly reports on record for carrier $subject_id up to $last_day
-- (E): the winning revisions, with the fields the embedded carrier profile
-- reads and the file, sheet and row each came from.
SELECT q.year, q.quarter, q.incubating, q.graduated, q.exited, q.jobs, CAST(q.revenue AS VARCHAR), CAST(q.utilization AS VARCHAR),
       l.file_name, coalesce(q.sheet, ''), q.row_no
FROM quarterly_reports q JOIN ingest_log l USING (ingest_id)
WHERE q.carrier_id = $subject_id
  AND last_day(make_date(q.year, q.quarter * 3, 1)) <= CAST($last_day AS DATE)
ORDER BY q.year, q.quarter;

-- name: explain_eligibility_incidents :query
-- The incidents of carrier $subject_id (a carrier's explanation; '' for
-- an application's), or of every carrier of operator $operator (an
-- application's), dated from $first_day to $last_day, with
-- where each came from.
SELECT i.carrier_id, CAST(i.occurred_on AS VARCHAR), i.type, l.file_name, coalesce(i.sheet, ''), i.row_no
FROM incidents i JOIN ingest_log l USING (ingest_id)
WHERE (i.carrier_id = $subject_id
       OR i.carrier_id IN (SELECT carrier_id FROM carrier_history WHERE operator_uscc = $operator))
  AND i.occurred_on BETWEEN CAST($first_day AS DATE) AND CAST($last_day AS DATE)
ORDER BY i.occurred_on, i.carrier_id;
