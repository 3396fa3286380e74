-- Step 2 — indicator values (SPEC §4.2), per graded carrier and year, over
-- the quarters S it reported in the window (the winning revision of each):
-- sums over S, averages over S.

-- name: sums
CREATE OR REPLACE TEMP TABLE a_sums AS
WITH reports AS (
    -- the winning revision of each window quarter
    SELECT w.year, c.cid, q.on_time, q.incubating, q.filed, q.graduated,
           q.exited, q.trainings, q.trainees, q.events, q.jobs, q.revenue, q.financing
    FROM assess_window_quarters w
    JOIN quarterly_reports q ON q.year = w.q_year AND q.quarter = w.q_quarter
    JOIN a_carriers c ON c.carrier_id = q.carrier_id
)
SELECT r.year, r.cid, r.level,
       count(q.cid)                       AS quarters,
       coalesce(sum(q.incubating), 0)     AS incubating,
       coalesce(sum(q.filed), 0)          AS filed,
       coalesce(sum(q.graduated), 0)      AS graduated,
       coalesce(sum(q.exited), 0)         AS exited,
       coalesce(sum(q.trainings), 0)      AS trainings,
       coalesce(sum(q.trainees), 0)       AS trainees,
       coalesce(sum(q.events), 0)         AS events,
       coalesce(sum(q.jobs), 0)           AS jobs,
       coalesce(sum(q.revenue), 0)        AS revenue,
       coalesce(sum(q.financing), 0)      AS financing,
       -- reporting: per window quarter 1 on time, 0.5 late, 0 missing
       coalesce(sum(CASE WHEN q.on_time THEN p.on_time_points
                         WHEN NOT q.on_time THEN p.late_points END), 0)
           + (4 - count(q.cid)) * any_value(p.missing_points) AS reporting
FROM a_roster r
CROSS JOIN rubric_param p
LEFT JOIN reports q USING (year, cid)
WHERE r.outcome = 'graded'
GROUP BY r.year, r.cid, r.level;

-- name: indicator_values
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
