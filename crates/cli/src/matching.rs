//! `kechuang match check|search|demand|eval` and `kechuang bench match`: the matchmaking catalogue
//! on files (the web pages and storage of the catalogue are not built yet).

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use kechuang_matching::import::{Issue, extend, read_rows, write_csv};
use kechuang_matching::matching::{for_demand, for_supply};
use kechuang_matching::{Catalogue, Filters, Kind, Province, SearchIndex};

use crate::args::{BenchMatchArgs, CatalogueArgs, MatchDemandArgs, MatchEvalArgs, MatchSearchArgs};
use crate::index::InvalidInput;

const FILES: [(&str, Kind); 6] = [
    ("demands.csv", Kind::Demand),
    ("achievements.csv", Kind::Achievement),
    ("patents.csv", Kind::Patent),
    ("experts.csv", Kind::Expert),
    ("equipment.csv", Kind::Equipment),
    ("services.csv", Kind::Service),
];

/// Reads every catalogue file of a folder; every problem of every file is printed and the whole
/// read refused (exit 1) when there is one.
pub fn load(folder: &Path) -> Result<Catalogue> {
    let mut catalogue = Catalogue::default();
    let mut problems: Vec<(String, Issue)> = Vec::new();
    let mut found = 0;
    let options = crate::survey::read_options("auto", None, None)?;
    for (name, kind) in FILES {
        // demands.csv (UTF-8, GBK or GB18030) or demands.xlsx (the first sheet).
        let xlsx = folder.join(name.replace(".csv", ".xlsx"));
        let path = if xlsx.is_file() {
            xlsx
        } else {
            folder.join(name)
        };
        if !path.is_file() {
            continue;
        }
        found += 1;
        let (_, rows) = kechuang_tabular::survey::read_grid(&path, &options)
            .map_err(crate::index::invalid_tabular)?;
        let shown = path
            .file_name()
            .map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned());
        match read_rows(kind, &rows) {
            Ok(entries) => extend(&mut catalogue, entries),
            Err(issues) => problems.extend(issues.into_iter().map(|i| (shown.clone(), i))),
        }
    }
    if found == 0 {
        return Err(InvalidInput(format!(
            "{}: no catalogue files (expected {}, or the same names in .xlsx)",
            folder.display(),
            FILES.map(|f| f.0).join(", ")
        ))
        .into());
    }
    if !problems.is_empty() {
        for (file, issue) in problems.iter().take(50) {
            eprintln!("  {file}, {issue}");
        }
        if problems.len() > 50 {
            eprintln!("  … and {} more", problems.len() - 50);
        }
        return Err(InvalidInput(format!(
            "{} problems in the catalogue files; nothing was read",
            problems.len()
        ))
        .into());
    }
    Ok(catalogue)
}

/// Writes a catalogue as the folder of CSV files [`load`] reads.
pub fn save(catalogue: &Catalogue, folder: &Path) -> Result<()> {
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    for (name, _, text) in write_csv(catalogue) {
        let path = folder.join(name);
        std::fs::write(&path, format!("\u{feff}{text}"))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn dictionary(path: Option<&Path>) -> Result<Option<String>> {
    path.map(|p| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display())))
        .transpose()
}

fn index(catalogue: &Catalogue, dict: Option<&Path>) -> Result<SearchIndex> {
    let extra = dictionary(dict)?;
    SearchIndex::build(catalogue.docs(), extra.as_deref()).map_err(|e| match e {
        kechuang_matching::search::SearchError::Dictionary { .. } => {
            InvalidInput(format!("--dictionary: {e}")).into()
        }
        other => anyhow::Error::new(other),
    })
}

fn kinds(names: &[String]) -> Result<Vec<Kind>> {
    names
        .iter()
        .map(|k| {
            Kind::parse(k).ok_or_else(|| {
                InvalidInput(format!(
                    "--kind {k}: use {}",
                    Kind::ALL.map(Kind::key).join(", ")
                ))
                .into()
            })
        })
        .collect()
}

pub fn check(args: &CatalogueArgs) -> Result<()> {
    let c = load(&args.folder)?;
    dictionary(args.dictionary.as_deref())?;
    println!("{}: {} — no problems", args.folder.display(), c.counts());
    Ok(())
}

/// `<b>` marks as terminal bold.
/// Matched words in bold for the terminal.
fn marks(h: &kechuang_matching::Highlighted) -> String {
    h.segments()
        .into_iter()
        .map(|(piece, matched)| {
            if matched {
                format!("\x1b[1m{piece}\x1b[0m")
            } else {
                piece.to_string()
            }
        })
        .collect()
}

pub fn search(args: &MatchSearchArgs) -> Result<()> {
    let region = args
        .region
        .as_deref()
        .map(|r| {
            Province::parse(r)
                .ok_or_else(|| InvalidInput(format!("--region {r}: use 京, 津 or 冀")))
        })
        .transpose()?;
    let filters = Filters {
        kinds: kinds(&args.kind)?,
        field: args.field.clone(),
        region,
        trl_min: args.trl_min,
        trl_max: args.trl_max,
        price_max: args.price_max,
        available_only: args.available,
        kind_type: args.kind_type.clone(),
    };
    let c = load(&args.catalogue)?;
    let idx = index(&c, args.dictionary.as_deref())?;
    let hits = idx.search(&args.query, &filters, args.limit)?;
    if args.json {
        let out: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                let d = &idx.docs()[h.doc];
                serde_json::json!({"kind": d.kind, "id": d.id, "score": h.score, "title_html": h.title.to_html(), "snippet_html": h.snippet.to_html(), "region": d.region, "fields": d.fields})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "{} hits for '{}' (words: {})",
        hits.len(),
        args.query,
        idx.words(&args.query).join(" ")
    );
    for h in &hits {
        let d = &idx.docs()[h.doc];
        println!(
            "{:>6.2}  {} {} [{}] {}\n        {}",
            h.score,
            d.kind.zh(),
            d.id,
            d.region.abbr(),
            marks(&h.title),
            marks(&h.snippet)
        );
    }
    Ok(())
}

pub fn demand(args: &MatchDemandArgs) -> Result<()> {
    let c = load(&args.catalogue)?;
    let idx = index(&c, args.dictionary.as_deref())?;
    let source = idx
        .docs()
        .iter()
        .find(|d| d.id == args.id)
        .cloned()
        .ok_or_else(|| {
            InvalidInput(format!(
                "no entry '{}' in {}",
                args.id,
                args.catalogue.display()
            ))
        })?;
    let matches = if source.kind == Kind::Demand {
        for_demand(&idx, &source, &kinds(&args.kind)?, args.limit)?
    } else {
        for_supply(&idx, &source, args.limit)?
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&matches)?);
        return Ok(());
    }
    println!("{} {}: {}", source.kind.zh(), source.id, source.title);
    for (i, m) in matches.iter().enumerate() {
        println!(
            "{:>3}. {:.3}  {} {} {}\n       {}",
            i + 1,
            m.score,
            m.kind.zh(),
            m.id,
            m.title,
            m.explanation.summary_zh
        );
    }
    Ok(())
}

pub fn eval(args: &MatchEvalArgs) -> Result<()> {
    if args.demands == 0 || args.size < args.demands * 5 {
        return Err(InvalidInput(
            "--size must be at least five times --demands (demands are a fifth of the catalogue)"
                .into(),
        )
        .into());
    }
    let (generated, set) =
        kechuang_synthetic::catalogue::evaluation_set(args.size, args.demands, args.seed);
    let idx = SearchIndex::build(generated.catalogue.docs(), None)?;
    let r = kechuang_matching::eval::evaluate(&idx, &set)?;
    println!(
        "{} demands, {} judged candidates (catalogue of {}, seed {})",
        r.demands,
        r.judged,
        generated.catalogue.len(),
        args.seed
    );
    println!("                 nDCG@10   recall@50");
    println!(
        "ranking          {:.3}     {:.3}",
        r.ranking.ndcg_10, r.ranking.recall_50
    );
    println!(
        "plain BM25       {:.3}     {:.3}",
        r.bm25.ndcg_10, r.bm25.recall_50
    );
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    kechuang_engine::stats::quantile_sorted(sorted, p)
}

pub fn bench(args: &BenchMatchArgs) -> Result<()> {
    let t = Instant::now();
    let generated = kechuang_synthetic::catalogue::catalogue(args.docs, 11);
    let docs = generated.catalogue.docs();
    let chars: usize = docs
        .iter()
        .map(|d| d.title.chars().count() + d.body.chars().count())
        .sum();
    println!(
        "{} documents ({:.1} M characters) generated in {:.1} s",
        docs.len(),
        chars as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let idx = SearchIndex::build(docs, None)?;
    println!(
        "indexed in {:.1} s (target ≤ 60 s)",
        t.elapsed().as_secs_f64()
    );
    let queries = [
        "智能",
        "碳化硅 封装",
        "锂电池 循环寿命",
        "污水处理 膜分离",
        "工业机器人 焊接",
        "5G 边缘计算",
        "抗体药物 纯化",
        "检验检测 CMA",
    ];
    let mut search_ms = Vec::new();
    for i in 0..args.queries {
        let filters = Filters {
            kinds: if i % 2 == 0 {
                vec![]
            } else {
                vec![Kind::Achievement]
            },
            region: (i % 3 == 0).then_some(Province::Tianjin),
            ..Filters::default()
        };
        let t = Instant::now();
        let hits = idx.search(queries[i % queries.len()], &filters, 20)?;
        search_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(hits);
    }
    let demands: Vec<_> = idx
        .docs()
        .iter()
        .filter(|d| d.kind == Kind::Demand)
        .take(args.queries)
        .cloned()
        .collect();
    let mut match_ms = Vec::new();
    for d in &demands {
        let t = Instant::now();
        let m = for_demand(&idx, d, &[], 20)?;
        match_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(m);
    }
    search_ms.sort_by(f64::total_cmp);
    match_ms.sort_by(f64::total_cmp);
    println!(
        "search ({} queries, highlighted, top 20): median {:.1} ms, p95 {:.1} ms (target ≤ 50 ms)",
        search_ms.len(),
        percentile(&search_ms, 0.5),
        percentile(&search_ms, 0.95)
    );
    println!(
        "match ({} demands, all supply kinds, top 20 explained): median {:.1} ms, p95 {:.1} ms (target ≤ 50 ms)",
        match_ms.len(),
        percentile(&match_ms, 0.5),
        percentile(&match_ms, 0.95)
    );
    Ok(())
}
