-- insert_roster: one validated row of roster.csv (pirx load).
-- Parameters: ?1 responder, ?2 team, ?3 timezone, ?4 source_line.
-- No result columns.
INSERT INTO roster (responder, team, timezone, source_line) VALUES (?1, ?2, ?3, ?4);
