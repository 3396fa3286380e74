-- The chase list (催报清单, chase-YQn.xlsx; the scheduler's sweep): who
-- owes a quarter's report and whether it is in. Who owes one is the
-- macro reports_owed's (sql/views/0040_reports_owed.sql); reports/chase.go
-- lays the list out, with the days overdue as of the sweep.

-- name: chase_due_on :query
-- The date the report of quarter $quarter of year $year is due.
SELECT due_on($year::INT, $quarter::INT);

-- name: chase_carriers :query
-- Every carrier that owes the report of quarter $quarter of year $year, in
-- district and carrier order, with its operator, its last quarter reported
-- (year * 10 + quarter) and whether the quarter's report is in.
SELECT district, carrier_id, name, kind, level, operator_name, operator_uscc,
       last_year * 10 + last_quarter, reported
FROM reports_owed($year::INT, $quarter::INT)
ORDER BY district, carrier_id;

-- name: chase_quarter :query
-- The quarter the sweep chases on day $as_of of year $year: the latest
-- whose report was due before it (due_on, SPEC §3.2), looked for from two
-- years before.
SELECT y, q FROM range($year::INT - 2, $year::INT + 1) t(y), range(1, 5) s(q)
WHERE due_on(y::INT, q::INT) < $as_of::DATE
ORDER BY y DESC, q DESC LIMIT 1;
