//! A survey round in headless Chromium, as its people go through it: the analyst opens it, the firm
//! files with a mistake, sees it located, fixes and submits; its district officer returns one field
//! with a comment; the firm corrects and resubmits; the officer approves and the response table
//! counts it. Screenshots go to `target/tmp/browser/` with the other journey's.

use fantoccini::Locator;

use crate::browser::{click_and_load, session, shot, start_driver, wait_for};
use crate::{Fixture, PASSWORD};

pub(crate) async fn log_in(c: &fantoccini::Client, base: &str, name: &str) {
    c.goto(&format!("{base}/login")).await.expect("login page");
    wait_for(c, "#login").await;
    for (css, text) in [("#name", name), ("#password", PASSWORD)] {
        c.find(Locator::Css(css))
            .await
            .expect("field")
            .send_keys(text)
            .await
            .expect("type");
    }
    click_and_load(c, "#submit").await;
    wait_for(c, "#who").await;
}

pub(crate) async fn log_out(c: &fantoccini::Client) {
    click_and_load(c, "#logout").await;
    wait_for(c, "#login").await;
}

pub(crate) async fn type_into(c: &fantoccini::Client, css: &str, text: &str) {
    let e = c.find(Locator::Css(css)).await.expect(css);
    e.clear().await.expect("clear");
    e.send_keys(text).await.expect("type");
}

pub async fn rounds_journey(f: &Fixture) {
    let (_driver, url) = start_driver().await;
    let profile = tempfile::tempdir().expect("profile");
    let c = session(&url, profile.path()).await;
    let base = f.base.as_str();
    let year = f.records.iter().map(|r| r.year).max().unwrap_or(0) + 1;
    let code = f.in_binhai.clone();

    // The analyst opens the round.
    log_in(&c, base, "analyst").await;
    c.goto(&format!("{base}/rounds")).await.expect("rounds");
    type_into(&c, "#open-round input[name=year]", &year.to_string()).await;
    type_into(&c, "#deadline", "2099-12-31").await;
    click_and_load(&c, "#open-submit").await;
    wait_for(&c, "#by-district").await;
    shot(&c, "r1-round-opened.png").await;
    log_out(&c).await;

    // The firm files with a mistake, sees it on its field, fixes it and submits.
    log_in(&c, base, "firm").await;
    c.goto(&format!("{base}/rounds")).await.expect("rounds");
    click_and_load(&c, "a.our-form").await;
    wait_for(&c, "#survey-form").await;
    type_into(&c, "#field-employees", "-5").await;
    // The live check marks the field as soon as it is left, before anything is sent to be saved.
    c.find(Locator::Css("#field-employees"))
        .await
        .expect("field")
        .send_keys("\u{e004}")
        .await
        .expect("tab");
    let live = wait_for(&c, "#issues-employees span.error").await;
    assert!(!live.text().await.expect("text").is_empty());
    shot(&c, "r2a-live-check.png").await;
    click_and_load(&c, "#submit-form").await;
    let notice = wait_for(&c, "#notice").await;
    assert_eq!(
        notice.attr("class").await.expect("class").as_deref(),
        Some("error")
    );
    let marked = c
        .find(Locator::Css("tr.has-error #field-employees"))
        .await
        .is_ok();
    assert!(marked, "the mistaken field is marked");
    shot(&c, "r2-form-with-an-error.png").await;
    type_into(&c, "#field-employees", "40").await;
    click_and_load(&c, "#submit-form").await;
    let notice = wait_for(&c, "#notice").await;
    assert_eq!(
        notice.attr("class").await.expect("class").as_deref(),
        Some("ok")
    );
    shot(&c, "r3-form-submitted.png").await;
    log_out(&c).await;

    // The district's officer returns one field with a comment.
    log_in(&c, base, "officer").await;
    c.goto(&format!("{base}/rounds/1")).await.expect("response");
    let queue = wait_for(&c, "#review-queue").await;
    assert!(queue.text().await.expect("queue").contains(&code));
    click_and_load(&c, "#review-queue a").await;
    wait_for(&c, "#return").await;
    type_into(&c, "#return input[name=fields]", "employees").await;
    type_into(&c, "#return input[name=comment]", "请核对从业人员数").await;
    shot(&c, "r4-review.png").await;
    click_and_load(&c, "#return-submit").await;
    wait_for(&c, "#by-district").await;
    log_out(&c).await;

    // The firm reads the comment, corrects and resubmits.
    log_in(&c, base, "firm").await;
    c.goto(&format!("{base}/rounds/1/forms/{code}"))
        .await
        .expect("form");
    let history = wait_for(&c, "#history").await;
    assert!(
        history
            .text()
            .await
            .expect("history")
            .contains("请核对从业人员数")
    );
    type_into(&c, "#field-employees", "41").await;
    click_and_load(&c, "#submit-form").await;
    wait_for(&c, "#notice").await;
    log_out(&c).await;

    // The officer approves; the response table counts it.
    log_in(&c, base, "officer").await;
    c.goto(&format!("{base}/rounds/1/forms/{code}"))
        .await
        .expect("form");
    wait_for(&c, "#approve").await;
    click_and_load(&c, "#approve").await;
    let table = wait_for(&c, "#by-district").await;
    let rows = table.find_all(Locator::Css("tr")).await.expect("rows");
    let total = rows.last().expect("total row").text().await.expect("text");
    let cells: Vec<&str> = total.split_whitespace().collect();
    // district, in scope, not started, draft, submitted, returned, approved, late
    assert_eq!(cells.get(6), Some(&"1"), "{total}");
    shot(&c, "r5-approved.png").await;
    assert!(
        f.store.record(&code, year).await.expect("read").is_some(),
        "the approved form is a stored record"
    );
    c.close().await.expect("close");
}
