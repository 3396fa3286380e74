-- Step 6 — grades and the excellent quota (SPEC §4.3, §4.7 "Quota scope").
--   excellent  score ≥ 85 and within the quota
--   good       score ≥ 75, or ≥ 85 but outside the quota (reason `quota`)
--   pass       score ≥ 60 (or capped by a cap_pass veto)
--   fail       score < 60, or forced (step 4)
-- The quota is city-wide per year: at most floor(30% × graded carriers,
-- forced fails included); candidates (≥ 85, not failed, not capped) are
-- taken by score descending, and carriers tied with the last one admitted
-- are admitted too — i.e. a candidate whose competition rank is within the
-- quota. Ties are judged on the exact 2-decimal score.

-- name: quota
CREATE OR REPLACE TEMP TABLE a_quota AS
SELECT year, count(*) AS graded,
       CAST(floor(count(*) * (SELECT quota_share FROM rubric_param)) AS INTEGER) AS quota
FROM a_live WHERE outcome = 'graded'
GROUP BY year;

-- name: candidates
-- Excellent candidates ranked by score within the year.
CREATE OR REPLACE TEMP TABLE a_candidates AS
SELECT l.year, l.cid,
       rank() OVER (PARTITION BY l.year ORDER BY l.score DESC) AS candidate_rank
FROM a_live l CROSS JOIN rubric_param p
WHERE l.outcome = 'graded' AND NOT l.failed AND NOT l.cap_pass AND l.score >= p.excellent;

-- name: grades
CREATE OR REPLACE TEMP TABLE a_graded AS
SELECT l.*,
       CASE WHEN l.failed THEN 'fail'
            WHEN l.cap_pass THEN 'pass'
            WHEN c.candidate_rank <= q.quota THEN 'excellent'
            WHEN l.score >= p.good THEN 'good'
            ELSE 'pass' END AS grade,
       list_concat(l.forced_reasons,
                   CASE WHEN c.candidate_rank > q.quota THEN ['quota'] ELSE []::VARCHAR[] END) AS reasons
FROM a_live l
CROSS JOIN rubric_param p
JOIN a_quota q USING (year)
LEFT JOIN a_candidates c USING (year, cid)
WHERE l.outcome = 'graded';
