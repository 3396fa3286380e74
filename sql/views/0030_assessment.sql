-- Assessment views: SPEC §5.1's names and columns first, provenance after.

-- name: assessments :view
-- One row per carrier in a year's results; not_assessed and deferred rows
-- have no score, grade or ranks. reasons lists why a grade is what it is:
-- the forced fails (no_data, missing_reports, veto:<type>, false_data) and
-- quota; below_pass says the score was below the run's pass mark (a fail
-- without a forced reason is one).
-- Names, districts, kinds and tracks are those of the registry row in
-- effect when the year was assessed.
CREATE OR REPLACE VIEW assessments AS
SELECT a.year, a.carrier_id, r.name, r.district, r.kind, CAST(a.level AS VARCHAR) AS level, r.track,
       CAST(a.outcome AS VARCHAR) AS outcome, a.score, CAST(a.grade AS VARCHAR) AS grade, a.reasons, a.rank_overall, a.rank_district, a.rank_group, a.score_delta,
       a.rank_delta, a.quarters_reported, a.window_start, a.window_end, a.run_id,
       a.year IN (SELECT year FROM store.published_years) AS published,
       a.below_pass, a.scheme
FROM store.assessments a
LEFT JOIN store.registry r ON r.ingest_id = a.registry_ingest_id AND r.carrier_id = a.carrier_id;

-- name: indicator_scores :view
-- The indicators of every graded carrier's scheme, bonus ones included: value, target (linear; the band's full_at), weight, points, whether the target is met (target_met), section and bonus.
-- The target is met at or above it (band: at or below its full-points
-- line); for steps, per_unit and relative scoring, when the indicator
-- earned its full weight. A blank value (a division by zero, no quarters,
-- a missing expert score) earns nothing and meets nothing.
CREATE OR REPLACE VIEW indicator_scores AS
SELECT s.year, s.carrier_id, i.code AS indicator, s."values"[i.pos] AS value,
       t.target, i.weight, s.points[i.pos] AS points, i.ord, s.run_id,
       coalesce(CASE i.score
                    WHEN 'band'   THEN s."values"[i.pos] <= t.target
                    WHEN 'linear' THEN s."values"[i.pos] >= t.target
                    ELSE i.weight > 0 AND s.points[i.pos] >= i.weight END, false) AS target_met,
       i.scheme, i.section, i.bonus
FROM store.indicator_lists s
JOIN store.assessments a ON a.year = s.year AND a.carrier_id = s.carrier_id
JOIN store.run_indicators i ON i.run_id = s.run_id AND i.scheme = a.scheme
LEFT JOIN store.run_targets t ON t.run_id = s.run_id AND t.scheme = i.scheme AND t.level = CAST(a.level AS VARCHAR) AND t.pos = i.pos;

-- name: group_medians :view
-- Per year, ranking group, scheme and indicator: the graded carriers of the group scored by the scheme (carriers) and the median of their values (median), which each carrier's feedback letter is compared with.
-- The group is kind + track, the group of assessments.rank_group; blank
-- values are left out of the median.
CREATE OR REPLACE VIEW group_medians AS
WITH g AS (
    SELECT year, carrier_id, kind, track, scheme,
           count(*) OVER (PARTITION BY year, kind, track, scheme) AS carriers
    FROM assessments
    WHERE outcome = 'graded'
)
SELECT s.year, g.kind, g.track, g.scheme, s.indicator, min(s.ord) AS ord, any_value(g.carriers) AS carriers,
       median(s.value) AS median
FROM indicator_scores s
JOIN g ON g.year = s.year AND g.carrier_id = s.carrier_id
GROUP BY s.year, g.kind, g.track, g.scheme, s.indicator;

-- name: window_quarters :view
-- The four quarters of each stored year's window, as the run that made the year's results computed them: year, quarter_year, quarter, and due_on, the day the report was due.
-- (Results stored before the runs kept them: the quarters between the
-- window's start and end they carry.)
CREATE OR REPLACE VIEW window_quarters AS
SELECT w.year, w.quarter_year, w.quarter, w.due_on, w.run_id
FROM store.run_window_quarters w
JOIN (SELECT year, max(run_id) AS run_id FROM store.assessments GROUP BY year) a
  ON a.year = w.year AND a.run_id = w.run_id;

-- name: rubric_schemes :view
-- Each run's schemes (评分方案) in the order they are tried: code, Chinese and English names, the kinds, tracks and levels they apply to (NULL: every value), grade thresholds and bonus cap.
-- Runs stored before schemes existed have one, default, for every carrier.
CREATE OR REPLACE VIEW rubric_schemes AS
SELECT run_id, code, ord, name_zh, name_en, kinds, tracks, levels, excellent, good, pass, bonus_cap
FROM store.run_schemes;

-- name: rubric_indicators :view
-- Each run's indicators per scheme as its rubric gave them, in display order (ord): code, names, section, unit, value expression (value_expr), scoring (score: linear, band, steps, per_unit, relative) and its parameters, weight, bonus.
-- direction is band_lower for band scoring, higher otherwise; targets by
-- level of recognition for linear scoring; full_at, zero_at for band;
-- steps ([threshold, points] ascending), per and points for per_unit.
-- What the workbooks and explain label results with, stored with the run.
-- Runs stored before these were kept have them from the rubric they
-- recorded; where it no longer reads, names, unit and zero_at are NULL.
CREATE OR REPLACE VIEW rubric_indicators AS
SELECT i.run_id, i.code, i.ord, i.name_zh, i.name_en, i.unit, i.direction, i.weight,
       t.municipal AS target_municipal, t.provincial AS target_provincial, t.national AS target_national,
       i.full_at, i.zero_at, i.scheme, i.section, i.value_expr, i.score, i.bonus, i.steps, i.per, i.points
FROM store.run_indicators i
LEFT JOIN (SELECT run_id, scheme, pos,
                  max(target) FILTER (WHERE level = 'municipal')  AS municipal,
                  max(target) FILTER (WHERE level = 'provincial') AS provincial,
                  max(target) FILTER (WHERE level = 'national')   AS national
           FROM store.run_targets GROUP BY run_id, scheme, pos) t
       ON t.run_id = i.run_id AND t.scheme = i.scheme AND t.pos = i.pos AND i.score = 'linear';

-- name: rubric_params :view
-- Each run's default grade thresholds (each scheme's: rubric_schemes), excellent quota share and scope (city, scheme, track), reporting points per window quarter and decision constants (decision day MM-DD, rectification days, ban years, the yuan scaled amounts are rounded down to), as the steps used them.
-- Runs stored before these were kept have them from the rubric they
-- recorded; none where it no longer reads.
CREATE OR REPLACE VIEW rubric_params AS
SELECT run_id, excellent, good, pass, quota_share, on_time_points, late_points, missing_points,
       decision_day, rectify_days, ban_years, round_down_to, quota_scope
FROM store.run_params;

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
