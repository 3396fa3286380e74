-- Expert scores (专家评分, SPEC §7), the fourth kind of input: one row per
-- carrier, year, item and judge, as accepted from a file. Every revision is
-- kept: a later file's score for the same key replaces the earlier one in
-- the view expert_scores, which states the rule; nothing here is ever
-- updated. (0012 is the rubric engine's.)
--
-- score is exact: DECIMAL(5,2) holds 0.00 … 100.00, and ingest rejects a
-- score with more than two decimals (score_decimals) rather than round it,
-- so that the mean the rubric reads (view expert_values) is computed from
-- the marks the judges gave.

CREATE TABLE store.expert_scores (
    ingest_id  BIGINT NOT NULL,
    sheet      VARCHAR,
    row_no     INTEGER NOT NULL,
    carrier_id VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    item       VARCHAR NOT NULL,        -- [a-z][a-z0-9_]*, the code of expert(ITEM)
    judge      VARCHAR NOT NULL,        -- as written, full-width folded, spaces collapsed
    score      DECIMAL(5,2) NOT NULL    -- 0 … 100
);
