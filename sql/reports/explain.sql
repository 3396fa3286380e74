-- incubeval explain --carrier ID --year Y: how a carrier's result was
-- made, read from the views. cmd/incubeval/explain.go prints it.

-- name: explain_result :query
-- The result of carrier $carrier_id in year $year: outcome, grade,
-- reasons, score, rank, decision, funding and window; no row when it has
-- none.
SELECT a.name, a.outcome, a.grade, array_to_string(a.reasons, ','), a.score, a.rank_overall,
       d.action, d.reason, CAST(d.deadline AS VARCHAR), CAST(d.banned_until AS VARCHAR), a.level, a.district,
       f.amount_yuan, f.recovery_yuan, CAST(a.window_start AS VARCHAR), CAST(a.window_end AS VARCHAR)
FROM assessments a
LEFT JOIN decisions d USING (year, carrier_id)
LEFT JOIN funding f USING (year, carrier_id)
WHERE a.year = $year AND a.carrier_id = $carrier_id;

-- name: explain_indicators :query
-- The indicators of carrier $carrier_id in year $year in the rubric's
-- order: value, target, weight and points, named as the run that made the
-- result stored them.
SELECT s.indicator, coalesce(i.name_zh, ''), s.value, s.target, s.weight, s.points
FROM indicator_scores s LEFT JOIN rubric_indicators i ON i.run_id = s.run_id AND i.code = s.indicator
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
