-- Nominations (创业人才推荐, SPEC §9), the sixth kind of input: one row per
-- nomination of a person for a title of the 百千万 programme, as accepted
-- from a file. Every revision is kept: a later file's row with the same
-- nomination_id replaces the earlier one in the view nominations, which
-- states the rule; nothing here is ever updated. (0015 is the eligibility
-- results'.)
--
-- Every column is required. revenue and contest_score are exact:
-- contest_score is DECIMAL(5,2), 0.00 … 100.00, and ingest rejects a
-- score with more than two decimals rather than round it; revenue is in
-- 万元, at most two decimals as written in its header's unit, converted
-- exactly (a revenue in 元 keeps its fen: DECIMAL(18,6)), so that "revenue
-- ≥ 500" compares decimals, 500.00 = 500.
--
-- person_id is personal data: the 18-character ID number (GB 11643),
-- valid, a final x stored as X. It is kept for the programme's once-only
-- rule and shown masked (620102********1234) in every workbook; ingest
-- never stores it in a reject (store.row_issues holds it masked).

CREATE TABLE store.nominations (
    ingest_id       BIGINT NOT NULL,
    sheet           VARCHAR,
    row_no          INTEGER NOT NULL,
    nomination_id   VARCHAR NOT NULL,       -- as written, full-width folded, no spaces
    year            INTEGER NOT NULL,
    person          VARCHAR NOT NULL,
    person_id       VARCHAR NOT NULL,       -- personal data: a valid ID number
    enterprise      VARCHAR NOT NULL,
    enterprise_uscc VARCHAR NOT NULL,       -- a valid USCC (GB 32100)
    founded_on      DATE NOT NULL,
    district        VARCHAR NOT NULL,       -- as the embedded programme lists it
    category        VARCHAR NOT NULL,       -- likewise
    title           VARCHAR NOT NULL,       -- rising | star | master
    jobs            INTEGER NOT NULL,
    jobs_stable     BOOLEAN NOT NULL,
    revenue         DECIMAL(18,6) NOT NULL, -- 万元, exact
    ip_count        INTEGER NOT NULL,
    clean_record    BOOLEAN NOT NULL,
    prospect        BOOLEAN NOT NULL,
    influence       BOOLEAN NOT NULL,
    contest_score   DECIMAL(5,2) NOT NULL   -- 0 … 100, exact
);
