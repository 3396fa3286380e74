-- Indicator scores are stored as one row per carrier and year with the
-- eleven values, targets and points as lists in SPEC §4.2's order, and the
-- rubric's indicators per run beside them; the view `indicator_scores`
-- shows them one row per indicator as before. (Writing 1.3 million narrow
-- rows took longer than the rest of a national assessment.)

CREATE TABLE store.run_indicators (
    run_id  BIGINT NOT NULL,
    code    VARCHAR NOT NULL,
    pos     INTEGER NOT NULL,   -- place in the value/target/points lists
    ord     INTEGER NOT NULL,   -- display order of the run's rubric
    weight  DOUBLE NOT NULL
);

CREATE TABLE store.indicator_lists (
    year        INTEGER NOT NULL,
    carrier_id  VARCHAR NOT NULL,
    "values"    DOUBLE[] NOT NULL,
    targets     DOUBLE[] NOT NULL,
    points      DECIMAL(6,2)[] NOT NULL,
    run_id      BIGINT NOT NULL
);

-- Carry over results stored in the old shape.
INSERT INTO store.run_indicators
SELECT DISTINCT run_id, indicator,
       list_position(['filed_ratio', 'trainings', 'trainees', 'events', 'incubating_avg', 'graduated',
                      'exit_rate', 'jobs_avg', 'revenue', 'financing', 'reporting'], indicator),
       ord, weight
FROM store.indicator_scores;

INSERT INTO store.indicator_lists
SELECT year, carrier_id,
       list(value ORDER BY p), list(coalesce(target, 0) ORDER BY p), list(points ORDER BY p), any_value(run_id)
FROM (SELECT s.*, list_position(['filed_ratio', 'trainings', 'trainees', 'events', 'incubating_avg', 'graduated',
                                 'exit_rate', 'jobs_avg', 'revenue', 'financing', 'reporting'], indicator) AS p
      FROM store.indicator_scores s)
GROUP BY year, carrier_id;

DROP TABLE store.indicator_scores;
