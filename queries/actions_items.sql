-- actions_items: every action item created before the as-of instant, in
-- no particular order, with what the monthly follow-through figures, the
-- time-to-complete curves and the overdue list need; one pass in C
-- (actions.c) does the rest.
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: created_at, due_at, completed_at (Unix seconds UTC, NULL
-- unknown), priority (0 must-fix, 1 should-fix, 2 nice-to-have, 3 unknown),
-- status (0 open, 1 done, 2 cancelled), then the text the overdue list
-- shows: id, incident_id (actions.c also counts each incident's items for
-- reviews_incidents), title, owner, team (NULL unknown), priority as
-- written (NULL unknown).
SELECT created_at, due_at, completed_at,
       CASE priority WHEN 'must-fix' THEN 0 WHEN 'should-fix' THEN 1
                     WHEN 'nice-to-have' THEN 2 ELSE 3 END AS priority_rank,
       CASE status WHEN 'done' THEN 1 WHEN 'cancelled' THEN 2 ELSE 0 END AS status_code,
       id, incident_id, title, owner, team, priority
FROM action_items
WHERE created_at < :as_of;
