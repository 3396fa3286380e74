-- The eligibility workbook (认定与推荐, eligibility-<profile>-<Y>.xlsx;
-- SPEC §8): the latest stored run of a profile and year, as the views
-- eligibility_runs, eligibility, eligibility_conditions and
-- eligibility_checks hold it. reports/eligibility.go lays the sheets out;
-- the words and the order they are shown in are chosen here.

-- name: eligibility_run :query
-- The latest run of profile $profile for year $year (no row: never run):
-- its subjects (applications or carriers), names, source, when it
-- checked, the profile's SHA-256 and the window end E.
SELECT run_id, subjects, coalesce(name_zh, profile), coalesce(name_en, ''), coalesce(source, ''),
       checked_at, profile_sha256, window_kind, window_end
FROM eligibility_runs
WHERE profile = $profile AND year = $year AND latest;

-- name: eligibility_profile_conditions :query
-- The conditions of that run in the profile's order: code, names, the
-- seed's words, whether one check is enough, the declaration that meets
-- it outright, and its checks in words (one line each, in order).
SELECT c.ord, c.condition, coalesce(c.name_zh, c.condition), coalesce(c.name_en, ''), coalesce(c.text, ''),
       c.any_check, coalesce(c.unless, ''),
       coalesce((SELECT string_agg(k.what, chr(10) ORDER BY k.part)
                 FROM (SELECT DISTINCT part, what FROM eligibility_checks
                       WHERE profile = c.profile AND year = c.year AND ord = c.ord) k), '')
FROM eligibility_conditions c
WHERE c.profile = $profile AND c.year = $year
ORDER BY c.ord;

-- name: eligibility_subjects :query
-- Every subject of that run, the ones that pass first (priority, then
-- eligible or recommended), then those to review, then those not met;
-- within each by district and id: its outcome, and the names of the
-- conditions it did not meet and of those to review, in the profile's
-- order, joined with 、.
SELECT e.subject_id, coalesce(e.name, ''), coalesce(e.district, ''), coalesce(e.operator_uscc, ''), e.outcome,
       coalesce((SELECT string_agg(coalesce(c.name_zh, c.condition), '、' ORDER BY c.ord) FROM eligibility_conditions c
                 WHERE c.profile = e.profile AND c.year = e.year AND list_contains(e.unmet, c.condition)), ''),
       coalesce((SELECT string_agg(coalesce(c.name_zh, c.condition), '、' ORDER BY c.ord) FROM eligibility_conditions c
                 WHERE c.profile = e.profile AND c.year = e.year AND list_contains(e.to_review, c.condition)), '')
FROM eligibility e
WHERE e.profile = $profile AND e.year = $year
ORDER BY CASE e.outcome WHEN 'priority' THEN 0 WHEN 'eligible' THEN 1 WHEN 'recommended' THEN 1
                        WHEN 'review' THEN 2 ELSE 3 END,
         e.district, e.subject_id;

-- name: eligibility_condition_cells :query
-- One row per subject and condition of that run: the values its checks
-- found and their thresholds, as stored, one a line in the check's order,
-- and the condition's outcome. A check over several windows shows each
-- window's value after its year, a line each ("2023: 0.86"), and its
-- threshold once where it is the same in every window. true and false
-- are shown as 是 and 否, a value not found as —; a check a person must
-- make points to the checklist; the declaration that meets a condition
-- outright (unless) is named.
WITH shown AS (
    SELECT k.subject_id, k.ord, k.part, k.period,
           CASE WHEN k.period IS NOT NULL AND k.period <> 'record' THEN k.period || ': ' ELSE '' END AS label,
           CASE WHEN k.kind = 'unless' THEN c.unless || ': ' ELSE '' END
           || CASE k.value WHEN 'true' THEN '是' WHEN 'false' THEN '否' ELSE coalesce(k.value, '—') END AS value,
           CASE WHEN k.kind = 'review' THEN '见核查清单 see checklist'
                WHEN k.kind = 'unless' THEN c.unless || ': 是'
                ELSE CASE k.threshold WHEN 'true' THEN '是' WHEN 'false' THEN '否' ELSE coalesce(k.threshold, '—') END
           END AS threshold,
           k.condition_outcome
    FROM eligibility_checks k
    JOIN eligibility_conditions c ON c.profile = k.profile AND c.year = k.year AND c.ord = k.ord
    WHERE k.profile = $profile AND k.year = $year
), parts AS (
    SELECT subject_id, ord, part,
           string_agg(label || value, chr(10) ORDER BY period) AS value,
           CASE WHEN count(DISTINCT threshold) = 1 THEN any_value(threshold)
                ELSE string_agg(label || threshold, chr(10) ORDER BY period) END AS threshold,
           any_value(condition_outcome) AS outcome
    FROM shown
    GROUP BY subject_id, ord, part
)
SELECT subject_id, ord, string_agg(value, chr(10) ORDER BY part), string_agg(threshold, chr(10) ORDER BY part), any_value(outcome)
FROM parts
GROUP BY subject_id, ord
ORDER BY subject_id, ord;

-- name: eligibility_review_items :query
-- The checklist (核查清单): one row per subject and condition of that run
-- whose outcome is review — every subject's, those not met included, as
-- to_review lists them — in the order of eligibility_subjects, then the
-- profile's: the condition's names and seed words, and what a person
-- must confirm (a review check's words, else the check in words), one
-- line per check.
SELECT e.subject_id, coalesce(e.name, ''), coalesce(e.district, ''),
       c.ord, coalesce(c.name_zh, c.condition), coalesce(c.name_en, ''), coalesce(c.text, ''),
       (SELECT string_agg(k.todo, chr(10) ORDER BY k.part)
        FROM (SELECT DISTINCT part, CASE WHEN kind = 'review' THEN threshold ELSE what END AS todo
              FROM eligibility_checks
              WHERE profile = e.profile AND year = e.year AND subject_id = e.subject_id
                AND ord = c.ord AND outcome = 'review') k)
FROM eligibility e
JOIN eligibility_conditions c ON c.profile = e.profile AND c.year = e.year AND list_contains(e.to_review, c.condition)
WHERE e.profile = $profile AND e.year = $year
ORDER BY CASE e.outcome WHEN 'priority' THEN 0 WHEN 'eligible' THEN 1 WHEN 'recommended' THEN 1
                        WHEN 'review' THEN 2 ELSE 3 END,
         e.district, e.subject_id, c.ord;

-- name: eligibility_notice :query
-- The public notice (公示): the subjects of that run that pass —
-- applications eligible or priority (优先认定), carriers recommended — by
-- district and id, with the operator's name, kind and track from the
-- carrier's registry row or the application.
SELECT e.subject_id, coalesce(e.name, ''), coalesce(c.operator_name, a.operator_name, ''), coalesce(e.district, ''),
       coalesce(c.kind, a.kind, ''), coalesce(c.track, a.track, ''), e.outcome
FROM eligibility e
LEFT JOIN carriers c ON e.subject_kind = 'carrier' AND c.carrier_id = e.subject_id
LEFT JOIN applications a ON e.subject_kind = 'application' AND a.application_id = e.subject_id
WHERE e.profile = $profile AND e.year = $year AND e.outcome IN ('priority', 'eligible', 'recommended')
ORDER BY e.district, e.subject_id;
