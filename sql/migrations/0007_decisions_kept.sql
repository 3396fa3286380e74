-- Only decisions that act are stored: rectify, delist, revoke. A graded
-- carrier without one is kept (保留), and the decisions view says so from
-- its assessment — the decision date is stored with the assessment
-- (decided_on), the operator comes from the registry row it names, and the
-- reason of a keep is the grade, as before. Writing 117,000 keep rows a
-- national run cost more than the rest of the decisions step.

ALTER TABLE store.assessments ADD COLUMN decided_on DATE;

UPDATE store.assessments a SET decided_on = d.effective_on
FROM store.decisions d
WHERE d.year = a.year AND d.carrier_id = a.carrier_id;

DELETE FROM store.decisions WHERE action = 'keep';
