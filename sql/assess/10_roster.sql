-- Step 1 — window and roster (SPEC §4.1).
-- Every registered carrier recognized by the window's end is in the year's
-- results with one outcome: not_assessed (recognized less than 12 months
-- before the window end, 新认定不参评), deferred (an approved deferral for
-- the year, 暂缓, even if it reported), or graded. Carriers delisted or
-- revoked in an earlier year are removed later, in 50_chain.sql.

-- name: roster
-- (Only the columns the steps need; names, districts … are joined from
-- `carriers` where they are used.)
CREATE OR REPLACE TEMP TABLE a_roster AS
SELECT y.year, c.carrier_id, c.level, y.window_start, y.window_end, y.decision_on,
       CASE
           WHEN c.recognized_on > CAST(y.window_end - INTERVAL 1 YEAR AS DATE) THEN 'not_assessed'
           WHEN EXISTS (SELECT 1 FROM deferrals d
                        WHERE d.carrier_id = c.carrier_id AND d.year = y.year) THEN 'deferred'
           ELSE 'graded'
       END AS outcome
FROM assess_years y
JOIN carriers c ON c.recognized_on <= y.window_end
WHERE NOT y.frozen;
