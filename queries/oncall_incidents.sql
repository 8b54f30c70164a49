-- oncall_incidents: every incident's id and resolution, in no particular
-- order, for the engagements that end when their incident is resolved.
-- Parameters: none.
-- Columns: id, resolved_at (Unix seconds UTC, NULL: unknown).
SELECT id, resolved_at
FROM incidents;
