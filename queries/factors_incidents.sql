-- factors_incidents: the incidents that count for factor clustering and
-- recurrence: those started before the report's as-of instant.
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: id, started_at.
SELECT id, started_at
FROM incidents
WHERE started_at < :as_of
ORDER BY started_at, id;
