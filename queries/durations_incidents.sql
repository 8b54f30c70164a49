-- durations_incidents: every incident started in [:from, :as_of) with its
-- severity, the instants its four durations run between and its id, in no
-- particular order: durations.c puts them in order of start, then id, so
-- that one pass computes ttd, tta, ttm and ttr. The unary + keeps SQLite
-- to one scan of the table: walking the incidents_started index costs a
-- table lookup per row and a sort of ties, ten times as much per row.
-- Parameters: :from, :as_of (Unix seconds UTC).
-- Columns: started_at, severity (1..5, NULL unknown), detected_at,
-- acknowledged_at, mitigated_at, resolved_at (Unix seconds UTC, NULL
-- unknown), id.
SELECT started_at, severity, detected_at, acknowledged_at, mitigated_at, resolved_at, id
FROM incidents
WHERE +started_at >= :from AND +started_at < :as_of;
