-- Why a graded carrier's grade is what it is, stored with it: below_pass
-- says its score was below the run's pass mark (SPEC §4.3), beside the
-- forced reasons and `quota` in reasons. The workbooks and letters read it
-- ("得分低于合格线") instead of inferring it from a fail without reasons.
-- NULL for carriers not graded.

ALTER TABLE store.assessments ADD COLUMN below_pass BOOLEAN;

-- Results stored before: against the pass mark of their run (store.run_params,
-- filled by 0010) …
UPDATE store.assessments a SET below_pass = a.score < p.pass
FROM store.run_params p
WHERE p.run_id = a.run_id AND a.outcome = 'graded';

-- … or, for a run whose rubric no longer reads, from the grade: a grade above
-- fail was not below the pass mark, a fail without a forced reason was; a
-- forced fail's score is left unknown.
UPDATE store.assessments
SET below_pass = CASE WHEN grade <> 'fail' THEN false WHEN len(coalesce(reasons, [])) = 0 THEN true END
WHERE outcome = 'graded' AND below_pass IS NULL;
