-- The yearly assessment's results. One set per year; `assess` replaces the
-- rows of every year it computes (published years are kept as they are).

-- One row per `assess` run: how the results were made.
CREATE TABLE store.assessment_runs (
    run_id          BIGINT PRIMARY KEY,
    computed_at     TIMESTAMP NOT NULL,   -- Asia/Shanghai wall time
    requested_year  INTEGER NOT NULL,
    first_year      INTEGER NOT NULL,
    last_year       INTEGER NOT NULL,
    window_kind     VARCHAR NOT NULL,     -- sep | calendar
    rubric_sha256   VARCHAR NOT NULL,
    rubric_yaml     VARCHAR NOT NULL,
    budget_yuan     BIGINT,
    data_cutoff     TIMESTAMP,            -- latest ingested_at of the data used
    forced          BOOLEAN NOT NULL
);

-- One row per carrier in a year's results (SPEC §4.1, §4.7 "Rows per year").
CREATE TABLE store.assessments (
    year           INTEGER NOT NULL,
    carrier_id     VARCHAR NOT NULL,
    name           VARCHAR,
    district       VARCHAR,
    kind           VARCHAR,
    level          VARCHAR,
    track          VARCHAR,
    operator_uscc  VARCHAR,
    outcome        VARCHAR NOT NULL,      -- graded | not_assessed | deferred
    score          DECIMAL(6,2),
    grade          VARCHAR,               -- excellent | good | pass | fail
    reasons        VARCHAR[],
    rank_overall   INTEGER,
    rank_district  INTEGER,
    rank_group     INTEGER,
    score_delta    DECIMAL(6,2),
    rank_delta     INTEGER,
    quarters_reported INTEGER,
    window_start   DATE NOT NULL,
    window_end     DATE NOT NULL,
    run_id         BIGINT NOT NULL
);

CREATE TABLE store.indicator_scores (
    year        INTEGER NOT NULL,
    carrier_id  VARCHAR NOT NULL,
    indicator   VARCHAR NOT NULL,
    ord         INTEGER NOT NULL,         -- the rubric's order
    value       DOUBLE NOT NULL,
    target      DOUBLE,
    weight      DOUBLE NOT NULL,
    points      DECIMAL(6,2) NOT NULL,
    run_id      BIGINT NOT NULL
);

CREATE TABLE store.decisions (
    year          INTEGER NOT NULL,
    carrier_id    VARCHAR NOT NULL,
    action        VARCHAR NOT NULL,       -- keep | rectify | delist | revoke
    effective_on  DATE NOT NULL,
    deadline      DATE,                   -- rectify only
    banned_until  DATE,                   -- delist and revoke only
    reason        VARCHAR NOT NULL,
    previous_graded_year INTEGER,
    operator_uscc VARCHAR,                -- whose ban it is
    run_id        BIGINT NOT NULL
);

CREATE TABLE store.funding (
    year          INTEGER NOT NULL,
    carrier_id    VARCHAR NOT NULL,
    tier          VARCHAR NOT NULL,       -- national | specialized | standard
    cap_yuan      BIGINT NOT NULL,
    factor        DECIMAL(4,2) NOT NULL,
    amount_yuan   BIGINT NOT NULL,
    recovery_yuan BIGINT NOT NULL,
    unscaled_yuan BIGINT NOT NULL,        -- before budget scaling
    run_id        BIGINT NOT NULL
);

-- Published (frozen) years: later runs read them, never recompute them
-- unless forced.
CREATE TABLE store.published_years (
    year          INTEGER PRIMARY KEY,
    published_at  TIMESTAMP NOT NULL,
    run_id        BIGINT NOT NULL
);
