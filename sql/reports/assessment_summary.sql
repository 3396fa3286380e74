-- The summary sheet (概览) of the assessment workbook: a year's results
-- beside the year before's, by grade, score band, district and kind.
-- reports/assessment_summary.go lays them out and draws the charts.

-- name: summary_years :query
-- 一、总体 Overview: year $year and the year before ($prev_year), each with
-- its counts by outcome and grade, average, highest and lowest score,
-- decisions and funding; a year without results has no row.
SELECT a.year, count(*),
       count(*) FILTER (WHERE outcome = 'graded'), count(*) FILTER (WHERE outcome = 'not_assessed'),
       count(*) FILTER (WHERE outcome = 'deferred'),
       count(*) FILTER (WHERE grade = 'excellent'), count(*) FILTER (WHERE grade = 'good'),
       count(*) FILTER (WHERE grade = 'pass'), count(*) FILTER (WHERE grade = 'fail'),
       CAST(avg(score) AS DOUBLE), CAST(max(score) AS DOUBLE), CAST(min(score) AS DOUBLE),
       (SELECT count(*) FROM decisions d WHERE d.year = a.year AND d.action = 'rectify'),
       (SELECT count(*) FROM decisions d WHERE d.year = a.year AND d.action = 'delist'),
       (SELECT count(*) FROM decisions d WHERE d.year = a.year AND d.action = 'revoke'),
       (SELECT CAST(coalesce(sum(amount_yuan), 0) AS BIGINT) FROM funding fu WHERE fu.year = a.year),
       (SELECT CAST(coalesce(sum(recovery_yuan), 0) AS BIGINT) FROM funding fu WHERE fu.year = a.year)
FROM assessments a WHERE a.year IN ($year, $prev_year)
GROUP BY a.year;

-- name: summary_grades :query
-- 二、等级分布 Grades: each grade, best first, with how many carriers year $year
-- and year $prev_year gave it and their share of the graded.
SELECT g.grade,
       count(a.carrier_id) FILTER (WHERE a.year = $year),
       CAST(count(a.carrier_id) FILTER (WHERE a.year = $year) AS DOUBLE)
         / nullif(sum(count(a.carrier_id) FILTER (WHERE a.year = $year)) OVER (), 0),
       count(a.carrier_id) FILTER (WHERE a.year = $prev_year),
       CAST(count(a.carrier_id) FILTER (WHERE a.year = $prev_year) AS DOUBLE)
         / nullif(sum(count(a.carrier_id) FILTER (WHERE a.year = $prev_year)) OVER (), 0)
FROM (VALUES ('excellent', 1), ('good', 2), ('pass', 3), ('fail', 4)) g(grade, o)
LEFT JOIN assessments a ON a.grade = g.grade AND a.year IN ($year, $prev_year)
GROUP BY g.grade, g.o ORDER BY g.o;

-- name: summary_score_bands :query
-- 三、得分分布 Score distribution: the graded carriers of year $year in ten-
-- point bands 0–9 (band 9 holds 100 too), with their share.
WITH s AS (
    SELECT LEAST(CAST(floor(score / 10) AS INTEGER), 9) AS b
    FROM assessments WHERE year = $year AND outcome = 'graded')
SELECT t.b, count(s.b), CAST(count(s.b) AS DOUBLE) / nullif(sum(count(s.b)) OVER (), 0)
FROM range(0, 10) t(b) LEFT JOIN s ON s.b = t.b
GROUP BY t.b ORDER BY t.b;

-- name: summary_by_district :query
-- 四、各区县情况 By district: each district of year $year's results, the
-- most graded carriers first, with its carriers, graded, grades, average
-- score, and the average score of its carriers year $prev_year graded.
SELECT a.district, count(*), count(*) FILTER (WHERE outcome = 'graded'),
       count(*) FILTER (WHERE grade = 'excellent'), count(*) FILTER (WHERE grade = 'good'),
       count(*) FILTER (WHERE grade = 'pass'), count(*) FILTER (WHERE grade = 'fail'),
       CAST(avg(score) AS DOUBLE),
       (SELECT CAST(avg(p.score) AS DOUBLE) FROM assessments p
        WHERE p.year = $prev_year AND p.district = a.district AND p.outcome = 'graded')
FROM assessments a WHERE a.year = $year
GROUP BY a.district ORDER BY count(*) FILTER (WHERE outcome = 'graded') DESC, a.district;

-- name: summary_by_kind :query
-- 五、各类型载体情况 By kind: summary_by_district's columns by kind of
-- carrier, in the kinds' order.
SELECT a.kind, count(*), count(*) FILTER (WHERE outcome = 'graded'),
       count(*) FILTER (WHERE grade = 'excellent'), count(*) FILTER (WHERE grade = 'good'),
       count(*) FILTER (WHERE grade = 'pass'), count(*) FILTER (WHERE grade = 'fail'),
       CAST(avg(score) AS DOUBLE),
       (SELECT CAST(avg(p.score) AS DOUBLE) FROM assessments p
        WHERE p.year = $prev_year AND p.kind = a.kind AND p.outcome = 'graded')
FROM assessments a WHERE a.year = $year
GROUP BY a.kind ORDER BY list_position(['maker_space', 'incubator', 'innovation_center', 'demo_base'], a.kind), a.kind;
