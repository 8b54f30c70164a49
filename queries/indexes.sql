-- indexes: created once after the bulk insert of pirx load (faster than
-- maintaining them row by row). Ids were already checked unique by the
-- load; factors.id and action_items.id are unique without an index.
--   incidents_id                the corpus's key: no report query needs it
--                               since clusters.c and oncall.c join in
--                               memory, but a team's own queries join on it
--                               and it keeps ids unique in the file itself
-- Each index below serves a query of the report (docs/scale.md):
--   incidents_started           every month-window query
--   incident_services_incident  factors_services, read in index order
--   roster_responder            oncall_roster
-- responders, factors, action_items and pages have none: their queries
-- read them in one sequential scan, and clusters.c, actions.c and oncall.c
-- join and order the rows in memory.
CREATE UNIQUE INDEX incidents_id ON incidents (id);
CREATE INDEX incidents_started ON incidents (started_at);
CREATE INDEX incident_services_incident ON incident_services (incident_id, service);
CREATE UNIQUE INDEX roster_responder ON roster (responder);
-- Planner statistics from a sample: exact counts cost a full scan per index.
-- Only for the tables with an index, the only ones where the planner has a
-- choice to make: ANALYZE of every table read every page of the four large
-- ones to count their rows (70 ms of the load's end at 100k).
PRAGMA analysis_limit = 1000;
ANALYZE incidents;
ANALYZE incident_services;
ANALYZE roster;
