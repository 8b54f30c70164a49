-- factors_rows: every contributing factor of a counted incident, in the
-- order factor_assignments.csv lists them.
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: id, incident_id, text.
SELECT f.id, f.incident_id, f.text
FROM factors AS f
JOIN incidents AS i ON i.id = f.incident_id
WHERE i.started_at < :as_of
ORDER BY i.started_at, f.incident_id, f.source_line, f.id;
