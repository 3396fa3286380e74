-- Step 3 — points and score (SPEC §4.2).
-- higher is better: weight × min(1, value / target), target by level;
-- exit_rate: full points at ≤ full_at, none at ≥ zero_at, linear between,
-- none without incubating firms. Points are rounded to 2 decimals, half
-- away from zero: the quotient is taken to 12 decimals as a DECIMAL (far
-- finer than any tie our values can produce, and free of binary fractions
-- such as 0.075 = 0.07499999…), then DuckDB's DECIMAL round, which rounds
-- half away from zero. The score is the sum of the rounded points.

-- name: macros :exec
CREATE OR REPLACE TEMP MACRO higher_points(weight, value, target) AS
    round(CAST(weight * least(1.0, coalesce(value, 0) / target) AS DECIMAL(18,12)), 2);
CREATE OR REPLACE TEMP MACRO band_points(weight, value, full_at, zero_at) AS
    round(CAST(CASE WHEN value IS NULL THEN 0
                    WHEN value <= full_at THEN weight
                    WHEN value >= zero_at THEN 0
                    ELSE weight * (zero_at - value) / (zero_at - full_at) END AS DECIMAL(18,12)), 2);

-- name: points :exec
-- One row per graded carrier and year: values and points as lists
-- in SPEC §4.2's order (filed_ratio … reporting), and their score.
CREATE OR REPLACE TEMP TABLE a_points AS
WITH p AS (
    SELECT v.year, v.cid, v.quarters,
           [v.filed_ratio, v.trainings, v.trainees, v.events, v.incubating_avg, v.graduated,
            coalesce(v.exit_rate, 0), v.jobs_avg, v.revenue, v.financing, v.reporting] AS "values",
           [higher_points(r.weight_filed_ratio,    v.filed_ratio,    r.target_filed_ratio),
            higher_points(r.weight_trainings,      v.trainings,      r.target_trainings),
            higher_points(r.weight_trainees,       v.trainees,       r.target_trainees),
            higher_points(r.weight_events,         v.events,         r.target_events),
            higher_points(r.weight_incubating_avg, v.incubating_avg, r.target_incubating_avg),
            higher_points(r.weight_graduated,      v.graduated,      r.target_graduated),
            band_points(r.weight_exit_rate,        v.exit_rate,      r.exit_rate_full_at, r.exit_rate_zero_at),
            higher_points(r.weight_jobs_avg,       v.jobs_avg,       r.target_jobs_avg),
            higher_points(r.weight_revenue,        v.revenue,        r.target_revenue),
            higher_points(r.weight_financing,      v.financing,      r.target_financing),
            higher_points(r.weight_reporting,      v.reporting,      r.target_reporting)] AS points
    FROM a_values v
    JOIN rubric_level r USING (level)
)
SELECT p.*, CAST(list_sum(points) AS DECIMAL(6,2)) AS score
FROM p;
