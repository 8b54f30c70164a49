-- indexes: created once after the bulk insert of pirx load (faster than
-- maintaining them row by row). Ids were already checked unique by the load.
CREATE UNIQUE INDEX incidents_id ON incidents (id);
CREATE INDEX incidents_started ON incidents (started_at);
CREATE INDEX incident_services_service ON incident_services (service, incident_id);
CREATE UNIQUE INDEX factors_id ON factors (id);
CREATE INDEX factors_incident ON factors (incident_id);
CREATE UNIQUE INDEX action_items_id ON action_items (id);
CREATE INDEX action_items_incident ON action_items (incident_id);
CREATE INDEX responders_responder ON responders (responder, joined_at);
CREATE INDEX pages_responder ON pages (responder, paged_at);
CREATE UNIQUE INDEX roster_responder ON roster (responder);
-- Planner statistics from a sample: exact counts cost a full scan per index.
PRAGMA analysis_limit = 1000;
ANALYZE;
