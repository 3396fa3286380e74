-- Expert scores (专家评分, SPEC §7): the judges' marks as accepted, the
-- winning mark of each judge, and the value a rubric's expert(ITEM) reads.

-- name: expert_score_revisions :view
-- Every expert score accepted, with its revision number and whether it wins: the rule of SPEC §7, stated here once. A judge's score for a carrier's item in a year given again in a later file replaces the earlier one — the last in ingest order wins (ingest_order: a retried row counts as ingested with its file, as in quarterly_report_revisions).
-- (A file holds a key at most once: a key twice in one file rejects every
-- occurrence, duplicate_key, so the order never comes down to the row.)
CREATE OR REPLACE VIEW expert_score_revisions AS
SELECT e.carrier_id, e.year, e.item, e.judge, e.score,
       row_number() OVER w AS revision,
       row_number() OVER w = count(*) OVER (PARTITION BY e.carrier_id, e.year, e.item, e.judge) AS is_winning,
       e.ingest_id, e.sheet, e.row_no
FROM store.expert_scores e
JOIN ingest_order o ON o.ingest_id = e.ingest_id
WINDOW w AS (PARTITION BY e.carrier_id, e.year, e.item, e.judge
             ORDER BY o.file_order, e.ingest_id, e.row_no);

-- name: expert_scores :view
-- One row per carrier, year, item and judge: the winning score (expert_score_revisions), with the number of revisions and the file and row it came from.
CREATE OR REPLACE VIEW expert_scores AS
SELECT carrier_id, year, item, judge, score, revision AS revisions, ingest_id, sheet, row_no
FROM expert_score_revisions
WHERE is_winning;

-- name: expert_values :view
-- The value of expert(ITEM) (SPEC §7), one row per year, carrier and item: judges, the number of judges (their winning scores, expert_scores); with five judges or more the single highest and the single lowest score are dropped (trimmed; exactly one of each even when tied: dropped_high, dropped_low), and value is the mean of the scores kept, rounded to 2 decimals half away from zero.
-- Computed exactly, in whole hundredths: DuckDB divides DECIMALs in DOUBLE,
-- where a mean of 64.085 is 64.08499… and rounds to 64.08. For the n scores
-- kept, summing to s hundredths, the rounded mean is (2s + n) // (2n)
-- hundredths (every score is ≥ 0, so half up is half away from zero).
-- Rows for a carrier-year that is not graded, or an item no scheme uses,
-- are here too; the assessment reads the items its schemes name.
CREATE OR REPLACE VIEW expert_values AS
WITH judged AS (
    SELECT year, carrier_id, item, count(*) AS judges,
           sum(CAST(score * 100 AS BIGINT)) AS total,   -- hundredths
           max(score) AS high, min(score) AS low
    FROM expert_scores
    GROUP BY year, carrier_id, item
), kept AS (
    SELECT *, judges >= 5 AS trimmed,
           CASE WHEN judges >= 5 THEN total - CAST(high * 100 AS BIGINT) - CAST(low * 100 AS BIGINT) ELSE total END AS kept_total,
           CASE WHEN judges >= 5 THEN judges - 2 ELSE judges END AS kept_n
    FROM judged
)
SELECT year, carrier_id, item, judges, trimmed,
       CASE WHEN trimmed THEN high END AS dropped_high,
       CASE WHEN trimmed THEN low END AS dropped_low,
       -- hundredths to DECIMAL by multiplication, which DuckDB keeps exact
       CAST(CAST((2 * kept_total + kept_n) // (2 * kept_n) AS DECIMAL(18,0)) * CAST(0.01 AS DECIMAL(3,2)) AS DECIMAL(5,2)) AS value
FROM kept;
