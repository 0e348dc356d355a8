-- Survey store: enterprises, one row per enterprise and year, history of replaced rows, import batches.
-- Numeric columns follow kechuang_domain::fields::NUMERIC (checked by a test).

CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    consent_bank INTEGER NOT NULL,
    employees REAL,
    tech_staff REAL,
    rd_staff REAL,
    phd_staff REAL,
    revenue REAL,
    main_business_revenue REAL,
    hightech_revenue REAL,
    total_assets REAL,
    total_liabilities REAL,
    net_profit REAL,
    tax_paid REAL,
    rd_expense REAL,
    rd_expense_domestic REAL,
    total_cost_expense REAL,
    gov_funding REAL,
    equity_financing REAL,
    invention_patents_granted REAL,
    invention_patents_valid REAL,
    utility_models_valid REAL,
    designs_valid REAL,
    software_copyrights REAL,
    other_class1_ip REAL,
    pct_applications REAL,
    standards_international REAL,
    standards_national REAL,
    standards_industry REAL,
    tech_contract_turnover REAL,
    achievements_converted REAL,
    new_product_revenue REAL,
    awards_national REAL,
    awards_provincial REAL,
    niche_years REAL,
    digital_maturity_level REAL,
    quality_certifications REAL,
    market_share REAL,
    univ_collab_projects REAL,
    jjj_partners REAL,
    jjj_contract_turnover REAL,
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
    data BLOB NOT NULL,
    PRIMARY KEY (year, chunk)
);
CREATE INDEX survey_records_year_region ON survey_records (year, region_code);
CREATE INDEX survey_records_year_industry ON survey_records (year, industry_code);
CREATE INDEX enterprises_region ON enterprises (region_code);

CREATE TABLE index_builds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    score REAL,
    rank INTEGER,
    scores_json TEXT NOT NULL,
    values_json TEXT NOT NULL,
    facts_json TEXT NOT NULL,
    PRIMARY KEY (build_id, credit_code, year)
);

CREATE INDEX index_results_rank ON index_results (build_id, year, rank);
