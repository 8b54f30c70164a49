-- insert_corpus_file: what the load found for one corpus file that is
-- present (an absent optional file gets no row: its analyses are skipped).
-- Parameters: ?1 file ('pages.csv'), ?2 rows loaded, ?3 rows rejected.
-- No result columns.
INSERT INTO corpus_files (file, rows, rejected) VALUES (?1, ?2, ?3);
