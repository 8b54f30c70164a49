-- insert_data_quality: one problem the load rejected (--skip-invalid) or
-- kept (times out of order). Parameters: ?1 file, ?2 line, ?3 column
-- ('' when the problem is the whole row), ?4 problem, ?5 kind ('rejected'
-- or 'kept'). No result columns.
INSERT INTO data_quality (file, line, "column", problem, kind) VALUES (?1, ?2, ?3, ?4, ?5);
