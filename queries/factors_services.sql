-- factors_services: the services each incident hit (one row per service
-- listed), in the incident_services index's order. clusters.c keeps those
-- of the counted incidents (it knows them by id) and counts a pair listed
-- twice once, for cluster spread and repeat incidents; a join on incidents
-- here took five times as long as this covering-index scan.
-- Parameters: none.
-- Columns: incident_id, service.
SELECT incident_id, service
FROM incident_services
ORDER BY incident_id, service;
