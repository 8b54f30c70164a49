-- insert_incident_service: one service an incident hit (incidents.service
-- split on ';', trimmed). Parameters: ?1 incident_id, ?2 service.
-- No result columns.
INSERT INTO incident_services (incident_id, service) VALUES (?1, ?2);
