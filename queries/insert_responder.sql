-- insert_responder: one validated row of responders.csv (pirx load).
-- Parameters: ?1 incident_id, ?2 responder, ?3 role, ?4 joined_at,
-- ?5 left_at (Unix seconds UTC or NULL), ?6 source_line. No result columns.
INSERT INTO responders (incident_id, responder, role, joined_at, left_at, source_line)
VALUES (?1, ?2, ?3, ?4, ?5, ?6);
