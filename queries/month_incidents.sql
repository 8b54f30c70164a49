-- month_incidents: incidents that started in [:from, :to).
-- Parameters: :from, :to (Unix seconds UTC).
-- Columns: incidents.
SELECT COUNT(*) AS incidents
FROM incidents
WHERE started_at >= :from AND started_at < :to;
