-- Step 2 — indicator values (SPEC §4.2), per graded carrier and year, over
-- the quarters S it reported in the window (the winning revision of each):
-- sums over S, averages over S.

-- name: sums
CREATE OR REPLACE TEMP TABLE a_sums AS
WITH reports AS (
    -- the winning revision of each window quarter
    SELECT w.year, q.carrier_id, q.on_time, q.incubating, q.filed, q.graduated,
           q.exited, q.trainings, q.trainees, q.events, q.jobs, q.revenue, q.financing
    FROM assess_window_quarters w
    JOIN quarterly_reports q ON q.year = w.q_year AND q.quarter = w.q_quarter
)
SELECT r.year, r.carrier_id, r.level,
       count(q.carrier_id)                AS quarters,
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
           + (4 - count(q.carrier_id)) * any_value(p.missing_points) AS reporting
FROM a_roster r
CROSS JOIN rubric_param p
LEFT JOIN reports q USING (year, carrier_id)
WHERE r.outcome = 'graded'
GROUP BY r.year, r.carrier_id, r.level;

-- name: indicator_values
-- The eleven values, one row each (a view: 30_points.sql reads it once).
-- exit_rate is NULL when there were no incubating firms on average (it then
-- earns no points).
CREATE OR REPLACE TEMP VIEW a_values AS
SELECT s.year, s.carrier_id, s.level, i.code AS indicator,
       CAST(CASE i.code
           WHEN 'filed_ratio'    THEN CASE WHEN s.incubating = 0 THEN 0 ELSE s.filed / s.incubating END
           WHEN 'trainings'      THEN s.trainings
           WHEN 'trainees'       THEN s.trainees
           WHEN 'events'         THEN s.events
           WHEN 'incubating_avg' THEN CASE WHEN s.quarters = 0 THEN 0 ELSE s.incubating / s.quarters END
           WHEN 'graduated'      THEN s.graduated
           WHEN 'exit_rate'      THEN CASE WHEN s.incubating = 0 THEN NULL ELSE s.exited / (s.incubating / s.quarters) END
           WHEN 'jobs_avg'       THEN CASE WHEN s.quarters = 0 THEN 0 ELSE s.jobs / s.quarters END
           WHEN 'revenue'        THEN s.revenue
           WHEN 'financing'      THEN s.financing
           WHEN 'reporting'      THEN s.reporting
       END AS DOUBLE) AS value
FROM a_sums s
CROSS JOIN rubric_indicator i;
