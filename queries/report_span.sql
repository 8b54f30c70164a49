-- report_span: the extent of the corpus, for choosing the report month.
-- Parameters: none.
-- Columns: first_started_at, last_started_at, incidents (Unix seconds UTC).
SELECT MIN(started_at) AS first_started_at,
       MAX(started_at) AS last_started_at,
       COUNT(*)        AS incidents
FROM incidents;
