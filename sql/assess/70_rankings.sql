-- Step 7 — rankings (SPEC §4.5): competition ranks (1-2-2-4) by score
-- among the year's graded carriers — overall, within the district and
-- within the group (kind + track) — and the change against calendar year
-- Y-1 when the carrier was graded then: score_delta = score(Y) − score(Y-1),
-- rank_delta = rank(Y-1) − rank(Y) (positive: moved up, 名次上升).

-- name: ranks
-- (computed on the few columns they need: DuckDB's window sorts carry the
-- whole row.)
CREATE OR REPLACE TEMP TABLE a_ranks AS
SELECT year, carrier_id,
       rank() OVER (PARTITION BY year ORDER BY score DESC)                AS rank_overall,
       rank() OVER (PARTITION BY year, district ORDER BY score DESC)      AS rank_district,
       rank() OVER (PARTITION BY year, kind, track ORDER BY score DESC)   AS rank_group
FROM (SELECT g.year, g.carrier_id, c.district, c.kind, c.track, g.score
      FROM a_graded g JOIN carriers c USING (carrier_id));

-- name: ranked
CREATE OR REPLACE TEMP TABLE a_ranked AS
SELECT g.*, r.rank_overall, r.rank_district, r.rank_group
FROM a_graded g JOIN a_ranks r USING (year, carrier_id);

-- name: deltas
CREATE OR REPLACE TEMP TABLE a_deltas AS
WITH prev AS (
    SELECT year, carrier_id, score, rank_overall FROM a_ranked
    UNION ALL
    SELECT a.year, a.carrier_id, a.score, a.rank_overall
    FROM store.assessments a
    WHERE a.outcome = 'graded'
      AND a.year NOT IN (SELECT year FROM assess_years WHERE NOT frozen)
)
SELECT r.year, r.carrier_id,
       r.score - p.score AS score_delta,
       p.rank_overall - r.rank_overall AS rank_delta
FROM a_ranked r
JOIN prev p ON p.carrier_id = r.carrier_id AND p.year = r.year - 1;
