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
