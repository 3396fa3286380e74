-- Step 3 — points and score (SPEC §4.2).
-- higher is better: weight × min(1, value / target), target by level;
-- exit_rate (band_lower): full at ≤ full_at, none at ≥ zero_at, linear
-- between, none without incubating firms. Points are rounded to 2 decimals,
-- half away from zero: the quotient is taken to 12 decimals as a DECIMAL
-- (far finer than any tie our values can produce, and free of binary
-- fractions such as 0.075 = 0.07499999…), then DuckDB's DECIMAL round, which
-- rounds half away from zero. The score is the sum of the rounded points.

-- name: points
CREATE OR REPLACE TEMP TABLE a_points AS
SELECT v.year, v.carrier_id, v.indicator, i.ord,
       coalesce(v.value, 0) AS value,
       CASE WHEN i.direction = 'band_lower' THEN i.full_at
            WHEN v.level = 'national' THEN i.target_national
            WHEN v.level = 'provincial' THEN i.target_provincial
            ELSE i.target_municipal END AS target,
       i.weight,
       round(CAST(CASE
           WHEN i.direction = 'band_lower' THEN
               CASE WHEN v.value IS NULL THEN 0
                    WHEN v.value <= i.full_at THEN i.weight
                    WHEN v.value >= i.zero_at THEN 0
                    ELSE i.weight * (i.zero_at - v.value) / (i.zero_at - i.full_at) END
           ELSE i.weight * least(1.0, coalesce(v.value, 0) /
                CASE WHEN v.level = 'national' THEN i.target_national
                     WHEN v.level = 'provincial' THEN i.target_provincial
                     ELSE i.target_municipal END)
       END AS DECIMAL(18,12)), 2) AS points
FROM a_values v
JOIN rubric_indicator i ON i.code = v.indicator;

-- name: scores
CREATE OR REPLACE TEMP TABLE a_scores AS
SELECT year, carrier_id, CAST(sum(points) AS DECIMAL(6,2)) AS score
FROM a_points
GROUP BY year, carrier_id;
