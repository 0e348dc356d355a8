-- 调查轮次: a survey round for a year — filed online by the enterprises in its scope, reviewed by
-- their district or park, followed up by the bureau.

CREATE TABLE survey_rounds (
    id BIGSERIAL PRIMARY KEY,
    year INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    scope TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT
);

-- The enterprises a round asks, with the district and park it is followed up by.
CREATE TABLE round_members (
    round_id BIGINT NOT NULL,
    credit_code TEXT NOT NULL,
    region_code TEXT NOT NULL,
    park TEXT,
    PRIMARY KEY (round_id, credit_code)
);

-- An enterprise's form in a round: draft → submitted → (returned → submitted)* → approved.
CREATE TABLE filings (
    round_id BIGINT NOT NULL,
    credit_code TEXT NOT NULL,
    status TEXT NOT NULL,
    values_json TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    PRIMARY KEY (round_id, credit_code)
);

-- Every step of every form, kept: saves, submissions, returns (with the fields and the comment),
-- approvals.
CREATE TABLE filing_events (
    id BIGSERIAL PRIMARY KEY,
    round_id BIGINT NOT NULL,
    credit_code TEXT NOT NULL,
    action TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at TEXT NOT NULL,
    fields TEXT NOT NULL,
    comment TEXT NOT NULL
);
CREATE INDEX filing_events_form ON filing_events (round_id, credit_code, id);
