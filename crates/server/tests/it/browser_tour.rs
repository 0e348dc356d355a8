//! Every page each role's navigation offers, in both languages, at a desk's and a phone's width,
//! in headless Chromium: each is screenshotted (`target/tmp/browser/tour/`) and fails the test
//! if the page scrolls sideways, any text is clipped in its box, a form field has no label, a chart
//! is left undrawn, or any request leaves this server.

use fantoccini::Locator;
use serde_json::json;

use crate::Fixture;
use crate::browser::{session, shot, start_driver, wait_for};
use crate::browser_rounds::{log_in, log_out};

/// What is wrong with the page shown: requests elsewhere, sideways scrolling, clipped text and
/// charts not drawn.
const CHECKS: &str = r#"
const base = arguments[0];
const out = [];
for (const e of performance.getEntriesByType('resource')) {
  if (!e.name.startsWith(base + '/')) { out.push('a request left the server: ' + e.name); }
}
const width = document.documentElement.scrollWidth;
if (width > window.innerWidth + 1) {
  out.push('the page is ' + width + ' px wide in a window of ' + window.innerWidth + ' px');
}
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('.chart-box')) { continue; }
  const s = getComputedStyle(el);
  const clips = s.overflowX === 'hidden' || s.overflowX === 'clip' || s.textOverflow === 'ellipsis';
  if (clips && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
    out.push('text clipped in ' + el.tagName + (el.id ? '#' + el.id : '') + ': ' + el.textContent.trim().slice(0, 60));
  }
}
for (const el of document.querySelectorAll('input, select, textarea')) {
  if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button') { continue; }
  const named = el.labels.length > 0 || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.title;
  if (!named) { out.push('a form field without a label: ' + el.outerHTML.slice(0, 100)); }
}
for (const f of document.querySelectorAll('figure.chart[data-chart]')) {
  if (!f.querySelector('.chart-box canvas')) { out.push('chart not drawn: ' + f.getAttribute('aria-label')); }
}
return out;
"#;

/// Whether every chart of the page has been drawn (the map waits for its outlines).
const CHARTS_DRAWN: &str = r#"
return document.querySelectorAll('figure.chart[data-chart]').length
  === document.querySelectorAll('figure.chart .chart-box canvas').length;
"#;

pub async fn tour(f: &Fixture) {
    let (_driver, url) = start_driver().await;
    let profile = tempfile::tempdir().expect("profile");
    let c = session(&url, profile.path()).await;
    let base = f.base.as_str();
    std::fs::create_dir_all(crate::browser::artefacts().join("tour")).expect("tour folder");
    let mut problems: Vec<String> = Vec::new();
    let mut pages_seen = 0;
    for role in ["admin", "analyst", "officer", "firm", "bank", "citizen"] {
        log_in(&c, base, role).await;
        let mut pages: Vec<String> = Vec::new();
        for a in c
            .find_all(Locator::Css("header nav a"))
            .await
            .expect("navigation")
        {
            if let Some(href) = a.attr("href").await.expect("href") {
                pages.push(href);
            }
        }
        // Pages linked from others, and a portrait each reader may open, besides its navigation.
        if matches!(role, "admin" | "analyst") {
            pages.extend([
                "/validity".to_string(),
                "/audit?replications=20".to_string(),
            ]);
        }
        if matches!(role, "admin" | "analyst" | "officer") {
            pages.extend([
                "/whatif/scenarios".to_string(),
                "/?year=2024".to_string(),
                "/targets?scheme=hnte&outcome=near_miss".to_string(),
            ]);
        }
        match role {
            "admin" | "analyst" | "officer" => pages.push(format!("/enterprises/{}", f.in_binhai)),
            "bank" => pages.push(format!("/enterprises/{}", f.elsewhere)),
            _ => {}
        }
        pages.dedup();
        for lang in ["zh", "en"] {
            c.goto(&format!("{base}/lang/{lang}"))
                .await
                .expect("language");
            for (width, height) in [(1440u32, 900u32), (390, 844)] {
                c.set_window_size(width, height).await.expect("window size");
                for path in &pages {
                    c.goto(&format!("{base}{path}")).await.expect("page");
                    wait_for(&c, "main").await;
                    let drawn = c
                        .wait()
                        .at_most(std::time::Duration::from_secs(15))
                        .for_element(Locator::Css("html"))
                        .await
                        .is_ok()
                        && wait_until(&c, CHARTS_DRAWN).await;
                    let found = c.execute(CHECKS, vec![json!(base)]).await.expect("checks");
                    let slug: String = path
                        .trim_matches('/')
                        .chars()
                        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
                        .collect();
                    let slug = if slug.is_empty() {
                        "overview".into()
                    } else {
                        slug
                    };
                    shot(&c, &format!("tour/{role}-{lang}-{width}-{slug}.png")).await;
                    for p in found.as_array().into_iter().flatten() {
                        problems.push(format!(
                            "{role} {lang} {width}px {path}: {}",
                            p.as_str().unwrap_or_default()
                        ));
                    }
                    if !drawn {
                        problems.push(format!(
                            "{role} {lang} {width}px {path}: charts not drawn in 15 s"
                        ));
                    }
                    pages_seen += 1;
                }
            }
        }
        c.goto(&format!("{base}/lang/zh")).await.expect("language");
        c.set_window_size(1440, 900).await.expect("window size");
        log_out(&c).await;
    }
    assert!(pages_seen >= 100, "{pages_seen} pages seen");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    c.close().await.expect("close");
}

/// Polls a script returning a boolean until it is true (at most 15 s).
async fn wait_until(c: &fantoccini::Client, script: &str) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while std::time::Instant::now() < deadline {
        if c.execute(script, vec![])
            .await
            .ok()
            .and_then(|v| v.as_bool())
            == Some(true)
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}
