-- insert_page: one validated row of pages.csv (pirx load).
-- Parameters: ?1 responder, ?2 paged_at (Unix seconds UTC), ?3 incident_id
-- (or NULL), ?4 urgency, ?5 source_line. No result columns.
INSERT INTO pages (responder, paged_at, incident_id, urgency, source_line)
VALUES (?1, ?2, ?3, ?4, ?5);
