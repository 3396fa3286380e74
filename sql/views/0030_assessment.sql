-- Assessment views: SPEC §5.1's names and columns first, provenance after.

-- name: assessments :view
-- One row per carrier in a year's results; not_assessed and deferred rows
-- have no score, grade or ranks. reasons lists why a grade is what it is.
CREATE OR REPLACE VIEW assessments AS
SELECT year, carrier_id, name, district, kind, level, track, outcome, score,
       grade, reasons, rank_overall, rank_district, rank_group, score_delta,
       rank_delta, quarters_reported, window_start, window_end, run_id,
       year IN (SELECT year FROM store.published_years) AS published
FROM store.assessments;

-- name: indicator_scores :view
-- The eleven indicators of every graded carrier: value, target, weight, points.
CREATE OR REPLACE VIEW indicator_scores AS
SELECT s.year, s.carrier_id, i.code AS indicator, s."values"[i.pos] AS value,
       s.targets[i.pos] AS target, i.weight, s.points[i.pos] AS points, i.ord, s.run_id
FROM store.indicator_lists s
JOIN store.run_indicators i ON i.run_id = s.run_id;

-- name: decisions :view
-- One row per graded carrier: keep, rectify (with deadline), delist or
-- revoke (with the operator's ban).
CREATE OR REPLACE VIEW decisions AS
SELECT year, carrier_id, action, effective_on, deadline, banned_until, reason,
       previous_graded_year, operator_uscc, run_id
FROM store.decisions;

-- name: funding :view
-- One row per graded carrier: tier, cap, grade factor, amount (after any
-- budget scaling) and, for revoked carriers, the amount to recover.
CREATE OR REPLACE VIEW funding AS
SELECT year, carrier_id, tier, cap_yuan, factor, amount_yuan, recovery_yuan,
       unscaled_yuan, run_id
FROM store.funding;

-- name: assessment_runs :view
-- How each run was made: window, rubric (hash and text), budget, data cut-off.
CREATE OR REPLACE VIEW assessment_runs AS
SELECT * FROM store.assessment_runs;

-- name: published_years :view
CREATE OR REPLACE VIEW published_years AS
SELECT * FROM store.published_years;

-- name: bans :view
-- Operators barred from (re-)recognition: from the decision date to banned_until.
CREATE OR REPLACE VIEW bans AS
SELECT operator_uscc, carrier_id, year, action, effective_on AS banned_from, banned_until
FROM store.decisions
WHERE action IN ('delist', 'revoke');
