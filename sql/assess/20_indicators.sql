-- Step 2 — indicator values (SPEC §4.2), per graded carrier and year, over
-- the quarters S it reported in the window (the winning revision of each):
-- sums over S, averages over S.

-- name: sums :exec
-- Summed per carrier and window first (the winning revision of each window
-- quarter, quarterly_winners), then joined to the roster: graded carriers
-- without a report get zeros. Counts are summed as DOUBLE, which is exact
-- for whole numbers below 2^53 and cheaper than DuckDB's 128-bit integer
-- sums; money is summed as DOUBLE and rounded back to the 6 decimals it was
-- given in, which is exact at these magnitudes.
CREATE OR REPLACE TEMP VIEW a_sums AS
WITH s AS (
    SELECT w.year, q.carrier_id,
           count(*)                                    AS quarters,
           count(*) FILTER (WHERE q.submitted_on <= w.due_on) AS on_time,
           sum(CAST(q.incubating AS DOUBLE)) AS incubating, sum(CAST(q.filed AS DOUBLE))     AS filed,
           sum(CAST(q.graduated AS DOUBLE))  AS graduated,  sum(CAST(q.exited AS DOUBLE))    AS exited,
           sum(CAST(q.trainings AS DOUBLE))  AS trainings,  sum(CAST(q.trainees AS DOUBLE))  AS trainees,
           sum(CAST(q.events AS DOUBLE))     AS events,     sum(CAST(q.jobs AS DOUBLE))      AS jobs,
           round(sum(q.revenue), 6)   AS revenue,
           round(sum(q.financing), 6) AS financing
    FROM assess_window_quarters w
    JOIN quarterly_winners q ON q.year = w.q_year AND q.quarter = w.q_quarter
    GROUP BY w.year, q.carrier_id
)
SELECT r.year, r.cid, r.level,
       coalesce(s.quarters, 0)   AS quarters,
       coalesce(s.incubating, 0) AS incubating,
       coalesce(s.filed, 0)      AS filed,
       coalesce(s.graduated, 0)  AS graduated,
       coalesce(s.exited, 0)     AS exited,
       coalesce(s.trainings, 0)  AS trainings,
       coalesce(s.trainees, 0)   AS trainees,
       coalesce(s.events, 0)     AS events,
       coalesce(s.jobs, 0)       AS jobs,
       coalesce(s.revenue, 0)    AS revenue,
       coalesce(s.financing, 0)  AS financing,
       -- reporting: per window quarter on time 1, late 0.5, missing 0
       coalesce(s.on_time, 0) * p.on_time_points
           + (coalesce(s.quarters, 0) - coalesce(s.on_time, 0)) * p.late_points
           + (4 - coalesce(s.quarters, 0)) * p.missing_points AS reporting
FROM a_roster r
JOIN a_carriers c USING (cid)
CROSS JOIN rubric_param p
LEFT JOIN s ON s.year = r.year AND s.carrier_id = c.carrier_id
WHERE r.outcome = 'graded';

-- name: indicator_values :exec
-- The eleven values. exit_rate is NULL when there were no incubating firms
-- on average (it then earns no points).
CREATE OR REPLACE TEMP VIEW a_values AS
SELECT year, cid, level, quarters,
       CAST(CASE WHEN incubating = 0 THEN 0 ELSE filed / incubating END AS DOUBLE)           AS filed_ratio,
       CAST(trainings AS DOUBLE)                                                              AS trainings,
       CAST(trainees AS DOUBLE)                                                               AS trainees,
       CAST(events AS DOUBLE)                                                                 AS events,
       CAST(CASE WHEN quarters = 0 THEN 0 ELSE incubating / quarters END AS DOUBLE)           AS incubating_avg,
       CAST(graduated AS DOUBLE)                                                              AS graduated,
       CAST(CASE WHEN incubating = 0 THEN NULL ELSE exited / (incubating / quarters) END AS DOUBLE) AS exit_rate,
       CAST(CASE WHEN quarters = 0 THEN 0 ELSE jobs / quarters END AS DOUBLE)                 AS jobs_avg,
       CAST(revenue AS DOUBLE)                                                                AS revenue,
       CAST(financing AS DOUBLE)                                                              AS financing,
       CAST(reporting AS DOUBLE)                                                              AS reporting
FROM a_sums;
