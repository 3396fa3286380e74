-- The talent workbook (百千万 创业人才选拔, talent-<Y>.xlsx; SPEC §9): the
-- latest stored decision of year $year, as the views talent_runs,
-- talent_results and talent_quota hold it, with the progress of every
-- year decided up to it. reports/talent.go lays the sheets out; the rows
-- and the order they are shown in are chosen here. An ID number is only
-- ever read masked (talent_results.person_id_masked): no query of this
-- file names a person_id.

-- name: talent_run :query
-- The latest decision of year $year (no row: never decided): when, the
-- selection day, the programme's code, name, SHA-256 and text (the YAML
-- file the decision read, for its criteria and source).
SELECT run_id, decided_at, selection_day, programme, coalesce(programme_name, programme), programme_sha256, programme_text
FROM talent_runs
WHERE year = $year AND latest;

-- name: talent_changed :query
-- Nominations of year $year that the stored decision did not see: a
-- nomination ingested (or revised) after it was decided, or one it has
-- no result for, and results whose nomination is now of another year or
-- gone. Not zero: the workbook says to decide the year again.
WITH run AS (SELECT decided_at FROM talent_runs WHERE year = $year AND latest)
SELECT (SELECT count(*) FROM nominations n JOIN ingest_log g USING (ingest_id)
        WHERE n.year = $year
          AND (g.ingested_at > (SELECT decided_at FROM run)
               OR n.nomination_id NOT IN (SELECT nomination_id FROM talent_results WHERE year = $year)))
     + (SELECT count(*) FROM talent_results r
        WHERE r.year = $year
          AND r.nomination_id NOT IN (SELECT nomination_id FROM nominations WHERE year = $year));

-- name: talent_outcomes :query
-- Year $year's nominations by title (rising, star, master, in the
-- workbook's order): how many, and how many awarded (recommended, for
-- master), waitlisted and ineligible.
SELECT t.title, count(r.nomination_id),
       count(*) FILTER (WHERE r.outcome IN ('awarded', 'recommended')),
       count(*) FILTER (WHERE r.outcome = 'waitlisted'),
       count(*) FILTER (WHERE r.outcome = 'ineligible')
FROM (VALUES ('rising', 1), ('star', 2), ('master', 3)) t(title, ord)
LEFT JOIN talent_results r ON r.title = t.title AND r.year = $year
GROUP BY t.title, t.ord
ORDER BY t.ord;

-- name: talent_progress :query
-- The programme's progress, one row per year decided up to $year: the
-- year's nominations, and for rising and star the awards of the year,
-- the awards of the programme so far (awarded before and this year, as
-- talent_quota counts them) and the programme's quota (the sum of its
-- groups': 1,800 and 180 in seed 001), with the share of it awarded; the
-- masters recommended in the year.
WITH q AS (
    SELECT year,
           sum(awarded_this_year) FILTER (WHERE title = 'rising') AS rising_now,
           sum(awarded_before + awarded_this_year) FILTER (WHERE title = 'rising') AS rising_total,
           sum(quota) FILTER (WHERE title = 'rising') AS rising_quota,
           sum(awarded_this_year) FILTER (WHERE title = 'star') AS star_now,
           sum(awarded_before + awarded_this_year) FILTER (WHERE title = 'star') AS star_total,
           sum(quota) FILTER (WHERE title = 'star') AS star_quota
    FROM talent_quota
    WHERE year <= $year
    GROUP BY year
)
SELECT q.year,
       (SELECT count(*) FROM talent_results r WHERE r.year = q.year),
       coalesce(q.rising_now, 0)::BIGINT, coalesce(q.rising_total, 0)::BIGINT, coalesce(q.rising_quota, 0)::BIGINT,
       q.rising_total::DOUBLE / nullif(q.rising_quota, 0),
       coalesce(q.star_now, 0)::BIGINT, coalesce(q.star_total, 0)::BIGINT, coalesce(q.star_quota, 0)::BIGINT,
       q.star_total::DOUBLE / nullif(q.star_quota, 0),
       (SELECT count(*) FROM talent_results r WHERE r.year = q.year AND r.title = 'master' AND r.outcome = 'recommended')
FROM q
ORDER BY q.year;

-- name: talent_quota_rows :query
-- Every quota group of year $year, rising (districts) then star
-- (categories), each in the programme's order: the quota, awarded in
-- earlier years, awarded this year, what remains after it.
SELECT title, quota_group, quota, awarded_before, awarded_this_year, remaining
FROM talent_quota
WHERE year = $year
ORDER BY CASE title WHEN 'rising' THEN 1 ELSE 2 END, ord;

-- name: talent_people :query
-- The nominations of year $year awarded or recommended, rising by
-- district and star by category in the programme's order, then master
-- (recommended, ranked across the city); within a group by rank: the
-- nomination, person, ID number masked, enterprise, the district and
-- category nominated in, and the contest score, jobs, revenue (万元) and
-- IP count the decision read.
SELECT r.title, r.quota_group, r.rank_in_group, r.nomination_id, r.person, r.person_id_masked, coalesce(r.enterprise, ''),
       coalesce(r.district, ''), coalesce(r.category, ''),
       CAST(r.contest_score AS DOUBLE), r.jobs, CAST(r.revenue AS DOUBLE), r.ip_count
FROM talent_results r
LEFT JOIN talent_quota q ON q.year = r.year AND q.title = r.title AND q.quota_group = r.quota_group
WHERE r.year = $year AND r.outcome IN ('awarded', 'recommended')
ORDER BY CASE r.title WHEN 'rising' THEN 1 WHEN 'star' THEN 2 ELSE 3 END, q.ord, r.rank_in_group, r.nomination_id;

-- name: talent_not_selected :query
-- The nominations of year $year not selected: waitlisted (备选, in the
-- order they would move up) and ineligible, by title (rising, star,
-- master) and group in the programme's order (a group not in it last):
-- the nomination, person, ID number masked, group, outcome, rank among
-- the eligible of the group, and the reason codes in the order stored.
SELECT r.nomination_id, r.person, r.person_id_masked, r.title, r.quota_group, r.outcome, r.rank_in_group, r.reasons
FROM talent_results r
LEFT JOIN talent_quota q ON q.year = r.year AND q.title = r.title AND q.quota_group = r.quota_group
WHERE r.year = $year AND r.outcome IN ('waitlisted', 'ineligible')
ORDER BY CASE r.title WHEN 'rising' THEN 1 WHEN 'star' THEN 2 ELSE 3 END,
         q.ord IS NULL, q.ord, r.quota_group,
         CASE r.outcome WHEN 'waitlisted' THEN 1 ELSE 2 END, r.rank_in_group, r.nomination_id;
