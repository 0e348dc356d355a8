//! `kechuang demo`: a synthetic Tianjin region imported through the real survey path, indexed, and
//! summarised; plus a file of typical survey errors run through validation to show the report.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use kechuang_domain::{Field, SurveyRecord, held_in};
use kechuang_store::Store;
use kechuang_synthetic::region::{RegionSpec, corrupted_rows, region};
use kechuang_tabular::survey::records_table;
use kechuang_tabular::{Cell, Table, write_csv_table, write_template};

use crate::args::{BuildArgs, DemoArgs, StoreArgs};
use crate::index::{build_stored, resolve_framework};
use crate::runtime;
use crate::survey::{import_validated, print_issues, read_options, validate, write_report};

fn years(spec: &str) -> Result<Vec<i32>> {
    let (a, b) = spec.split_once('-').unwrap_or((spec, spec));
    let (a, b): (i32, i32) = (
        a.trim().parse().context("--years")?,
        b.trim().parse().context("--years")?,
    );
    if a > b || b - a > 30 {
        bail!("--years {spec}: give FIRST-LAST, e.g. 2021-2025");
    }
    Ok((a..=b).collect())
}

pub fn run(args: &DemoArgs, web: crate::Web) -> Result<()> {
    let years = years(&args.years)?;
    let dir = args.data_dir.join("demo");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let db = dir.join("kechuang.db");
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            std::fs::remove_file(&p)
                .with_context(|| format!("removing the previous demo database {}", p.display()))?;
        }
    }
    println!(
        "generating {} enterprises over {}–{} …",
        args.enterprises,
        years[0],
        years[years.len() - 1]
    );
    let records = region(&RegionSpec {
        enterprises: args.enterprises,
        years: years.clone(),
        seed: args.seed,
    });

    // The files a bureau would receive: one per year, plus the template and a file with errors.
    let mut files = Vec::new();
    for &y in &years {
        let of_year: Vec<SurveyRecord> = records.iter().filter(|r| r.year == y).cloned().collect();
        let path = dir.join(format!("survey-{y}.csv"));
        write_csv_table(&records_table(&of_year), &path, true)?;
        files.push(path);
    }
    write_template(&dir.join("survey-template.xlsx"))?;
    let errors_path = dir.join("survey-with-errors.csv");
    let fields = Field::all();
    let bad = Table {
        name: "errors".into(),
        headers: fields.iter().map(|f| f.header_zh()).collect(),
        rows: corrupted_rows(&records, args.seed)
            .into_iter()
            .map(|(_, cells)| {
                fields
                    .iter()
                    .map(|f| Cell::Text(cells.get(f).cloned().unwrap_or_default()))
                    .collect()
            })
            .collect(),
    };
    write_csv_table(&bad, &errors_path, true)?;

    let store_args = StoreArgs {
        db: db.display().to_string(),
    };
    // Refuse a busy port before minutes of generating and building.
    if !args.no_serve {
        std::net::TcpListener::bind(args.listen).with_context(|| {
            format!(
                "the demo serves on {}, which is in use: pass --listen 127.0.0.1:PORT, or --no-serve",
                args.listen
            )
        })?;
    }
    runtime()?.block_on(async {
        let store = Store::open(&store_args.db).await?;
        let options = read_options("auto", None, None)?;
        let v = validate(&store, &files, &options).await?;
        if v.errors() > 0 {
            print_issues(&v.issues, 10);
            bail!("the generated demo files have {} errors", v.errors());
        }
        println!(
            "validated {} files: {} warnings (implausible jumps, accepted for the demo)",
            files.len(),
            v.warnings()
        );
        let imported = import_validated(&store, &v, "demo").await?;
        let total: usize = imported.iter().map(|(_, s)| s.inserted).sum();
        println!(
            "imported {total} survey records into {} ({})",
            store_args.db,
            store.kind()
        );

        let shown = validate(&store, std::slice::from_ref(&errors_path), &options).await?;
        let report = dir.join("validation-report.csv");
        write_report(&shown.issues, &report)?;
        println!(
            "{} (typical survey mistakes): {} errors found, e.g.",
            errors_path.display(),
            shown.errors()
        );
        print_issues(&shown.issues, 4);
        println!("  full report: {}", report.display());

        // Every stage of every enterprise-year is written out for small regions only: at 100,000
        // enterprises × 5 years the kept stages alone need more memory than a 24 GiB machine has.
        let write_stages = args.enterprises <= 20_000;
        let build_args = BuildArgs {
            data: None,
            framework: PathBuf::from("kechuang-enterprise"),
            out: write_stages.then(|| dir.join("index")),
            xlsx: false,
            format: crate::args::TableFormat::Csv,
            stages: None,
            groups: Vec::new(),
            years: years.clone(),
            store: store_args.clone(),
            user: "demo".into(),
        };
        let loaded = resolve_framework(&build_args.framework)?;
        build_stored(&build_args, &loaded).await?;
        district_table(&store, years[years.len() - 1]).await?;
        store.close().await;
        Ok(())
    })?;
    // The talent pool: a register with some people entered twice, tiered by the shipped criteria.
    let year = years[years.len() - 1];
    let people =
        kechuang_synthetic::talent::talent_register(args.enterprises / 10, year, args.seed);
    let register = dir.join("talent.json");
    std::fs::write(&register, serde_json::to_string_pretty(&people)?)
        .with_context(|| format!("writing {}", register.display()))?;
    let criteria = kechuang_talent::shipped();
    let mut tiers: BTreeMap<String, usize> = BTreeMap::new();
    for p in &people {
        let tier = kechuang_talent::evaluate(p, &criteria, year).tier;
        *tiers.entry(tier.unwrap_or_else(|| "-".into())).or_default() += 1;
    }
    let tiers: Vec<String> = tiers.iter().map(|(t, n)| format!("{t}:{n}")).collect();
    println!(
        "talent register {}: {} records, tiers {} ({} pairs of records are one person; `kechuang talent duplicates`)",
        register.display(),
        people.len(),
        tiers.join(" "),
        kechuang_talent::find_duplicates(&people).len()
    );
    // The matchmaking catalogue: demands and supply across 京津冀, as the files a bureau collects.
    let mut generated =
        kechuang_synthetic::catalogue::catalogue((args.enterprises / 4).max(500), args.seed);
    let folder = dir.join("catalogue");
    crate::matching::save(&generated.catalogue, &folder)?;
    println!(
        "matchmaking catalogue {}: {} (`kechuang match search|demand`)",
        folder.display(),
        generated.catalogue.counts()
    );
    println!("demo files: {}", dir.display());
    if args.no_serve {
        return Ok(());
    }
    crate::serve::init_logs(false);
    runtime()?.block_on(async {
        let store = Store::open(&store_args.db).await?;
        let (logins, own) = demo_accounts(&store, years[years.len() - 1]).await?;
        // The catalogue goes into the store too; the first three demands are the demo enterprise's.
        for d in generated.catalogue.demands.iter_mut().take(3) {
            d.enterprise = own.clone();
        }
        let mine: std::collections::HashSet<String> = generated
            .catalogue
            .demands
            .iter()
            .take(3)
            .map(|d| d.id.clone())
            .collect();
        let rows = kechuang_app::catalogue::stored_entries(&generated.catalogue, |d| {
            if d.kind == kechuang_matching::Kind::Demand && mine.contains(&d.id) {
                "enterprise".into()
            } else {
                "analyst".into()
            }
        });
        store
            .put_catalogue(&rows, kechuang_store::Publisher::Curator)
            .await?;
        // The talent register too.
        let register: Vec<(String, String, String)> = people
            .iter()
            .map(|p| Ok((p.id.clone(), serde_json::to_string(p)?, p.source.clone())))
            .collect::<Result<_>>()?;
        store.put_people(&register, "demo").await?;
        // A survey round for the year after the last, with forms in every state.
        let store = std::sync::Arc::new(store);
        let (auditor, writer) = kechuang_app::audit::Auditor::start(store.clone());
        let round = crate::demo_round::fill(&store, &auditor, years[years.len() - 1], &own).await?;
        let scenarios = crate::whatif::demo_scenarios(&store, &auditor, years[years.len() - 1]).await?;
        let finance = crate::demo_finance::fill(&store, years[years.len() - 1], &own).await?;
        drop(auditor);
        let _ = writer.await;
        println!(
            "survey round {} for {}: {} enterprises asked — {} approved, {} awaiting review, {} returned, {} drafts, the rest late; {} forms correct the tax office's R&D expense with a reason (`kechuang survey round status|contradictions {}`)",
            round.id,
            years[years.len() - 1] + 1,
            round.asked,
            round.approved,
            round.submitted,
            round.returned,
            round.drafts,
            round.corrected,
            round.id
        );
        println!(
            "policy scenarios {:?} saved: /whatif/scenarios/{} shows the 科技型中小企业 R&D bands relaxed by a point and who enters, by district; /whatif/compare?ids={}&ids={} sets it beside half a point",
            scenarios, scenarios[0], scenarios[0], scenarios[1]
        );
        println!(
            "/validity shows whether the index predicts next years' growth, patents, certifications and overdue loans (`kechuang index validity`)"
        );
        println!(
            "innovation finance: {} loans from 3 banks to {} enterprises, {} applications ({} awaiting an answer) — /finance, `kechuang finance report`",
            finance.loans, finance.firms, finance.applications, finance.pending
        );
        println!("demo accounts (name / password / role):");
        for (name, password, role) in &logins {
            println!("  {name:<12} {password:<22} {role}");
        }
        let config = kechuang_app::settings::Config {
            listen: args.listen,
            database: store_args.db.clone(),
            ..kechuang_app::settings::Config::default()
        };
        crate::serve::serve_store(store, config, web).await
    })
}

/// One account per role: the bureau's administrator and analyst, 滨海新区's officer, the best-ranked
/// enterprise of 滨海新区, a bank holding the consents the survey recorded (up to 300), and the
/// public. Passwords are printed: this is a demo.
async fn demo_accounts(
    store: &Store,
    year: i32,
) -> Result<(Vec<(String, String, String)>, String)> {
    let records = store.load_year(year).await?;
    let binhai: Vec<&SurveyRecord> = records
        .iter()
        .filter(|r| r.region_code.as_str() == "120116")
        .collect();
    let build = store.builds().await?.into_iter().next();
    let best = match &build {
        Some(b) => {
            let q = kechuang_store::RankingQuery {
                build_id: b.id,
                year,
                region_code: Some("120116".into()),
                sort: "rank".into(),
                limit: 1,
                ..Default::default()
            };
            store
                .ranking(&q)
                .await?
                .1
                .into_iter()
                .next()
                .map(|r| r.credit_code)
        }
        None => None,
    };
    let own = best
        .or_else(|| binhai.first().map(|r| r.credit_code.to_string()))
        .context("the demo region has no enterprise in 滨海新区")?;
    let bank = "津创银行";
    let accounts = [
        ("admin", "admin", "", "系统管理员"),
        ("analyst", "analyst", "", "科技局分析员"),
        ("binhai", "district_officer", "120116", "滨海新区科技局"),
        ("enterprise", "enterprise", own.as_str(), "企业用户"),
        ("bank", "bank", bank, "津创银行 创新积分贷"),
        ("bank2", "bank", "海河科技银行", "海河科技银行 科技金融部"),
        ("bank3", "bank", "滨城农商银行", "滨城农商银行 普惠金融部"),
        ("public", "public", "", "公众"),
    ];
    let mut out = Vec::new();
    for (name, role, scope, display) in accounts {
        let password = format!("demo-{name}-2026");
        kechuang_app::accounts::add_user(
            store,
            &kechuang_app::accounts::NewAccount {
                name: name.into(),
                display_name: Some(display.into()),
                password: password.clone(),
                role: role.into(),
                scope: scope.into(),
            },
        )
        .await
        .map_err(crate::serve::account_error)?;
        out.push((name.to_string(), password, role.to_string()));
    }
    for r in records.iter().filter(|r| r.consent_bank).take(300) {
        store
            .grant_consent(r.credit_code.as_str(), bank, "demo")
            .await?;
    }
    Ok((out, own))
}

/// Enterprises, mean index and certified high-tech enterprises per district, for the latest year.
async fn district_table(store: &Store, year: i32) -> Result<()> {
    let Some(build) = store.builds().await?.into_iter().next() else {
        return Ok(());
    };
    let scores: std::collections::HashMap<String, f64> = store
        .results(build.id, year)
        .await?
        .into_iter()
        .filter_map(|r| r.score.map(|s| (r.credit_code, s)))
        .collect();
    let mut by_district: BTreeMap<String, (usize, f64, usize, usize)> = BTreeMap::new();
    for r in store.load_year(year).await? {
        let name = r
            .region_code
            .district_name()
            .unwrap_or(r.region_code.as_str())
            .to_string();
        let e = by_district.entry(name).or_default();
        e.0 += 1;
        if let Some(s) = scores.get(r.credit_code.as_str()) {
            e.1 += s;
            e.2 += 1;
        }
        e.3 += usize::from(held_in(r.titles.hnte, year));
    }
    println!("{year} by district:   enterprises   mean index   高企 (HNTE)");
    let mut rows: Vec<_> = by_district.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.0));
    for (d, (n, sum, scored, hnte)) in rows {
        println!(
            "  {d:<10} {n:>12} {:>12.1} {hnte:>12}",
            if scored > 0 {
                sum / scored as f64
            } else {
                f64::NAN
            }
        );
    }
    Ok(())
}
