-- SQLite stores blobs uncompressed already; the version exists so both dialects keep the same list
-- (PostgreSQL's 0007 turns off pglz compression of snapshot chunks).
SELECT 1;
