-- The 百千万 selection (SPEC §9): the latest decision of each programme year.

-- name: mask_id :macro
-- An ID number as every workbook and the terminal show it: the first six and the last four characters, eight stars between (620102********1234).
CREATE OR REPLACE MACRO mask_id(id) AS
    CASE WHEN id IS NULL THEN NULL
         WHEN length(id) = 18 THEN left(id, 6) || '********' || right(id, 4)
         ELSE repeat('*', length(id)) END;

-- name: talent_runs :view
-- Every decision of a programme year (SPEC §9): when, the selection day, the programme (code, name, text, SHA-256), and whether it is the latest of its year (the one the other talent views show).
CREATE OR REPLACE VIEW talent_runs AS
SELECT run_id, year, decided_at, selection_day, programme, programme_name, programme_sha256, programme_text,
       run_id = max(run_id) OVER (PARTITION BY year) AS latest
FROM store.talent_runs;

-- name: talent_results :view
-- One row per nomination of a decided year (SPEC §9, the latest decision): person, enterprise, title (rising, star, master), quota_group (the district, the category, or city), outcome (awarded, recommended, waitlisted, ineligible), rank_in_group among the eligible of the group, and the reasons.
-- The ID number is person_id_masked here; the full number is in the view
-- nominations (person_id), for whoever asks for that column. district,
-- category, contest_score, jobs, revenue and ip_count are the figures the
-- decision read.
CREATE OR REPLACE VIEW talent_results AS
SELECT r.year, t.nomination_id, t.person, mask_id(t.person_id) AS person_id_masked, t.enterprise,
       t.title, t.quota_group, t.outcome, t.rank_in_group, t.reasons,
       t.district, t.category, t.contest_score, t.jobs, t.revenue, t.ip_count, r.run_id
FROM store.talent_results t
JOIN talent_runs r ON r.run_id = t.run_id AND r.latest;

-- name: talent_quota :view
-- One row per quota group of rising (districts) and star (categories) for every decided year (SPEC §9): the programme's quota, awarded in earlier years, awarded this year, and what remains after this year.
CREATE OR REPLACE VIEW talent_quota AS
SELECT r.year, q.title, q.quota_group, q.quota, q.awarded_before, q.awarded_this_year, q.remaining, q.ord, r.run_id
FROM store.talent_quota q
JOIN talent_runs r ON r.run_id = q.run_id AND r.latest;
