-- Step 9 — replace the computed years' results (published years untouched).

-- name: clear :exec
DELETE FROM store.assessments     WHERE year IN (SELECT year FROM assess_years WHERE NOT frozen);
DELETE FROM store.indicator_lists WHERE year IN (SELECT year FROM assess_years WHERE NOT frozen);
DELETE FROM store.decisions       WHERE year IN (SELECT year FROM assess_years WHERE NOT frozen);

-- name: assessments :exec
-- One row per carrier-year: the assessment and, for graded rows, funding.
INSERT INTO store.assessments
-- graded rows (a_funding: a_graded's columns, registry row and funding) …
SELECT f.year, f.carrier_id, f.registry_ingest_id, f.level,
       f.outcome, f.score, f.grade, f.reasons, r.rank_overall, r.rank_district, r.rank_group,
       r.score_delta, r.rank_delta, f.quarters, y.window_start, y.window_end,
       (SELECT run_id FROM assess_run), y.decision_on,
       f.tier, f.cap_yuan, f.factor, f.amount_yuan, coalesce(v.recovery_yuan, 0), f.unscaled_yuan,
       f.below_pass, sc.code
FROM a_funding f
JOIN assess_years y USING (year)
JOIN a_ranks r USING (year, cid)
LEFT JOIN a_recovery v USING (year, cid)
JOIN rubric_scheme sc ON sc.ord = f.sno
UNION ALL
-- … and the not_assessed and deferred ones, without score, grade or ranks;
-- one revoked for false data carries the reason and its funding row
-- (a_funding_ungraded: nothing granted, the recovery).
SELECT l.year, c.carrier_id, c.registry_ingest_id, c.level,
       l.outcome, NULL, NULL, CASE WHEN l.action = 'revoke' THEN ['false_data'] END,
       NULL, NULL, NULL, NULL, NULL, NULL, y.window_start, y.window_end,
       (SELECT run_id FROM assess_run), y.decision_on,
       u.tier, u.cap_yuan, u.factor, u.amount_yuan,
       CASE WHEN u.tier IS NOT NULL THEN coalesce(v.recovery_yuan, 0) END, u.unscaled_yuan,
       NULL, NULL
FROM a_live l
JOIN assess_years y USING (year)
JOIN a_carriers c USING (cid)
LEFT JOIN a_funding_ungraded u USING (year, cid)
LEFT JOIN a_recovery v USING (year, cid)
WHERE l.outcome <> 'graded';

-- name: indicators :exec
-- The run's schemes and their indicators with what they are shown with
-- (views rubric_schemes, rubric_indicators).
INSERT INTO store.run_schemes
SELECT (SELECT run_id FROM assess_run), code, ord, name_zh, name_en, kinds, tracks, levels,
       excellent, good, pass, bonus_cap
FROM rubric_scheme;

INSERT INTO store.run_indicators (run_id, code, pos, ord, weight, name_zh, name_en, unit, direction, full_at, zero_at,
                                  scheme, section, value_expr, score, bonus, steps, per, points)
SELECT (SELECT run_id FROM assess_run), code, pos, pos, weight, name_zh, name_en, unit,
       CASE WHEN score = 'band' THEN 'band_lower' ELSE 'higher' END, full_at, zero_at,
       scheme, section, value_expr, score, bonus, steps, per, points
FROM rubric_indicator;

-- The targets of the linear indicators, once per level (band: full_at).
INSERT INTO store.run_targets (run_id, level, pos, target, scheme)
SELECT (SELECT run_id FROM assess_run), l.level, i.pos,
       CASE WHEN i.score = 'band' THEN i.full_at
            WHEN l.level = 'municipal' THEN i.target_municipal
            WHEN l.level = 'provincial' THEN i.target_provincial
            ELSE i.target_national END,
       i.scheme
FROM rubric_indicator i
CROSS JOIN (VALUES ('municipal'), ('provincial'), ('national')) AS l(level)
WHERE i.score IN ('linear', 'band');

INSERT INTO store.indicator_lists
SELECT p.year, c.carrier_id, p."values", p.points, (SELECT run_id FROM assess_run)
FROM a_points p
JOIN a_carriers c USING (cid)
ANTI JOIN (SELECT year, cid FROM a_chain WHERE removed) x USING (year, cid);

-- name: decisions :exec
-- Only decisions that act; see the decisions view. The graded carriers'
-- (rectify, delist, revoke), and the revocations of carriers not graded
-- that year (deferred or not_assessed, for false data).
INSERT INTO store.decisions
WITH acted AS (
    SELECT year, cid, action, previous_graded_year, reasons FROM a_graded WHERE action <> 'keep'
    UNION ALL
    SELECT year, cid, action, NULL, NULL FROM a_live WHERE outcome <> 'graded' AND action = 'revoke'
)
SELECT g.year, c.carrier_id, g.action, y.decision_on,
       CASE WHEN g.action = 'rectify' THEN CAST(y.decision_on + to_days(p.rectify_days) AS DATE) END,
       CASE WHEN g.action IN ('delist', 'revoke') THEN make_date(g.year + p.ban_years, 12, 31) END,
       CASE g.action
           WHEN 'revoke'  THEN 'false_data'
           WHEN 'delist'  THEN 'fail ' || g.previous_graded_year || ' and ' || g.year
           WHEN 'rectify' THEN 'fail ' || g.year || CASE WHEN len(g.reasons) > 0 THEN ': ' || array_to_string(g.reasons, ', ') ELSE '' END
       END,
       g.previous_graded_year, c.operator_uscc,
       (SELECT run_id FROM assess_run)
FROM acted g
JOIN assess_years y USING (year)
JOIN a_carriers c USING (cid)
CROSS JOIN rubric_param p;   -- a keep is what the decisions view says of the rest

-- name: run :exec
-- What else the run's results are shown with, once per run: the quarters
-- of every year's window with their due dates (view window_quarters), and
-- the rubric's thresholds and constants (view rubric_params).
INSERT INTO store.run_window_quarters
SELECT (SELECT run_id FROM assess_run), year, q_year, q_quarter, due_on FROM assess_window_quarters;
INSERT INTO store.run_params
SELECT (SELECT run_id FROM assess_run), excellent, good, pass, quota_share, on_time_points, late_points,
       missing_points, decision_day, rectify_days, ban_years, round_down_to, quota_scope
FROM rubric_param;
