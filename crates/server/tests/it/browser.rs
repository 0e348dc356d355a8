//! End-to-end in headless Chromium driven through WebDriver (chromedriver): log in, upload a
//! survey file with an error and read the report, open a portrait, switch the language. The
//! screenshots are kept in `target/tmp/browser/` as the test's artefacts.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::{Fixture, PASSWORD};

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn which(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").expect("PATH");
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("{name} is not installed (Debian: apt-get install chromium chromium-driver)")
        })
}

pub async fn start_driver() -> (Driver, String) {
    let port = free_port();
    let driver = Driver(
        Command::new(which("chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let url = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http
            .get(format!("{url}/status"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return (driver, url);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

pub fn artefacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("artefact dir");
    dir
}

pub async fn wait_for(c: &fantoccini::Client, css: &str) -> fantoccini::elements::Element {
    match c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
    {
        Ok(e) => e,
        Err(e) => {
            let url = c
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let html = c.source().await.unwrap_or_default();
            panic!("waiting for {css} on {url}: {e}\n{html}")
        }
    }
}

/// Clicks a link or submit button and waits until the browser has left the page, so that what the
/// test looks for next is found on the page that answered, never on the one it clicked from.
pub async fn click_and_load(c: &fantoccini::Client, css: &str) {
    let page = c.find(Locator::Css("html")).await.expect("the page");
    c.find(Locator::Css(css))
        .await
        .expect(css)
        .click()
        .await
        .expect("click");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // The old root element goes stale once the next document replaces it.
    while page.tag_name().await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "clicking {css} did not load a page"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

pub async fn shot(c: &fantoccini::Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let path = artefacts().join(name);
    std::fs::write(&path, png).expect("write screenshot");
    println!("screenshot: {}", path.display());
}

/// A headless Chromium session on the driver at `url`, with a profile of its own.
pub async fn session(url: &str, profile: &std::path::Path) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": which("chromium"),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                     format!("--user-data-dir={}", profile.display())]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(url)
        .await
        .expect("a WebDriver session")
}

pub async fn journey(f: &Fixture) {
    let (_driver, url) = start_driver().await;
    let profile = tempfile::tempdir().expect("profile");
    let c = session(&url, profile.path()).await;

    // Log in (the start page sends us to the login form).
    c.goto(&format!("{}/", f.base)).await.expect("open");
    wait_for(&c, "#login").await;
    assert!(c.current_url().await.expect("url").path() == "/login");
    c.find(Locator::Css("#name"))
        .await
        .expect("name")
        .send_keys("analyst")
        .await
        .expect("type");
    c.find(Locator::Css("#password"))
        .await
        .expect("pw")
        .send_keys(PASSWORD)
        .await
        .expect("type");
    click_and_load(&c, "#submit").await;
    let cards = wait_for(&c, "#cards").await;
    assert!(cards.text().await.expect("text").contains("企业"));
    assert!(
        c.source().await.expect("html").contains("<svg"),
        "charts drawn"
    );
    shot(&c, "1-overview.png").await;

    // Upload a file with an error: the report names the row, column and value; nothing imported.
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("调查-有错误.csv");
    let mut rows: Vec<_> = f
        .records
        .iter()
        .filter(|r| r.year == 2025)
        .take(2)
        .cloned()
        .collect();
    for r in &mut rows {
        r.year = 2026;
    }
    kechuang_tabular::write_csv_table(&kechuang_tabular::survey::records_table(&rows), &file, true)
        .expect("csv");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replacen("2026", "2099", 1)).expect("corrupt the year");
    let batches = f.store.batches().await.expect("batches").len();
    c.goto(&format!("{}/upload", f.base))
        .await
        .expect("upload page");
    wait_for(&c, "#file")
        .await
        .send_keys(&file.display().to_string())
        .await
        .expect("choose file");
    click_and_load(&c, "#upload-submit").await;
    let report = wait_for(&c, "#report").await;
    let report_text = report.text().await.expect("report");
    assert!(report_text.contains("2099"), "{report_text}");
    assert!(report_text.contains("year_range"), "{report_text}");
    let verdict = c
        .find(Locator::Css("#verdict"))
        .await
        .expect("verdict")
        .text()
        .await
        .expect("text");
    assert!(verdict.contains("未导入"), "{verdict}");
    assert_eq!(f.store.batches().await.expect("batches").len(), batches);
    shot(&c, "2-upload-report.png").await;

    // Open a portrait from the ranking.
    c.goto(&format!("{}/ranking", f.base))
        .await
        .expect("ranking");
    let first = wait_for(&c, "#ranking tr:nth-child(2) a").await;
    let name = first.text().await.expect("name");
    click_and_load(&c, "#ranking tr:nth-child(2) a").await;
    let h1 = wait_for(&c, "h1").await;
    assert_eq!(h1.text().await.expect("h1"), name);
    assert!(
        c.current_url()
            .await
            .expect("url")
            .path()
            .starts_with("/enterprises/")
    );
    shot(&c, "3-portrait-zh.png").await;

    // Switch to English: the same portrait, in English.
    click_and_load(&c, "#lang-switch").await;
    wait_for(&c, "html[lang=en]").await;
    let html = c.source().await.expect("html");
    assert!(
        html.contains("Ranking") && html.contains("Log out"),
        "English navigation"
    );
    assert_eq!(wait_for(&c, "h1").await.text().await.expect("h1"), name);
    shot(&c, "4-portrait-en.png").await;

    // Matchmaking: a two-character search finds compounds, highlighted; an entry shows its matches.
    let generated = kechuang_synthetic::catalogue::catalogue(600, 1);
    let rows = kechuang_server::resources::catalogue::stored_entries(&generated.catalogue, |_| {
        "analyst".into()
    });
    f.store
        .put_catalogue(&rows, kechuang_store::Publisher::Curator)
        .await
        .expect("catalogue");
    c.goto(&format!(
        "{}/match?q=%E8%A7%86%E8%A7%89&kind=demand",
        f.base
    ))
    .await
    .expect("search");
    wait_for(&c, "#hits li a").await;
    let hits_html = c
        .find(Locator::Css("#hits"))
        .await
        .expect("hits")
        .html(true)
        .await
        .expect("html");
    assert!(
        hits_html.contains("<b>视觉</b>") || hits_html.contains("<b>机器视觉</b>"),
        "{hits_html}"
    );
    shot(&c, "5-match-search.png").await;
    click_and_load(&c, "#hits li a").await;
    let table = wait_for(&c, "#matches").await;
    let text = table.text().await.expect("matches");
    assert!(
        text.contains("Field") || text.contains("技术领域"),
        "{text}"
    );
    shot(&c, "6-match-demand.png").await;

    // Log out: back to the login form, and the pages are closed again.
    click_and_load(&c, "#logout").await;
    wait_for(&c, "#login").await;
    c.goto(&format!("{}/ranking", f.base))
        .await
        .expect("ranking");
    wait_for(&c, "#login").await;
    c.close().await.expect("close");
}
