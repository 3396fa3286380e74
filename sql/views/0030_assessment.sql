-- Assessment views: SPEC §5.1's names and columns first, provenance after.

-- name: assessments :view
-- One row per carrier in a year's results; not_assessed and deferred rows
-- have no score, grade or ranks. reasons lists why a grade is what it is.
-- Names, districts, kinds and tracks are those of the registry row in
-- effect when the year was assessed.
CREATE OR REPLACE VIEW assessments AS
SELECT a.year, a.carrier_id, r.name, r.district, r.kind, CAST(a.level AS VARCHAR) AS level, r.track,
       CAST(a.outcome AS VARCHAR) AS outcome, a.score, CAST(a.grade AS VARCHAR) AS grade, a.reasons, a.rank_overall, a.rank_district, a.rank_group, a.score_delta,
       a.rank_delta, a.quarters_reported, a.window_start, a.window_end, a.run_id,
       a.year IN (SELECT year FROM store.published_years) AS published
FROM store.assessments a
LEFT JOIN store.registry r ON r.ingest_id = a.registry_ingest_id AND r.carrier_id = a.carrier_id;

-- name: indicator_scores :view
-- The eleven indicators of every graded carrier: value, target, weight, points.
CREATE OR REPLACE VIEW indicator_scores AS
SELECT s.year, s.carrier_id, i.code AS indicator, s."values"[i.pos] AS value,
       t.target, i.weight, s.points[i.pos] AS points, i.ord, s.run_id
FROM store.indicator_lists s
JOIN store.assessments a ON a.year = s.year AND a.carrier_id = s.carrier_id
JOIN store.run_indicators i ON i.run_id = s.run_id
LEFT JOIN store.run_targets t ON t.run_id = s.run_id AND t.level = CAST(a.level AS VARCHAR) AND t.pos = i.pos;

-- name: decisions :view
-- One row per graded carrier: keep, rectify (with deadline), delist or
-- revoke (with the operator's ban); plus a revoke row for a deferred or
-- not_assessed carrier that gave false data. Only the decisions that act
-- are stored; every other graded carrier is kept, with its grade as the reason.
CREATE OR REPLACE VIEW decisions AS
SELECT a.year, a.carrier_id, coalesce(d.action, 'keep') AS action,
       coalesce(d.effective_on, a.decided_on) AS effective_on, d.deadline, d.banned_until,
       coalesce(d.reason, CAST(a.grade AS VARCHAR)) AS reason, d.previous_graded_year,
       coalesce(d.operator_uscc, r.operator_uscc) AS operator_uscc, a.run_id
FROM store.assessments a
LEFT JOIN store.decisions d ON d.year = a.year AND d.carrier_id = a.carrier_id
LEFT JOIN store.registry r ON r.ingest_id = a.registry_ingest_id AND r.carrier_id = a.carrier_id
WHERE a.outcome = 'graded' OR d.action IS NOT NULL;

-- name: funding :view
-- One row per graded carrier: tier, cap, grade factor, amount (after any
-- budget scaling) and, for revoked carriers, the amount to recover; plus
-- one for a deferred or not_assessed carrier revoked for false data
-- (factor 0, amount 0, the recovery).
CREATE OR REPLACE VIEW funding AS
SELECT year, carrier_id, CAST(tier AS VARCHAR) AS tier, cap_yuan, factor, amount_yuan, recovery_yuan,
       unscaled_yuan, run_id
FROM store.assessments
WHERE outcome = 'graded' OR tier IS NOT NULL;

-- name: assessment_runs :view
-- How each run was made: window, rubric (hash and text), budget, data cut-off.
CREATE OR REPLACE VIEW assessment_runs AS
SELECT * FROM store.assessment_runs;

-- name: published_years :view
-- Years whose results are frozen (publish): later runs read them as they
-- are and never recompute them unless assess --force; when, and by which run.
CREATE OR REPLACE VIEW published_years AS
SELECT * FROM store.published_years;

-- name: bans :view
-- Operators barred from (re-)recognition: from the decision date to banned_until.
CREATE OR REPLACE VIEW bans AS
SELECT operator_uscc, carrier_id, year, action, effective_on AS banned_from, banned_until
FROM store.decisions
WHERE action IN ('delist', 'revoke');
