-- Eligibility (认定与推荐, SPEC §8): the latest run of each profile and year,
-- its results, conditions and checks. A re-run replaces what these show;
-- the store keeps every run (store.eligibility_*).

-- name: eligibility_runs :view
-- Every run of an eligibility profile (SPEC §8): profile, year, when, the subjects it checks (applications or carriers), the profile's text and SHA-256, the window kind and end E, and whether it is the latest of its profile and year (the run the other eligibility views show).
CREATE OR REPLACE VIEW eligibility_runs AS
SELECT run_id, profile, year, checked_at, subjects, name_zh, name_en, source,
       profile_sha256, profile_text, window_kind, window_end,
       run_id = max(run_id) OVER (PARTITION BY profile, year) AS latest
FROM store.eligibility_runs;

-- name: eligibility :view
-- One row per subject of the latest run of a profile and year (SPEC §8.4): the application or carrier, its outcome, the conditions not met (unmet) and those a person must review (to_review), in the profile's order.
-- Outcomes: applications not_met, review, priority (优先认定) or eligible;
-- carriers not_met or recommended.
CREATE OR REPLACE VIEW eligibility AS
SELECT r.profile, r.year, e.subject_id,
       e.subject_kind, e.name, e.district, e.operator_uscc, e.reference_day,
       e.outcome, e.unmet, e.to_review, r.run_id
FROM store.eligibility_results e
JOIN eligibility_runs r ON r.run_id = e.run_id AND r.latest;

-- name: eligibility_conditions :view
-- The conditions of the latest run of a profile and year, in order: code, names, the seed's words, whether one check is enough (any_check) and the declaration that meets it outright (unless).
CREATE OR REPLACE VIEW eligibility_conditions AS
SELECT r.profile, r.year, c.ord, c.condition, c.name_zh, c.name_en, c.text, c.any_check, c.unless, r.run_id
FROM store.eligibility_conditions c
JOIN eligibility_runs r ON r.run_id = c.run_id AND r.latest;

-- name: eligibility_checks :view
-- One row per subject, condition and check of the latest run of a profile and year (SPEC §8.4): the check in words, the value it found, the threshold, the check's outcome and its condition's, a row per window for a check over several (period).
-- value is text (numbers printed with up to 10 decimals, as compared; dates, true/false,
-- codes); value_number is the number where the check is one.
CREATE OR REPLACE VIEW eligibility_checks AS
SELECT r.profile, r.year, k.subject_id, c.condition, k.part, k.period, p.kind, p.what,
       k.value, k.value_number, k.threshold, k.outcome, k.condition_outcome, c.ord, r.run_id
FROM store.eligibility_checks k
JOIN eligibility_runs r ON r.run_id = k.run_id AND r.latest
JOIN store.eligibility_conditions c ON c.run_id = k.run_id AND c.ord = k.ord
JOIN store.eligibility_parts p ON p.run_id = k.run_id AND p.ord = k.ord AND p.part = k.part;
