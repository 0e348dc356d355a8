-- No query reads records by (year, industry): the ranking filters by industry after joining
-- results to records by key. Keeping it cost every import an index write per row.
-- (PostgreSQL's migration of the same number also drops two foreign keys; SQLite keeps them,
-- as there they cost nothing measurable.)
DROP INDEX IF EXISTS survey_records_year_industry;
