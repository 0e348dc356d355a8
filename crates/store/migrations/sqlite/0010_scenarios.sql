-- 政策模拟: saved policy scenarios — a scheme's rule file with changed parameters, who saved it,
-- when, and the rules' version it was made from.

CREATE TABLE policy_scenarios (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    scheme TEXT NOT NULL,
    base_version TEXT NOT NULL,
    rules TEXT NOT NULL,
    year INTEGER,
    amount REAL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
