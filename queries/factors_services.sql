-- factors_services: the services each counted incident hit (one row per
-- service), for cluster spread and repeat incidents.
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: incident_id, service.
SELECT s.incident_id, s.service
FROM incident_services AS s
JOIN incidents AS i ON i.id = s.incident_id
WHERE i.started_at < :as_of
GROUP BY s.incident_id, s.service
ORDER BY s.incident_id, s.service;
