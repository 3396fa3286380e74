-- What officials act on, a year at a time (pipeline/assess/years.go and
-- assess.go): the summary of a year's stored results that publish,
-- discard and report read, and the inputs that arrived after a year was
-- computed (publish refuses stale results; explain warns of them).

-- name: year_summary :query
-- The stored results of year $year in one row: the latest run that stored
-- them, its window, whether the year is published, and the counts by
-- outcome, grade and action with the funding totals. It reads the base
-- tables in one pass, as the views define them — a graded carrier without
-- an acting decision is kept, the funding is the amounts on the year's
-- rows — because the views' joins to the registry cost a national run
-- 0.1 s for counts that need no names; TestSummaryAgreesWithTheViews
-- holds it to the views. A year with no results has a NULL run_id.
WITH s AS (
    SELECT max(a.run_id) AS run_id, min(a.window_start) AS window_start, max(a.window_end) AS window_end,
           count(*) AS carriers, count(*) FILTER (WHERE a.outcome = 'graded') AS graded,
           count(*) FILTER (WHERE a.outcome = 'not_assessed') AS not_assessed,
           count(*) FILTER (WHERE a.outcome = 'deferred') AS deferred,
           count(*) FILTER (WHERE a.grade = 'excellent') AS excellent, count(*) FILTER (WHERE a.grade = 'good') AS good,
           count(*) FILTER (WHERE a.grade = 'pass') AS pass, count(*) FILTER (WHERE a.grade = 'fail') AS fail,
           count(*) FILTER (WHERE a.outcome = 'graded' AND d.action IS NULL) AS keep,
           count(*) FILTER (WHERE d.action = 'rectify') AS rectify, count(*) FILTER (WHERE d.action = 'delist') AS delist,
           count(*) FILTER (WHERE d.action = 'revoke') AS revoke,
           CAST(coalesce(sum(a.amount_yuan), 0) AS BIGINT) AS funding,
           CAST(coalesce(sum(a.recovery_yuan), 0) AS BIGINT) AS recovery
    FROM store.assessments a
    LEFT JOIN store.decisions d ON d.year = a.year AND d.carrier_id = a.carrier_id
    WHERE a.year = $year
)
SELECT s.run_id, s.window_start, s.window_end,
       (SELECT r.window_kind FROM store.assessment_runs r WHERE r.run_id = s.run_id),
       (SELECT count(*) FROM store.published_years WHERE year = $year) > 0,
       s.carriers, s.graded, s.not_assessed, s.deferred, s.excellent, s.good, s.pass, s.fail,
       s.keep, s.rectify, s.delist, s.revoke, s.funding, s.recovery
FROM s;

-- name: year_newer_inputs :query
-- The data cut-off of assessment run $run_id, and the files (with their
-- accepted rows) ingested after it that can change the results of year
-- $year, whose window ends on $window_end (or those of a year before it,
-- which it builds on): any registry file, incident files holding an
-- incident dated by the window's end, deferral files holding a deferral
-- of the year or before, expert score files holding a score of the year
-- or before, and quarterly files holding a quarter that starts by the
-- window's end. A later quarter, incident, deferral or expert score cannot
-- change the year, and applications (SPEC §8.1) and nominations (§9)
-- never do: eligibility and the talent selection read them, the
-- assessment does not.
WITH r AS (SELECT data_cutoff FROM store.assessment_runs WHERE run_id = $run_id)
SELECT (SELECT data_cutoff FROM r), count(*), coalesce(sum(g.rows_accepted), 0)
FROM store.ingests g
WHERE g.rows_accepted > 0
  AND ((SELECT data_cutoff FROM r) IS NULL OR g.ingested_at > (SELECT data_cutoff FROM r))
  AND CASE g.kind
      WHEN 'quarterly' THEN EXISTS (SELECT 1 FROM store.quarterly q
           WHERE q.ingest_id = g.ingest_id AND make_date(q.year, q.quarter * 3 - 2, 1) <= $window_end)
      WHEN 'incidents' THEN EXISTS (SELECT 1 FROM store.incidents i
           WHERE i.ingest_id = g.ingest_id AND i.occurred_on <= $window_end)
      WHEN 'deferrals' THEN EXISTS (SELECT 1 FROM store.deferrals d
           WHERE d.ingest_id = g.ingest_id AND d.year <= $year)
      WHEN 'expert_scores' THEN EXISTS (SELECT 1 FROM store.expert_scores e
           WHERE e.ingest_id = g.ingest_id AND e.year <= $year)
      WHEN 'applications' THEN false
      WHEN 'nominations' THEN false
      ELSE true END;
