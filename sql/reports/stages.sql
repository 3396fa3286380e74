-- What a year's run (pipeline/stages: incubeval run, demo and the yearly
-- job) reads before it writes the workbooks.

-- name: year_published :query
-- Whether year $year's results are published (the workbooks are then
-- final, 定稿).
SELECT count(*) > 0 FROM published_years WHERE year = $year;
