-- The 百千万 selection (SPEC §9): each decision of a programme year is a run
-- that keeps the programme (text and SHA-256), one result per nomination
-- and one quota row per group. Nothing is updated or deleted: a year
-- decided again is a new run, and the views (0090) read the latest run of
-- each year. (0016 is the nominations input's.)
--
-- person_id is personal data: it is here for the once-only rule (a person
-- awarded a title is not awarded it, or a lower one, again) and is shown
-- masked in every workbook and on the terminal.

CREATE TABLE store.talent_runs (
    run_id           BIGINT NOT NULL,
    year             INTEGER NOT NULL,
    decided_at       TIMESTAMP NOT NULL,
    selection_day    DATE NOT NULL,
    programme        VARCHAR NOT NULL,   -- the programme's code
    programme_name   VARCHAR,
    programme_sha256 VARCHAR NOT NULL,
    programme_text   VARCHAR NOT NULL
);

CREATE TABLE store.talent_results (
    run_id        BIGINT NOT NULL,
    nomination_id VARCHAR NOT NULL,
    person        VARCHAR NOT NULL,
    person_id     VARCHAR NOT NULL,
    enterprise    VARCHAR,
    title         VARCHAR NOT NULL,      -- rising | star | master
    quota_group   VARCHAR NOT NULL,      -- the district (rising), the category (star), city (master)
    outcome       VARCHAR NOT NULL,      -- awarded | recommended | waitlisted | ineligible
    rank_in_group INTEGER,               -- among the eligible of the group, 1 = first; blank when ineligible
    reasons       VARCHAR[] NOT NULL,
    -- the figures the decision read (a later revision of the nomination
    -- does not change what was decided on)
    district      VARCHAR,
    category      VARCHAR,
    contest_score DECIMAL(5,2),
    jobs          INTEGER,
    revenue       DECIMAL(18,6),         -- 万元, exact as ingested
    ip_count      INTEGER
);

CREATE TABLE store.talent_quota (
    run_id            BIGINT NOT NULL,
    title             VARCHAR NOT NULL,  -- rising | star
    ord               INTEGER NOT NULL,  -- the group's place in the programme
    quota_group       VARCHAR NOT NULL,
    quota             INTEGER NOT NULL,
    awarded_before    INTEGER NOT NULL,
    awarded_this_year INTEGER NOT NULL,
    remaining         INTEGER NOT NULL
);
