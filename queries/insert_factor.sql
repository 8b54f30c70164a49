-- insert_factor: one validated row of factors.csv (pirx load).
-- Parameters: ?1 id (given or defaulted to '<incident_id>#<n>'),
-- ?2 incident_id, ?3 category, ?4 text, ?5 source_line. No result columns.
INSERT INTO factors (id, incident_id, category, text, source_line)
VALUES (?1, ?2, ?3, ?4, ?5);
