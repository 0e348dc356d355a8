-- Index results stored compactly: one binary column (`packed`, the enterprise crate's format,
-- decoded with the build's `result_codes`) instead of three JSON documents, which at a million
-- enterprises were 2.7 KB a row and most of a stored build's time. Rows of earlier builds keep
-- their JSON and are still read; new rows leave the JSON columns empty (NULL).
ALTER TABLE index_builds ADD COLUMN result_codes TEXT;
ALTER TABLE index_results ALTER COLUMN scores_json DROP NOT NULL;
ALTER TABLE index_results ALTER COLUMN values_json DROP NOT NULL;
ALTER TABLE index_results ALTER COLUMN facts_json DROP NOT NULL;
ALTER TABLE index_results ADD COLUMN packed BYTEA;
-- Packed results are already compact binary: pglz would spend time for little.
ALTER TABLE index_results ALTER COLUMN packed SET STORAGE EXTERNAL;
