//! The API suite, continued: the matchmaking catalogue, deals and the talent pool.

#[allow(unused_imports)]
use super::*;

pub async fn matchmaking_imports_searches_matches_and_follows_deals(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let import = |kind: &str| format!("/api/v1/catalogue/imports?kind={kind}");
    let supply = "id,title,summary,field,trl,owner,region,price_low,price_high\n\
                  A1,碳化硅功率器件低热阻封装工艺,银烧结双面散热封装,electronic_information,7,天津大学,津,60,90\n\
                  A2,人工智能质检系统,机器视觉缺陷检测,advanced_manufacturing,8,清华大学,京,200,300\n";
    let bad = "id,title,summary,field,trl,owner,region\nA3,t,s,quantum,12,o,沪\n";
    let version = f.store.catalogue_version().await.expect("version");
    let refused = analyst
        .request(
            Method::POST,
            &import("achievement"),
            Some(("text/csv", bad.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let issues = refused.json()["issues"].as_array().expect("issues").clone();
    assert_eq!(issues.len(), 3, "{issues:?}");
    assert_eq!(issues[0]["row"], 2);
    assert_eq!(
        f.store.catalogue_version().await.expect("version"),
        version,
        "nothing written"
    );
    let ok = analyst
        .request(
            Method::POST,
            &import("achievement"),
            Some(("text/csv", supply.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(ok.json()["imported"], 2);

    // The enterprise publishes its own demand, not another's.
    let firm = f.session("firm").await;
    let demand = format!(
        "id,enterprise,title,problem,field,region,min_trl,budget\nD1,{},碳化硅功率器件封装散热,电驱模块碳化硅器件封装热阻过高,electronic_information,津,6,100\n",
        f.in_binhai
    );
    let other = demand.replace(&f.in_binhai, &f.elsewhere);
    assert_eq!(
        firm.request(
            Method::POST,
            &import("demand"),
            Some(("text/csv", other.into_bytes()))
        )
        .await
        .status,
        403
    );
    assert_eq!(
        firm.request(
            Method::POST,
            &import("achievement"),
            Some(("text/csv", supply.as_bytes().to_vec()))
        )
        .await
        .status,
        403,
        "enterprises publish demands"
    );
    let published = firm
        .request(
            Method::POST,
            &import("demand"),
            Some(("text/csv", demand.into_bytes())),
        )
        .await;
    assert_eq!(published.status, 201, "{}", published.text);

    // Search: a two-character query finds the compound, highlighted; the public may not search.
    let hits = analyst
        .get("/api/v1/catalogue/search?q=%E6%99%BA%E8%83%BD")
        .await
        .json();
    assert_eq!(hits["items"][0]["id"], "A2", "智能 finds 人工智能: {hits}");
    assert!(
        hits["items"][0]["title_html"]
            .as_str()
            .expect("html")
            .contains("<b>")
    );
    let filtered = analyst
        .get("/api/v1/catalogue/search?q=%E5%B0%81%E8%A3%85&kind=achievement&region=%E6%B4%A5&trl_min=6")
        .await
        .json();
    assert_eq!(filtered["total"], 1);
    // The total is every match, not the page: one item shown of all that match.
    let everything = analyst
        .get("/api/v1/catalogue/search?limit=200")
        .await
        .json();
    let one = analyst.get("/api/v1/catalogue/search?limit=1").await.json();
    assert_eq!(one["items"].as_array().expect("items").len(), 1);
    assert_eq!(
        one["total"],
        everything["items"].as_array().expect("items").len()
    );
    assert!(one["total"].as_u64() > Some(1), "{one}");
    assert_eq!(
        f.session("citizen")
            .await
            .get("/api/v1/catalogue/search?q=x")
            .await
            .status,
        403
    );

    // Matches for the demand, explained.
    let m = firm.get("/api/v1/catalogue/demand/D1/matches").await;
    assert_eq!(m.status, 200, "{}", m.text);
    let m = m.json();
    assert_eq!(m["items"][0]["id"], "A1");
    let why = &m["items"][0]["explanation"];
    assert_eq!(why["field_match"], true);
    assert_eq!(why["within_budget"], true);
    assert!(
        why["matched_terms"]
            .as_array()
            .expect("terms")
            .iter()
            .any(|t| t == "碳化硅")
    );

    // A deal: the matchmaker opens it, the enterprise is told and moves it on.
    let opened = analyst
        .post_json(
            "/api/v1/deals",
            json!({"demand_id": "D1", "supply_kind": "achievement", "supply_id": "A1"}),
        )
        .await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let id = opened.json()["id"].as_i64().expect("id");
    let inbox = firm.get("/api/v1/inbox").await.json();
    assert!(
        inbox["messages"][0]["message"]
            .as_str()
            .expect("message")
            .contains("A1")
    );
    assert_eq!(
        f.store.unread("firm").await.expect("unread"),
        0,
        "reading marks read"
    );
    let step = |to: &str| json!({"status": to, "note": "电话沟通"});
    let moved = firm
        .post_json(&format!("/api/v1/deals/{id}"), step("in_contact"))
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.json()["status"], "in_contact");
    assert_eq!(
        firm.post_json(&format!("/api/v1/deals/{id}"), step("closed"))
            .await
            .status,
        200
    );
    assert_eq!(
        firm.post_json(&format!("/api/v1/deals/{id}"), step("contract"))
            .await
            .status,
        409
    );
    assert!(
        f.store.unread("analyst").await.expect("unread") >= 2,
        "the matchmaker is told"
    );
    let officer = f.session("officer").await;
    assert_eq!(officer.get("/api/v1/deals?demand=D1").await.status, 403);
    assert_eq!(
        firm.get("/api/v1/deals").await.json()["deals"]
            .as_array()
            .expect("deals")
            .len(),
        1
    );
    // The pages show the same.
    let page = firm.get("/match/demand/D1").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("id=\"deals\"") && page.text.contains("碳化硅功率器件低热阻封装工艺")
    );
    let search_page = analyst.get("/match?q=%E6%99%BA%E8%83%BD").await;
    assert!(
        search_page.text.contains("id=\"catalogue-import\""),
        "the publish form"
    );
    assert!(
        search_page.text.contains("<b>智能</b>") || search_page.text.contains("<b>人工智能</b>"),
        "highlighted"
    );
    // One demand through the web form: validated as a file row is, published, then shown.
    let form = |body: &str| {
        (
            "application/x-www-form-urlencoded",
            body.as_bytes().to_vec(),
        )
    };
    let wrong = firm
        .request(
            Method::POST,
            "/match/new-demand",
            Some(form(
                "title=%E5%82%A8%E8%83%BD&problem=x&field=new_energy&region=%E6%B4%A5&budget=abc",
            )),
        )
        .await;
    assert_eq!(wrong.status, 200);
    assert!(
        wrong.text.contains("id=\"report\"") && wrong.text.contains("budget"),
        "{}",
        wrong.text
    );
    let made = firm
        .request(
            Method::POST,
            "/match/new-demand",
            Some(form("title=%E5%82%A8%E8%83%BD%E7%83%AD%E7%AE%A1%E7%90%86&problem=%E6%B6%B2%E5%86%B7&field=new_energy&region=%E6%B4%A5&budget=50&min_trl=6")),
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.text);
    let location = made.headers["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(location.starts_with("/match/demand/W"), "{location}");
    assert_eq!(firm.get(&location).await.status, 200);

    // Suggestions for the enterprise's two weakest pillars; read as the portrait is.
    let advice = firm
        .get(&format!("/api/v1/enterprises/{}/suggestions", f.in_binhai))
        .await;
    assert_eq!(advice.status, 200, "{}", advice.text);
    assert_eq!(advice.json()["items"].as_array().expect("items").len(), 2);
    assert_eq!(
        firm.get(&format!("/api/v1/enterprises/{}/suggestions", f.elsewhere))
            .await
            .status,
        403
    );

    // A workbook works as a CSV does (the first sheet).
    let dir = tempfile::tempdir().expect("tmp");
    let book = dir.path().join("experts.xlsx");
    let cell = |s: &str| kechuang_tabular::Cell::Text(s.into());
    kechuang_tabular::write_xlsx(
        &[kechuang_tabular::Table {
            name: "experts".into(),
            headers: ["id", "name", "fields", "keywords", "region", "available"]
                .map(String::from)
                .to_vec(),
            rows: vec![
                [
                    "E1",
                    "王教授",
                    "electronic_information",
                    "碳化硅;封装可靠性",
                    "津",
                    "是",
                ]
                .map(cell)
                .to_vec(),
            ],
        }],
        &book,
    )
    .expect("xlsx");
    let xlsx = analyst
        .request(
            Method::POST,
            "/api/v1/catalogue/imports?kind=expert&file_name=experts.xlsx",
            Some((
                "application/octet-stream",
                std::fs::read(&book).expect("read"),
            )),
        )
        .await;
    assert_eq!(xlsx.status, 201, "{}", xlsx.text);
    let expert = analyst.get("/api/v1/catalogue/expert/E1").await.json();
    assert_eq!(expert["title"], "王教授");

    eventually_audited(f, |e| {
        e.iter()
            .any(|e| e.action == "catalogue.import" && e.outcome == "rejected")
            && e.iter()
                .any(|e| e.action == "deal.move" && e.user_name == "firm")
    })
    .await;
}

pub async fn the_talent_pool_is_searched_counted_and_deduplicated(f: &Fixture) {
    let register = include_str!("../../../../talent/tests/fixtures/people.json");
    let analyst = f.session("analyst").await;
    let officer = f.session("officer").await;
    let bad = analyst
        .request(
            Method::POST,
            "/api/v1/talent/imports",
            Some(("application/json", b"[{\"id\": 1}".to_vec())),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .expect("message")
            .contains("line 1")
    );
    assert_eq!(
        officer
            .request(
                Method::POST,
                "/api/v1/talent/imports",
                Some(("application/json", register.as_bytes().to_vec()))
            )
            .await
            .status,
        403,
        "personal data: analysts and administrators only"
    );
    let ok = analyst
        .request(
            Method::POST,
            "/api/v1/talent/imports",
            Some(("application/json", register.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(ok.json()["imported"], 4);
    assert_eq!(officer.get("/api/v1/talent").await.status, 403);

    let all = analyst.get("/api/v1/talent").await.json();
    assert_eq!(all["total"], 4);
    let b = analyst.get("/api/v1/talent?tier=B").await.json();
    let items = b["items"].as_array().expect("items");
    assert!(items.iter().any(|p| p["id"] == "T0001"), "{b}");
    assert!(items.iter().all(|p| p["tier"] == "B"));
    let person = analyst.get("/api/v1/talent/T0001").await.json();
    assert_eq!(person["evaluation"]["tier"], "B");
    assert!(
        !person["evaluation"]["findings"]
            .as_array()
            .expect("findings")
            .is_empty()
    );
    let stats = analyst.get("/api/v1/talent/statistics").await.json();
    assert!(
        !stats["by_region"]["counts"]
            .as_object()
            .expect("regions")
            .is_empty()
    );

    // Duplicates found, merged with a trail; a pair that is not one person is refused.
    let pairs = analyst.get("/api/v1/talent/duplicates").await.json();
    let pair = pairs["pairs"][0].clone();
    let (kept, merged) = (
        pair["a"]["id"].as_str().expect("a"),
        pair["b"]["id"].as_str().expect("b"),
    );
    let not_a_pair = analyst
        .post_json(
            "/api/v1/talent/merges",
            json!({"kept": "T0001", "merged": "T0004"}),
        )
        .await;
    assert_eq!(not_a_pair.status, 409, "{}", not_a_pair.text);
    let merged_reply = analyst
        .post_json(
            "/api/v1/talent/merges",
            json!({"kept": kept, "merged": merged}),
        )
        .await;
    assert_eq!(merged_reply.status, 201, "{}", merged_reply.text);
    assert_eq!(analyst.get("/api/v1/talent").await.json()["total"], 3);
    let trail = analyst.get("/api/v1/talent/merges").await.json();
    assert_eq!(trail["merges"][0]["kept"], kept);
    assert_eq!(trail["merges"][0]["by_user"], "analyst");
    let page = analyst.get("/talent").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("id=\"talent-by-region\""));
    assert_eq!(officer.get("/talent").await.status, 403);
}
