-- Rubric schemes (SPEC §7): a version 2 rubric scores each kind of carrier
-- by its own scheme (评分方案) of indicators, each a value expression and a
-- scoring function. Each run keeps its schemes and indicators beside its
-- results, and each graded result names its scheme:
--   * store.assessments.scheme: the code of the scheme that scored the
--     carrier (NULL on not_assessed and deferred rows);
--   * store.run_schemes: a run's schemes in the order they are tried, with
--     what they apply to, their grade thresholds and bonus cap;
--   * store.run_indicators gains the scheme, the section (一级指标), the
--     value expression, the scoring function and its parameters, and
--     whether the indicator is a bonus item; pos is its place in its
--     scheme's lists (and ord, the display order, is the same);
--   * store.run_targets gains the scheme;
--   * store.run_params gains the quota scope.
-- Results stored before were made by version 1 rubrics, which are one
-- scheme, "default", for every carrier, with the eleven indicators of
-- SPEC §4.2 scored linear (band for the exit rate), and a city-wide quota.

ALTER TABLE store.assessments ADD COLUMN scheme VARCHAR;
UPDATE store.assessments SET scheme = 'default' WHERE outcome = 'graded';

CREATE TABLE store.run_schemes (
    run_id    BIGINT NOT NULL,
    code      VARCHAR NOT NULL,
    ord       INTEGER NOT NULL,     -- tried in this order
    name_zh   VARCHAR,
    name_en   VARCHAR,
    kinds     VARCHAR[],            -- applies_to; NULL: every value
    tracks    VARCHAR[],
    levels    VARCHAR[],
    excellent DECIMAL(6,2),         -- the scheme's grade thresholds
    good      DECIMAL(6,2),
    pass      DECIMAL(6,2),
    bonus_cap DECIMAL(6,2)
);
INSERT INTO store.run_schemes
SELECT r.run_id, 'default', 1, '默认方案', 'Default', NULL, NULL, NULL, p.excellent, p.good, p.pass, 0
FROM store.assessment_runs r
LEFT JOIN store.run_params p USING (run_id);

ALTER TABLE store.run_indicators ADD COLUMN scheme VARCHAR;
ALTER TABLE store.run_indicators ADD COLUMN section VARCHAR;      -- 一级指标, optional
ALTER TABLE store.run_indicators ADD COLUMN value_expr VARCHAR;   -- sum(trainings), sum(exited) / avg(incubating) …
ALTER TABLE store.run_indicators ADD COLUMN score VARCHAR;        -- linear | band | steps | per_unit | relative
ALTER TABLE store.run_indicators ADD COLUMN bonus BOOLEAN;
ALTER TABLE store.run_indicators ADD COLUMN steps DOUBLE[][];     -- steps: [threshold, points]
ALTER TABLE store.run_indicators ADD COLUMN per DOUBLE;           -- per_unit
ALTER TABLE store.run_indicators ADD COLUMN points DOUBLE;
UPDATE store.run_indicators
SET scheme = 'default',
    score = CASE WHEN direction = 'band_lower' OR code = 'exit_rate' THEN 'band' ELSE 'linear' END,
    bonus = false,
    value_expr = CASE code
        WHEN 'filed_ratio'    THEN 'sum(filed) / sum(incubating)'
        WHEN 'trainings'      THEN 'sum(trainings)'
        WHEN 'trainees'       THEN 'sum(trainees)'
        WHEN 'events'         THEN 'sum(events)'
        WHEN 'incubating_avg' THEN 'avg(incubating)'
        WHEN 'graduated'      THEN 'sum(graduated)'
        WHEN 'exit_rate'      THEN 'sum(exited) / avg(incubating)'
        WHEN 'jobs_avg'       THEN 'avg(jobs)'
        WHEN 'revenue'        THEN 'sum(revenue)'
        WHEN 'financing'      THEN 'sum(financing)'
        WHEN 'reporting'      THEN 'reporting()'
    END;

ALTER TABLE store.run_targets ADD COLUMN scheme VARCHAR;
UPDATE store.run_targets SET scheme = 'default';

ALTER TABLE store.run_params ADD COLUMN quota_scope VARCHAR;
UPDATE store.run_params SET quota_scope = 'city';
