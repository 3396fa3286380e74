-- Step 3 — points and score (SPEC §7 "Scoring").
--
-- An indicator's points are never below 0 nor above its weight, and are
-- rounded to 2 decimals half away from zero: the DOUBLE result is taken to
-- 12 decimals as a DECIMAL (far finer than any tie the values can produce,
-- and free of binary fractions such as 0.075 = 0.07499999…), then DuckDB's
-- DECIMAL round, which rounds half away from zero. A blank value earns 0
-- points.
--   linear    weight × min(1, value / target), the target by level
--   band      lower is better: weight at value ≤ full_at, 0 at ≥ zero_at,
--             linear between
--   steps     the points of the largest threshold ≤ value, 0 below the first
--   per_unit  points × floor(value / per), at most the weight
--   relative  weight × value / best, best the largest value of the
--             indicator among the year's graded carriers of the scheme
--             (forced fails included, those removed by an earlier year's
--             delist or revoke not); 0 for all when best is blank or ≤ 0
-- The score is the sum of the rounded points of the indicators that are not
-- bonus, plus min(bonus_cap, the sum of the rounded bonus points).
--
-- incubeval writes a_points from the rubric (see 20_indicators.sql): one
-- SELECT per scheme, over the scheme's rows of a_sums, giving per graded
-- carrier and year its scheme, quarters, the values (DOUBLE, as stored) and
-- points (DECIMAL(6,2)) as lists in the scheme's indicator order, the score,
-- and notes: missing_expert:<item> for each expert item the scheme reads
-- that the carrier has no score for (a reason, not a forced fail).

-- name: removed :exec
-- The graded carrier-years removed by an earlier year's delist or revoke
-- (a_chain, step 5): they have no result, so they are not relative's best.
-- At first, those the stored results say (a carrier delisted or revoked in
-- a stored year, from the next year on): a re-run then scores relative
-- right the first time. When the chain removes other carrier-years, and the
-- rubric scores relative, incubeval fills it with the chain's, scores the
-- relative indicators again in the years and schemes whose best changed
-- (the other points and the values do not change), runs 40_facts.sql
-- again, and 50_chain.sql when a fail changed, until it holds. A year's removals depend on the earlier years only, so whatever
-- it starts from, this ends with the same removals, after at most one
-- round per year.
CREATE OR REPLACE TEMP TABLE a_removed AS
SELECT r.year, r.cid
FROM a_roster r
JOIN a_carriers c USING (cid)
JOIN (SELECT carrier_id, min(year) AS year FROM store.decisions
      WHERE action IN ('delist', 'revoke') GROUP BY carrier_id) d
  ON d.carrier_id = c.carrier_id AND r.year > d.year
WHERE r.outcome = 'graded';

-- name: scoring :exec (then=points)
-- points_of(x): x (at most its weight, by the scoring below) at least 0,
-- and rounded; blank is 0. (least and greatest skip a blank argument, so
-- a blank value is made 0 before them.)
CREATE OR REPLACE TEMP MACRO points_of(x) AS
    round(CAST(greatest(0.0, coalesce(x, 0.0)) AS DECIMAL(18,12)), 2);
CREATE OR REPLACE TEMP MACRO linear_points(value, weight, target) AS
    points_of(weight * least(1.0, coalesce(value, 0.0) / target));
CREATE OR REPLACE TEMP MACRO band_points(value, weight, full_at, zero_at) AS
    points_of(CASE WHEN value <= full_at THEN weight
                   WHEN value >= zero_at THEN 0.0
                   ELSE weight * (zero_at - value) / (zero_at - full_at) END);
CREATE OR REPLACE TEMP MACRO per_unit_points(value, weight, per, points) AS
    points_of(least(weight, points * floor(snap(coalesce(value, 0.0) / per))));
-- (value ≤ best: at most the weight)
CREATE OR REPLACE TEMP MACRO relative_points(value, weight, best) AS
    points_of(CASE WHEN best > 0 THEN weight * value / best END);
