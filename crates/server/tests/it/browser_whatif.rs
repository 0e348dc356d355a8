//! Policy what-if in headless Chromium, as an analyst and a district officer use it: a parameter
//! changed on the form and saved, a second one evaluated then saved, both compared side by side
//! (in Chinese and in English), and the officer reading the saved scenario within its district.
//! Screenshots go to `target/tmp/browser/` with the other journeys'.

use fantoccini::Locator;

use crate::Fixture;
use crate::browser::click_and_load;
use crate::browser::{session, shot, start_driver, wait_for};
use crate::browser_rounds::{log_in, log_out, type_into};

async fn text_of(c: &fantoccini::Client, css: &str) -> String {
    wait_for(c, css).await.text().await.expect("text")
}

pub async fn whatif_journey(f: &Fixture) {
    let (_driver, url) = start_driver().await;
    let profile = tempfile::tempdir().expect("profile");
    let c = session(&url, profile.path()).await;
    let base = f.base.as_str();

    // The analyst relaxes the 科小 sales limit on the form and saves the scenario.
    log_in(&c, base, "analyst").await;
    c.goto(&format!("{base}/whatif")).await.expect("whatif");
    wait_for(&c, "#parameters").await;
    type_into(&c, "#p-condition-revenue", "80000").await;
    type_into(&c, "#p-pass_score", "50").await;
    type_into(&c, "input[name=amount]", "20").await;
    type_into(&c, "input[name=name]", "营收上限8亿、合格线50").await;
    click_and_load(&c, "#whatif-save").await;
    let changes = text_of(&c, "#changes").await;
    assert!(
        changes.contains("20000") && changes.contains("80000"),
        "{changes}"
    );
    let entering: usize = text_of(&c, "#entering-count").await.parse().expect("count");
    assert!(entering > 0, "a relaxed limit lets some in");
    wait_for(&c, "#whatif-districts").await;
    assert!(
        c.current_url()
            .await
            .expect("url")
            .path()
            .starts_with("/whatif/scenarios/"),
        "saved, and shown"
    );
    shot(&c, "w1-scenario-saved.png").await;

    // A second scenario, evaluated first, then saved.
    c.goto(&format!("{base}/whatif")).await.expect("whatif");
    wait_for(&c, "#parameters").await;
    type_into(&c, "#p-pass_score", "55").await;
    click_and_load(&c, "#whatif-submit").await;
    wait_for(&c, "#whatif-summary").await;
    assert_eq!(
        c.find(Locator::Css("#p-pass_score"))
            .await
            .expect("field")
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("55"),
        "the form keeps what was typed"
    );
    shot(&c, "w2-scenario-evaluated.png").await;
    type_into(&c, "input[name=name]", "合格线55").await;
    click_and_load(&c, "#whatif-save").await;
    wait_for(&c, "#scenario-meta").await;

    // Both, side by side.
    c.goto(&format!("{base}/whatif/scenarios"))
        .await
        .expect("list");
    wait_for(&c, "#scenarios").await;
    for b in c
        .find_all(Locator::Css("input[name=ids]"))
        .await
        .expect("boxes")
    {
        b.click().await.expect("tick");
    }
    click_and_load(&c, "#compare-submit").await;
    let table = text_of(&c, "#comparison").await;
    assert!(
        table.contains("营收上限8亿、合格线50") && table.contains("合格线55"),
        "{table}"
    );
    wait_for(&c, "#comparison-districts").await;
    shot(&c, "w3-compared-zh.png").await;
    click_and_load(&c, "#lang-switch").await;
    wait_for(&c, "html[lang=en]").await;
    let table = text_of(&c, "#comparison").await;
    assert!(
        table.contains("Qualifying now") && table.contains("Entering"),
        "{table}"
    );
    shot(&c, "w4-compared-en.png").await;
    click_and_load(&c, "#lang-switch").await;
    wait_for(&c, "html[lang^=zh]").await;
    log_out(&c).await;

    // The district officer reads the first scenario: its district's enterprises only, and no
    // button to delete what it did not save.
    log_in(&c, base, "officer").await;
    c.goto(&format!("{base}/whatif/scenarios"))
        .await
        .expect("list");
    click_and_load(&c, "#scenarios a[href$='/1']").await;
    wait_for(&c, "#entering").await;
    let cells = c
        .find_all(Locator::Css("#entering tr td:nth-child(3)"))
        .await
        .expect("rows");
    assert!(!cells.is_empty(), "the officer's district has entrants");
    for cell in cells {
        assert_eq!(cell.text().await.expect("district"), "滨海新区");
    }
    assert!(
        c.find(Locator::Css("#delete-scenario")).await.is_err(),
        "no delete button on another's scenario"
    );
    shot(&c, "w5-officer-scenario.png").await;
    c.close().await.expect("close");
}
