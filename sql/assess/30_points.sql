-- Step 3 — points and score (SPEC §7 "Scoring").
--
-- An indicator's points are never below 0 nor above its weight, and are
-- rounded to 2 decimals half away from zero (DuckDB's DECIMAL round) on
-- the exact value: a weight × a quotient of 10 decimals is a DECIMAL of 20,
-- kept exact until the rounding. A blank value earns 0 points.
--   linear    weight × min(1, value / target), the target by level
--   band      lower is better: weight at value ≤ full_at, 0 at ≥ zero_at,
--             linear between
--   steps     the points of the largest threshold ≤ value, 0 below the first
--   per_unit  points × floor(value / per), at most the weight
--   relative  weight × value / best, best the largest value of the
--             indicator among the year's graded carriers of the scheme
--             (forced fails included); 0 for all when best is blank or ≤ 0
-- The score is the sum of the rounded points of the indicators that are not
-- bonus, plus min(bonus_cap, the sum of the rounded bonus points).
--
-- incubeval writes a_points from the rubric (see 20_indicators.sql): one
-- SELECT per scheme, over the scheme's rows of a_sums, giving per graded
-- carrier and year its scheme, quarters, the values (DOUBLE, as stored) and
-- points (DECIMAL(6,2)) as lists in the scheme's indicator order, the score,
-- and notes: missing_expert:<item> for each expert item the scheme reads
-- that the carrier has no score for (a reason, not a forced fail).

-- name: scoring :exec
-- points_of(x, weight): x clamped to [0, weight] and rounded; blank is 0.
CREATE OR REPLACE TEMP MACRO points_of(x, weight) AS
    round(greatest(CAST(0 AS DECIMAL(38,20)),
                   least(CAST(weight AS DECIMAL(38,20)), CAST(coalesce(x, 0) AS DECIMAL(38,20)))), 2);
-- (least and greatest skip a blank argument: a blank value is kept blank
-- here with CASE, and earns 0 in points_of.)
CREATE OR REPLACE TEMP MACRO linear_points(value, weight, target) AS
    points_of(weight * CASE WHEN value >= target THEN num10(1) ELSE dec_div(value, target) END, weight);
CREATE OR REPLACE TEMP MACRO band_points(value, weight, full_at, zero_at) AS
    points_of(CASE WHEN value <= full_at THEN CAST(weight AS DECIMAL(38,20))
                   WHEN value >= zero_at THEN CAST(0 AS DECIMAL(38,20))
                   ELSE CAST(weight * dec_div(zero_at - value, zero_at - full_at) AS DECIMAL(38,20)) END, weight);
CREATE OR REPLACE TEMP MACRO per_unit_points(value, weight, per, points) AS
    points_of(points * floor(dec_div(value, per)), weight);
CREATE OR REPLACE TEMP MACRO relative_points(value, weight, best) AS
    points_of(CASE WHEN best > 0 THEN weight * dec_div(value, best) END, weight);
