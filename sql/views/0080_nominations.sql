-- Nominations (创业人才推荐, SPEC §9): every nomination row accepted, and
-- the winning row of each nomination, which the 百千万 talent selection
-- decides. person_id is personal data (an ID number): these views show it
-- whole, for the once-only rule; every workbook shows it masked.

-- name: nomination_revisions :view
-- Every nomination accepted (person_id is personal data, an ID number, shown masked in every workbook), with its revision number and whether it wins: the rule of SPEC §9, stated here once. A nomination_id given again in a later file replaces the earlier row — the last in ingest order wins (ingest_order: a retried row counts as ingested with its file, as in application_revisions).
-- (A file holds a nomination_id at most once: an id twice in one file
-- rejects every occurrence, duplicate_key, so the order never comes down
-- to the row.)
CREATE OR REPLACE VIEW nomination_revisions AS
SELECT n.nomination_id, n.year, n.person, n.person_id, n.enterprise, n.enterprise_uscc,
       n.founded_on, n.district, n.category, n.title, n.jobs, n.jobs_stable, n.revenue,
       n.ip_count, n.clean_record, n.prospect, n.influence, n.contest_score,
       row_number() OVER w AS revision,
       row_number() OVER w = count(*) OVER (PARTITION BY n.nomination_id) AS is_winning,
       n.ingest_id, n.sheet, n.row_no
FROM store.nominations n
JOIN ingest_order o ON o.ingest_id = n.ingest_id
WINDOW w AS (PARTITION BY n.nomination_id
             ORDER BY o.file_order, n.ingest_id, n.row_no);

-- name: nominations :view
-- One row per nomination_id: the winning row (nomination_revisions), with the number of revisions and the file and row it came from (ingest_id: the file's name is in ingest_log) — person_id is personal data (the ID number, kept for the once-only rule), shown masked in every workbook.
CREATE OR REPLACE VIEW nominations AS
SELECT nomination_id, year, person, person_id, enterprise, enterprise_uscc,
       founded_on, district, category, title, jobs, jobs_stable, revenue,
       ip_count, clean_record, prospect, influence, contest_score,
       revision AS revisions, ingest_id, sheet, row_no
FROM nomination_revisions
WHERE is_winning;
