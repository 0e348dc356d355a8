-- What the government already knows (registry, tax, patents, certificates), imported per source and
-- year, to pre-fill the survey forms; each value keeps its batch (who imported it and when).

CREATE TABLE source_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    year INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    rows_total INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE source_values (
    source TEXT NOT NULL,
    year INTEGER NOT NULL,
    credit_code TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    batch_id BIGINT NOT NULL,
    PRIMARY KEY (source, year, credit_code, field)
);
CREATE INDEX source_values_firm ON source_values (year, credit_code);

-- A firm's reasons for correcting a source's value, by field (JSON).
ALTER TABLE filings ADD COLUMN reasons_json TEXT NOT NULL DEFAULT '{}';

-- The fields a round asks (keys, comma-separated; empty: every field of the template).
ALTER TABLE survey_rounds ADD COLUMN fields TEXT NOT NULL DEFAULT '';
