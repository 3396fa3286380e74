-- Step 6 — grades and the excellent quota (SPEC §4.3, §4.7, §7 "Quota
-- scope"), with the thresholds of the carrier's scheme:
--   excellent  score ≥ excellent and within the quota
--   good       score ≥ good, or ≥ excellent but outside the quota (reason `quota`)
--   pass       score ≥ pass (or capped by a cap_pass veto)
--   fail       score < pass, or forced (step 4)
-- The quota is per year and quota group — the city (scope city), the
-- carrier's scheme (scope scheme) or its track (scope track): at most
-- floor(share × the group's graded carriers, forced fails included);
-- candidates (≥ their scheme's excellent, not failed, not capped) are
-- taken by score descending, and carriers tied with the last one admitted
-- are admitted too — i.e. a candidate whose competition rank in its group
-- is within the quota. Ties are judged on the exact 2-decimal score.
-- Reasons: the forced ones, then the notes (missing_expert:<item>), then
-- quota.

-- name: quota :exec
-- Per year and quota group: the quota and the cut, the score of the
-- quota-th candidate (or of the last one, when there are fewer candidates
-- than the quota). A candidate is admitted exactly when its score is at
-- least the cut: then fewer than `quota` candidates of its group score
-- higher, so its competition rank is within the quota; below it, the
-- `quota` candidates down to the cut all score higher. A quota of 0 admits
-- no one (the cut is NULL).
CREATE OR REPLACE TEMP TABLE a_quota AS
WITH g AS (
    SELECT year, qgroup, count(*) AS graded,
           CAST(floor(count(*) * (SELECT quota_share FROM rubric_param)) AS INTEGER) AS quota
    FROM a_live
    WHERE outcome = 'graded'
    GROUP BY year, qgroup
),
c AS (
    SELECT l.year, l.qgroup, list(l.score ORDER BY l.score DESC) AS scores
    FROM a_live l
    JOIN rubric_scheme s ON s.ord = l.sno
    WHERE l.outcome = 'graded' AND NOT l.failed AND NOT l.cap_pass AND l.score >= s.excellent
    GROUP BY l.year, l.qgroup
)
SELECT g.year, g.qgroup, g.graded, g.quota,
       CASE WHEN g.quota > 0 THEN c.scores[least(g.quota, len(c.scores))] END AS cut
FROM g LEFT JOIN c USING (year, qgroup);

-- name: grades :exec
-- The graded rows of a_live with their grade and reasons, and below_pass:
-- whether the score is below the pass mark of the carrier's scheme (stored
-- beside the reasons; a forced fail may be below it too).
CREATE OR REPLACE TEMP TABLE a_graded AS
WITH g AS (
    SELECT l.*,
           NOT l.failed AND NOT l.cap_pass AND l.score >= s.excellent AS candidate,
           coalesce(l.score >= q.cut, false) AS within_quota,
           s.good,
           l.score < s.pass AS below_pass
    FROM a_live l
    JOIN a_quota q USING (year, qgroup)
    JOIN rubric_scheme s ON s.ord = l.sno
    WHERE l.outcome = 'graded'
)
SELECT * EXCLUDE (candidate, within_quota, good, qgroup, forced_reasons, notes),
       CASE WHEN failed THEN 'fail'
            WHEN cap_pass THEN 'pass'
            WHEN candidate AND within_quota THEN 'excellent'
            WHEN score >= good THEN 'good'
            ELSE 'pass' END AS grade,
       list_concat(list_concat(forced_reasons, coalesce(notes, []::VARCHAR[])),
                   CASE WHEN candidate AND NOT within_quota THEN ['quota'] ELSE []::VARCHAR[] END) AS reasons
FROM g;
