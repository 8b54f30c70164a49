-- actions_by_team: follow-through per owning team for the action items
-- created in [:from, :as_of) (the report window), with the rules of
-- docs/actions.md: a known completed_at decides done or open; without one,
-- the status does (a done item with no time counts as completed).
-- Parameters: :from, :as_of (Unix seconds UTC).
-- Columns: team (NULL unknown, listed last), created, cancelled, completed,
-- open, overdue (open with due_at before as-of), must_fix_overdue.
SELECT team,
       COUNT(*) AS created,
       SUM(completed_at IS NULL AND status = 'cancelled') AS cancelled,
       SUM(CASE WHEN completed_at IS NOT NULL THEN completed_at < :as_of
                ELSE status = 'done' END) AS completed,
       SUM(CASE WHEN completed_at IS NOT NULL THEN completed_at >= :as_of
                ELSE status = 'open' END) AS open,
       SUM(CASE WHEN completed_at IS NOT NULL THEN completed_at >= :as_of
                ELSE status = 'open' END
           AND IFNULL(due_at < :as_of, 0)) AS overdue,
       SUM(CASE WHEN completed_at IS NOT NULL THEN completed_at >= :as_of
                ELSE status = 'open' END
           AND IFNULL(due_at < :as_of, 0) AND IFNULL(priority = 'must-fix', 0)) AS must_fix_overdue
FROM action_items
WHERE created_at >= :from AND created_at < :as_of
GROUP BY team
ORDER BY team IS NULL, team;
