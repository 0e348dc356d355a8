//! The API suite, continued: a survey round on the pages, as its people would go through it.

#[allow(unused_imports)]
use super::*;

/// Opens a round on the page, files a form with a mistake, fixes and submits it, has the
/// district return one field, corrects, resubmits, approves — and checks who else reaches it.
pub async fn a_survey_round_goes_from_opening_to_an_approved_form(f: &Fixture) {
    let latest = f.records.iter().map(|r| r.year).max().unwrap_or(0);
    let year = (latest + 1).to_string();
    let code = f.in_binhai.clone();
    let name = f
        .records
        .iter()
        .find(|r| r.credit_code.as_str() == code)
        .map(|r| r.name.clone())
        .expect("the firm's record");
    let analyst = f.session("analyst").await;
    let opened = analyst
        .post_form(
            "/rounds",
            &[
                ("year", &year),
                ("deadline", "2099-12-31"),
                ("scope", "register"),
            ],
        )
        .await;
    assert_eq!(opened.status, 303, "{}", opened.text);
    assert_eq!(
        opened.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/rounds/1")
    );
    // The firm finds its form, pre-filled with last year's record.
    let firm = f.session("firm").await;
    let list = firm.get("/rounds").await;
    let form_path = format!("/rounds/1/forms/{code}");
    assert!(list.text.contains(&form_path), "{}", list.text);
    let page = firm.get(&form_path).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains(&name) && page.text.contains("id=\"survey-form\""));
    // The form's values, as the API gives them, with a mistake in one field.
    let form = firm
        .get(&format!("/api/v1/rounds/1/forms/{code}"))
        .await
        .json();
    let mut pairs: Vec<(String, String)> = form["values"]
        .as_object()
        .expect("values")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect();
    let set = |pairs: &mut Vec<(String, String)>, k: &str, v: &str| {
        pairs.retain(|(key, _)| key != k);
        pairs.push((k.to_string(), v.to_string()));
    };
    set(&mut pairs, "employees", "-5");
    // The live check finds the mistake without saving anything; only the firm may ask it.
    let check_path = format!("/api/v1/rounds/1/forms/{code}/check");
    let values: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let checked = firm
        .post_json(&check_path, serde_json::json!({ "values": values }))
        .await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    assert!(
        checked.json()["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .any(|i| i["field"] == "employees" && i["severity"] == "error")
    );
    let unsaved = firm
        .get(&format!("/api/v1/rounds/1/forms/{code}"))
        .await
        .json();
    assert_eq!(unsaved["status"], "not_started", "a check saves nothing");
    let officer_check = f
        .session("officer")
        .await
        .post_json(&check_path, serde_json::json!({ "values": values }))
        .await;
    assert_eq!(officer_check.status, 403);
    let post = |pairs: &Vec<(String, String)>, action: &'static str| {
        let mut all: Vec<(String, String)> = pairs.clone();
        all.push(("action".into(), action.into()));
        all
    };
    let send = async |c: &crate::client::Client, path: &str, all: Vec<(String, String)>| {
        let borrowed: Vec<(&str, &str)> =
            all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        c.post_form(path, &borrowed).await
    };
    let r = send(&firm, &form_path, post(&pairs, "submit")).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let back = firm.get(&format!("{form_path}?saved=errors")).await;
    assert!(back.text.contains("has-error"), "the field is marked");
    assert!(back.text.contains("id=\"notice\""));
    let status = firm
        .get(&format!("/api/v1/rounds/1/forms/{code}"))
        .await
        .json();
    assert_eq!(status["status"], "draft", "kept as a draft, not submitted");
    // Fixed and submitted: locked.
    set(&mut pairs, "employees", "40");
    send(&firm, &form_path, post(&pairs, "submit")).await;
    let status = firm
        .get(&format!("/api/v1/rounds/1/forms/{code}"))
        .await
        .json();
    assert_eq!(status["status"], "submitted", "{status}");
    assert!(firm.get(&form_path).await.text.contains("readonly"));
    // The district's officer sees it in the queue and returns one field with a comment.
    let officer = f.session("officer").await;
    let queue = officer.get("/rounds/1").await;
    assert!(queue.text.contains(&form_path), "{}", queue.text);
    let review = format!("{form_path}/review");
    let r = officer
        .post_form(
            &review,
            &[
                ("decision", "return"),
                ("fields", "employees"),
                ("comment", "请核对从业人员"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let returned = firm.get(&form_path).await;
    assert!(
        returned.text.contains("请核对从业人员"),
        "the comment is in the history"
    );
    // Corrected, resubmitted, approved: the record is stored for the new year.
    set(&mut pairs, "employees", "41");
    send(&firm, &form_path, post(&pairs, "submit")).await;
    let r = officer.post_form(&review, &[("decision", "approve")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let t = analyst.get("/api/v1/rounds/1/status").await.json();
    assert_eq!(t["total"]["approved"], 1, "{t}");
    // The overview's map offers the round's response by district: 滨海新区's is its one approved
    // form over the enterprises asked there.
    let binhai = &t["by_district"]["120116"];
    let rate = binhai["approved"].as_f64().expect("approved") * 100.0
        / binhai["in_scope"].as_f64().expect("in scope");
    let overview = analyst.get("/").await.text;
    assert!(
        overview.contains("调查轮次填报率(%) · #1"),
        "the round's measure"
    );
    let measure = overview
        .split("调查轮次填报率(%) · #1")
        .nth(1)
        .and_then(|rest| rest.split("values&quot;:[").nth(1))
        .and_then(|rest| rest.split(']').next())
        .expect("its values");
    assert!(
        measure
            .split(',')
            .any(|v| v.parse::<f64>().is_ok_and(|v| (v - rate).abs() < 1e-9)),
        "{rate} among {measure}"
    );
    assert!(
        f.store
            .record(&code, latest + 1)
            .await
            .expect("read")
            .is_some()
    );
    // Closing the round builds the index, and the build records the round.
    let closed = analyst
        .post_json("/api/v1/rounds/1/close", serde_json::json!({}))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    let mut noted = None;
    for _ in 0..100 {
        if let Some(b) = f.store.builds().await.expect("builds").into_iter().next()
            && let Some(m) = f.store.build_manifest(b.id).await.expect("manifest")
            && m["round"] == 1
        {
            noted = Some(b.years);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let years = noted.expect("a build recording round 1");
    assert!(years.contains(&(latest + 1)), "{years:?}");
    // Others: the bank and the public reach neither the form nor the response; another firm's
    // account cannot file this one.
    for account in ["bank", "citizen"] {
        let c = f.session(account).await;
        assert_eq!(c.get(&form_path).await.status, 403, "{account}");
        assert_eq!(
            c.get("/api/v1/rounds/1/status").await.status,
            403,
            "{account}"
        );
    }
    let admin = f.session("admin").await;
    assert_eq!(
        admin
            .post_json(
                &format!("/api/v1/rounds/1/forms/{code}"),
                serde_json::json!({"values": {}, "submit": false})
            )
            .await
            .status,
        403,
        "a form is filed by its enterprise's account only"
    );
    eventually_audited(f, |entries| {
        entries.iter().any(|e| e.action == "form.approve")
            && entries.iter().any(|e| e.action == "form.return")
            && entries.iter().any(|e| e.action == "round.open")
    })
    .await;
}

/// A policy scenario names only the enterprises its reader may read: an officer's lists hold its
/// district's firms; the page shows the same; the public and banks are refused.
pub async fn a_scenario_names_only_the_readers_enterprises(f: &Fixture) {
    let shipped = kechuang_policy::SHIPPED
        .iter()
        .find(|(id, _)| *id == "tech_sme")
        .map(|(_, t)| *t)
        .expect("tech_sme");
    let relaxed = shipped.replacen("value = 20000", "value = 80000", 1);
    let body = serde_json::json!({"scheme": "tech_sme", "rules": relaxed, "amount": 20});
    let officer = f.session("officer").await;
    let w = officer
        .post_json("/api/v1/scenarios/evaluate", body.clone())
        .await;
    assert_eq!(w.status, 200, "{}", w.text);
    let w = w.json();
    let binhai: std::collections::HashSet<String> = f
        .records
        .iter()
        .filter(|r| r.region_code.as_str() == "120116")
        .map(|r| r.credit_code.to_string())
        .collect();
    for c in w["entering"].as_array().expect("entering") {
        let code = c["credit_code"].as_str().expect("code");
        assert!(
            binhai.contains(code),
            "{code} is outside the officer's district"
        );
    }
    assert!(
        w["by_district"]
            .as_object()
            .expect("by district")
            .keys()
            .all(|d| d == "120116"),
        "{w}"
    );
    let page = officer
        .post_form(
            "/whatif",
            &[
                ("scheme", "tech_sme"),
                ("rules", &relaxed),
                ("amount", "20"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains("id=\"whatif-districts\""),
        "{}",
        page.text
    );
    for r in f
        .records
        .iter()
        .filter(|r| r.region_code.as_str() != "120116")
    {
        assert!(
            !page.text.contains(r.credit_code.as_str()),
            "{} named",
            r.credit_code
        );
    }
    for account in ["bank", "citizen", "firm"] {
        let c = f.session(account).await;
        assert_eq!(
            c.post_json("/api/v1/scenarios/evaluate", body.clone())
                .await
                .status,
            403,
            "{account}"
        );
    }
    // A scenario that does not parse is a located refusal, not a failure.
    let bad = serde_json::json!({"scheme": "tech_sme", "rules": "not [toml"});
    let analyst = f.session("analyst").await;
    assert_eq!(
        analyst
            .post_json("/api/v1/scenarios/evaluate", bad)
            .await
            .status,
        400
    );
}
