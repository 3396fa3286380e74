-- Step 8 — funding (SPEC §4.6). Tier: national level → national; else the
-- specialized track → specialized; else standard. Amount = cap × the grade's
-- factor. If an annual budget is set and the year's total exceeds it, every
-- amount is scaled by budget / total and rounded down to 100 yuan (exact
-- integer arithmetic). Delisted and revoked carriers get nothing; a revoked
-- carrier's amounts granted for Y-1 and Y are listed for recovery (追回).

-- name: funding
CREATE OR REPLACE TEMP TABLE a_funding AS
WITH base AS (
    SELECT g.year, g.cid, g.grade, g.action,
           CASE WHEN c.level = 'national' THEN 'national'
                WHEN c.track = 'specialized' THEN 'specialized'
                ELSE 'standard' END AS tier
    FROM a_graded g JOIN a_carriers c USING (cid)
),
amounts AS MATERIALIZED (
    SELECT b.*, t.cap_yuan, f.factor,
           CASE WHEN b.action IN ('delist', 'revoke') THEN 0
                ELSE CAST(round(t.cap_yuan * f.factor) AS BIGINT) END AS unscaled_yuan
    FROM base b
    JOIN rubric_tier t ON t.code = b.tier
    JOIN rubric_factor f ON f.grade = b.grade
),
totals AS (SELECT year, sum(unscaled_yuan) AS total FROM amounts GROUP BY year)
SELECT a.*,
       CASE WHEN p.budget_yuan IS NOT NULL AND t.total > p.budget_yuan
            THEN CAST((CAST(a.unscaled_yuan AS HUGEINT) * p.budget_yuan)
                      // (CAST(t.total AS HUGEINT) * p.round_down_to) * p.round_down_to AS BIGINT)
            ELSE a.unscaled_yuan END AS amount_yuan
FROM amounts a
JOIN totals t USING (year)
CROSS JOIN rubric_param p;

-- name: recovery
CREATE OR REPLACE TEMP TABLE a_recovery AS
WITH granted AS (
    SELECT year, cid, amount_yuan FROM a_funding
    UNION ALL
    SELECT f.year, c.cid, f.amount_yuan
    FROM store.funding f JOIN a_carriers c ON c.carrier_id = f.carrier_id
    WHERE f.year NOT IN (SELECT year FROM assess_years WHERE NOT frozen)
)
SELECT f.year, f.cid, coalesce(sum(g.amount_yuan), 0) AS recovery_yuan
FROM a_funding f
LEFT JOIN granted g ON g.cid = f.cid AND g.year IN (f.year - 1, f.year)
WHERE f.action = 'revoke'
GROUP BY f.year, f.cid;
