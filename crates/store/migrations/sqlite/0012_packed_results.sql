-- Index results stored compactly: one binary column (`packed`, the enterprise crate's format,
-- decoded with the build's `result_codes`) instead of three JSON documents, which at a million
-- enterprises were 2.7 KB a row and most of a stored build's time. Rows of earlier builds keep
-- their JSON and are still read; new rows leave the JSON columns empty (NULL).
ALTER TABLE index_builds ADD COLUMN result_codes TEXT;

CREATE TABLE index_results_0012 (
    build_id BIGINT NOT NULL REFERENCES index_builds (id),
    credit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    score REAL,
    rank INTEGER,
    scores_json TEXT,
    values_json TEXT,
    facts_json TEXT,
    packed BLOB,
    PRIMARY KEY (build_id, credit_code, year)
);
INSERT INTO index_results_0012 (build_id, credit_code, year, score, rank, scores_json, values_json, facts_json)
    SELECT build_id, credit_code, year, score, rank, scores_json, values_json, facts_json FROM index_results;
DROP TABLE index_results;
ALTER TABLE index_results_0012 RENAME TO index_results;
CREATE INDEX index_results_rank ON index_results (build_id, year, rank);
