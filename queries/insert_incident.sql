-- insert_incident: one validated row of incidents.csv (pirx load).
-- Parameters: ?1 id, ?2 title, ?3 severity (1..5), ?4 service (as written),
-- ?5 team, ?6 started_at .. ?11 review_at (Unix seconds UTC or NULL),
-- ?12 summary, ?13 source_line. No result columns.
INSERT INTO incidents (id, title, severity, service, team, started_at, detected_at,
                       acknowledged_at, mitigated_at, resolved_at, review_at, summary,
                       source_line)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13);
