-- factors_rows: every contributing factor with the line it came from, in
-- no particular order (SQLite's is the file's). clusters.c keeps those of
-- the counted incidents and puts them in the order factor_assignments.csv
-- lists them (incident start, incident id, line, factor id) with the
-- incident index it looks up anyway: a join and ORDER BY here took twice
-- as long as this scan and that sort.
-- Parameters: none.
-- Columns: id, incident_id, text, source_line.
SELECT id, incident_id, text, source_line
FROM factors;
