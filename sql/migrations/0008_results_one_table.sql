-- A carrier-year's results in one row: store.funding is folded into
-- store.assessments, and the short codes (level, outcome, grade, tier) are
-- ENUMs. A national run writes about 117,000 carrier-years; writing their
-- carrier ids, years and run ids a second time for the funding, and
-- compressing 117,000 copies of a handful of code strings at the
-- checkpoint, took about a fifth of the run. The views give the same
-- columns as before, the codes as VARCHAR; the funding view is the graded
-- rows' funding columns.

CREATE TYPE store.level_code   AS ENUM ('municipal', 'provincial', 'national');
CREATE TYPE store.outcome_code AS ENUM ('graded', 'not_assessed', 'deferred');
CREATE TYPE store.grade_code   AS ENUM ('excellent', 'good', 'pass', 'fail');
CREATE TYPE store.tier_code    AS ENUM ('national', 'specialized', 'standard');

-- Every funding row belongs to an assessment row; if one did not, folding
-- it in would lose it, so the migration stops instead.
SELECT CASE WHEN count(*) > 0
            THEN error('store.funding has ' || count(*) || ' rows without an assessment; not migrated')
       END
FROM store.funding f
ANTI JOIN store.assessments a USING (year, carrier_id);

CREATE TABLE store.assessments_new (
    year               INTEGER NOT NULL,
    carrier_id         VARCHAR NOT NULL,
    registry_ingest_id BIGINT,                -- store.registry row: (ingest_id, carrier_id)
    level              store.level_code,
    outcome            store.outcome_code NOT NULL,
    score              DECIMAL(6,2),
    grade              store.grade_code,
    reasons            VARCHAR[],
    rank_overall       INTEGER,
    rank_district      INTEGER,
    rank_group         INTEGER,
    score_delta        DECIMAL(6,2),
    rank_delta         INTEGER,
    quarters_reported  INTEGER,
    window_start       DATE NOT NULL,
    window_end         DATE NOT NULL,
    run_id             BIGINT NOT NULL,
    decided_on         DATE,
    -- funding, graded rows only (SPEC §4.6)
    tier               store.tier_code,
    cap_yuan           BIGINT,
    factor             DECIMAL(4,2),
    amount_yuan        BIGINT,
    recovery_yuan      BIGINT,
    unscaled_yuan      BIGINT                 -- before budget scaling
);
INSERT INTO store.assessments_new
SELECT a.year, a.carrier_id, a.registry_ingest_id, a.level, a.outcome, a.score, a.grade, a.reasons,
       a.rank_overall, a.rank_district, a.rank_group, a.score_delta, a.rank_delta,
       a.quarters_reported, a.window_start, a.window_end, a.run_id, a.decided_on,
       f.tier, f.cap_yuan, f.factor, f.amount_yuan, f.recovery_yuan, f.unscaled_yuan
FROM store.assessments a
LEFT JOIN store.funding f USING (year, carrier_id);
DROP TABLE store.funding;
DROP TABLE store.assessments;
ALTER TABLE store.assessments_new RENAME TO assessments;
