-- data_quality_rows: every problem the load recorded: rows rejected with
-- --skip-invalid and rows kept whose times are out of order.
-- Parameters: none.
-- Columns: file, line, column, problem, kind ('rejected' or 'kept').
SELECT file, line, "column", problem, kind
FROM data_quality
ORDER BY file, line, "column", problem;
