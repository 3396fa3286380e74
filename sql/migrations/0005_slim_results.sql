-- Slimmer stored results: a national assessment writes about 117,000
-- carrier-years, and writing (then checkpointing) the same names, operators
-- and targets 117,000 times took longer than computing them.
--   * store.assessments names the registry row in effect when the year was
--     assessed (registry_ingest_id: the file that carried it; a file holds a
--     carrier once) instead of copying its name, district, kind, track and
--     operator; the views join the registry back. The level stays: the
--     targets depend on it.
--   * store.indicator_lists drops the per-carrier target list; the targets
--     are kept once per run and level in store.run_targets.

CREATE TABLE store.run_targets (
    run_id  BIGINT NOT NULL,
    level   VARCHAR NOT NULL,   -- municipal | provincial | national
    pos     INTEGER NOT NULL,   -- place in the value/points lists
    target  DOUBLE              -- exit_rate: the band's full_at
);

INSERT INTO store.run_targets
SELECT DISTINCT s.run_id, a.level, p.pos, s.targets[p.pos]
FROM store.indicator_lists s
JOIN store.assessments a USING (year, carrier_id)
CROSS JOIN range(1, 12) AS p(pos);

CREATE TABLE store.indicator_lists_new (
    year        INTEGER NOT NULL,
    carrier_id  VARCHAR NOT NULL,
    "values"    DOUBLE[] NOT NULL,
    points      DECIMAL(6,2)[] NOT NULL,
    run_id      BIGINT NOT NULL
);
INSERT INTO store.indicator_lists_new
SELECT year, carrier_id, "values", points, run_id FROM store.indicator_lists;
DROP TABLE store.indicator_lists;
ALTER TABLE store.indicator_lists_new RENAME TO indicator_lists;

CREATE TABLE store.assessments_new (
    year               INTEGER NOT NULL,
    carrier_id         VARCHAR NOT NULL,
    registry_ingest_id BIGINT,                -- store.registry row: (ingest_id, carrier_id)
    level              VARCHAR,
    outcome            VARCHAR NOT NULL,      -- graded | not_assessed | deferred
    score              DECIMAL(6,2),
    grade              VARCHAR,               -- excellent | good | pass | fail
    reasons            VARCHAR[],
    rank_overall       INTEGER,
    rank_district      INTEGER,
    rank_group         INTEGER,
    score_delta        DECIMAL(6,2),
    rank_delta         INTEGER,
    quarters_reported  INTEGER,
    window_start       DATE NOT NULL,
    window_end         DATE NOT NULL,
    run_id             BIGINT NOT NULL
);
-- Results stored before: the latest registry row that matches what was
-- copied, else the latest row of the carrier.
INSERT INTO store.assessments_new
SELECT a.year, a.carrier_id,
       coalesce((SELECT max(r.ingest_id) FROM store.registry r
                 WHERE r.carrier_id = a.carrier_id AND r.name IS NOT DISTINCT FROM a.name
                   AND r.district IS NOT DISTINCT FROM a.district AND r.kind IS NOT DISTINCT FROM a.kind
                   AND r.level IS NOT DISTINCT FROM a.level AND r.track IS NOT DISTINCT FROM a.track
                   AND r.operator_uscc IS NOT DISTINCT FROM a.operator_uscc),
                (SELECT max(r.ingest_id) FROM store.registry r WHERE r.carrier_id = a.carrier_id)),
       a.level, a.outcome, a.score, a.grade, a.reasons, a.rank_overall, a.rank_district, a.rank_group,
       a.score_delta, a.rank_delta, a.quarters_reported, a.window_start, a.window_end, a.run_id
FROM store.assessments a;
DROP TABLE store.assessments;
ALTER TABLE store.assessments_new RENAME TO assessments;
