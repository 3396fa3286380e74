-- Step 7 — rankings (SPEC §4.5): competition ranks (1-2-2-4) by score
-- among the year's graded carriers — overall, within the district and
-- within the group (kind + track) — and the change against calendar year
-- Y-1 when the carrier was graded then: score_delta = score(Y) − score(Y-1),
-- rank_delta = rank(Y-1) − rank(Y) (positive: moved up, 名次上升).

-- name: ranks
-- The three ranks and, in the same table, the change against Y-1 (from this
-- run, or from a published year as it was stored).
CREATE OR REPLACE TEMP TABLE a_ranks AS
WITH r AS MATERIALIZED (
    SELECT year, cid, score,
           rank() OVER (PARTITION BY year ORDER BY score DESC)                AS rank_overall,
           rank() OVER (PARTITION BY year, district ORDER BY score DESC)      AS rank_district,
           rank() OVER (PARTITION BY year, kind, track ORDER BY score DESC)   AS rank_group
    FROM (SELECT g.year, g.cid, c.district, c.kind, c.track, g.score
          FROM a_graded g JOIN a_carriers c USING (cid))
),
prev AS (
    SELECT year, cid, score, rank_overall FROM r
    UNION ALL
    SELECT a.year, c.cid, a.score, a.rank_overall
    FROM store.assessments a JOIN a_carriers c ON c.carrier_id = a.carrier_id
    WHERE a.outcome = 'graded'
      AND a.year NOT IN (SELECT year FROM assess_years WHERE NOT frozen)
)
SELECT r.year, r.cid, r.rank_overall, r.rank_district, r.rank_group,
       r.score - p.score AS score_delta,
       p.rank_overall - r.rank_overall AS rank_delta
FROM r
LEFT JOIN prev p ON p.cid = r.cid AND p.year = r.year - 1;
