-- Survey store: enterprises, one row per enterprise and year, history of replaced rows, import batches.
-- Numeric columns follow kechuang_domain::fields::NUMERIC (checked by a test).

CREATE TABLE import_batches (
    id BIGSERIAL PRIMARY KEY,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows_total INTEGER NOT NULL,
    rows_inserted INTEGER NOT NULL,
    rows_updated INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    user_name TEXT NOT NULL
);

CREATE TABLE enterprises (
    credit_code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    first_year INTEGER NOT NULL,
    last_year INTEGER NOT NULL
);

CREATE TABLE survey_records (
    credit_code TEXT NOT NULL REFERENCES enterprises (credit_code),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    batch_id BIGINT NOT NULL REFERENCES import_batches (id),
    content_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL,
    park TEXT,
    industry_code TEXT NOT NULL,
    tech_field TEXT,
    founded_on TEXT NOT NULL,
    rd_institution_level TEXT NOT NULL,
    incubation_stage TEXT,
    hnte_until TEXT,
    tech_sme_until TEXT,
    innovative_sme_until TEXT,
    specialised_sme_until TEXT,
    little_giant_until TEXT,
    consent_bank BOOLEAN NOT NULL,
    employees DOUBLE PRECISION,
    tech_staff DOUBLE PRECISION,
    rd_staff DOUBLE PRECISION,
    phd_staff DOUBLE PRECISION,
    revenue DOUBLE PRECISION,
    main_business_revenue DOUBLE PRECISION,
    hightech_revenue DOUBLE PRECISION,
    total_assets DOUBLE PRECISION,
    total_liabilities DOUBLE PRECISION,
    net_profit DOUBLE PRECISION,
    tax_paid DOUBLE PRECISION,
    rd_expense DOUBLE PRECISION,
    rd_expense_domestic DOUBLE PRECISION,
    total_cost_expense DOUBLE PRECISION,
    gov_funding DOUBLE PRECISION,
    equity_financing DOUBLE PRECISION,
    invention_patents_granted DOUBLE PRECISION,
    invention_patents_valid DOUBLE PRECISION,
    utility_models_valid DOUBLE PRECISION,
    designs_valid DOUBLE PRECISION,
    software_copyrights DOUBLE PRECISION,
    other_class1_ip DOUBLE PRECISION,
    pct_applications DOUBLE PRECISION,
    standards_international DOUBLE PRECISION,
    standards_national DOUBLE PRECISION,
    standards_industry DOUBLE PRECISION,
    tech_contract_turnover DOUBLE PRECISION,
    achievements_converted DOUBLE PRECISION,
    new_product_revenue DOUBLE PRECISION,
    awards_national DOUBLE PRECISION,
    awards_provincial DOUBLE PRECISION,
    niche_years DOUBLE PRECISION,
    digital_maturity_level DOUBLE PRECISION,
    quality_certifications DOUBLE PRECISION,
    market_share DOUBLE PRECISION,
    univ_collab_projects DOUBLE PRECISION,
    jjj_partners DOUBLE PRECISION,
    jjj_contract_turnover DOUBLE PRECISION,
    PRIMARY KEY (credit_code, year)
);

CREATE TABLE survey_history (
    credit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    batch_id BIGINT NOT NULL,
    replaced_by_batch BIGINT NOT NULL REFERENCES import_batches (id),
    record_json TEXT NOT NULL,
    PRIMARY KEY (credit_code, year, version)
);

CREATE INDEX survey_records_year ON survey_records (year);

-- Each year's records packed in chunks, sorted by credit code, rewritten in the import transaction:
-- loading a year for the engine reads a hundred values instead of a million rows.
CREATE TABLE survey_snapshots (
    year INTEGER NOT NULL,
    chunk INTEGER NOT NULL,
    records INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (year, chunk)
);
CREATE INDEX survey_records_year_region ON survey_records (year, region_code);
CREATE INDEX survey_records_year_industry ON survey_records (year, industry_code);
CREATE INDEX enterprises_region ON enterprises (region_code);

CREATE TABLE index_builds (
    id BIGSERIAL PRIMARY KEY,
    framework_id TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    years TEXT NOT NULL,
    units INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    manifest_json TEXT NOT NULL
);

CREATE TABLE index_results (
    build_id BIGINT NOT NULL REFERENCES index_builds (id),
    credit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    score DOUBLE PRECISION,
    rank INTEGER,
    scores_json TEXT NOT NULL,
    values_json TEXT NOT NULL,
    facts_json TEXT NOT NULL,
    PRIMARY KEY (build_id, credit_code, year)
);

CREATE INDEX index_results_rank ON index_results (build_id, year, rank);
