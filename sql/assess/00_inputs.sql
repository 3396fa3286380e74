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
-- The rubric's indicators: pos is the indicator's place in SPEC §4.2's
-- list (the order of the value and points lists stored for each carrier),
-- ord its place in the rubric's display order.
CREATE OR REPLACE TEMP TABLE rubric_indicator (
    code              VARCHAR PRIMARY KEY,
    pos               INTEGER NOT NULL,
    ord               INTEGER NOT NULL,
    weight            DOUBLE NOT NULL,
    direction         VARCHAR NOT NULL,  -- higher | band_lower
    target_municipal  DOUBLE,
    target_provincial DOUBLE,
    target_national   DOUBLE,
    full_at           DOUBLE,            -- band_lower: full points at or below
    zero_at           DOUBLE,            -- band_lower: no points at or above
    name_zh           VARCHAR NOT NULL,  -- not read by the steps: stored with
    name_en           VARCHAR NOT NULL,  -- the run, to show its results
    unit              VARCHAR NOT NULL   -- (90_store.sql, view rubric_indicators)
);
-- The same weights and targets, one row per level of recognition, one
-- column per indicator: what 30_points.sql reads.
CREATE OR REPLACE TEMP TABLE rubric_level (
    level                    VARCHAR PRIMARY KEY,  -- municipal | provincial | national
    weight_filed_ratio       DOUBLE, target_filed_ratio    DOUBLE,
    weight_trainings         DOUBLE, target_trainings      DOUBLE,
    weight_trainees          DOUBLE, target_trainees       DOUBLE,
    weight_events            DOUBLE, target_events         DOUBLE,
    weight_incubating_avg    DOUBLE, target_incubating_avg DOUBLE,
    weight_graduated         DOUBLE, target_graduated      DOUBLE,
    weight_exit_rate         DOUBLE, exit_rate_full_at     DOUBLE, exit_rate_zero_at DOUBLE,
    weight_jobs_avg          DOUBLE, target_jobs_avg       DOUBLE,
    weight_revenue           DOUBLE, target_revenue        DOUBLE,
    weight_financing         DOUBLE, target_financing      DOUBLE,
    weight_reporting         DOUBLE, target_reporting      DOUBLE
);
-- Scalars: grade thresholds, quota share, reporting points, decisions, funding.
CREATE OR REPLACE TEMP TABLE rubric_param (
    excellent      DECIMAL(6,2) NOT NULL,
    good           DECIMAL(6,2) NOT NULL,
    pass           DECIMAL(6,2) NOT NULL,
    quota_share    DECIMAL(9,6) NOT NULL,
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
