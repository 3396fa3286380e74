-- Step 7 — rankings (SPEC §4.5): competition ranks (1-2-2-4) by score
-- among the year's graded carriers — overall, within the district and
-- within the group (kind + track) — and the change against calendar year
-- Y-1 when the carrier was graded then: score_delta = score(Y) − score(Y-1),
-- rank_delta = rank(Y-1) − rank(Y) (positive: moved up, 名次上升).

-- name: numbers :exec
-- Districts and groups numbered, so that the ranking windows partition on
-- integers.
CREATE OR REPLACE TEMP TABLE a_numbers AS
WITH d AS (
    SELECT district, row_number() OVER (ORDER BY district) AS district_no
    FROM (SELECT DISTINCT district FROM a_carriers)
),
k AS (
    SELECT kind, track, row_number() OVER (ORDER BY kind, track) AS group_no
    FROM (SELECT DISTINCT kind, track FROM a_carriers)
)
SELECT cid, district_no, group_no FROM a_carriers JOIN d USING (district) JOIN k USING (kind, track);

-- name: ranks :exec
CREATE OR REPLACE TEMP TABLE a_ranked AS
SELECT year, cid, score,
       rank() OVER (PARTITION BY year ORDER BY score DESC)              AS rank_overall,
       rank() OVER (PARTITION BY year, district_no ORDER BY score DESC) AS rank_district,
       rank() OVER (PARTITION BY year, group_no ORDER BY score DESC)    AS rank_group
FROM (SELECT l.year, l.cid, n.district_no, n.group_no, l.score
      FROM a_live l JOIN a_numbers n USING (cid)
      WHERE l.outcome = 'graded');

-- name: deltas :exec
-- The change against Y-1, from this run or from a published year as it
-- was stored. (A view: the results read it once, as they are written.)
CREATE OR REPLACE TEMP VIEW a_ranks AS
WITH prev AS (
    SELECT year, cid, score, rank_overall FROM a_ranked
    UNION ALL
    SELECT a.year, c.cid, a.score, a.rank_overall
    FROM store.assessments a JOIN a_carriers c ON c.carrier_id = a.carrier_id
    WHERE a.outcome = 'graded'
      AND a.year NOT IN (SELECT year FROM assess_years WHERE NOT frozen)
)
SELECT r.year, r.cid, r.rank_overall, r.rank_district, r.rank_group,
       r.score - p.score AS score_delta,
       p.rank_overall - r.rank_overall AS rank_delta
FROM a_ranked r
LEFT JOIN prev p ON p.cid = r.cid AND p.year = r.year - 1;
