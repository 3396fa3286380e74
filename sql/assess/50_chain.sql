-- Step 5 — the decisions chain (SPEC §4.4, §4.7 "Chain").
-- For each carrier, year by year (published years as they were published):
--   revoke   a false_data incident in the window (takes precedence), also
--            in a deferred or not_assessed year (SPEC §4.7 "False data
--            always revokes": a decision without a grade);
--   delist   fail, and the previous graded year also fail — the previous
--            graded year is the latest earlier year that was not deferred,
--            if it was graded (a not_assessed year, or none, breaks the chain);
--   rectify  fail otherwise;
--   keep     pass or better.
-- The first revoke or delist removes the carrier from every later year.
-- A published year's decisions are taken as they were published, never
-- recomputed: the years after it build on them. (A published row without a
-- decision — not graded — is marked '-' so that it is never taken for a
-- computed row.)

-- name: chain :exec (then=rescore)
-- (then=rescore: with a relative indicator, incubeval scores it again
-- while the chain removes carriers that counted in its best; 30_points.sql)
-- One pass per carrier in year order: the previous graded year, the action,
-- and the year of removal. a_chain holds the rows computed by this run,
-- those after the removal marked `removed`; a_live is the rest (every year
-- up to and including the removal).
-- Only a carrier that fails, gives false data or was delisted or revoked in
-- a published year (acting) can be delisted, revoked or removed: the pass
-- is made for those (a few hundred of the national 13,000); every other
-- carrier keeps, in each graded year, and is never removed.
CREATE OR REPLACE TEMP TABLE a_chain AS
WITH f AS (
    SELECT year, cid, outcome, failed, false_data, NULL::VARCHAR AS published_action,
           sno, qgroup, score, quarters, cap_pass, forced_reasons, notes
    FROM a_facts
    UNION ALL
    SELECT a.year, c.cid, CAST(a.outcome AS VARCHAR),
           CASE WHEN a.outcome = 'graded' THEN a.grade = 'fail' END,
           CASE WHEN a.outcome = 'graded' THEN coalesce(list_contains(a.reasons, 'false_data'), false) END,
           coalesce(d.action, '-'),
           NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM store.assessments a
    JOIN assess_years y ON y.year = a.year AND y.frozen
    JOIN a_carriers c ON c.carrier_id = a.carrier_id
    LEFT JOIN store.decisions d ON d.year = a.year AND d.carrier_id = a.carrier_id
),
acting AS (
    SELECT DISTINCT cid FROM f WHERE failed OR false_data OR published_action IN ('revoke', 'delist')
),
p AS (
    SELECT *,
           last_value(CASE WHEN outcome <> 'deferred'
                           THEN {'year': year, 'graded': outcome = 'graded', 'failed': failed} END IGNORE NULLS)
               OVER (PARTITION BY cid ORDER BY year
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev
    FROM f SEMI JOIN acting USING (cid)
),
a AS (
    SELECT *,
           CASE WHEN published_action IS NOT NULL THEN published_action
                WHEN false_data THEN 'revoke'
                WHEN outcome <> 'graded' THEN NULL
                WHEN failed AND prev.graded AND prev.failed THEN 'delist'
                WHEN failed THEN 'rectify'
                ELSE 'keep' END AS action
    FROM p
)
SELECT year, cid, outcome, action,
       CASE WHEN action = 'delist' THEN prev.year END AS previous_graded_year,
       sno, qgroup, score, quarters, failed, cap_pass, false_data, forced_reasons, notes,
       NOT coalesce(year <= min(CASE WHEN action IN ('revoke', 'delist') THEN year END)
                                OVER (PARTITION BY cid), true) AS removed
FROM a
QUALIFY published_action IS NULL
UNION ALL
SELECT year, cid, outcome, CASE WHEN outcome = 'graded' THEN 'keep' END, NULL,
       sno, qgroup, score, quarters, failed, cap_pass, false_data, forced_reasons, notes, false
FROM a_facts ANTI JOIN acting USING (cid);

CREATE OR REPLACE TEMP VIEW a_live AS
SELECT * EXCLUDE (removed) FROM a_chain WHERE NOT removed;
