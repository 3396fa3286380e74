-- The feedback letters (评价反馈表, one workbook per graded carrier,
-- feedback-Y/<carrier_id>.xlsx; incubeval report --feedback, run, the
-- yearly job): everything a letter shows, read for the whole year at
-- once by four queries. reports/feedback.go lays each letter out.

-- name: feedback_carriers :query
-- Every carrier year $year graded, in id order, with its result, ranks and
-- the sizes of its ranking groups (all, district, kind and track:
-- group_medians), its decision, its funding and the scheme that scored it.
SELECT a.carrier_id, a.name, a.district, a.kind, a.level, a.track,
       CAST(a.score AS DOUBLE), a.grade, coalesce(array_to_string(a.reasons, ','), ''), a.below_pass,
       a.rank_overall, a.rank_district, a.rank_group,
       count(*) OVER (), count(*) OVER (PARTITION BY a.district), coalesce(g.carriers, 0),
       CAST(a.score_delta AS DOUBLE), a.rank_delta, coalesce(a.quarters_reported, 0),
       a.window_start, a.window_end, a.run_id,
       coalesce(c.operator_name, ''), coalesce(d.operator_uscc, c.operator_uscc, ''),
       coalesce(d.action, ''), d.effective_on, d.deadline, d.banned_until, d.previous_graded_year,
       coalesce(f.tier, ''), coalesce(f.cap_yuan, 0), CAST(coalesce(f.factor, 0) AS DOUBLE),
       coalesce(f.amount_yuan, 0), coalesce(f.unscaled_yuan, f.amount_yuan, 0), coalesce(f.recovery_yuan, 0),
       coalesce(a.scheme, '')
FROM assessments a
LEFT JOIN carriers c ON c.carrier_id = a.carrier_id
LEFT JOIN decisions d ON d.year = a.year AND d.carrier_id = a.carrier_id
LEFT JOIN funding f ON f.year = a.year AND f.carrier_id = a.carrier_id
LEFT JOIN (SELECT DISTINCT year, kind, track, scheme, carriers FROM group_medians) g
       ON g.year = a.year AND g.kind IS NOT DISTINCT FROM a.kind AND g.track IS NOT DISTINCT FROM a.track
      AND g.scheme IS NOT DISTINCT FROM a.scheme
WHERE a.year = $year AND a.outcome = 'graded'
ORDER BY a.carrier_id;

-- name: feedback_indicators :query
-- Every graded carrier of year $year with the indicators of its scheme in
-- display order: value, the line that earns full points (linear: the
-- target; band: full_at; steps: the lowest threshold worth the weight;
-- per_unit: the smallest multiple of per worth it; NULL for relative
-- scoring or steps that never reach the weight), weight, points, the
-- median of its group (group_medians) and whether it met the target
-- (target_met).
SELECT s.carrier_id, s.indicator, s.value,
       CASE i.score
           WHEN 'steps' THEN list_min(list_transform(list_filter(i.steps, x -> x[2] >= s.weight), x -> x[1]))
           WHEN 'per_unit' THEN round(i.per * ceil(CAST(s.weight AS DOUBLE) / i.points), 6)
           ELSE CAST(s.target AS DOUBLE) END,
       s.weight, coalesce(CAST(s.points AS DOUBLE), 0), coalesce(m.median, 0), s.target_met
FROM indicator_scores s
JOIN assessments a ON a.year = s.year AND a.carrier_id = s.carrier_id
JOIN group_medians m ON m.year = s.year AND m.kind IS NOT DISTINCT FROM a.kind AND m.track IS NOT DISTINCT FROM a.track
                    AND m.scheme IS NOT DISTINCT FROM a.scheme AND m.indicator = s.indicator
LEFT JOIN rubric_indicators i ON i.run_id = s.run_id AND i.scheme = s.scheme AND i.code = s.indicator
WHERE s.year = $year AND a.outcome = 'graded'
ORDER BY s.carrier_id, s.ord;

-- name: feedback_runs :query
-- The runs that graded year $year's carriers: the grade thresholds
-- (rubric_params; NULL for a run stored before they were kept), data cut-
-- off and when they computed.
SELECT r.run_id, CAST(p.excellent AS DOUBLE), CAST(p.good AS DOUBLE), CAST(p.pass AS DOUBLE), r.data_cutoff, r.computed_at
FROM assessment_runs r LEFT JOIN rubric_params p USING (run_id)
WHERE r.run_id IN (SELECT run_id FROM assessments WHERE year = $year AND outcome = 'graded');
