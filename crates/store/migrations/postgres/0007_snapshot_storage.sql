-- Snapshot chunks are megabytes of packed records, written whole on every import: stored out of line
-- without compression (pglz over every chunk was most of the time of writing a million-row snapshot).
ALTER TABLE survey_snapshots ALTER COLUMN data SET STORAGE EXTERNAL;
