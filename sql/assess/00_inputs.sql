-- The yearly assessment (SPEC §4), one step per file, run in name order on
-- one connection by `incubeval assess`; the last step writes the results in
-- one transaction.
--
-- This file declares the inputs; incubeval fills them from the rubric
-- (`incubeval assess --rubric FILE`, or the embedded default) and the years
-- to compute, then runs 10_roster.sql … 90_store.sql. Every intermediate
-- result is a TEMP table (or view) named a_*, so the steps can be read — and
-- re-run by an analyst — one at a time. A statement whose `-- name:` header
-- says (parallel) runs on all of DuckDB's threads; while the carrier-years
-- fit in one 122,880-row group the others run on one (see threadPlan in
-- pipeline/assess/assess.go): a speed choice, never a rule.

-- name: inputs :exec
-- The years computed: window dates, decision date, and whether the year is
-- published (frozen: its stored results are read, never recomputed).
CREATE OR REPLACE TEMP TABLE assess_years (
    year         INTEGER PRIMARY KEY,
    window_start DATE NOT NULL,   -- sep: 1 Oct Y-1; calendar: 1 Jan Y
    window_end   DATE NOT NULL,   -- sep: 30 Sep Y;  calendar: 31 Dec Y
    decision_on  DATE NOT NULL,   -- 30 Nov Y, the summary deadline
    frozen       BOOLEAN NOT NULL
);
-- The four quarters of each year's window, with the day each report is
-- due (the due_on macro of the views: 15 days after the quarter ends).
CREATE OR REPLACE TEMP TABLE assess_window_quarters (
    year      INTEGER NOT NULL,
    q_year    INTEGER NOT NULL,
    q_quarter INTEGER NOT NULL,
    due_on    DATE NOT NULL
);
-- The rubric's schemes (评分方案, SPEC §7), tried in order (ord): a graded
-- carrier is scored by the first whose kinds, tracks and levels all match
-- (a NULL list matches every value), with the scheme's grade thresholds and
-- bonus cap.
CREATE OR REPLACE TEMP TABLE rubric_scheme (
    code      VARCHAR PRIMARY KEY,
    ord       INTEGER NOT NULL,
    name_zh   VARCHAR NOT NULL,
    name_en   VARCHAR NOT NULL,
    kinds     VARCHAR[],
    tracks    VARCHAR[],
    levels    VARCHAR[],
    excellent DECIMAL(6,2) NOT NULL,
    good      DECIMAL(6,2) NOT NULL,
    pass      DECIMAL(6,2) NOT NULL,
    bonus_cap DECIMAL(6,2) NOT NULL
);
-- Each scheme's indicators: pos is the indicator's place in its scheme (the
-- order of the value and points lists stored for each carrier, and the
-- display order). value_expr is the value expression as the rubric gave it
-- (re-printed from the parsed tree); 20_indicators.sql computes it and
-- 30_points.sql scores it, compiled by incubeval from the same tree
-- (pipeline/assess/compile.go). Names, section and unit are not read by the
-- steps: they are stored with the run, to show its results.
CREATE OR REPLACE TEMP TABLE rubric_indicator (
    scheme            VARCHAR NOT NULL,
    code              VARCHAR NOT NULL,
    pos               INTEGER NOT NULL,
    section           VARCHAR,
    name_zh           VARCHAR NOT NULL,
    name_en           VARCHAR NOT NULL,
    unit              VARCHAR NOT NULL,
    value_expr        VARCHAR NOT NULL,
    score             VARCHAR NOT NULL,  -- linear | band | steps | per_unit | relative
    weight            DOUBLE NOT NULL,   -- a bonus indicator's: its own maximum
    bonus             BOOLEAN NOT NULL,
    target_municipal  DOUBLE,            -- linear: the target by level
    target_provincial DOUBLE,
    target_national   DOUBLE,
    full_at           DOUBLE,            -- band: full points at or below
    zero_at           DOUBLE,            -- band: no points at or above
    steps             DOUBLE[][],        -- steps: [threshold, points], ascending
    per               DOUBLE,            -- per_unit: points per `per`
    points            DOUBLE,
    PRIMARY KEY (scheme, code)
);
-- Scalars: the default grade thresholds (each scheme's own are in
-- rubric_scheme), quota share and scope, reporting points, decisions, funding.
CREATE OR REPLACE TEMP TABLE rubric_param (
    excellent      DECIMAL(6,2) NOT NULL,
    good           DECIMAL(6,2) NOT NULL,
    pass           DECIMAL(6,2) NOT NULL,
    quota_share    DECIMAL(9,6) NOT NULL,
    quota_scope    VARCHAR NOT NULL,    -- city | scheme | track
    on_time_points DOUBLE NOT NULL,     -- reporting: a quarter submitted by its due date
    late_points    DOUBLE NOT NULL,     -- reporting: submitted after it
    missing_points DOUBLE NOT NULL,     -- reporting: not submitted
    rectify_days   INTEGER NOT NULL,
    ban_years      INTEGER NOT NULL,
    budget_yuan    BIGINT,              -- NULL: no budget
    round_down_to  BIGINT NOT NULL,
    decision_day   VARCHAR NOT NULL     -- MM-DD; the steps read assess_years.decision_on
);
-- Incident types that act on a grade: fail, or cap_pass (grade at most pass).
-- false_data is not listed: it always fails and revokes.
CREATE OR REPLACE TEMP TABLE rubric_veto (type VARCHAR PRIMARY KEY, action VARCHAR NOT NULL);
CREATE OR REPLACE TEMP TABLE rubric_tier (code VARCHAR PRIMARY KEY, cap_yuan BIGINT NOT NULL);
CREATE OR REPLACE TEMP TABLE rubric_factor (grade VARCHAR PRIMARY KEY, factor DECIMAL(4,2) NOT NULL);
-- The run being written.
CREATE OR REPLACE TEMP TABLE assess_run (run_id BIGINT NOT NULL);
