-- The store: every file ingested, every row accepted, every row rejected.
-- Base tables live in schema `store`; analysts read the views in `main`
-- (sql/views), whose names and columns are the contract of SPEC §5.1.

-- One row per file loaded (a file rejected whole leaves no row: the
-- database is unchanged by it). rows_read = rows_accepted + rows_rejected.
CREATE TABLE store.ingests (
    ingest_id     BIGINT PRIMARY KEY,
    batch_id      BIGINT NOT NULL,     -- one `incubeval ingest` invocation
    file_name     VARCHAR NOT NULL,    -- base name as submitted
    source_path   VARCHAR NOT NULL,    -- path as given on the command line
    archive_path  VARCHAR NOT NULL,    -- copy under archive/, relative to the database
    sha256        VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    kind          VARCHAR NOT NULL,    -- registry | quarterly | incidents | deferrals
    format        VARCHAR NOT NULL,    -- csv | xlsx | parquet
    encoding      VARCHAR,             -- csv only: utf-8, utf-8-bom, gb18030, utf-16le …
    sheets        VARCHAR,             -- xlsx: the sheets loaded, in order
    rows_read     INTEGER NOT NULL,
    rows_accepted INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    rows_warned   INTEGER NOT NULL,
    ingested_at   TIMESTAMP NOT NULL,  -- Asia/Shanghai wall time
    status        VARCHAR NOT NULL,    -- loaded | partial | all_rejected
    notes         VARCHAR              -- file-level warnings (ignored columns …)
);

-- Registry rows (载体名录). Every version is kept; the latest wins.
CREATE TABLE store.registry (
    ingest_id       BIGINT NOT NULL,
    sheet           VARCHAR,
    row_no          INTEGER NOT NULL,
    carrier_id      VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    operator_uscc   VARCHAR NOT NULL,
    operator_name   VARCHAR NOT NULL,
    district        VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    track           VARCHAR NOT NULL,
    level           VARCHAR NOT NULL,
    recognized_on   DATE NOT NULL,
    founded_on      DATE,
    area_m2         DOUBLE,
    service_area_m2 DOUBLE,
    workstations    INTEGER,
    lease_end       DATE,
    staff           INTEGER,
    virtual         BOOLEAN
);

-- Quarterly report rows (季度报表). Every revision is kept; money in 万元.
CREATE TABLE store.quarterly (
    ingest_id    BIGINT NOT NULL,
    sheet        VARCHAR,
    row_no       INTEGER NOT NULL,
    carrier_id   VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    quarter      INTEGER NOT NULL,
    submitted_on DATE NOT NULL,
    incubating   INTEGER NOT NULL,
    filed        INTEGER NOT NULL,
    new_entrants INTEGER NOT NULL,
    graduated    INTEGER NOT NULL,
    exited       INTEGER NOT NULL,
    trainings    INTEGER NOT NULL,
    trainees     INTEGER NOT NULL,
    events       INTEGER NOT NULL,
    jobs         INTEGER NOT NULL,
    revenue      DOUBLE NOT NULL,
    ip_granted   INTEGER NOT NULL,
    financing    DOUBLE NOT NULL,
    financed     INTEGER NOT NULL,
    utilization  DOUBLE
);

CREATE TABLE store.incidents (
    ingest_id   BIGINT NOT NULL,
    sheet       VARCHAR,
    row_no      INTEGER NOT NULL,
    carrier_id  VARCHAR NOT NULL,
    occurred_on DATE NOT NULL,
    type        VARCHAR NOT NULL,
    note        VARCHAR
);

CREATE TABLE store.deferrals (
    ingest_id  BIGINT NOT NULL,
    sheet      VARCHAR,
    row_no     INTEGER NOT NULL,
    carrier_id VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    reason     VARCHAR
);

-- What was wrong with a row: severity `error` rejected it (a row may have
-- several), `warning` accepted and flagged it.
CREATE TABLE store.row_issues (
    ingest_id   BIGINT NOT NULL,
    sheet       VARCHAR,
    row_no      INTEGER NOT NULL,
    column_name VARCHAR,
    raw_value   VARCHAR,
    rule        VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    message_zh  VARCHAR NOT NULL,
    message_en  VARCHAR NOT NULL
);

-- The run ledger: one row per command or scheduled job that wrote.
CREATE TABLE store.runs (
    run_id        BIGINT PRIMARY KEY,
    job           VARCHAR NOT NULL,
    scheduled_at  TIMESTAMP,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,    -- ok | failed | skipped | caught_up
    error         VARCHAR,
    rows_ingested BIGINT,
    files_written VARCHAR,
    args          VARCHAR
);
