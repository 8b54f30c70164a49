-- insert_corpus_file: what the load found for one corpus file.
-- Parameters: ?1 file ('pages.csv'), ?2 rows loaded, ?3 rows rejected,
-- ?4 present (1, or 0 when the optional file is absent: its analyses are
-- skipped). No result columns.
INSERT INTO corpus_files (file, rows, rejected, present) VALUES (?1, ?2, ?3, ?4);
