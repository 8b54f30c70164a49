-- factors_noise_names: the corpus's own service and team names, removed
-- from factor texts before clustering (they name where, not what failed).
-- Parameters: none.
-- Columns: name.
SELECT name FROM (
    SELECT service AS name FROM incident_services
    UNION SELECT service FROM incidents WHERE service IS NOT NULL AND instr(service, ';') = 0
    UNION SELECT team FROM incidents WHERE team IS NOT NULL
) AS names
WHERE name <> ''
ORDER BY name;
