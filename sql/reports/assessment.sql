-- The assessment workbook (评价结果工作簿, assessment-Y.xlsx; incubeval
-- report, run, demo and the yearly job): every number its sheets show,
-- read from the views. reports/assessment*.go lays them out; the 概览
-- summary sheet's queries are in assessment_summary.sql.

-- name: assessment_year :query
-- The latest run of year $year that graded it, its window and whether it
-- is published: no run_id when the year has no results.
SELECT max(run_id), min(window_start), max(window_end), bool_or(published)
FROM assessments WHERE year = $year;

-- name: assessment_run :query
-- Run $run_id: its window kind, when it computed, its data cut-off, budget
-- and rubric (the YAML is read only for what the run stores no table of:
-- the vetoes, the funding tiers' names and the grade factors).
SELECT window_kind, computed_at, data_cutoff, budget_yuan, rubric_sha256, rubric_yaml
FROM assessment_runs WHERE run_id = $run_id;

-- name: assessment_params :query
-- The rubric parameters run $run_id stored (the default grade thresholds,
-- the excellent quota and its scope), its decision day as a date of year
-- $year; no row for a run stored before they were kept.
SELECT CAST(excellent AS DOUBLE), CAST(good AS DOUBLE), CAST(pass AS DOUBLE), CAST(quota_share AS DOUBLE),
       coalesce(quota_scope, 'city'), on_time_points, late_points, missing_points,
       strptime(CAST($year AS VARCHAR) || '-' || decision_day, '%Y-%m-%d'), rectify_days, ban_years, round_down_to
FROM rubric_params WHERE run_id = $run_id;

-- name: assessment_reporting_weight :query
-- The weight of the reporting indicator in run $run_id: NULL when no
-- scheme has one or the schemes weigh it differently.
SELECT CASE WHEN count(DISTINCT weight) = 1 THEN CAST(any_value(weight) AS DOUBLE) END
FROM rubric_indicators WHERE run_id = $run_id AND code = 'reporting';

-- name: assessment_graded_count :query
-- How many carriers year $year graded (the workbook compares with the year
-- before when it graded any).
SELECT count(*) FROM assessments WHERE year = $year AND outcome = 'graded';

-- name: assessment_schemes :query
-- The schemes (评分方案) of run $run_id in the order they are tried: code,
-- names, what they apply to (NULL: every value), grade thresholds and
-- bonus cap (rubric_schemes).
SELECT code, coalesce(name_zh, code), coalesce(name_en, code), kinds, tracks, levels,
       CAST(excellent AS DOUBLE), CAST(good AS DOUBLE), CAST(pass AS DOUBLE), CAST(coalesce(bonus_cap, 0) AS DOUBLE)
FROM rubric_schemes WHERE run_id = $run_id
ORDER BY ord, code;

-- name: assessment_indicators :query
-- The indicators of run $run_id, scheme by scheme in the order the schemes
-- are tried and each scheme's in display order, as the run stored them
-- (rubric_indicators): names, unit, direction, targets, band bounds,
-- section, value expression, scoring and its parameters, bonus.
SELECT i.scheme, i.code, i.ord, CAST(i.weight AS DOUBLE), coalesce(i.name_zh, i.code), coalesce(i.name_en, i.code),
       coalesce(i.unit, ''), coalesce(i.direction, ''), i.target_municipal, i.target_provincial, i.target_national,
       i.full_at, i.zero_at, coalesce(i.section, ''), coalesce(i.value_expr, ''), coalesce(i.score, ''),
       coalesce(i.bonus, false), i.steps, i.per, i.points
FROM rubric_indicators i
LEFT JOIN rubric_schemes s ON s.run_id = i.run_id AND s.code = i.scheme
WHERE i.run_id = $run_id
ORDER BY s.ord NULLS LAST, i.scheme, i.ord, i.code;

-- name: assessment_rankings :query
-- 排名 Rankings: every carrier year $year graded (with $scheme, those its
-- scheme scored), in the city-wide rank order, with its scheme. (Its points
-- on each indicator of the scheme are those of assessment_indicator_rows,
-- read once for both sheets.)
SELECT a.rank_overall, a.carrier_id, a.name, a.district, a.kind, a.level, a.track,
       CAST(a.score AS DOUBLE), a.grade, CAST(a.score_delta AS DOUBLE), a.rank_delta,
       a.rank_district, a.rank_group, a.reasons, coalesce(a.scheme, '')
FROM assessments a
WHERE a.year = $year AND a.outcome = 'graded' AND (CAST($scheme AS VARCHAR) IS NULL OR a.scheme = $scheme)
ORDER BY a.rank_overall, a.carrier_id;

-- name: assessment_rectify :query
-- 限期整改 Rectification: the carriers year $year's decisions tell to rectify,
-- with why (reasons, below_pass) and by when.
SELECT d.carrier_id, a.name, a.district, a.kind, a.level, c.operator_name,
       CAST(a.score AS DOUBLE), a.grade, a.reasons, a.below_pass, d.effective_on, d.deadline
FROM decisions d
JOIN assessments a ON a.year = d.year AND a.carrier_id = d.carrier_id
LEFT JOIN carriers c ON c.carrier_id = d.carrier_id
WHERE d.year = $year AND d.action = 'rectify'
ORDER BY a.rank_overall, d.carrier_id;

-- name: assessment_delist :query
-- 摘牌与撤销 Delisting and revocation: the carriers year $year delisted or
-- revoked, with their operator, the failing years, the ban and any subsidy
-- to recover.
SELECT d.action, d.carrier_id, a.name, a.district, a.kind, a.level, c.operator_name, d.operator_uscc,
       CAST(a.score AS DOUBLE), a.reasons, a.below_pass, d.previous_graded_year, p.grade AS previous_grade,
       d.effective_on, d.banned_until, fu.recovery_yuan
FROM decisions d
JOIN assessments a ON a.year = d.year AND a.carrier_id = d.carrier_id
LEFT JOIN carriers c ON c.carrier_id = d.carrier_id
LEFT JOIN assessments p ON p.year = d.previous_graded_year AND p.carrier_id = d.carrier_id
LEFT JOIN funding fu ON fu.year = d.year AND fu.carrier_id = d.carrier_id
WHERE d.year = $year AND d.action IN ('delist', 'revoke')
ORDER BY d.action, a.rank_overall, d.carrier_id;

-- name: assessment_funding :query
-- 资助 Funding: each carrier's subsidy of year $year, in rank order, with
-- its decision.
SELECT a.rank_overall, fu.carrier_id, a.name, a.district, a.level, a.track, a.grade, fu.tier,
       fu.cap_yuan, CAST(fu.factor AS DOUBLE), fu.unscaled_yuan, fu.amount_yuan, fu.recovery_yuan, d.action
FROM funding fu
JOIN assessments a ON a.year = fu.year AND a.carrier_id = fu.carrier_id
LEFT JOIN decisions d ON d.year = fu.year AND d.carrier_id = fu.carrier_id
WHERE fu.year = $year
ORDER BY a.rank_overall, fu.carrier_id;

-- name: assessment_funding_totals :query
-- The funding of year $year by tier, national first, and the total (tier
-- NULL, last).
SELECT tier, count(*), CAST(sum(unscaled_yuan) AS BIGINT), CAST(sum(amount_yuan) AS BIGINT),
       CAST(sum(recovery_yuan) AS BIGINT)
FROM funding WHERE year = $year
GROUP BY ROLLUP (tier)
ORDER BY tier IS NULL, list_position(['national', 'specialized', 'standard'], tier), tier;

-- name: assessment_window_quarters :query
-- The quarters of year $year's window with their due dates, as the run
-- stored them.
SELECT quarter_year, quarter, due_on FROM window_quarters WHERE year = $year ORDER BY 1, 2;

-- name: assessment_compliance :query
-- 数据报送 Reporting: every graded carrier of year $year in rank order, one
-- row per quarter of the window (in quarter order) with its report, if any
-- (submitted on, on time, days late); the carrier's counts of on-time,
-- late and missing reports and its reporting points. (The counts are a
-- grouping of the quarters joined back, not window aggregates with
-- filters, which took most of the query's time; the reports are those of
-- the window's years only, read as such: joined whole, every year's
-- reports went into the join's hash table, 0.13 s of the 0.19 s.)
WITH g AS (
    SELECT carrier_id, name, district, rank_overall FROM assessments WHERE year = $year AND outcome = 'graded'),
w AS (SELECT quarter_year AS y, quarter AS q FROM window_quarters WHERE year = $year),
r AS MATERIALIZED (
    SELECT g.*, w.y, w.q, q.submitted_on, q.on_time, q.days_late
    FROM g CROSS JOIN w
    LEFT JOIN (SELECT carrier_id, year, quarter, submitted_on, on_time, days_late FROM quarterly_reports
               WHERE year BETWEEN (SELECT min(y) FROM w) AND (SELECT max(y) FROM w)) q
           ON q.carrier_id = g.carrier_id AND q.year = w.y AND q.quarter = w.q),
c AS (
    SELECT carrier_id, count(*) FILTER (WHERE on_time) AS n_on_time, count(*) FILTER (WHERE NOT on_time) AS n_late,
           count(*) FILTER (WHERE on_time IS NULL) AS n_missing
    FROM r GROUP BY carrier_id)
SELECT r.carrier_id, r.name, r.district, r.submitted_on, r.on_time, r.days_late,
       c.n_on_time, c.n_late, c.n_missing, CAST(s.points AS DOUBLE)
FROM r
JOIN c USING (carrier_id)
LEFT JOIN indicator_scores s ON s.year = $year AND s.carrier_id = r.carrier_id AND s.indicator = 'reporting'
ORDER BY r.rank_overall, r.carrier_id, r.y, r.q;

-- name: assessment_indicator_rows :query
-- 指标明细 Indicators: one row per carrier of year $year and indicator of
-- its scheme, in rank, carrier and display order: value, target (linear;
-- the band's full-points line), weight and points.
SELECT a.rank_overall, s.carrier_id, a.name, a.level, s.ord, CAST(s.value AS DOUBLE),
       CAST(s.target AS DOUBLE), CAST(s.weight AS DOUBLE), CAST(s.points AS DOUBLE), coalesce(s.scheme, '')
FROM indicator_scores s
JOIN assessments a ON a.year = s.year AND a.carrier_id = s.carrier_id
WHERE s.year = $year
ORDER BY a.rank_overall, s.carrier_id, s.ord;

-- name: assessment_input_files :query
-- 说明 Method, input files: the files ingested up to the run's data cut-off
-- $cutoff (NULL: all), rejected files left out, in ingest order.
SELECT file_name, sha256, kind, rows_read, rows_accepted, rows_rejected, status, ingested_at
FROM ingest_log
WHERE status <> 'rejected' AND (CAST($cutoff AS TIMESTAMP) IS NULL OR ingested_at <= CAST($cutoff AS TIMESTAMP))
ORDER BY ingest_id;
