-- Step 9 — replace the computed years' results (published years untouched).

-- name: clear
DELETE FROM store.assessments      WHERE year IN (SELECT year FROM assess_years WHERE NOT frozen);
DELETE FROM store.indicator_scores WHERE year IN (SELECT year FROM assess_years WHERE NOT frozen);
DELETE FROM store.decisions        WHERE year IN (SELECT year FROM assess_years WHERE NOT frozen);
DELETE FROM store.funding          WHERE year IN (SELECT year FROM assess_years WHERE NOT frozen);

-- name: assessments
INSERT INTO store.assessments
SELECT l.year, l.carrier_id, c.name, c.district, c.kind, c.level, c.track, c.operator_uscc,
       l.outcome, r.score, r.grade, r.reasons, r.rank_overall, r.rank_district, r.rank_group,
       d.score_delta, d.rank_delta, r.quarters, l.window_start, l.window_end,
       (SELECT run_id FROM assess_run)
FROM a_live l
JOIN carriers c USING (carrier_id)
LEFT JOIN a_ranked r USING (year, carrier_id)
LEFT JOIN a_deltas d USING (year, carrier_id);

-- name: indicator_scores
INSERT INTO store.indicator_scores
SELECT p.year, p.carrier_id, p.indicator, p.ord, p.value, p.target, p.weight, p.points,
       (SELECT run_id FROM assess_run)
FROM a_points p
SEMI JOIN a_ranked r USING (year, carrier_id);

-- name: decisions
INSERT INTO store.decisions
SELECT r.year, r.carrier_id, r.action, r.decision_on,
       CASE WHEN r.action = 'rectify' THEN CAST(r.decision_on + to_days(p.rectify_days) AS DATE) END,
       CASE WHEN r.action IN ('delist', 'revoke') THEN make_date(r.year + p.ban_years, 12, 31) END,
       CASE r.action
           WHEN 'revoke'  THEN 'false_data'
           WHEN 'delist'  THEN 'fail ' || r.previous_graded_year || ' and ' || r.year
           WHEN 'rectify' THEN 'fail ' || r.year || CASE WHEN len(r.reasons) > 0 THEN ': ' || array_to_string(r.reasons, ', ') ELSE '' END
           ELSE r.grade END,
       r.previous_graded_year, c.operator_uscc,
       (SELECT run_id FROM assess_run)
FROM a_ranked r JOIN carriers c USING (carrier_id) CROSS JOIN rubric_param p;

-- name: funding
INSERT INTO store.funding
SELECT f.year, f.carrier_id, f.tier, f.cap_yuan, f.factor, f.amount_yuan,
       coalesce(v.recovery_yuan, 0), f.unscaled_yuan, (SELECT run_id FROM assess_run)
FROM a_funding f
LEFT JOIN a_recovery v USING (year, carrier_id);
