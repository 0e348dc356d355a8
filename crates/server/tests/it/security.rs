//! One regression test per finding of the adversarial review (issue 11), each failing on the code
//! before the fix: peers named in portraits, a tiny workbook that stopped the server, token scopes
//! bypassed through pages, catalogue entries taken over by id, injectable attributes, credentials
//! that outlived a reset, disclosure undone by counts, raw survey records for banks; and the
//! smaller ones (lockout by anyone, unlimited labels, page overflow, the language redirect, deal
//! enumeration, unaudited audit reads, 高企 candidates dropped).

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::{Client, Fixture, PASSWORD};

/// Who each fixture account may read directly (the rule the leak test checks too).
fn readable(f: &Fixture, account: &str) -> HashSet<String> {
    let latest = f.records.iter().map(|r| r.year).max().unwrap_or(0);
    f.records
        .iter()
        .filter(|r| r.year == latest)
        .filter(|r| match account {
            "admin" | "analyst" => true,
            "officer" => r.region_code.as_str() == "120116",
            "firm" => r.credit_code.as_str() == f.in_binhai,
            "bank" => r.credit_code.as_str() == f.elsewhere,
            _ => false,
        })
        .map(|r| r.credit_code.to_string())
        .collect()
}

pub async fn portraits_name_only_peers_the_reader_may_read(f: &Fixture) {
    for (account, code) in [
        ("officer", f.in_binhai.clone()),
        ("firm", f.in_binhai.clone()),
        ("bank", f.elsewhere.clone()),
        ("analyst", f.in_binhai.clone()),
    ] {
        let c = f.session(account).await;
        let allowed = readable(f, account);
        let reply = c.get(&format!("/api/v1/enterprises/{code}/portrait")).await;
        assert_eq!(reply.status, 200, "{account}: {}", reply.text);
        let p = reply.json();
        let named: Vec<&str> = p["similar"]
            .as_array()
            .expect("similar")
            .iter()
            .filter_map(|s| s["credit_code"].as_str())
            .collect();
        for n in &named {
            assert!(allowed.contains(*n), "{account} is shown {n}");
        }
        if account == "analyst" {
            assert_eq!(named.len(), 5, "analysts see every similar enterprise");
            assert!(p["similar_withheld"].is_null());
        } else {
            let withheld = &p["similar_withheld"];
            assert_eq!(
                withheld["count"].as_u64().unwrap_or(0) as usize + named.len(),
                5,
                "{account}: peers are summarised, not dropped: {withheld}"
            );
        }
        // The page says the same.
        let page = c.get(&format!("/enterprises/{code}")).await;
        assert_eq!(page.status, 200);
        for other in f.records.iter().map(|r| r.credit_code.as_str()) {
            if !allowed.contains(other) {
                assert!(
                    !page.text.contains(other),
                    "{account}'s portrait page names {other}"
                );
            }
        }
    }
}

/// A workbook with a cell at A1 and one at `far` (e.g. XFD1048576).
pub(crate) fn sparse_workbook(far: (u32, u16)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "id").expect("a1");
    sheet.write_string(far.0, far.1, "x").expect("far cell");
    book.save_to_buffer().expect("xlsx")
}

pub async fn a_sparse_workbook_is_refused_and_the_server_goes_on(f: &Fixture) {
    let firm = f.session("firm").await;
    let huge = sparse_workbook((1_048_575, 16_383));
    assert!(huge.len() < 8 << 10, "a few kilobytes: {}", huge.len());
    let catalogue = firm
        .post_file(
            "/api/v1/catalogue/imports?kind=demand&file_name=d.xlsx",
            huge.clone(),
        )
        .await;
    assert_eq!(catalogue.status, 400, "{}", catalogue.text);
    assert!(catalogue.text.contains("too large"), "{}", catalogue.text);
    let survey = firm
        .post_file("/api/v1/imports?file_name=s.xlsx", huge)
        .await;
    assert_eq!(survey.status, 400, "{}", survey.text);
    // A1 and Z200000: read cell by cell, it costs its two cells and 200,000 empty rows (a few MB,
    // not the 5.2 million-cell rectangle), and is answered as the file it is: no columns.
    let tall = sparse_workbook((199_999, 25));
    let answered = firm
        .post_file(
            "/api/v1/catalogue/imports?kind=demand&file_name=d.xlsx",
            tall,
        )
        .await;
    assert_eq!(answered.status, 422, "{}", answered.text);
    assert_eq!(f.client().get("/healthz").await.status, 200);
}

pub async fn tokens_are_refused_by_pages_and_cannot_mint_more_than_they_are(f: &Fixture) {
    let admin = f.session("admin").await;
    let token = |scopes: &'static str| {
        let admin = &admin;
        async move {
            let t = admin
                .post_json("/api/v1/tokens", json!({"label": scopes, "scopes": scopes}))
                .await
                .json();
            let mut c = f.client();
            c.token = t["token"].as_str().map(String::from);
            c
        }
    };
    let read = token("read").await;
    let page = read.get("/admin").await;
    assert_eq!(page.status, 403, "the admin page with a read token");
    assert!(!page.text.contains("analyst"), "{}", page.text);
    let write = token("read,write").await;
    let minted = write
        .post_json("/api/v1/tokens", json!({"label": "up", "scopes": "admin"}))
        .await;
    assert_eq!(minted.status, 403, "{}", minted.text);
    let form = write
        .request(
            Method::POST,
            "/admin",
            Some((
                "application/x-www-form-urlencoded",
                b"name=evil&password=long-enough-pw&role=admin".to_vec(),
            )),
        )
        .await;
    assert_eq!(form.status, 403, "{}", form.text);
    assert!(
        f.store
            .user_by_name("evil")
            .await
            .expect("lookup")
            .is_none(),
        "no administrator was created"
    );
    let users = write.get("/api/v1/admin/users").await;
    assert_eq!(users.status, 403);
    let full = token("read,write,admin").await;
    assert_eq!(full.get("/api/v1/admin/users").await.status, 200);
    // Labels are bounded.
    let long = admin
        .post_json(
            "/api/v1/tokens",
            json!({"label": "x".repeat(10_000), "scopes": "read"}),
        )
        .await;
    assert_eq!(long.status, 400, "{}", long.text);
}

pub async fn catalogue_entries_cannot_be_taken_over_by_id(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let row = |enterprise: &str, title: &str| {
        format!(
            "id,enterprise,title,problem,field,region,min_trl,budget\nD900,{enterprise},{title},问题描述,electronic_information,津,6,100\n"
        )
        .into_bytes()
    };
    let put = analyst
        .post_file(
            "/api/v1/catalogue/imports?kind=demand",
            row(&f.elsewhere, "原始需求"),
        )
        .await;
    assert_eq!(put.status, 201, "{}", put.text);
    let firm = f.session("firm").await;
    let takeover = firm
        .post_file(
            "/api/v1/catalogue/imports?kind=demand",
            row(&f.in_binhai, "被改写"),
        )
        .await;
    assert_eq!(takeover.status, 403, "{}", takeover.text);
    let stored = f.store.catalogue().await.expect("catalogue");
    let entry = stored
        .iter()
        .find(|e| e.kind == "demand" && e.id == "D900")
        .expect("still there");
    assert_eq!(entry.owner, "analyst");
    assert!(entry.json.contains("原始需求"), "{}", entry.json);
    // Its own new demand is fine, and so is replacing it.
    let own = row(&f.in_binhai, "自己的").replace_on_id("D901");
    for _ in 0..2 {
        let r = firm
            .post_file("/api/v1/catalogue/imports?kind=demand", own.clone())
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
}

trait ReplaceOnId {
    fn replace_on_id(self, id: &str) -> Vec<u8>;
}

impl ReplaceOnId for Vec<u8> {
    fn replace_on_id(self, id: &str) -> Vec<u8> {
        String::from_utf8(self)
            .expect("utf8")
            .replace("D900", id)
            .into_bytes()
    }
}

pub async fn user_text_never_opens_an_attribute(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let hostile = "%22%3E%3Cx%20onmouseover%3D1%3E%27";
    for path in [
        "/ranking?q=",
        "/match?q=",
        "/talent?q=",
        "/targets?industry=",
    ] {
        let page = analyst.get(&format!("{path}{hostile}")).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            !page.text.contains("\"><x onmouseover=1>"),
            "{path} reflects the payload raw"
        );
        assert!(
            !page.text.contains("<x onmouseover"),
            "{path} opens an element"
        );
    }
    let ranking = analyst.get(&format!("/ranking?q={hostile}")).await;
    assert!(
        ranking.text.contains("&quot;&gt;&lt;x onmouseover=1&gt;"),
        "the value is kept, escaped"
    );
}

pub async fn resets_role_changes_and_disabling_end_sessions_and_tokens(f: &Fixture) {
    let admin = f.session("admin").await;
    for change in [
        json!({"password": "another-long-password"}),
        json!({"role": "district_officer", "scope": "120104"}),
        json!({"disabled": true}),
    ] {
        let victim = f.session("analyst").await;
        let t = victim
            .post_json("/api/v1/tokens", json!({"label": "t", "scopes": "read"}))
            .await
            .json();
        let mut machine = f.client();
        machine.token = t["token"].as_str().map(String::from);
        assert_eq!(machine.get("/api/v1/me").await.status, 200);
        let done = admin
            .post_json("/api/v1/admin/users/analyst", change.clone())
            .await;
        assert_eq!(done.status, 200, "{change}: {}", done.text);
        assert_eq!(
            victim.get("/api/v1/me").await.status,
            401,
            "{change}: session"
        );
        assert_eq!(
            machine.get("/api/v1/me").await.status,
            401,
            "{change}: token"
        );
        // Back to the start for the next change.
        let restore = admin
            .post_json(
                "/api/v1/admin/users/analyst",
                json!({"password": PASSWORD, "role": "analyst", "disabled": false}),
            )
            .await;
        assert_eq!(restore.status, 200, "{}", restore.text);
        assert_eq!(
            machine.get("/api/v1/me").await.status,
            401,
            "re-enabling does not revive tokens"
        );
    }
    let bad = admin
        .post_json(
            "/api/v1/admin/users/analyst",
            json!({"password": "yet-another-password", "role": "wizard"}),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        f.session("analyst").await.get("/api/v1/me").await.status,
        200,
        "a refused change writes nothing (the old password still works)"
    );
}

pub async fn banks_get_portraits_not_survey_records(f: &Fixture) {
    let bank = f.session("bank").await;
    let record = bank
        .get(&format!("/api/v1/enterprises/{}", f.elsewhere))
        .await;
    assert_eq!(record.status, 403, "{}", record.text);
    assert!(!record.text.contains("rd_expense"), "{}", record.text);
    let portrait = bank
        .get(&format!("/api/v1/enterprises/{}/portrait", f.elsewhere))
        .await;
    assert_eq!(portrait.status, 200);
    // Analysts and the enterprise itself still read the record.
    let firm = f.session("firm").await;
    assert_eq!(
        firm.get(&format!("/api/v1/enterprises/{}", f.in_binhai))
            .await
            .status,
        200
    );
}

pub async fn the_published_tables_withhold_every_measure_of_a_suppressed_row(f: &Fixture) {
    let public = f.session("citizen").await;
    let api = public.get("/api/v1/regions").await;
    assert_eq!(api.status, 200);
    let tables = api.json();
    let page = public.get("/tables").await;
    assert_eq!(page.status, 200);
    let mut suppressed = 0;
    for table in ["by_district", "by_industry", "by_field"] {
        for row in tables[table]["rows"].as_array().expect("rows") {
            if row.get("suppressed").is_some() {
                suppressed += 1;
                assert!(row.get("figures").is_none(), "{row}");
                let label = row["label"].as_str().expect("label");
                let cells = row_cells(&page.text, label);
                assert!(cells.iter().all(|c| c == "x"), "{table} {label}: {cells:?}");
            }
        }
    }
    assert!(suppressed > 0, "the fixture has suppressed rows to check");
}

/// The numeric cells of the first table row whose first cell is `label`.
fn row_cells(html: &str, label: &str) -> Vec<String> {
    let start = format!("<tr><td>{label}</td>");
    let Some(at) = html.find(&start) else {
        return vec![format!("no row {label}")];
    };
    let rest = &html[at + start.len()..];
    let row = &rest[..rest.find("</tr>").unwrap_or(rest.len())];
    row.split("</td>")
        .filter_map(|c| c.rsplit('>').next())
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

pub async fn failed_logins_lock_out_one_address_with_back_off(f: &Fixture) {
    let mut attacker = f.client();
    for _ in 0..5 {
        let (status, _) = attacker.login("officer", "wrong-password").await;
        assert_eq!(status, 401);
    }
    let (status, _) = attacker.login("officer", PASSWORD).await;
    assert_eq!(status, 429, "the guessing address is throttled");
    let mut owner = Client::from_address(&f.base, "127.0.0.2".parse().expect("ip"));
    let (status, reply) = owner.login("officer", PASSWORD).await;
    assert_eq!(
        status, 200,
        "the owner, elsewhere, still logs in: {}",
        reply.text
    );
}

pub async fn lists_refuse_pages_out_of_range(f: &Fixture) {
    let analyst = f.session("analyst").await;
    for path in [
        "/api/v1/enterprises?page=9223372036854775807",
        "/api/v1/enterprises?page=0",
        "/api/v1/schemes/tech_sme/targets?page=9223372036854775807&per_page=9223372036854775807",
        "/api/v1/admin/audit?page=-1",
    ] {
        let r = if path.contains("admin") {
            f.session("admin").await.get(path).await
        } else {
            analyst.get(path).await
        };
        assert_eq!(r.status, 400, "{path}: {}", r.text);
    }
    let last = analyst.get("/api/v1/enterprises?page=1000000").await;
    assert_eq!(last.status, 200);
    assert_eq!(last.json()["page"], 1_000_000);
    assert_eq!(last.json()["items"].as_array().map(Vec::len), Some(0));
}

pub async fn the_language_switch_stays_on_the_site(f: &Fixture) {
    let c = f.client();
    let host = f.base.trim_start_matches("http://");
    for referer in [
        format!("http://{host}/\\evil.example"),
        format!("http://{host}//evil.example"),
        "http://evil.example/ranking".to_string(),
    ] {
        let r = c.get_with("/lang/en", &[("referer", &referer)]).await;
        assert_eq!(r.status, 303, "{referer}");
        assert_eq!(
            r.headers.get("location").and_then(|v| v.to_str().ok()),
            Some("/"),
            "{referer}"
        );
    }
    let ok = c
        .get_with(
            "/lang/en",
            &[("referer", &format!("http://{host}/ranking?q=1"))],
        )
        .await;
    assert_eq!(
        ok.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/ranking?q=1")
    );
}

/// As `analyst`: publishes a demand per (id, enterprise) and one achievement `supply_id`, then
/// opens a deal between the first demand and it. The deal's id.
pub async fn publish_and_deal(analyst: &Client, demands: &[(&str, &str)], supply_id: &str) -> i64 {
    let mut csv = String::from("id,enterprise,title,problem,field,region,min_trl,budget\n");
    for (id, code) in demands {
        csv.push_str(&format!(
            "{id},{code},碳化硅功率器件封装散热,电驱模块封装热阻过高,electronic_information,津,6,100\n"
        ));
    }
    let put = analyst
        .post_file("/api/v1/catalogue/imports?kind=demand", csv)
        .await;
    assert_eq!(put.status, 201, "{}", put.text);
    let supply = format!(
        "id,title,summary,field,trl,owner,region,price_low,price_high\n\
         {supply_id},碳化硅功率器件低热阻封装工艺,银烧结双面散热封装,electronic_information,7,天津大学,津,60,90\n"
    );
    let put = analyst
        .post_file("/api/v1/catalogue/imports?kind=achievement", supply)
        .await;
    assert_eq!(put.status, 201, "{}", put.text);
    let deal = analyst
        .post_json(
            "/api/v1/deals",
            json!({"demand_id": demands[0].0, "supply_kind": "achievement", "supply_id": supply_id}),
        )
        .await;
    assert_eq!(deal.status, 201, "{}", deal.text);
    deal.json()["id"].as_i64().expect("id")
}

pub async fn deals_of_others_answer_as_missing_ones(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let id = publish_and_deal(&analyst, &[("D950", &f.elsewhere)], "A950").await;
    let firm = f.session("firm").await;
    let theirs = firm
        .post_json(
            &format!("/api/v1/deals/{id}"),
            json!({"status": "in_contact"}),
        )
        .await;
    let missing = firm
        .post_json(
            &format!("/api/v1/deals/{}", id + 1000),
            json!({"status": "in_contact"}),
        )
        .await;
    assert_eq!(theirs.status, 404, "{}", theirs.text);
    assert_eq!(missing.status, 404);
    let shape = |v: Value| v["error"]["code"].clone();
    assert_eq!(shape(theirs.json()), shape(missing.json()));
}

pub async fn reading_the_audit_log_is_audited(f: &Fixture) {
    let admin = f.session("admin").await;
    assert_eq!(admin.get("/api/v1/admin/audit").await.status, 200);
    for _ in 0..50 {
        let (_, entries) = f.store.audit_log(None, 1000, 0).await.expect("audit");
        if entries
            .iter()
            .any(|e| e.action == "audit.read" && e.user_name == "admin")
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the read of the audit log was not audited");
}

pub async fn hnte_candidates_awaiting_experts_are_listed(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let t = analyst.get("/api/v1/schemes/hnte/targets").await;
    assert_eq!(t.status, 200, "{}", t.text);
    let t = t.json();
    let awaiting = t["needs_expert"].as_u64().expect("needs_expert count");
    assert!(
        awaiting + t["qualifies"].as_u64().unwrap_or(0) > 0,
        "高企 has candidates: {t}"
    );
    let listed = analyst
        .get("/api/v1/schemes/hnte/targets?outcome=needs_expert")
        .await
        .json();
    assert_eq!(listed["total"].as_u64(), Some(awaiting));
}

pub use crate::leaks::no_response_names_an_enterprise_the_role_may_not_read;

/// A file with more mistakes than a report lists: the first [`REPORTED_ISSUES`] in file order and
/// the total, so that a large upload's answer stays a bounded size.
pub async fn an_upload_report_lists_the_first_issues_and_counts_them_all(f: &Fixture) {
    const REPORTED_ISSUES: usize = kechuang_server::api::REPORTED_ISSUES;
    let analyst = f.session("analyst").await;
    let one: Vec<_> = f
        .records
        .iter()
        .filter(|r| r.year == 2025)
        .take(1)
        .cloned()
        .collect();
    let text = String::from_utf8(crate::suite::csv_of(&one)).expect("utf8");
    let (header, row) = text.trim_end().split_once('\n').expect("a row");
    // The same enterprise and year on every row: each row after the first is a duplicate.
    let rows = REPORTED_ISSUES + 500;
    let mut file = format!("{header}\n");
    for _ in 0..rows {
        file.push_str(row);
        file.push('\n');
    }
    let reply = analyst
        .post_file(
            "/api/v1/imports?file_name=many.csv&dry_run=true",
            file.into_bytes(),
        )
        .await;
    assert_eq!(
        reply.status,
        422,
        "{}",
        &reply.text[..reply.text.len().min(300)]
    );
    let report = reply.json();
    assert_eq!(report["rows"], rows);
    let total = report["issues_total"].as_u64().expect("total") as usize;
    assert!(total >= rows - 1, "every duplicate counted: {total}");
    let listed = report["issues"].as_array().expect("issues");
    assert_eq!(listed.len(), REPORTED_ISSUES);
    assert_eq!(
        listed[0]["row"], 3,
        "file order: the first duplicate is row 3"
    );
    let counted =
        report["errors"].as_u64().expect("errors") + report["warnings"].as_u64().expect("warnings");
    assert_eq!(counted as usize, total);
}
