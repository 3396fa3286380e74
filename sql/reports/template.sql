-- The quarterly report template (填报模板, incubeval template): the form
-- and the carriers expected to fill it in. reports/template.go lays it out.

-- name: template_carriers :query
-- The carriers expected to report for the quarter ending on $quarter_end:
-- recognised by then, and not delisted or revoked since their (latest)
-- recognition (a carrier re-recognised after a ban is listed again), in id
-- order.
SELECT c.carrier_id, c.name, c.operator_name, c.district, c.kind, c.track, c.level
FROM carriers c
WHERE c.recognized_on <= CAST($quarter_end AS DATE)
  AND NOT EXISTS (SELECT 1 FROM decisions d
                  WHERE d.carrier_id = c.carrier_id AND d.action IN ('delist', 'revoke')
                    AND d.effective_on >= c.recognized_on)
ORDER BY c.carrier_id;
