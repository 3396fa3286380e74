-- Applications (认定申请, SPEC §8.1): every application row accepted, and
-- the winning row of each application, which the eligibility profiles
-- (SPEC §8.2) check.

-- name: application_revisions :view
-- Every application accepted, with its revision number and whether it wins: the rule of SPEC §8.1, stated here once. An application_id given again in a later file replaces the earlier row — the last in ingest order wins (ingest_order: a retried row counts as ingested with its file, as in expert_score_revisions).
-- (A file holds an application_id at most once: an id twice in one file
-- rejects every occurrence, duplicate_key, so the order never comes down
-- to the row.)
CREATE OR REPLACE VIEW application_revisions AS
SELECT a.application_id, a.name, a.operator_uscc, a.operator_name, a.operator_type,
       a.district, a.kind, a.track, a.applied_on, a.founded_on, a.operating_since,
       a.area_m2, a.service_area_m2, a.workstations, a.lease_end, a.incubated, a.staff,
       a.revenue_stable, a.facilities, a.rules, a.services, a.seed_fund, a.invested, a.virtual,
       row_number() OVER w AS revision,
       row_number() OVER w = count(*) OVER (PARTITION BY a.application_id) AS is_winning,
       a.ingest_id, a.sheet, a.row_no
FROM store.applications a
JOIN ingest_order o ON o.ingest_id = a.ingest_id
WINDOW w AS (PARTITION BY a.application_id
             ORDER BY o.file_order, a.ingest_id, a.row_no);

-- name: applications :view
-- One row per application_id: the winning row (application_revisions), with the number of revisions and the file and row it came from (ingest_id: the file's name is in ingest_log).
CREATE OR REPLACE VIEW applications AS
SELECT application_id, name, operator_uscc, operator_name, operator_type,
       district, kind, track, applied_on, founded_on, operating_since,
       area_m2, service_area_m2, workstations, lease_end, incubated, staff,
       revenue_stable, facilities, rules, services, seed_fund, invested, virtual,
       revision AS revisions, ingest_id, sheet, row_no
FROM application_revisions
WHERE is_winning;
