-- Who owes a quarterly report (SPEC §3.2): the chase list (催报清单) reads it.

-- name: reports_owed :macro
-- A table macro: SELECT * FROM reports_owed(2025, 3) lists every carrier
-- that owes the report of that quarter — in the registry, recognized by the
-- quarter's end, and not delisted or revoked by then (its decision's
-- effective date) — with the quarter's due_on, whether the report is in
-- (reported: a winning revision in quarterly_reports), and the latest
-- earlier quarter it reported (last_year, last_quarter; NULL: never).
-- A macro rather than a view because the quarter is the question: a view
-- would have to list every carrier for every quarter there could be.
CREATE OR REPLACE MACRO reports_owed(owed_year, owed_quarter) AS TABLE
WITH period AS (
    SELECT CAST(owed_year AS INTEGER) AS y, CAST(owed_quarter AS INTEGER) AS q,
           last_day(make_date(CAST(owed_year AS INTEGER), CAST(owed_quarter AS INTEGER) * 3, 1)) AS quarter_end
),
ended AS (
    SELECT DISTINCT d.carrier_id FROM decisions d, period p
    WHERE d.action IN ('delist', 'revoke') AND d.effective_on <= p.quarter_end
),
latest AS (
    SELECT r.carrier_id, max(r.year * 10 + r.quarter) AS yq FROM quarterly_reports r, period p
    WHERE r.year * 10 + r.quarter < p.y * 10 + p.q GROUP BY 1
),
current AS (   -- quarterly_reports: one row per carrier and quarter
    SELECT r.carrier_id FROM quarterly_reports r, period p WHERE r.year = p.y AND r.quarter = p.q
)
SELECT c.carrier_id, p.y AS year, p.q AS quarter, due_on(p.y, p.q) AS due_on,
       n.carrier_id IS NOT NULL AS reported,
       CAST(l.yq // 10 AS INTEGER) AS last_year, CAST(l.yq % 10 AS INTEGER) AS last_quarter,
       c.district, c.name, c.kind, c.level, c.operator_name, c.operator_uscc
FROM carriers c CROSS JOIN period p
LEFT JOIN latest l ON l.carrier_id = c.carrier_id
LEFT JOIN current n ON n.carrier_id = c.carrier_id
WHERE c.recognized_on <= p.quarter_end AND c.carrier_id NOT IN (SELECT carrier_id FROM ended);
