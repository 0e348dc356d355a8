//! The generic leak test: every GET route of the OpenAPI document and every page, as every role,
//! with the path parameters filled in with enterprises in and out of each role's scope, over a
//! seeded region with a catalogue. It fails if a response names an enterprise — by credit code or
//! by name — that the role may not read directly. New routes are covered as soon as they are in
//! the OpenAPI document (a test elsewhere keeps it equal to the router).

use std::collections::{BTreeSet, HashMap};

use crate::Fixture;

/// The roles' accounts, and whether each may read an enterprise directly (the rule of
/// `access.rs`, restated here independently).
fn may_read(f: &Fixture, account: &str, code: &str, region: &str) -> bool {
    match account {
        "admin" | "analyst" => true,
        "officer" => region == "120116",
        "firm" => code == f.in_binhai,
        "bank" => code == f.elsewhere,
        _ => false,
    }
}

const ACCOUNTS: [&str; 6] = ["admin", "analyst", "officer", "firm", "bank", "citizen"];

/// Pages (GET) of the web UI; `{code}` and `{demand}` are filled in.
const PAGES: [&str; 29] = [
    "/",
    "/ranking",
    "/ranking?per_page=500",
    "/ranking?q=%E7%A7%91%E6%8A%80",
    "/enterprises/{code}",
    "/targets",
    "/targets?scheme=hnte",
    "/targets?scheme=specialised_sme&outcome=near_miss",
    "/builds",
    "/tables",
    "/consents",
    "/admin",
    "/match",
    "/match?q=%E5%B0%81%E8%A3%85",
    "/match/demand/{demand}",
    "/match/achievement/A700",
    "/inbox",
    "/talent",
    "/upload",
    "/match/new-demand",
    "/rounds",
    "/rounds/1",
    "/rounds/1/forms/{code}",
    "/whatif",
    "/whatif/scenarios",
    "/whatif/scenarios/1",
    "/whatif/compare?ids=1&ids=2",
    "/validity",
    "/finance",
];

pub async fn no_response_names_an_enterprise_the_role_may_not_read(f: &Fixture) {
    let latest = f.records.iter().map(|r| r.year).max().unwrap_or(0);
    // A third enterprise: in neither the officer's district nor the bank's consent.
    let third = f
        .records
        .iter()
        .find(|r| r.year == latest && r.region_code.as_str() == "120102")
        .map(|r| r.credit_code.to_string())
        .unwrap_or_else(|| f.elsewhere.clone());
    // Demands of three enterprises (one the firm's own), supply, and a deal.
    let analyst = f.session("analyst").await;
    crate::security::publish_and_deal(
        &analyst,
        &[
            ("D700", &f.elsewhere),
            ("D701", &third),
            ("D702", &f.in_binhai),
        ],
        "A700",
    )
    .await;

    // A survey round for the year after the latest (round 1), with the firm's draft in it.
    let opened = analyst
        .post_json(
            "/api/v1/rounds",
            serde_json::json!({"year": latest + 1, "deadline": "2000-01-01"}),
        )
        .await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let firm = f.session("firm").await;
    let own_form = firm
        .get(&format!("/api/v1/rounds/1/forms/{}", f.in_binhai))
        .await
        .json();
    let saved = firm
        .post_json(
            &format!("/api/v1/rounds/1/forms/{}", f.in_binhai),
            serde_json::json!({"values": own_form["values"], "submit": false}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);

    // A loan of the bank to the enterprise that consented to it (outside the officer's district).
    let bank = f.session("bank").await;
    let recorded = bank
        .post_json(
            "/api/v1/finance/loans",
            serde_json::json!({"loans": [{"reference": "L1", "credit_code": f.elsewhere,
                "granted_on": "2025-05-01", "granted": 100, "disbursed": 50, "repaid": 0, "overdue": 0}]}),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.text);

    // Two saved scenarios (1 and 2) that move enterprises of every district.
    for (name, changes) in [
        (
            "revenue",
            serde_json::json!({"values": {"condition.revenue": 80000}}),
        ),
        ("pass", serde_json::json!({"values": {"pass_score": 40}})),
    ] {
        let saved = analyst
            .post_json(
                "/api/v1/scenarios",
                serde_json::json!({"name": name, "scheme": "tech_sme", "changes": changes}),
            )
            .await;
        assert_eq!(saved.status, 201, "{}", saved.text);
    }

    // Every GET operation of the API document, parameters filled in.
    let doc = f.client().get("/api/v1/openapi.json").await.json();
    let mut api_paths = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        if ops.get("get").is_none() {
            continue;
        }
        api_paths.extend(fill(path, f, &third));
    }
    api_paths.push("/api/v1/enterprises?per_page=500".into());
    api_paths.push("/api/v1/catalogue/search?q=%E5%B0%81%E8%A3%85&kind=demand".into());
    api_paths.push("/api/v1/deals?demand=D700".into());
    api_paths.push("/api/v1/scenarios/compare?ids=1,2".into());
    let pages: Vec<String> = PAGES.iter().flat_map(|p| fill(p, f, &third)).collect();

    // Who is who: every enterprise of the region, by code and by name.
    let mut region_of: HashMap<String, String> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    for r in &f.records {
        region_of.insert(
            r.credit_code.to_string(),
            r.region_code.as_str().to_string(),
        );
        names.insert(r.credit_code.to_string(), r.name.clone());
    }
    let mut leaks: BTreeSet<String> = BTreeSet::new();
    let mut checked = 0;
    for account in ACCOUNTS {
        let c = f.session(account).await;
        for path in api_paths.iter().chain(&pages) {
            let reply = c.get(path).await;
            assert!(
                reply.status.as_u16() < 500,
                "{account} GET {path}: {} {}",
                reply.status,
                reply.text
            );
            checked += 1;
            for (code, region) in &region_of {
                if may_read(f, account, code, region) {
                    continue;
                }
                let name = &names[code];
                if reply.text.contains(code.as_str()) {
                    leaks.insert(format!("{account} GET {path}: code {code}"));
                } else if reply.text.contains(name.as_str()) {
                    leaks.insert(format!("{account} GET {path}: name {name} ({code})"));
                }
            }
        }
    }
    assert!(checked > 300, "walked {checked} responses");
    assert!(
        leaks.is_empty(),
        "{} responses name enterprises their reader may not read:\n{}",
        leaks.len(),
        leaks
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A route with its path parameters filled in: every enterprise code of interest, every shipped
/// scheme, the seeded catalogue entries.
fn fill(path: &str, f: &Fixture, third: &str) -> Vec<String> {
    let mut out = vec![path.to_string()];
    let mut expand = |key: &str, values: &[&str]| {
        out = out
            .iter()
            .flat_map(|p| {
                if p.contains(key) {
                    values.iter().map(|v| p.replace(key, v)).collect()
                } else {
                    vec![p.clone()]
                }
            })
            .collect();
    };
    expand("{code}", &[&f.in_binhai, &f.elsewhere, third]);
    expand("{demand}", &["D700", "D701", "D702"]);
    if path.starts_with("/api/v1/schemes/") {
        expand(
            "{id}",
            &["tech_sme", "hnte", "specialised_sme", "rd_credit"],
        );
    }
    if path.starts_with("/api/v1/catalogue/") {
        expand("{kind}", &["demand", "achievement"]);
        expand("{id}", &["D700", "D701", "D702", "A700"]);
    }
    // Ids nothing here can fill (talent people, tokens) are tried with an id that does not exist.
    expand("{id}", &["1"]);
    expand("{name}", &["analyst"]);
    out
}
