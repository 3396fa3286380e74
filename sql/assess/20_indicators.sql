-- Step 2 — indicator values (SPEC §7 "Values"), per graded carrier and
-- year, over S, the window quarters it reported (the winning revision of
-- each), in decimal arithmetic throughout.
--
-- The statements that compute them depend on the rubric, so incubeval
-- writes them from the rubric's parsed expressions (pipeline/assess/
-- compile.go; `incubeval rubric check FILE --sql` prints them) and runs them
-- after this file's macros:
--   a_sums    one row per graded carrier and year: level, scheme, quarters
--             (|S|), on_time, and each aggregate the rubric reads, named
--             <fn>_<column> (sum_trainings, avg_incubating, last_utilization
--             …), the registry values it reads (area_m2 …) and its expert
--             scores (expert_<n>, from the view expert_values);
--   a_points  (30_points.sql) the values, points and score.
-- Nothing of the rubric's text reaches SQL as written: columns and
-- functions come from a fixed list, numbers are re-printed from their
-- parsed digits.
--
-- Blank: sum over S ignores blank cells and is 0 over an empty S; avg, min,
-- max ignore blank cells and are blank over an empty S; last(c) is c in the
-- latest quarter of S. Counts are summed as DOUBLE (exact for whole numbers
-- below 2^53, and cheaper than 128-bit integer sums) and money as DOUBLE
-- rounded back to the 6 decimals it is stored with, which is exact at these
-- magnitudes; both are then DECIMAL(38,10).

-- name: decimal :exec
-- dec_div(a, b): a / b in decimal, truncated toward zero to 10 decimals
-- (DuckDB 1.1.2 divides DECIMALs as DOUBLE, in which 0.9 / 0.3 is
-- 2.9999999999999996); blank when either is blank or b is 0. Exact for |a|
-- below 10^18: both are scaled to integers of 10 decimals (HUGEINT), the
-- quotient of the integers taken and scaled back.
CREATE OR REPLACE TEMP MACRO dec_raw(q) AS
    CAST(q // 10000000000 AS DECIMAL(38,0)) + CAST(q % 10000000000 AS DECIMAL(38,0)) * CAST(0.0000000001 AS DECIMAL(11,10));
CREATE OR REPLACE TEMP MACRO dec_div(a, b) AS
    dec_raw((CAST(CAST(a AS DECIMAL(38,10)) * 10000000000 AS HUGEINT) * 10000000000)
            // CAST(NULLIF(CAST(b AS DECIMAL(38,10)), 0) * 10000000000 AS HUGEINT));
-- num10(x): a value as the steps compute with it.
CREATE OR REPLACE TEMP MACRO num10(x) AS CAST(x AS DECIMAL(38,10));
