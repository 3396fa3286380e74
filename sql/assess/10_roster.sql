-- Step 1 — window and roster (SPEC §4.1).
-- Every registered carrier recognized by the window's end is in the year's
-- results with one outcome: not_assessed (recognized less than 12 months
-- before the window end, 新认定不参评), deferred (an approved deferral for
-- the year, 暂缓, even if it reported), or graded. Carriers delisted or
-- revoked in an earlier year are removed later, in 50_chain.sql.

-- name: carriers :exec
-- The registry as it stands, each carrier numbered (cid): the steps join on
-- (year, cid), and names, districts … are joined back when results are
-- written.
CREATE OR REPLACE TEMP TABLE a_carriers AS
SELECT CAST(row_number() OVER (ORDER BY carrier_id) AS INTEGER) AS cid,
       carrier_id, level, track, kind, district, recognized_on, operator_uscc,
       ingest_id AS registry_ingest_id,  -- the registry row in effect
       area_m2, service_area_m2, workstations, staff
FROM carriers;

-- name: schemes :exec
-- Each carrier's scheme (SPEC §7 "Which scheme"): the first, in the
-- rubric's order, whose kinds, tracks and levels all match the carrier's.
-- The steps carry its number (sno, rubric_scheme.ord); the results, its code.
CREATE OR REPLACE TEMP TABLE a_schemes AS
SELECT c.cid, CAST(min(s.ord) AS INTEGER) AS sno
FROM a_carriers c
JOIN rubric_scheme s
  ON (s.kinds IS NULL OR list_contains(s.kinds, c.kind))
 AND (s.tracks IS NULL OR list_contains(s.tracks, c.track))
 AND (s.levels IS NULL OR list_contains(s.levels, c.level))
GROUP BY c.cid;

-- name: roster :exec
-- sno: the graded rows' scheme (empty on not_assessed and deferred rows);
-- and qgroup, the group whose excellent quota the carrier counts in
-- (60_grades.sql): the city (0), its scheme (sno) or its track (1
-- comprehensive, 2 specialized), by the rubric's quota scope. Both are
-- the carrier's, found once per carrier (k) before it is listed per year.
CREATE OR REPLACE TEMP TABLE a_roster AS
WITH k AS (
    SELECT c.cid, c.carrier_id, c.level, c.recognized_on, s.sno,
           CASE p.quota_scope WHEN 'scheme' THEN s.sno
                              WHEN 'track' THEN CASE WHEN c.track = 'specialized' THEN 2 ELSE 1 END
                              ELSE 0 END AS qgroup
    FROM a_carriers c
    LEFT JOIN a_schemes s USING (cid)
    CROSS JOIN rubric_param p
),
r AS (
    SELECT y.year, k.cid, k.level, y.window_start, y.window_end,
           CASE
               WHEN k.recognized_on > CAST(y.window_end - INTERVAL 1 YEAR AS DATE) THEN 'not_assessed'
               WHEN d.carrier_id IS NOT NULL THEN 'deferred'
               ELSE 'graded'
           END AS outcome,
           k.sno, k.qgroup
    FROM assess_years y
    JOIN k ON k.recognized_on <= y.window_end
    LEFT JOIN (SELECT DISTINCT carrier_id, year FROM deferrals) d
           ON d.carrier_id = k.carrier_id AND d.year = y.year
    WHERE NOT y.frozen
)
SELECT year, cid, level, window_start, window_end, outcome,
       CASE WHEN outcome = 'graded' THEN sno END AS sno,
       CASE WHEN outcome = 'graded' THEN qgroup END AS qgroup
FROM r;

-- name: unmatched :exec (then=unmatched)
-- Graded carriers that no scheme scores: the assessment stops, naming the
-- first (SPEC §7), before anything is stored (then=unmatched: incubeval
-- reads a_unmatched).
CREATE OR REPLACE TEMP TABLE a_unmatched AS
SELECT r.year, c.carrier_id, c.kind, c.track, c.level
FROM a_roster r JOIN a_carriers c USING (cid)
WHERE r.outcome = 'graded' AND r.sno IS NULL
ORDER BY c.carrier_id, r.year
LIMIT 1;
