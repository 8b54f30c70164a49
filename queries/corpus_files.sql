-- corpus_files: which corpus files the load found, with row counts.
-- Parameters: none.
-- Columns: file, rows, rejected.
SELECT file, rows, rejected
FROM corpus_files
ORDER BY file;
