-- actions_items: every action item created before the as-of instant, in
-- order of creation, with what the monthly follow-through figures and the
-- time-to-complete curves need; one pass in C (actions.c) does the rest.
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: created_at, due_at, completed_at (Unix seconds UTC, NULL
-- unknown), priority (0 must-fix, 1 should-fix, 2 nice-to-have, 3 unknown),
-- status (0 open, 1 done, 2 cancelled), team (NULL unknown), incident_id
-- (actions.c counts each incident's items for reviews_incidents).
SELECT created_at, due_at, completed_at,
       CASE priority WHEN 'must-fix' THEN 0 WHEN 'should-fix' THEN 1
                     WHEN 'nice-to-have' THEN 2 ELSE 3 END AS priority,
       CASE status WHEN 'done' THEN 1 WHEN 'cancelled' THEN 2 ELSE 0 END AS status,
       team, incident_id
FROM action_items
WHERE created_at < :as_of
ORDER BY created_at, id;
