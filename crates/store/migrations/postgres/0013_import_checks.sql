-- A million-row import spent 18 of its 27 seconds of `COPY survey_records` in the per-row triggers
-- behind these two foreign keys (9 s each, even for the one-row batch table; measured on the
-- benchmark's 2-core machine). The import is the only writer of survey records: it writes each
-- record's enterprise and its batch in the same transaction, and neither enterprises nor import
-- batches are ever deleted. A store test checks after imports that no record lacks either.
-- SQLite keeps its foreign keys: there they cost nothing measurable.
ALTER TABLE survey_records DROP CONSTRAINT IF EXISTS survey_records_credit_code_fkey;
ALTER TABLE survey_records DROP CONSTRAINT IF EXISTS survey_records_batch_id_fkey;
-- No query reads records by (year, industry): the ranking filters by industry after joining
-- results to records by key. Keeping it cost every import an index write per row.
DROP INDEX IF EXISTS survey_records_year_industry;
