//! `kechuang portrait`: gathers an enterprise's data from the store and renders its portrait.

use anyhow::{Context, Result};
use kechuang_app::views::gather;
use kechuang_policy::{SHIPPED, shipped};
use kechuang_portrait::html::{Lang, render};
use kechuang_store::Store;

use crate::args::PortraitArgs;
use crate::index::InvalidInput;
use crate::runtime;

pub fn run(args: &PortraitArgs) -> Result<()> {
    let lang = Lang::parse(&args.lang)
        .ok_or_else(|| InvalidInput(format!("--lang {}: use zh or en", args.lang)))?;
    if !["text", "json", "html", "pdf"].contains(&args.format.as_str()) {
        return Err(InvalidInput(format!(
            "--format {}: use text, json, html or pdf",
            args.format
        ))
        .into());
    }
    if args.format == "pdf" && args.out.is_none() {
        return Err(InvalidInput("--format pdf needs --out FILE.pdf".into()).into());
    }
    let code = args.credit_code.trim().to_ascii_uppercase();
    let rules: Vec<_> = SHIPPED.iter().filter_map(|(id, _)| shipped(id)).collect();
    runtime()?.block_on(async {
        let store = Store::open(&args.store.db)
            .await
            .with_context(|| format!("opening the store {}", args.store.db))?;
        let portrait = gather(&store, &code, args.year, &rules)
            .await
            .map_err(crate::index::invalid_view)?;
        if args.format == "pdf" {
            let out = args.out.as_deref().context("--out")?;
            print_pdf(&render(&portrait, lang), out)?;
            println!("wrote {}", out.display());
            return Ok(());
        }
        let text = match args.format.as_str() {
            "json" => serde_json::to_string_pretty(&portrait)?,
            "html" => render(&portrait, lang),
            _ => {
                let mut s = format!(
                    "{} {} ({}) — {} {}\n",
                    portrait.credit_code,
                    portrait.name,
                    portrait.year,
                    portrait.district,
                    portrait.industry
                );
                s += &format!(
                    "index {} ({})\n",
                    portrait.index.map_or("—".into(), |v| format!("{v:.1}")),
                    portrait.framework
                );
                for r in &portrait.ranks {
                    s += &format!("  rank {} of {} in {}\n", r.rank, r.of, r.label);
                }
                for p in &portrait.pillars {
                    s += &format!(
                        "  {:<40} {:>6}  industry median {:>6}\n",
                        p.name,
                        p.score.map_or("—".into(), |v| format!("{v:.1}")),
                        p.peer_median.map_or("—".into(), |v| format!("{v:.1}"))
                    );
                }
                s += &format!("tags: {}\n", portrait.tags.join(", "));
                for x in &portrait.suggestions {
                    s += &format!("→ {x}\n");
                }
                s
            }
        };
        match &args.out {
            Some(path) => {
                std::fs::write(path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("wrote {}", path.display());
            }
            None => print!("{text}"),
        }
        Ok(())
    })
}

/// The browser that prints PDFs: `KECHUANG_CHROMIUM`, or the first of chromium, chromium-browser,
/// google-chrome on the PATH.
fn chromium() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("KECHUANG_CHROMIUM") {
        return Some(p.into());
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Prints the HTML report to PDF with headless Chromium (offline: no network, a throwaway profile).
pub(crate) fn print_pdf(html: &str, out: &std::path::Path) -> Result<()> {
    let browser = chromium().ok_or_else(|| {
        anyhow::anyhow!("PDF output needs Chromium (Debian: apt-get install chromium), or use --format html and print from a browser")
    })?;
    let dir = std::env::temp_dir().join(format!("kechuang-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let page = dir.join("report.html");
    std::fs::write(&page, html)?;
    let out_abs = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()?.join(out)
    };
    let status = std::process::Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", out_abs.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .with_context(|| format!("running {}", browser.display()))?;
    let _ = std::fs::remove_dir_all(&dir);
    if !status.success() || !out_abs.is_file() {
        anyhow::bail!("{} could not print the PDF ({status})", browser.display());
    }
    Ok(())
}
