-- Input views: English column names of SPEC §3, English enum codes, money in
-- 万元 (10,000 yuan), ratios 0–1. Source columns (ingest_id, sheet, row_no)
-- trace every value back to the file and row it came from.

-- name: ingest_order :view
-- The order in which files count as ingested ("the one ingested last", SPEC §3.2): file_order is the ingest itself, or for a retry of a file's rejected rows (ingest_log.retry_of) the file's first ingest — loading in the right order would have loaded those rows with it.
CREATE OR REPLACE VIEW ingest_order AS
SELECT ingest_id, coalesce(retry_of, ingest_id) AS file_order
FROM store.ingests;

-- name: carriers :view
-- The registry as it stands: the latest row for each carrier_id.
-- Latest in ingest order (ingest_order): a registry row read again by a retry counts as ingested with its file.
CREATE OR REPLACE VIEW carriers AS
SELECT r.carrier_id, r.name, r.operator_uscc, r.operator_name, r.district, r.kind, r.track,
       r.level, r.recognized_on, r.founded_on, r.area_m2, r.service_area_m2,
       r.workstations, r.lease_end, r.staff, r.virtual, r.ingest_id, r.sheet, r.row_no
FROM store.registry r
JOIN ingest_order o ON o.ingest_id = r.ingest_id
QUALIFY row_number() OVER (PARTITION BY r.carrier_id ORDER BY o.file_order DESC, r.ingest_id DESC, r.row_no DESC) = 1;

-- name: carrier_history :view
-- Every registry row ever loaded, oldest first per carrier (in ingest order, as carriers).
CREATE OR REPLACE VIEW carrier_history AS
SELECT r.*, row_number() OVER (PARTITION BY r.carrier_id ORDER BY o.file_order, r.ingest_id, r.row_no) AS version
FROM store.registry r
JOIN ingest_order o ON o.ingest_id = r.ingest_id;

-- name: due_on :macro
-- A quarter's report is due 15 days after the quarter ends (SPEC §3.2);
-- submitted on or before that day is on time.
-- (The quarter ends on the last day of month 3q, so the report is due on the
-- 15th of the month after: 15 April, July, October, and 15 January.)
CREATE OR REPLACE MACRO due_on(year, quarter) AS
    make_date(CAST(year AS BIGINT) + CAST(quarter = 4 AS BIGINT), CAST(quarter * 3 % 12 + 1 AS BIGINT), 15);

-- name: quarterly_winners :view
-- The winning revision of each carrier's quarter, as stored (one row per carrier and quarter): the rows of quarterly_report_revisions (below, where the rule is stated) with is_winning, found without ordering every revision.
-- Ingest records each revision that stops winning by that rule in
-- store.quarterly_superseded (pipeline/ingest/tracker.go, supersede), so the
-- winners are the rows not recorded there (a file holds a carrier's quarter
-- at most once, so file and key name a row).
CREATE OR REPLACE VIEW quarterly_winners AS
SELECT q.*
FROM store.quarterly q
ANTI JOIN store.quarterly_superseded s
       ON s.ingest_id = q.ingest_id AND s.carrier_id = q.carrier_id AND s.year = q.year AND s.quarter = q.quarter;

-- name: quarterly_report_revisions :view
-- Every quarterly row accepted, with its revision number and whether it wins: the rule of SPEC §3.2, stated here once. The revisions of a carrier's quarter are ordered by submitted_on, then by ingest order (ingest_order: a retried row counts as ingested with its file), then by file and row; the last one wins — the latest submitted_on, on equal dates the one ingested last.
-- (A file holds a carrier's quarter at most once, so the order never comes
-- down to the row.) Ingest keeps a cache of this rule, store.quarterly_superseded,
-- for quarterly_winners; the tests check after every ingest that both agree.
CREATE OR REPLACE VIEW quarterly_report_revisions AS
SELECT q.carrier_id, q.year, q.quarter, q.submitted_on,
       q.incubating, q.filed, q.new_entrants, q.graduated, q.exited,
       q.trainings, q.trainees, q.events, q.jobs,
       CAST(q.revenue AS DECIMAL(18,6)) AS revenue,
       q.ip_granted,
       CAST(q.financing AS DECIMAL(18,6)) AS financing,
       q.financed, q.utilization,
       -- due 15 days after the quarter ends; on or before is on time
       due_on(q.year, q.quarter) AS due_on,
       row_number() OVER w AS revision,
       row_number() OVER w = count(*) OVER (PARTITION BY q.carrier_id, q.year, q.quarter) AS is_winning,
       q.ingest_id, q.sheet, q.row_no
FROM store.quarterly q
JOIN ingest_order o ON o.ingest_id = q.ingest_id
WINDOW w AS (PARTITION BY q.carrier_id, q.year, q.quarter
             ORDER BY q.submitted_on, o.file_order, q.ingest_id, q.row_no);

-- name: quarterly_reports :view
-- One row per carrier and quarter: the winning revision, with timeliness
-- and the number of revisions.
CREATE OR REPLACE VIEW quarterly_reports AS
SELECT q.carrier_id, q.year, q.quarter, q.submitted_on,
       q.incubating, q.filed, q.new_entrants, q.graduated, q.exited,
       q.trainings, q.trainees, q.events, q.jobs,
       CAST(q.revenue AS DECIMAL(18,6)) AS revenue,
       q.ip_granted,
       CAST(q.financing AS DECIMAL(18,6)) AS financing,
       q.financed, q.utilization,
       due_on(q.year, q.quarter) AS due_on,
       q.submitted_on <= due_on(q.year, q.quarter) AS on_time,
       greatest(0, date_diff('day', due_on(q.year, q.quarter), q.submitted_on)) AS days_late,
       1 + coalesce(r.superseded, 0) AS revisions, q.ingest_id, q.sheet, q.row_no
FROM quarterly_winners q
LEFT JOIN (SELECT carrier_id, year, quarter, count(*) AS superseded
           FROM store.quarterly_superseded GROUP BY ALL) r
       ON r.carrier_id = q.carrier_id AND r.year = q.year AND r.quarter = q.quarter;

-- name: incidents :view
-- Incidents reported against carriers (SPEC §3.3): date and type; vetoing
-- types inside a year's window act on its grade, false_data revokes.
CREATE OR REPLACE VIEW incidents AS
SELECT carrier_id, occurred_on, type, note, ingest_id, sheet, row_no
FROM store.incidents;

-- name: deferrals :view
-- Approved deferrals (暂缓评价, SPEC §3.4): the carrier is not graded that year.
CREATE OR REPLACE VIEW deferrals AS
SELECT carrier_id, year, reason, ingest_id, sheet, row_no
FROM store.deferrals;
