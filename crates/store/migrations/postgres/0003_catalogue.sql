-- The matchmaking catalogue (each entry as JSON, validated before it is written), deals on demands,
-- and the in-app inbox.

CREATE TABLE catalogue_entries (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    entry_json TEXT NOT NULL,
    owner TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);

-- Bumped by every change to the catalogue: the servers' search indexes are keyed by it.
CREATE TABLE catalogue_version (
    one INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (one, version) VALUES (1, 0);

-- 对接跟踪: a demand and a candidate, open → matched → in_contact → contract → closed.
CREATE TABLE deals (
    id BIGSERIAL PRIMARY KEY,
    demand_id TEXT NOT NULL,
    supply_kind TEXT NOT NULL,
    supply_id TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX deals_demand ON deals (demand_id);

CREATE TABLE inbox (
    id BIGSERIAL PRIMARY KEY,
    user_name TEXT NOT NULL,
    message TEXT NOT NULL,
    link TEXT NOT NULL,
    at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX inbox_user ON inbox (user_name, id);
