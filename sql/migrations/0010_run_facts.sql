-- What a run's results are shown with is stored with the run, so that the
-- workbooks and explain read it instead of recomputing a rule or reading
-- the rubric's YAML again (views window_quarters, rubric_indicators,
-- rubric_params):
--   * store.run_window_quarters: the four quarters of each year's window
--     the run computed, with the day each report was due;
--   * store.run_indicators gains each indicator's names, unit, direction
--     and band (full_at, zero_at);
--   * store.run_params: the grade thresholds, quota share, reporting points
--     and decision constants the run used.
-- The assessment (sql/assess/90_store.sql) writes them for every run.

CREATE TABLE store.run_window_quarters (
    run_id       BIGINT NOT NULL,
    year         INTEGER NOT NULL,   -- the assessment year
    quarter_year INTEGER NOT NULL,
    quarter      INTEGER NOT NULL,
    due_on       DATE NOT NULL       -- 15 days after the quarter ends
);

ALTER TABLE store.run_indicators ADD COLUMN name_zh VARCHAR;
ALTER TABLE store.run_indicators ADD COLUMN name_en VARCHAR;
ALTER TABLE store.run_indicators ADD COLUMN unit VARCHAR;        -- 万元, 次, 人次, 家, ratio …
ALTER TABLE store.run_indicators ADD COLUMN direction VARCHAR;   -- higher | band_lower
ALTER TABLE store.run_indicators ADD COLUMN full_at DOUBLE;      -- band_lower: full points at or below
ALTER TABLE store.run_indicators ADD COLUMN zero_at DOUBLE;      -- band_lower: no points at or above

CREATE TABLE store.run_params (
    run_id         BIGINT NOT NULL,
    excellent      DECIMAL(6,2) NOT NULL,   -- grade thresholds, as the steps used them
    good           DECIMAL(6,2) NOT NULL,
    pass           DECIMAL(6,2) NOT NULL,
    quota_share    DECIMAL(9,6) NOT NULL,
    on_time_points DOUBLE NOT NULL,         -- reporting, per window quarter
    late_points    DOUBLE NOT NULL,
    missing_points DOUBLE NOT NULL,
    decision_day   VARCHAR NOT NULL,        -- MM-DD of the assessment year
    rectify_days   INTEGER NOT NULL,
    ban_years      INTEGER NOT NULL,
    round_down_to  BIGINT NOT NULL          -- yuan, for budget scaling
);

-- Results stored before: the window quarters are the quarters from the
-- window's start to its end that the results carry (what the workbooks
-- computed from them until now), due on the 15th of the month after the
-- quarter (the views' due_on macro, written out: the views are made after
-- the migrations). Only the runs whose results are still stored have rows.
INSERT INTO store.run_window_quarters
WITH w AS (SELECT DISTINCT run_id, year, window_start, window_end FROM store.assessments),
q AS (
    SELECT run_id, year,
           unnest(generate_series(CAST(window_start AS TIMESTAMP), CAST(window_end AS TIMESTAMP), INTERVAL 3 MONTH)) AS d
    FROM w
)
SELECT run_id, year, CAST(year(d) AS INTEGER), CAST(quarter(d) AS INTEGER),
       make_date(CAST(year(d) AS BIGINT) + CAST(quarter(d) = 4 AS BIGINT), CAST(quarter(d) * 3 % 12 + 1 AS BIGINT), 15)
FROM q;

-- The direction is fixed by the code (the rubric's validation: only the
-- exit rate is band_lower), and the band's full_at is the exit rate's
-- stored target. Names, units, zero_at and the run's parameters are read
-- from each run's stored rubric_yaml by incubeval as it applies this
-- migration (pipeline/store/fill.go); a run whose rubric no longer reads
-- is left without them, and the views show NULL.
UPDATE store.run_indicators SET direction = CASE WHEN code = 'exit_rate' THEN 'band_lower' ELSE 'higher' END;
UPDATE store.run_indicators i SET full_at = t.target
FROM (SELECT run_id, pos, max(target) AS target FROM store.run_targets GROUP BY ALL) t
WHERE i.direction = 'band_lower' AND t.run_id = i.run_id AND t.pos = i.pos;
