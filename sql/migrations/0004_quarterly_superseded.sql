-- Revisions that no longer win (SPEC §3.2), recorded by ingest as they are
-- superseded, so that finding the winning revision of a quarter does not
-- compare every revision each time a view is read. One row per losing
-- quarterly row, named by its file and key (a file holds a carrier's
-- quarter at most once: in-file duplicates are rejected); row_no is for
-- people.

CREATE TABLE store.quarterly_superseded (
    ingest_id  BIGINT NOT NULL,
    row_no     INTEGER NOT NULL,
    carrier_id VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    quarter    INTEGER NOT NULL
);

-- Rows loaded before this table existed: every revision but the winner.
INSERT INTO store.quarterly_superseded
SELECT ingest_id, row_no, carrier_id, year, quarter
FROM (
    SELECT ingest_id, row_no, carrier_id, year, quarter,
           row_number() OVER (PARTITION BY carrier_id, year, quarter
                              ORDER BY submitted_on DESC, ingest_id DESC, row_no DESC) AS pick
    FROM store.quarterly
)
WHERE pick > 1;
