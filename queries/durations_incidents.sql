-- durations_incidents: every incident started in [:from, :as_of) with its
-- severity and the instants its four durations run between, in order of
-- start, so that one pass computes ttd, tta, ttm and ttr in C.
-- Parameters: :from, :as_of (Unix seconds UTC).
-- Columns: started_at, severity (1..5, NULL unknown), detected_at,
-- acknowledged_at, mitigated_at, resolved_at (Unix seconds UTC, NULL unknown).
SELECT started_at, severity, detected_at, acknowledged_at, mitigated_at, resolved_at
FROM incidents
WHERE started_at >= :from AND started_at < :as_of
ORDER BY started_at, id;
