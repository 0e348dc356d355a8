-- The unified talent pool (统一科技人才库): people as JSON (validated before they are written), and
-- the audit trail of merged duplicates.

CREATE TABLE talent_people (
    id TEXT PRIMARY KEY,
    person_json TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE talent_merges (
    id BIGSERIAL PRIMARY KEY,
    kept TEXT NOT NULL,
    merged TEXT NOT NULL,
    record_json TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at TEXT NOT NULL
);
