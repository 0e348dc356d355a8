//! The API suite: each function gets a freshly seeded, running server.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::{BANK, Fixture, PASSWORD};

mod admin;
mod catalogue;
mod index_audit;
mod overview;
mod rounds;
mod scenarios;
pub use admin::*;
pub use catalogue::*;
pub use index_audit::*;
pub use overview::*;
pub use rounds::*;
pub use scenarios::*;

/// Waits for the audit writer (it batches) until `check` holds, or fails after 5 s.
pub(crate) async fn eventually_audited(
    f: &Fixture,
    check: impl Fn(&[kechuang_store::AuditEntry]) -> bool,
) {
    for _ in 0..50 {
        let (_, entries) = f.store.audit_log(None, 1000, 0).await.expect("audit");
        if check(&entries) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, entries) = f.store.audit_log(None, 50, 0).await.expect("audit");
    panic!("the audit log never showed the expected entry; latest: {entries:#?}");
}

pub async fn health_readiness_and_the_api_document(f: &Fixture) {
    let c = f.client();
    assert_eq!(c.get("/healthz").await.json()["status"], "ok");
    let ready = c.get("/readyz").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["database"], f.store.kind());
    let doc = c.get("/api/v1/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    // Every documented GET without path parameters answers something other than 404/405.
    let admin = f.session("admin").await;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        if ops.get("get").is_some() && !path.contains('{') {
            let r = admin.get(path).await;
            assert!(
                r.status != 404 && r.status != 405,
                "{path} answered {}",
                r.status
            );
        }
    }
    let page = c.get("/api/docs").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("/api/v1/enterprises/{code}/portrait"));
    assert!(!page.text.contains("http://") || !page.text.contains("<script src=\"http"));
}

pub async fn login_sessions_and_logout(f: &Fixture) {
    let mut c = f.client();
    let (status, reply) = c.login("analyst", "wrong password").await;
    assert_eq!(status, 401);
    assert_eq!(reply.json()["error"]["code"], "unauthenticated");
    let (status, reply) = c.login("nobody", PASSWORD).await;
    assert_eq!(status, 401, "unknown names get the same answer");
    let (status, reply2) = c.login("analyst", PASSWORD).await;
    assert_eq!(status, 200);
    let cookie = reply2.headers["set-cookie"].to_str().expect("ascii");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "loopback: browsers accept plain HTTP"
    );
    let me = c.get("/api/v1/me").await.json();
    assert_eq!(me["user"]["role"], "analyst");
    assert_eq!(me["csrf_token"], reply2.json()["csrf_token"]);
    // The database holds only a hash of the session secret.
    let secret = c.cookie.clone().expect("cookie");
    let secret = secret.split_once('=').expect("pair").1;
    assert!(
        f.store.session(secret).await.expect("lookup").is_none(),
        "the raw secret is not a key"
    );
    let out = c.delete("/api/v1/session").await;
    assert_eq!(out.status, 204);
    assert_eq!(c.get("/api/v1/me").await.status, 401, "session ended");
    drop(reply);
}

pub async fn failed_logins_are_throttled(f: &Fixture) {
    let mut c = f.client();
    for _ in 0..5 {
        assert_eq!(c.login("officer", "guess-guess-guess").await.0, 401);
    }
    let (status, reply) = c.login("officer", PASSWORD).await;
    assert_eq!(
        status, 429,
        "even the right password, until the window passes"
    );
    assert_eq!(reply.json()["error"]["code"], "throttled");
    // Other accounts are not affected.
    assert_eq!(c.login("analyst", PASSWORD).await.0, 200);
}

pub async fn session_changes_need_the_csrf_token(f: &Fixture) {
    let mut c = f.session("analyst").await;
    c.send_csrf = false;
    let refused = c.post_json("/api/v1/builds", json!({})).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json()["error"]["code"], "csrf");
    let wrong = {
        let mut w = f.session("analyst").await;
        w.csrf = Some("0".repeat(64));
        w.post_json("/api/v1/builds", json!({})).await
    };
    assert_eq!(wrong.status, 403);
    c.send_csrf = true;
    let started = c.post_json("/api/v1/builds", json!({})).await;
    assert_eq!(started.status, 202, "{}", started.text);
    // The form variant: the token in the query string.
    c.send_csrf = false;
    let csrf = c.csrf.clone().expect("csrf");
    let form = c
        .request(
            Method::POST,
            &format!("/builds?_csrf={csrf}"),
            Some(("application/x-www-form-urlencoded", Vec::new())),
        )
        .await;
    assert_eq!(form.status, 303, "{}", form.text);
    // The rebuild finishes and is stored.
    for _ in 0..100 {
        if f.store.builds().await.expect("builds").len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        f.store.builds().await.expect("builds").len() >= 2,
        "the rebuild stored a build"
    );
    eventually_audited(f, |e| {
        e.iter()
            .any(|e| e.action == "csrf.rejected" && e.user_name == "analyst")
    })
    .await;
}

pub async fn each_role_reads_only_its_enterprises(f: &Fixture) {
    let portrait = |code: &str| format!("/api/v1/enterprises/{code}/portrait");
    let missing = "91120116MA99999990";
    // (account, in_binhai, elsewhere, a code with no data)
    let expectations = [
        ("admin", 200, 200, 404),
        ("analyst", 200, 200, 404),
        ("officer", 200, 403, 403),
        ("firm", 200, 403, 403),
        ("bank", 403, 200, 403),
        ("citizen", 403, 403, 403),
    ];
    for (who, binhai, elsewhere, none) in expectations {
        let c = f.session(who).await;
        let a = c.get(&portrait(&f.in_binhai)).await;
        assert_eq!(
            a.status, binhai,
            "{who} reading {}: {}",
            f.in_binhai, a.text
        );
        let b = c.get(&portrait(&f.elsewhere)).await;
        assert_eq!(
            b.status, elsewhere,
            "{who} reading {}: {}",
            f.elsewhere, b.text
        );
        let n = c.get(&portrait(missing)).await;
        assert_eq!(n.status, none, "{who} reading a code with no data");
        for r in [&a, &b] {
            if r.status == 403 {
                // Nothing of the enterprise leaks in a refusal.
                assert_eq!(r.json()["error"]["code"], "forbidden");
                assert!(!r.text.contains("有限公司"), "{}", r.text);
            } else {
                assert!(r.json()["index"].is_number() || r.json()["index"].is_null());
            }
        }
        let record = c.get(&format!("/api/v1/enterprises/{}", f.in_binhai)).await;
        assert_eq!(record.status, binhai, "{who} reading the record");
    }
    // The portrait is the enterprise's, and its figures are those stored.
    let c = f.session("firm").await;
    let p = c.get(&portrait(&f.in_binhai)).await.json();
    assert_eq!(p["credit_code"], f.in_binhai.as_str());
    let stored = f
        .store
        .enterprise_results(1, &f.in_binhai)
        .await
        .expect("results");
    let score = stored.iter().find(|r| r.year == 2025).and_then(|r| r.score);
    assert_eq!(p["index"].as_f64(), score);
    // Without a session: 401.
    assert_eq!(f.client().get(&portrait(&f.in_binhai)).await.status, 401);
}

pub async fn lists_are_limited_to_the_scope(f: &Fixture) {
    let total = |v: &Value| v["total"].as_i64().expect("total");
    let analyst = f.session("analyst").await;
    let all = analyst.get("/api/v1/enterprises?per_page=500").await.json();
    assert_eq!(
        total(&all) as usize,
        f.records.iter().filter(|r| r.year == 2025).count()
    );
    let officer = f.session("officer").await;
    let mine = officer.get("/api/v1/enterprises?per_page=500").await.json();
    assert_eq!(total(&mine) as usize, f.binhai_count);
    assert!(
        mine["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|r| r["region_code"] == "120116")
    );
    // Asking for another district gives nothing, not that district.
    let other = officer
        .get("/api/v1/enterprises?district=南开区")
        .await
        .json();
    assert_eq!(total(&other), 0);
    let firm = f
        .session("firm")
        .await
        .get("/api/v1/enterprises")
        .await
        .json();
    assert_eq!(total(&firm), 1);
    assert_eq!(firm["items"][0]["credit_code"], f.in_binhai.as_str());
    let bank = f
        .session("bank")
        .await
        .get("/api/v1/enterprises")
        .await
        .json();
    assert_eq!(total(&bank), 1);
    assert_eq!(bank["items"][0]["credit_code"], f.elsewhere.as_str());
    assert_eq!(
        f.session("citizen")
            .await
            .get("/api/v1/enterprises")
            .await
            .status,
        403
    );
    // Sorting and paging.
    let by_score = analyst
        .get("/api/v1/enterprises?sort=score&order=desc&per_page=20")
        .await
        .json();
    let scores: Vec<f64> = by_score["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|r| r["score"].as_f64())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let p1 = analyst
        .get("/api/v1/enterprises?per_page=10&page=1")
        .await
        .json();
    let p2 = analyst
        .get("/api/v1/enterprises?per_page=10&page=2")
        .await
        .json();
    assert_eq!(p1["items"][0]["rank"], 1);
    assert_eq!(p2["items"][0]["rank"], 11);
    // The export is the whole filtered list.
    let csv = officer.get("/api/v1/enterprises/export").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/csv")
    );
    assert!(csv.text.starts_with('\u{feff}'));
    assert_eq!(csv.text.lines().count(), f.binhai_count + 1);
}

pub async fn tokens_are_scoped_hashed_and_revocable(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let created = analyst
        .post_json("/api/v1/tokens", json!({"label": "feed", "scopes": "read"}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let body = created.json();
    let secret = body["token"].as_str().expect("token").to_string();
    assert!(secret.starts_with("kct_"));
    let id = body["id"].as_i64().expect("id");
    let mut machine = f.client();
    machine.token = Some(secret.clone());
    assert_eq!(machine.get("/api/v1/enterprises").await.status, 200);
    // A read token cannot change anything, and needs no CSRF token (no ambient credential).
    let write = machine.post_json("/api/v1/builds", json!({})).await;
    assert_eq!(write.status, 403, "{}", write.text);
    // Analysts cannot hold admin tokens.
    let admin_scope = analyst
        .post_json("/api/v1/tokens", json!({"label": "x", "scopes": "admin"}))
        .await;
    assert_eq!(admin_scope.status, 403);
    let bad = analyst
        .post_json("/api/v1/tokens", json!({"label": "x", "scopes": "root"}))
        .await;
    assert_eq!(bad.status, 400);
    // An admin's read token does not reach the admin endpoints.
    let admin = f.session("admin").await;
    let read_only = admin
        .post_json("/api/v1/tokens", json!({"label": "ro", "scopes": "read"}))
        .await
        .json();
    let mut ro = f.client();
    ro.token = read_only["token"].as_str().map(String::from);
    assert_eq!(ro.get("/api/v1/admin/users").await.status, 403);
    assert_eq!(admin.get("/api/v1/admin/users").await.status, 200);
    // Only a hash is stored.
    assert!(f.store.token(&secret).await.expect("lookup").is_none());
    // Revoked: the token stops working at once.
    assert_eq!(
        analyst.delete(&format!("/api/v1/tokens/{id}")).await.status,
        204
    );
    assert_eq!(machine.get("/api/v1/enterprises").await.status, 401);
    let mut forged = f.client();
    forged.token = Some("kct_00".into());
    assert_eq!(forged.get("/api/v1/enterprises").await.status, 401);
}

pub async fn consent_lets_a_bank_read_until_revoked(f: &Fixture) {
    let bank = f.session("bank").await;
    let path = format!("/api/v1/enterprises/{}/portrait", f.in_binhai);
    assert_eq!(bank.get(&path).await.status, 403);
    let firm = f.session("firm").await;
    // An enterprise cannot grant for another.
    let other = firm
        .post_json(
            "/api/v1/consents",
            json!({"credit_code": f.elsewhere, "bank": BANK}),
        )
        .await;
    assert_eq!(other.status, 403);
    // Only to a bank on the platform.
    let unknown = firm
        .post_json("/api/v1/consents", json!({"bank": "不存在的银行"}))
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    let granted = firm
        .post_json("/api/v1/consents", json!({"bank": BANK}))
        .await;
    assert_eq!(granted.status, 201, "{}", granted.text);
    assert_eq!(bank.get(&path).await.status, 200);
    let seen = bank.get("/api/v1/consents").await.json();
    assert_eq!(seen["consents"].as_array().expect("list").len(), 2);
    let revoked = firm
        .delete(&format!("/api/v1/consents?bank={}", BANK))
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.text);
    assert_eq!(bank.get(&path).await.status, 403);
    let history = f
        .store
        .consents(Some(&f.in_binhai), None)
        .await
        .expect("consents");
    assert_eq!(history[0].revoked_by.as_deref(), Some("firm"));
    // Officers neither see nor change consents.
    assert_eq!(
        f.session("officer")
            .await
            .get("/api/v1/consents")
            .await
            .status,
        403
    );
}

pub fn csv_of(records: &[kechuang_domain::SurveyRecord]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("s.csv");
    kechuang_tabular::write_csv_table(
        &kechuang_tabular::survey::records_table(records),
        &path,
        true,
    )
    .expect("csv");
    std::fs::read(&path).expect("read")
}

pub async fn uploads_report_errors_and_import_all_or_nothing(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let batches = f.store.batches().await.expect("batches").len();
    // A valid 2026 filing for three enterprises, and the same with one error.
    let mut good: Vec<_> = f
        .records
        .iter()
        .filter(|r| r.year == 2025)
        .take(3)
        .cloned()
        .collect();
    for r in &mut good {
        r.year = 2026;
    }
    let good_csv = csv_of(&good);
    let text = String::from_utf8(good_csv.clone()).expect("utf8");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let column = header
        .iter()
        .position(|h| h.contains("研发人员"))
        .expect("rd staff column");
    let mut cells: Vec<String> = lines[2].split(',').map(String::from).collect();
    cells[column] = "-5".into();
    lines[2] = cells.join(",");
    let bad_csv = (lines.join("\n") + "\n").into_bytes();
    let upload = |name: &str, dry: bool| format!("/api/v1/imports?file_name={name}&dry_run={dry}");
    let refused = analyst
        .request(
            Method::POST,
            &upload("bad.csv", false),
            Some(("text/csv", bad_csv)),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let report = refused.json();
    assert_eq!(report["imported"], false);
    let issue = &report["issues"][0];
    assert_eq!(issue["row"], 3, "{issue}");
    assert!(
        issue["column"]
            .as_str()
            .expect("column")
            .contains("研发人员")
    );
    assert_eq!(issue["value"], "-5");
    assert_eq!(issue["severity"], "error");
    assert_eq!(
        f.store.batches().await.expect("b").len(),
        batches,
        "nothing written"
    );
    assert!(
        f.store
            .record(&good[0].credit_code.to_string(), 2026)
            .await
            .expect("r")
            .is_none()
    );

    let checked = analyst
        .request(
            Method::POST,
            &upload("good.csv", true),
            Some(("text/csv", good_csv.clone())),
        )
        .await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    assert_eq!(checked.json()["imported"], false);
    assert_eq!(f.store.batches().await.expect("b").len(), batches);
    let imported = analyst
        .request(
            Method::POST,
            &upload("good.csv", false),
            Some(("text/csv", good_csv.clone())),
        )
        .await;
    assert_eq!(imported.status, 201, "{}", imported.text);
    assert_eq!(imported.json()["summary"]["inserted"], 3);
    assert!(
        f.store
            .record(&good[0].credit_code.to_string(), 2026)
            .await
            .expect("r")
            .is_some()
    );

    // An enterprise files only its own rows; officers do not file.
    let firm = f.session("firm").await;
    let foreign = firm
        .request(
            Method::POST,
            &upload("x.csv", true),
            Some(("text/csv", good_csv)),
        )
        .await;
    assert_eq!(foreign.status, 403, "{}", foreign.text);
    let officer = f.session("officer").await;
    assert_eq!(
        officer
            .request(
                Method::POST,
                &upload("x.csv", true),
                Some(("text/csv", b"a".to_vec()))
            )
            .await
            .status,
        403
    );
    // Not a survey file at all.
    let junk = analyst
        .request(
            Method::POST,
            &upload("notes.txt", true),
            Some(("text/plain", b"hello".to_vec())),
        )
        .await;
    assert_eq!(junk.status, 400);
    eventually_audited(f, |e| {
        e.iter()
            .any(|e| e.action == "survey.upload" && e.outcome == "rejected")
    })
    .await;
}

pub async fn every_read_and_change_is_audited(f: &Fixture) {
    let officer = f.session("officer").await;
    officer
        .get(&format!("/api/v1/enterprises/{}/portrait", f.in_binhai))
        .await;
    officer
        .get(&format!("/api/v1/enterprises/{}/portrait", f.elsewhere))
        .await;
    let admin = f.session("admin").await;
    admin
        .post_json(
            "/api/v1/admin/users",
            json!({"name": "newbie", "password": "long-enough-pw", "role": "analyst"}),
        )
        .await;
    let in_binhai = f.in_binhai.clone();
    let elsewhere = f.elsewhere.clone();
    eventually_audited(f, move |e| {
        let read = e.iter().any(|e| {
            e.user_name == "officer"
                && e.action == "portrait.read"
                && e.target == in_binhai
                && e.outcome == "ok"
        });
        let denied = e
            .iter()
            .any(|e| e.user_name == "officer" && e.target == elsewhere && e.outcome == "denied");
        let created = e
            .iter()
            .any(|e| e.action == "user.create" && e.target.starts_with("newbie"));
        let login = e
            .iter()
            .any(|e| e.action == "login" && e.remote == "127.0.0.1");
        read && denied && created && login
    })
    .await;
    let page = admin.get("/api/v1/admin/audit?user=officer").await.json();
    assert!(page["total"].as_i64().expect("total") >= 3);
    assert!(
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|e| e["user"] == "officer")
    );
    assert_eq!(officer.get("/api/v1/admin/audit").await.status, 403);
}

pub async fn targets_and_published_tables(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let schemes = analyst.get("/api/v1/schemes").await.json();
    assert!(schemes["schemes"].as_array().expect("list").len() >= 5);
    let all = analyst
        .get("/api/v1/schemes/tech_sme/targets?per_page=500")
        .await;
    assert_eq!(all.status, 200, "{}", all.text);
    let all = all.json();
    let officer = f
        .session("officer")
        .await
        .get("/api/v1/schemes/tech_sme/targets?per_page=500")
        .await
        .json();
    let n = |v: &Value| v["total"].as_u64().expect("total");
    assert!(n(&all) > 0, "some enterprises qualify or nearly do");
    assert!(n(&officer) <= n(&all));
    assert!(
        officer["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|r| r["region_code"] == "120116")
    );
    // The counts agree with the policy engine run directly.
    let rules = kechuang_policy::shipped("tech_sme").expect("rules");
    let direct = kechuang_server::views::target_list(&rules, 2025, &f.records);
    assert_eq!(n(&all) as usize, direct.rows.len());
    assert_eq!(
        all["qualifies"].as_u64().expect("q") as usize,
        direct
            .rows
            .iter()
            .filter(|r| r.outcome == "qualifies")
            .count()
    );
    assert_eq!(
        f.session("bank")
            .await
            .get("/api/v1/schemes/hnte/targets")
            .await
            .status,
        403
    );
    let csv = analyst.get("/api/v1/schemes/tech_sme/targets/export").await;
    assert_eq!(csv.status, 200);
    assert_eq!(
        csv.text.lines().count() as u64,
        n(&all) + 1,
        "every row, and the header"
    );
    assert!(
        csv.text
            .lines()
            .nth(1)
            .expect("a row")
            .starts_with("qualifies,")
    );
    let builds = analyst.get("/api/v1/builds").await.json();
    assert_eq!(builds["builds"][0]["user"], "seed");
    let page = analyst.get("/targets?scheme=tech_sme").await;
    assert!(
        page.text
            .contains("/api/v1/schemes/tech_sme/targets/export"),
        "the export link"
    );
    assert_eq!(
        analyst.get("/api/v1/schemes/nope/targets").await.status,
        404
    );

    // Published tables: every role, and suppressed rows carry no figures.
    let citizen = f.session("citizen").await;
    let t = citizen.get("/api/v1/regions").await;
    assert_eq!(t.status, 200, "{}", t.text);
    let t = t.json();
    let rows = t["by_district"]["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    let total: u64 = t["by_district"]["total"]["enterprises"]
        .as_u64()
        .expect("total");
    assert_eq!(
        total as usize,
        f.records.iter().filter(|r| r.year == 2025).count()
    );
    for r in t["by_field"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .chain(rows)
    {
        if r.get("suppressed").is_some() {
            assert!(r.get("figures").is_none(), "{r}");
        }
    }
    assert!(!t.to_string().contains("rd_largest"));
}

pub async fn accounts_are_administered(f: &Fixture) {
    let admin = f.session("admin").await;
    let add = |name: &str, role: &str, scope: &str| json!({"name": name, "password": "long-enough-pw", "role": role, "scope": scope});
    assert_eq!(
        admin
            .post_json(
                "/api/v1/admin/users",
                add("d2", "district_officer", "120104")
            )
            .await
            .status,
        201
    );
    assert_eq!(
        admin
            .post_json("/api/v1/admin/users", add("d2", "analyst", ""))
            .await
            .status,
        409
    );
    assert_eq!(
        admin
            .post_json("/api/v1/admin/users", add("d3", "district_officer", ""))
            .await
            .status,
        400,
        "officers need districts"
    );
    assert_eq!(
        admin
            .post_json("/api/v1/admin/users", add("d4", "wizard", ""))
            .await
            .status,
        400
    );
    assert_eq!(
        admin
            .post_json(
                "/api/v1/admin/users",
                json!({"name": "d5", "password": "short", "role": "analyst"})
            )
            .await
            .status,
        400
    );
    let analyst = f.session("analyst").await;
    assert_eq!(
        analyst
            .post_json("/api/v1/admin/users", add("d6", "analyst", ""))
            .await
            .status,
        403
    );
    // The new officer reads 南开区, not 滨海新区.
    let mut d2 = f.client();
    assert_eq!(d2.login("d2", "long-enough-pw").await.0, 200);
    assert_eq!(
        d2.get(&format!("/api/v1/enterprises/{}/portrait", f.elsewhere))
            .await
            .status,
        200
    );
    assert_eq!(
        d2.get(&format!("/api/v1/enterprises/{}/portrait", f.in_binhai))
            .await
            .status,
        403
    );
    // Disabling ends the session at once.
    let off = admin
        .post_json("/api/v1/admin/users/d2", json!({"disabled": true}))
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(d2.get("/api/v1/me").await.status, 401);
    assert_eq!(d2.login("d2", "long-enough-pw").await.0, 401);
    assert_eq!(
        admin
            .post_json("/api/v1/admin/users/ghost", json!({"disabled": true}))
            .await
            .status,
        404
    );
    let list = admin.get("/api/v1/admin/users").await.json();
    let d2 = list["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["name"] == "d2")
        .cloned()
        .expect("d2");
    assert_eq!(d2["disabled"], true);
    assert!(d2.get("password_hash").is_none(), "hashes are never sent");
}

pub async fn errors_are_json_and_bodies_limited(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let nope = analyst.get("/api/v1/nothing-here").await;
    assert_eq!(nope.status, 404);
    assert_eq!(nope.json()["error"]["code"], "not_found");
    let bad = analyst
        .request(
            Method::POST,
            "/api/v1/tokens",
            Some(("application/json", b"{not json".to_vec())),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "bad_request");
    // Bodies other than uploads are limited to a megabyte. The server answers 413 without reading
    // the body and closes the connection, so the request goes on a connection of its own.
    let big_json = format!(
        "{{\"label\": \"{}\", \"scopes\": \"read\"}}",
        "x".repeat(2 << 20)
    );
    let too_big = f
        .session("analyst")
        .await
        .request(
            Method::POST,
            "/api/v1/tokens",
            Some(("application/json", big_json.into_bytes())),
        )
        .await;
    assert_eq!(too_big.status, 413);
    let wrong_method = analyst.request(Method::PUT, "/api/v1/me", None).await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.json()["error"]["code"], "method_not_allowed");
    let huge = vec![b'a'; 5 << 20];
    let big = analyst
        .request(
            Method::POST,
            "/api/v1/imports?file_name=big.csv",
            Some(("text/csv", huge)),
        )
        .await;
    assert_eq!(big.status, 413);
    assert_eq!(big.json()["error"]["code"], "too_large");
    for h in [
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
        "referrer-policy",
    ] {
        assert!(nope.headers.contains_key(h), "{h}");
    }
}

pub async fn pages_follow_the_session_and_language(f: &Fixture) {
    let anonymous = f.client();
    let r = anonymous.get("/ranking").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.headers["location"], "/login");
    assert_eq!(anonymous.get("/login").await.status, 200);
    // The site's icon, for everyone (the login page links it too).
    let icon = anonymous.get("/favicon.ico").await;
    assert_eq!(icon.status, 200);
    assert_eq!(icon.headers["content-type"], "image/svg+xml");
    assert!(
        anonymous
            .get("/login")
            .await
            .text
            .contains("href=\"/favicon.ico\"")
    );
    let mut analyst = f.session("analyst").await;
    let overview = analyst.get("/").await;
    assert_eq!(overview.status, 200, "{}", overview.text);
    assert!(overview.text.contains("概览"));
    assert!(overview.text.contains("id=\"by-district\""));
    analyst.cookie = analyst.cookie.map(|c| format!("{c}; lang=en"));
    let english = analyst.get("/ranking").await;
    assert!(english.text.contains("Ranking") && !english.text.contains("企业排名"));
    assert!(
        english
            .text
            .contains(&f.records.iter().find(|r| r.year == 2025).expect("r").name)
            || english.text.contains("id=\"ranking\"")
    );
    // Roles land where they may look.
    let firm = f.session("firm").await;
    let landing = firm.get("/").await;
    assert_eq!(
        landing.headers["location"],
        format!("/enterprises/{}", f.in_binhai).as_str()
    );
    let portrait = firm.get(&format!("/enterprises/{}", f.in_binhai)).await;
    assert_eq!(portrait.status, 200);
    let denied = firm.get(&format!("/enterprises/{}", f.elsewhere)).await;
    assert_eq!(denied.status, 403);
    assert!(
        !denied.text.contains(
            &f.records
                .iter()
                .find(|r| r.credit_code.as_str() == f.elsewhere)
                .expect("r")
                .name
        )
    );
    let citizen = f.session("citizen").await;
    assert_eq!(citizen.get("/").await.headers["location"], "/tables");
    assert_eq!(citizen.get("/tables").await.status, 200);
    // A year selector, the default (the last full year) chosen; another year on asking.
    let tables = citizen.get("/tables").await.text;
    assert!(
        tables.contains("id=\"year-picker\"") && tables.contains("<option value=\"2025\" selected")
    );
    assert!(
        citizen
            .get("/tables?year=2024")
            .await
            .text
            .contains("<option value=\"2024\" selected")
    );
    let refused = citizen.get("/ranking").await;
    assert_eq!(refused.status, 403);
    // Error pages keep the site's frame: the navigation and who is signed in.
    assert!(
        refused.text.contains("id=\"who\"") && refused.text.contains("id=\"error\""),
        "{}",
        refused.text
    );
    let missing = citizen.get("/no-such-page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.text.contains("id=\"who\""), "{}", missing.text);
    // A cross-site login form is refused.
    let cross = anonymous
        .http_form_with_origin("/login", "name=analyst&password=x", "http://evil.example")
        .await;
    assert_eq!(cross, 403);
}

/// Portraits are memoised per build and import: a new import of the enterprise's record shows in
/// its portrait (within the second the server keeps the latest build and import).
pub async fn a_portrait_follows_a_new_import(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let path = format!("/api/v1/enterprises/{}/portrait", f.in_binhai);
    let before = analyst.get(&path).await;
    assert_eq!(before.status, 200, "{}", before.text);
    let mut record = f
        .records
        .iter()
        .filter(|r| r.credit_code.as_str() == f.in_binhai)
        .max_by_key(|r| r.year)
        .cloned()
        .expect("record");
    assert_ne!(before.json()["name"], "更名后的科技有限公司");
    record.name = "更名后的科技有限公司".into();
    let reply = analyst
        .post_file("/api/v1/imports?file_name=renamed.csv", csv_of(&[record]))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let after = analyst.get(&path).await.json();
    assert_eq!(
        after["name"], "更名后的科技有限公司",
        "a stale portrait was served"
    );
}
