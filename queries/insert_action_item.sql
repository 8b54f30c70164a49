-- insert_action_item: one validated row of action_items.csv (pirx load).
-- Parameters: ?1 id, ?2 incident_id, ?3 title, ?4 owner, ?5 team,
-- ?6 priority (normalized word or NULL), ?7 created_at, ?8 due_at,
-- ?9 completed_at (Unix seconds UTC or NULL), ?10 status ('open', 'done',
-- 'cancelled'), ?11 source_line. No result columns.
INSERT INTO action_items (id, incident_id, title, owner, team, priority, created_at,
                          due_at, completed_at, status, source_line)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);
