-- actions_overdue: the action items still open at the as-of instant whose
-- due date is before it, most urgent first: must-fix, should-fix,
-- nice-to-have, unknown priority, then the longest overdue (earliest due),
-- then id. Open at as-of: a known completed_at at or after as-of, or no
-- completed_at and status 'open' (docs/actions.md).
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: id, incident_id, title, owner, team, priority (NULL unknown),
-- due_at, created_at (Unix seconds UTC).
SELECT id, incident_id, title, owner, team, priority, due_at, created_at
FROM action_items
WHERE created_at < :as_of
  AND due_at < :as_of
  AND CASE WHEN completed_at IS NOT NULL THEN completed_at >= :as_of
           ELSE status = 'open' END
ORDER BY CASE priority WHEN 'must-fix' THEN 0 WHEN 'should-fix' THEN 1
                       WHEN 'nice-to-have' THEN 2 ELSE 3 END,
         due_at, id;
