-- Step 4 — forced fails and vetoes (SPEC §4.3). Whether a carrier fails in
-- a year depends on its own data only (the excellent quota decides between
-- excellent and good, never fail), so the decisions chain can be computed
-- before the grades.
--   no_data          no quarterly report in the window (未报送视为不合格)
--   missing_reports  two or more of the four window quarters missing
--   veto:<type>      an incident of a vetoing type inside the window
--                    (action fail, or cap_pass: grade at most pass)
--   false_data       提供虚假材料: fail, and the carrier is revoked
-- A forced fail keeps its score and is ranked by it.
-- False data always revokes (SPEC §4.7): a false_data incident in the
-- window of a deferred or not_assessed year revokes the carrier too, without
-- a grade; the vetoes act on graded carriers only.

-- name: vetoes :exec
CREATE OR REPLACE TEMP TABLE a_vetoes AS
SELECT DISTINCT r.year, r.cid, i.type,
       CASE WHEN i.type = 'false_data' THEN 'revoke' ELSE v.action END AS action
FROM a_roster r
JOIN a_carriers c USING (cid)
JOIN incidents i
  ON i.carrier_id = c.carrier_id AND i.occurred_on BETWEEN r.window_start AND r.window_end
LEFT JOIN rubric_veto v ON v.type = i.type
WHERE i.type = 'false_data' OR (r.outcome = 'graded' AND v.action IS NOT NULL);

-- name: facts :exec
-- One row per roster row: the graded ones with their scheme, score,
-- forced fails and notes (missing_expert:<item>, from the points, carried
-- to the grades' reasons), the not_assessed and deferred ones with their
-- outcome and whether they gave false data.
CREATE OR REPLACE TEMP TABLE a_facts AS
WITH v AS (
    SELECT year, cid,
           list('veto:' || type ORDER BY type) FILTER (WHERE action IN ('fail', 'cap_pass')) AS veto_reasons,
           bool_or(action = 'fail')     AS veto_fail,
           bool_or(action = 'cap_pass') AS cap_pass,
           bool_or(action = 'revoke')   AS false_data
    FROM a_vetoes GROUP BY year, cid
)
SELECT s.year, s.cid, 'graded' AS outcome, s.sno, s.qgroup, s.score, s.quarters,
       coalesce(v.cap_pass, false)   AS cap_pass,
       coalesce(v.false_data, false) AS false_data,
       list_concat(list_concat(
           CASE WHEN s.quarters = 0 THEN ['no_data']
                WHEN s.quarters <= 2 THEN ['missing_reports']
                ELSE []::VARCHAR[] END,
           coalesce(v.veto_reasons, []::VARCHAR[])),
           CASE WHEN v.false_data THEN ['false_data'] ELSE []::VARCHAR[] END
       ) AS forced_reasons,
       s.score < sc.pass OR s.quarters <= 2 OR coalesce(v.veto_fail, false)
           OR coalesce(v.false_data, false) AS failed,
       s.notes
FROM a_points s
JOIN rubric_scheme sc ON sc.ord = s.sno   -- the pass mark is the scheme's
LEFT JOIN v USING (year, cid)
UNION ALL
SELECT r.year, r.cid, r.outcome, NULL, NULL, NULL, NULL, NULL, fd.cid IS NOT NULL, NULL, NULL, NULL
FROM a_roster r
LEFT JOIN (SELECT DISTINCT year, cid FROM a_vetoes WHERE action = 'revoke') fd
       ON fd.year = r.year AND fd.cid = r.cid
WHERE r.outcome <> 'graded';
