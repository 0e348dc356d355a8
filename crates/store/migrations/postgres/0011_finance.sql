-- 科技金融: enterprises' applications for innovation-credit loans (积分贷) to a bank, and the
-- credit lines and loans banks record for the enterprises that consented (amounts in 万元).

CREATE TABLE loan_applications (
    id BIGSERIAL PRIMARY KEY,
    credit_code TEXT NOT NULL,
    bank TEXT NOT NULL,
    amount DOUBLE PRECISION NOT NULL,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL,
    granted DOUBLE PRECISION,
    reason TEXT NOT NULL DEFAULT '',
    applied_by TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    answered_by TEXT,
    answered_at TEXT
);
CREATE INDEX loan_applications_bank ON loan_applications (bank, status);
CREATE INDEX loan_applications_firm ON loan_applications (credit_code);

CREATE TABLE loans (
    bank TEXT NOT NULL,
    reference TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    granted_on TEXT NOT NULL,
    granted DOUBLE PRECISION NOT NULL,
    disbursed DOUBLE PRECISION NOT NULL,
    repaid DOUBLE PRECISION NOT NULL,
    overdue DOUBLE PRECISION NOT NULL,
    application_id BIGINT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (bank, reference)
);
CREATE INDEX loans_firm ON loans (credit_code);
