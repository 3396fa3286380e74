-- Applications (认定申请, SPEC §8.1), the fifth kind of input: one row per
-- application, as accepted from a file. Every revision is kept: a later
-- file's row with the same application_id replaces the earlier one in the
-- view applications, which states the rule; nothing here is ever updated.
-- (0015 is the eligibility results'.)
--
-- The declarations are never NULL: invested and virtual left blank are
-- 否 (false), and ingest rejects a row with any other declaration blank.
-- lease_end is the only optional column: blank means owned.

CREATE TABLE store.applications (
    ingest_id       BIGINT NOT NULL,
    sheet           VARCHAR,
    row_no          INTEGER NOT NULL,
    application_id  VARCHAR NOT NULL,   -- as written, full-width folded, no spaces
    name            VARCHAR NOT NULL,
    operator_uscc   VARCHAR NOT NULL,   -- a valid USCC (GB 32100)
    operator_name   VARCHAR NOT NULL,
    operator_type   VARCHAR NOT NULL,   -- enterprise | university | institute | other
    district        VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,   -- maker_space | incubator | innovation_center | demo_base
    track           VARCHAR NOT NULL,   -- comprehensive | specialized
    applied_on      DATE NOT NULL,
    founded_on      DATE NOT NULL,
    operating_since DATE NOT NULL,
    area_m2         DOUBLE NOT NULL,
    service_area_m2 DOUBLE NOT NULL,    -- ≤ area_m2
    workstations    INTEGER NOT NULL,
    lease_end       DATE,               -- NULL: owned
    incubated       INTEGER NOT NULL,
    staff           INTEGER NOT NULL,
    revenue_stable  BOOLEAN NOT NULL,
    facilities      BOOLEAN NOT NULL,
    rules           BOOLEAN NOT NULL,
    services        BOOLEAN NOT NULL,
    seed_fund       BOOLEAN NOT NULL,
    invested        BOOLEAN NOT NULL,
    virtual         BOOLEAN NOT NULL
);
