//! The API suite, continued: policy scenarios saved, shown, compared, exported and deleted over
//! HTTP and on the pages, by every role.

#[allow(unused_imports)]
use super::*;

/// Saves two scenarios (one from the parameter form), reads them back as an officer (its district
/// only, in the JSON, the page and the workbook), compares them, and checks who may delete.
pub async fn scenarios_are_saved_compared_exported_and_deleted_over_http(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let hostile = "放宽\"><script>alert(1)</script>";
    let saved = analyst
        .post_json(
            "/api/v1/scenarios",
            json!({"name": hostile, "scheme": "tech_sme",
                   "changes": {"values": {"condition.revenue": 80000}}, "amount": 20}),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let saved = saved.json();
    let first = saved["id"].as_i64().expect("id");
    assert_eq!(saved["created_by"], "analyst");
    assert_eq!(saved["base_version"], "2022");
    // The parameter form: the current values shown, one changed, saved from the page.
    let form = analyst.get("/whatif?scheme=tech_sme").await;
    assert_eq!(form.status, 200);
    assert!(
        form.text
            .contains("name=\"p:indicator.rd.basis1.band5.min\" value=\"2\""),
        "the current value is the field's: {}",
        form.text
    );
    let from_page = analyst
        .post_form(
            "/whatif",
            &[
                ("scheme", "tech_sme"),
                ("p:pass_score", "45"),
                ("p:condition.revenue", "20000"),
                ("amount", "10"),
                ("name", "合格线45"),
                ("save", "1"),
            ],
        )
        .await;
    assert_eq!(from_page.status, 303, "{}", from_page.text);
    let location = from_page.headers["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    let second: i64 = location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("the saved scenario's page");
    let shown = analyst.get(&location).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert!(shown.text.contains("id=\"changes\"") && shown.text.contains("45"));
    // A value that is not a number is a message on the form, nothing saved.
    let bad = analyst
        .post_form(
            "/whatif",
            &[
                ("scheme", "tech_sme"),
                ("p:pass_score", "abc"),
                ("name", "x"),
                ("save", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status, 200);
    assert!(bad.text.contains("id=\"whatif-error\""), "{}", bad.text);
    assert_eq!(
        analyst.get("/api/v1/scenarios").await.json()["items"]
            .as_array()
            .expect("items")
            .len(),
        2
    );
    // The hostile name is text everywhere.
    let list = analyst.get("/whatif/scenarios").await;
    assert!(!list.text.contains("<script>alert(1)"), "{}", list.text);
    assert!(list.text.contains("&lt;script&gt;"));

    // An officer: its district's enterprises only, in JSON, on the page and in the workbook.
    let officer = f.session("officer").await;
    let binhai: std::collections::HashSet<String> = f
        .records
        .iter()
        .filter(|r| r.region_code.as_str() == "120116")
        .map(|r| r.credit_code.to_string())
        .collect();
    let foreign: Vec<&str> = f
        .records
        .iter()
        .filter(|r| r.region_code.as_str() != "120116")
        .map(|r| r.credit_code.as_str())
        .collect();
    let one = officer.get(&format!("/api/v1/scenarios/{first}")).await;
    assert_eq!(one.status, 200, "{}", one.text);
    let one = one.json();
    let result = &one["result"];
    for list in ["entering", "leaving", "near_misses"] {
        for m in result[list].as_array().expect("list") {
            let code = m["credit_code"].as_str().expect("code");
            assert!(binhai.contains(code), "{list}: {code}");
        }
    }
    for by in [
        "by_district",
        "by_park",
        "by_industry",
        "by_field",
        "by_stage",
    ] {
        assert!(result[by].is_object(), "{by}");
    }
    let book = officer
        .get(&format!("/api/v1/scenarios/{first}/export"))
        .await;
    assert_eq!(book.status, 200);
    assert!(book.text.contains("## entering") && book.text.contains("## by stage"));
    let page = officer.get(&format!("/whatif/scenarios/{first}")).await;
    assert_eq!(page.status, 200);
    for code in &foreign {
        assert!(!book.text.contains(code), "the workbook names {code}");
        assert!(!page.text.contains(code), "the page names {code}");
    }
    // Side by side, over the same enterprises.
    let cmp = officer
        .get(&format!("/api/v1/scenarios/compare?ids={first},{second}"))
        .await;
    assert_eq!(cmp.status, 200, "{}", cmp.text);
    let cmp = cmp.json();
    assert_eq!(cmp["scenarios"].as_array().expect("scenarios").len(), 2);
    assert_eq!(
        cmp["scenarios"][0]["result"]["qualifying_after"],
        result["qualifying_after"]
    );
    let cmp_page = officer
        .get(&format!("/whatif/compare?ids={first}&ids={second}"))
        .await;
    assert_eq!(cmp_page.status, 200);
    assert!(cmp_page.text.contains("id=\"comparison-districts\""));
    assert_eq!(
        officer
            .get(&format!("/api/v1/scenarios/compare?ids={first}"))
            .await
            .status,
        400
    );
    assert_eq!(
        officer
            .get("/api/v1/scenarios/compare?ids=1,x")
            .await
            .status,
        400
    );
    // Deleting: not another's (not even on the page), but one's own, or anyone's as administrator.
    assert_eq!(
        officer
            .delete(&format!("/api/v1/scenarios/{first}"))
            .await
            .status,
        403
    );
    assert_eq!(
        officer
            .post_form(&format!("/whatif/scenarios/{first}/delete"), &[])
            .await
            .status,
        403
    );
    let admin = f.session("admin").await;
    assert_eq!(
        admin
            .delete(&format!("/api/v1/scenarios/{second}"))
            .await
            .status,
        204
    );
    assert_eq!(
        analyst
            .get(&format!("/api/v1/scenarios/{second}"))
            .await
            .status,
        404
    );
    let deleted = analyst
        .post_form(&format!("/whatif/scenarios/{first}/delete"), &[])
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.text);
    assert_eq!(
        analyst.get("/api/v1/scenarios").await.json()["items"]
            .as_array()
            .expect("items")
            .len(),
        0
    );
    // Other roles reach none of it.
    for account in ["bank", "citizen", "firm"] {
        let c = f.session(account).await;
        for path in [
            "/api/v1/scenarios".to_string(),
            format!("/api/v1/scenarios/{first}"),
            format!("/api/v1/scenarios/{first}/export"),
            "/api/v1/schemes/tech_sme/parameters".to_string(),
            "/whatif/scenarios".to_string(),
        ] {
            assert_eq!(c.get(&path).await.status, 403, "{account} {path}");
        }
        let save = c
            .post_json(
                "/api/v1/scenarios",
                json!({"name": "x", "scheme": "tech_sme"}),
            )
            .await;
        assert_eq!(save.status, 403, "{account}");
    }
    // The parameters of a scheme, for a form elsewhere.
    let params = analyst
        .get("/api/v1/schemes/rd_credit/parameters")
        .await
        .json();
    assert_eq!(params["parameters"][0]["key"], "condition.rd_growth_streak");
    assert_eq!(params["parameters"][0]["value"], 3.0);
    eventually_audited(f, |e| {
        ["scenario.save", "scenario.export", "scenario.delete"]
            .iter()
            .all(|a| e.iter().any(|e| e.action == *a))
    })
    .await;
}

/// The index's predictive validity: analysts and administrators, in JSON and on a page; nobody
/// else.
pub async fn the_index_validity_is_for_analysts(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let r = analyst
        .get("/api/v1/index/validity?replications=20&seed=2")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = r.json();
    assert_eq!(r["replications"], 20);
    assert!(!r["rows"].as_array().expect("rows").is_empty());
    let page = analyst.get("/validity?replications=20").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("id=\"validity-index\"") && page.text.contains("AUC"));
    assert!(
        analyst
            .get("/builds")
            .await
            .text
            .contains("href=\"/validity\"")
    );
    assert_eq!(
        analyst
            .get("/api/v1/index/validity?replications=0")
            .await
            .status,
        400
    );
    for account in ["officer", "bank", "citizen", "firm"] {
        let c = f.session(account).await;
        assert_eq!(
            c.get("/api/v1/index/validity").await.status,
            403,
            "{account}"
        );
        assert_eq!(c.get("/validity").await.status, 403, "{account}");
    }
}

/// 科技金融 over HTTP: the firm applies (consent follows), the bank answers its queue and records
/// loans (JSON and a workbook, all or nothing), and every role reads what it may.
pub async fn loans_are_applied_for_answered_recorded_and_totalled(f: &Fixture) {
    let firm = f.session("firm").await;
    let banks = firm.get("/api/v1/finance/banks").await.json();
    assert_eq!(banks["banks"][0], BANK);
    let applied = firm
        .post_json(
            "/api/v1/finance/applications",
            json!({"bank": BANK, "amount": 300, "purpose": "设备\"><i>x"}),
        )
        .await;
    assert_eq!(applied.status, 201, "{}", applied.text);
    let id = applied.json()["id"].as_i64().expect("id");
    assert!(
        f.store.has_consent(&f.in_binhai, BANK).await.expect("c"),
        "applying granted the consent"
    );
    assert_eq!(
        firm.post_json(
            "/api/v1/finance/applications",
            json!({"bank": "别家银行", "amount": 1})
        )
        .await
        .status,
        400
    );
    let bank = f.session("bank").await;
    let queue = bank.get("/api/v1/finance/applications").await.json();
    assert_eq!(queue["items"].as_array().expect("items").len(), 1);
    let page = bank.get("/finance").await;
    assert!(page.text.contains("id=\"queue\""));
    assert!(
        !page.text.contains("<i>x") && page.text.contains("&lt;i&gt;x"),
        "escaped"
    );
    // Declining needs a reason; granting works once.
    let path = format!("/api/v1/finance/applications/{id}/answer");
    assert_eq!(
        bank.post_json(&path, json!({"reason": ""})).await.status,
        400
    );
    let granted = bank.post_json(&path, json!({"granted": 250})).await;
    assert_eq!(granted.status, 200, "{}", granted.text);
    assert_eq!(granted.json()["status"], "granted");
    assert_eq!(
        bank.post_json(&path, json!({"granted": 1})).await.status,
        409
    );
    // Loans: for consenting enterprises only, all or nothing.
    let third = f
        .records
        .iter()
        .find(|r| r.credit_code.as_str() != f.in_binhai && r.credit_code.as_str() != f.elsewhere)
        .expect("a third")
        .credit_code
        .to_string();
    let loan = |reference: &str, code: &str, overdue: f64| {
        json!({"reference": reference, "credit_code": code, "granted_on": "2025-05-01",
               "granted": 100, "disbursed": 100, "repaid": 10, "overdue": overdue})
    };
    let refused = bank
        .post_json(
            "/api/v1/finance/loans",
            json!({"loans": [loan("L1", &f.elsewhere, 0.0), loan("L2", &third, 0.0)]}),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert!(refused.text.contains("loan 2") && refused.text.contains(&third));
    assert_eq!(
        bank.get("/api/v1/finance/loans").await.json()["items"]
            .as_array()
            .expect("i")
            .len(),
        1
    );
    let ok = bank
        .post_json(
            "/api/v1/finance/loans",
            json!({"loans": [loan("L1", &f.elsewhere, 5.0)]}),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    // A workbook with a located mistake, then a good one.
    let book = |rows: &[(&str, &str, &str)]| {
        let mut b = rust_xlsxwriter::Workbook::new();
        let s = b.add_worksheet();
        for (c, h) in kechuang_app::finance::loan_file_header().iter().enumerate() {
            s.write_string(0, c as u16, *h).expect("h");
        }
        for (r, (reference, code, granted)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in [*reference, *code, "2025-06-01", *granted, "0", "0", "0"]
                .iter()
                .enumerate()
            {
                s.write_string(r, c as u16, *v).expect("c");
            }
        }
        b.save_to_buffer().expect("xlsx")
    };
    let bad = bank
        .post_file(
            "/api/v1/finance/loans/import?file_name=l.xlsx",
            book(&[("X1", &f.elsewhere, "abc")]),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert!(
        bad.text.contains("row 2") && bad.text.contains("授信金额"),
        "{}",
        bad.text
    );
    let good = bank
        .post_file(
            "/api/v1/finance/loans/import?file_name=l.xlsx",
            book(&[("X1", &f.elsewhere, "60")]),
        )
        .await;
    assert_eq!(good.status, 201, "{}", good.text);
    // A sparse workbook (a cell at XFD1048576) and a tall one are refused, nothing written.
    for far in [(1_048_575, 16_383), (199_999, 25)] {
        let sparse = bank
            .post_file(
                "/api/v1/finance/loans/import?file_name=l.xlsx",
                crate::security::sparse_workbook(far),
            )
            .await;
        assert_eq!(sparse.status, 400, "{far:?}: {}", sparse.text);
    }
    // Another bank's application is a missing one, as is a made-up id.
    assert_eq!(
        bank.post_json(
            "/api/v1/finance/applications/999999/answer",
            json!({"granted": 1})
        )
        .await
        .status,
        404
    );
    assert_eq!(
        bank.get("/api/v1/finance/loans").await.json()["items"]
            .as_array()
            .expect("i")
            .len(),
        3
    );
    // Who reads what.
    let firm_loans = firm.get("/api/v1/finance/loans").await.json();
    assert!(
        firm_loans["items"]
            .as_array()
            .expect("i")
            .iter()
            .all(|l| l["credit_code"] == f.in_binhai.as_str())
    );
    let officer = f.session("officer").await;
    let officer_loans = officer.get("/api/v1/finance/loans").await.json();
    assert!(
        officer_loans["items"]
            .as_array()
            .expect("i")
            .iter()
            .all(|l| l["credit_code"] == f.in_binhai.as_str())
    );
    assert_eq!(
        officer.get("/api/v1/finance/applications").await.status,
        403
    );
    let totals = f
        .session("analyst")
        .await
        .get("/api/v1/finance/totals")
        .await
        .json();
    assert_eq!(totals["total"]["loans"], 3);
    assert_eq!(totals["by_bank"][BANK]["firms"], 2);
    assert_eq!(totals["approval_rate"], 1.0);
    let page = f.session("analyst").await.get("/finance").await;
    assert!(page.text.contains("id=\"finance-banks\""));
    let citizen = f.session("citizen").await;
    assert_eq!(citizen.get("/api/v1/finance/loans").await.status, 403);
    assert_eq!(citizen.get("/api/v1/finance/totals").await.status, 403);
    let published = citizen.get("/api/v1/finance/published").await.json();
    assert!(
        published["total"]["suppressed"].is_string(),
        "two enterprises: suppressed {published}"
    );
    assert!(!citizen.get("/finance").await.text.contains(&f.elsewhere));
    assert_eq!(bank.get("/api/v1/finance/totals").await.status, 403);
}
