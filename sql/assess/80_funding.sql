-- Step 8 — funding (SPEC §4.6). Tier: national level → national; else the
-- specialized track → specialized; else standard. Amount = cap × the grade's
-- factor. If an annual budget is set and the year's total exceeds it, every
-- amount is scaled by budget / total and rounded down to 100 yuan (exact
-- integer arithmetic). Delisted and revoked carriers get nothing; a revoked
-- carrier's amounts granted for Y-1 and Y are listed for recovery (追回),
-- also when it was revoked in a year it was not graded (deferred or
-- not_assessed, SPEC §4.7 "False data always revokes").
-- An amount depends only on the year, the tier, the grade and whether it is
-- withheld, so the amounts are computed once per such combination
-- (a_funding_rates) and looked up for each carrier (a_funding).

-- name: rates :exec
CREATE OR REPLACE TEMP MACRO funding_tier(level, track) AS
    CASE WHEN level = 'national' THEN 'national'
         WHEN track = 'specialized' THEN 'specialized'
         ELSE 'standard' END;
CREATE OR REPLACE TEMP TABLE a_funding_rates AS
WITH n AS (
    SELECT g.year, funding_tier(c.level, c.track) AS tier, g.grade,
           g.action IN ('delist', 'revoke') AS withheld, count(*) AS carriers
    FROM a_graded g JOIN a_carriers c USING (cid)
    GROUP BY ALL
),
u AS (
    SELECT n.*, t.cap_yuan, f.factor,
           CASE WHEN n.withheld THEN 0
                ELSE CAST(round(t.cap_yuan * f.factor) AS BIGINT) END AS unscaled_yuan
    FROM n
    JOIN rubric_tier t ON t.code = n.tier
    JOIN rubric_factor f ON f.grade = n.grade
),
-- the year's total beside each combination (a window over the hundred-odd
-- rows of u, so that n, which counts every graded carrier, is made once)
totals AS (SELECT *, sum(unscaled_yuan * carriers) OVER (PARTITION BY year) AS total FROM u)
SELECT t.year, t.tier, t.grade, t.withheld, t.cap_yuan, t.factor, t.unscaled_yuan,
       CASE WHEN p.budget_yuan IS NOT NULL AND t.total > p.budget_yuan
            THEN CAST((CAST(t.unscaled_yuan AS HUGEINT) * p.budget_yuan)
                      // (CAST(t.total AS HUGEINT) * p.round_down_to) * p.round_down_to AS BIGINT)
            ELSE t.unscaled_yuan END AS amount_yuan
FROM totals t
CROSS JOIN rubric_param p;

-- name: funding :exec
-- Each graded carrier with its registry row, tier, cap, factor and amounts.
CREATE OR REPLACE TEMP VIEW a_funding AS
SELECT g.*, c.carrier_id, c.registry_ingest_id, c.level,
       r.tier, r.cap_yuan, r.factor, r.unscaled_yuan, r.amount_yuan
FROM a_graded g
JOIN a_carriers c USING (cid)
JOIN a_funding_rates r
  ON r.year = g.year AND r.tier = funding_tier(c.level, c.track) AND r.grade = g.grade
 AND r.withheld = (g.action IN ('delist', 'revoke'));

-- name: funding_ungraded :exec
-- A carrier revoked for false data in a year it was not graded has a
-- funding row all the same (SPEC §4.7 "Rows per year"): its tier and cap,
-- no grade and so no factor, nothing granted, and the recovery below.
CREATE OR REPLACE TEMP VIEW a_funding_ungraded AS
SELECT l.year, l.cid, t.code AS tier, t.cap_yuan,
       CAST(0 AS DECIMAL(4,2)) AS factor, CAST(0 AS BIGINT) AS unscaled_yuan, CAST(0 AS BIGINT) AS amount_yuan
FROM a_live l
JOIN a_carriers c USING (cid)
JOIN rubric_tier t ON t.code = funding_tier(c.level, c.track)
WHERE l.outcome <> 'graded' AND l.action = 'revoke';

-- name: recovery :exec
-- For every revoked carrier, graded or not: what it was granted for Y-1
-- and Y, from this run or from a published year as it was stored.
CREATE OR REPLACE TEMP TABLE a_recovery AS
WITH revoked AS (SELECT year, cid FROM a_live WHERE action = 'revoke'),
granted AS (
    SELECT f.year, f.cid, f.amount_yuan FROM a_funding f
    WHERE f.cid IN (SELECT cid FROM revoked)
    UNION ALL
    SELECT a.year, c.cid, a.amount_yuan
    FROM store.assessments a JOIN a_carriers c ON c.carrier_id = a.carrier_id
    WHERE a.outcome = 'graded'
      AND a.year NOT IN (SELECT year FROM assess_years WHERE NOT frozen)
)
SELECT r.year, r.cid, coalesce(sum(g.amount_yuan), 0) AS recovery_yuan
FROM revoked r
LEFT JOIN granted g ON g.cid = r.cid AND g.year IN (r.year - 1, r.year)
GROUP BY r.year, r.cid;
