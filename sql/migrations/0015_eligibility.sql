-- Eligibility (认定与推荐, SPEC §8): each run of a profile for a year keeps
-- the profile (its text and SHA-256, its conditions in order), one result
-- per subject and one row per check. Nothing is updated or deleted: a
-- re-run of a profile for a year is a new run, and the views (0070) read
-- the latest run of each profile and year — the earlier ones stay for the
-- record. (0014 is the applications input's.)

CREATE TABLE store.eligibility_runs (
    run_id         BIGINT NOT NULL,
    profile        VARCHAR NOT NULL,    -- the profile's code
    year           INTEGER NOT NULL,
    checked_at     TIMESTAMP NOT NULL,
    subjects       VARCHAR NOT NULL,    -- applications | carriers
    name_zh        VARCHAR,
    name_en        VARCHAR,
    source         VARCHAR,
    profile_sha256 VARCHAR NOT NULL,
    profile_text   VARCHAR NOT NULL,
    window_kind    VARCHAR NOT NULL,    -- sep | calendar: the windows carriers are read in
    window_end     DATE NOT NULL        -- E, the end of the year's window
);

CREATE TABLE store.eligibility_conditions (
    run_id    BIGINT NOT NULL,
    ord       INTEGER NOT NULL,
    condition VARCHAR NOT NULL,
    name_zh   VARCHAR,
    name_en   VARCHAR,
    text      VARCHAR,                  -- the seed's words
    any_check BOOLEAN NOT NULL,         -- one check is enough (else every one)
    unless    VARCHAR                   -- a declaration that, when true, meets it
);

CREATE TABLE store.eligibility_results (
    run_id        BIGINT NOT NULL,
    subject_id    VARCHAR NOT NULL,     -- application_id or carrier_id
    subject_kind  VARCHAR NOT NULL,     -- application | carrier
    name          VARCHAR,
    district      VARCHAR,
    operator_uscc VARCHAR,
    reference_day DATE,                 -- D (applied_on) or E
    outcome       VARCHAR NOT NULL,     -- not_met | review | priority | eligible | recommended
    unmet         VARCHAR[] NOT NULL,   -- conditions not met, in profile order
    to_review     VARCHAR[] NOT NULL    -- conditions to review
);

-- The checks of each condition, in words (the same for every subject).
CREATE TABLE store.eligibility_parts (
    run_id BIGINT NOT NULL,
    ord    INTEGER NOT NULL,            -- the condition's
    part   INTEGER NOT NULL,            -- the check's within it (0: unless)
    kind   VARCHAR NOT NULL,            -- value | date | declared | column | incidents | not_banned | review | unless
    what   VARCHAR NOT NULL             -- the check in words, Chinese and English
);

CREATE TABLE store.eligibility_checks (
    run_id            BIGINT NOT NULL,
    subject_id        VARCHAR NOT NULL,
    ord               INTEGER NOT NULL, -- the condition's
    part              INTEGER NOT NULL, -- the check's (eligibility_parts)
    period            VARCHAR,          -- a window's year, or record
    value_number      DOUBLE,
    value             VARCHAR,
    threshold         VARCHAR,
    outcome           VARCHAR NOT NULL, -- met | not_met | review
    condition_outcome VARCHAR NOT NULL
);
