//! Every parser a user can feed, fuzzed from real sample files: survey CSV and XLSX, catalogue
//! files of every kind, the talent register and criteria, framework TOML, iMeta and dataset CSV,
//! policy rule files and column-mapping files. Each must return (an error is fine) without
//! panicking, and within the heap cap below. `KECHUANG_FUZZ_SECONDS` sets the time per target.

use std::path::{Path, PathBuf};

use kechuang_fuzz::{Mutator, run};
use kechuang_tabular::survey::{Encoding, GridLimits, SurveyReadOptions};

/// The whole test binary's heap is capped (the harnesses run two at a time): a parser that
/// allocates without bound on a small input aborts the run, which fails CI.
#[global_allocator]
static HEAP: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, 2 << 30);

const MAX_ITERATIONS: u64 = 200_000;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn file(path: &str) -> Vec<u8> {
    std::fs::read(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn options() -> SurveyReadOptions {
    SurveyReadOptions {
        encoding: Encoding::Detect,
        sheet: None,
        mapping: Default::default(),
        context: kechuang_domain::ParseContext {
            max_year: 2026,
            jump_factor: None,
        },
        limits: GridLimits::for_uploads(4 << 20),
    }
}

/// Writes each input to one file (the path-taking readers), under a private folder.
struct Scratch {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(name);
        Scratch { _dir: dir, path }
    }

    fn put(&self, bytes: &[u8]) -> &Path {
        std::fs::write(&self.path, bytes).expect("write input");
        &self.path
    }
}

fn survey_records() -> Vec<kechuang_domain::SurveyRecord> {
    kechuang_synthetic::region::region(&kechuang_synthetic::region::RegionSpec {
        enterprises: 25,
        years: vec![2024, 2025],
        seed: 11,
    })
}

#[test]
fn survey_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv = dir.path().join("s.csv");
    let table = kechuang_tabular::survey::records_table(&survey_records());
    kechuang_tabular::write_csv_table(&table, &csv, true).expect("seed");
    let seeds = vec![
        std::fs::read(&csv).expect("seed"),
        file("conformance/coinr-asem/iMeta.csv"),
    ];
    let scratch = Scratch::new("upload.csv");
    let r = run(
        "survey-csv",
        1,
        MAX_ITERATIONS,
        |m| m.mutate(&seeds),
        &seeds,
        |input| {
            let _ = kechuang_tabular::survey::read_survey(scratch.put(input), &options());
        },
    );
    assert!(r.iterations > 2);
}

#[test]
fn survey_xlsx() {
    let dir = tempfile::tempdir().expect("tmp");
    let filled = dir.path().join("s.xlsx");
    let table = kechuang_tabular::survey::records_table(&survey_records()[..10]);
    kechuang_tabular::write_xlsx(&[table], &filled).expect("seed");
    let template = dir.path().join("t.xlsx");
    kechuang_tabular::write_template(&template).expect("template");
    let seeds = vec![
        std::fs::read(&filled).expect("seed"),
        std::fs::read(&template).expect("seed"),
    ];
    let scratch = Scratch::new("upload.xlsx");
    let r = run(
        "survey-xlsx",
        2,
        MAX_ITERATIONS,
        |m: &mut Mutator| {
            // Mostly inside the archive; sometimes the archive's own bytes.
            if m.mutate(&[vec![0]]).len() % 5 == 0 {
                m.mutate(&seeds)
            } else {
                m.mutate_zip(&seeds)
            }
        },
        &seeds,
        |input| {
            let _ = kechuang_tabular::survey::read_survey(scratch.put(input), &options());
        },
    );
    assert!(r.iterations > 2);
}

#[test]
fn catalogue_files_of_every_kind() {
    let generated = kechuang_synthetic::catalogue::catalogue(120, 5);
    let files = kechuang_matching::import::write_csv(&generated.catalogue);
    for (i, (_, kind, text)) in files.iter().enumerate() {
        let seeds = vec![text.clone().into_bytes()];
        let scratch = Scratch::new("upload.csv");
        let name = format!("catalogue-{}", kind.key());
        run(
            &name,
            10 + i as u64,
            MAX_ITERATIONS / 6,
            |m| m.mutate(&seeds),
            &seeds,
            |input| {
                let _ = kechuang_matching::import::read_csv(*kind, input);
                if let Ok((_, rows)) =
                    kechuang_tabular::survey::read_grid(scratch.put(input), &options())
                {
                    let _ = kechuang_matching::import::read_rows(*kind, &rows);
                }
            },
        );
    }
}

#[test]
fn talent_register_and_criteria() {
    let people = kechuang_synthetic::talent::talent_register(40, 2026, 3);
    let seeds = vec![serde_json::to_vec(&people).expect("register")];
    let criteria = kechuang_talent::shipped();
    run(
        "talent-register",
        20,
        MAX_ITERATIONS,
        |m| m.mutate(&seeds),
        &seeds,
        |input| {
            if let Ok(people) = serde_json::from_slice::<Vec<kechuang_talent::Person>>(input) {
                let evaluations: Vec<_> = people
                    .iter()
                    .map(|p| kechuang_talent::evaluate(p, &criteria, 2026))
                    .collect();
                let _ = kechuang_talent::find_duplicates(&people);
                let _ = kechuang_talent::statistics(&people, &evaluations);
            }
        },
    );
    let seeds = vec![file("crates/talent/criteria/talent-2026.toml")];
    run(
        "talent-criteria",
        21,
        MAX_ITERATIONS,
        |m| m.mutate(&seeds),
        &seeds,
        |input| {
            let _ = kechuang_talent::Criteria::from_toml(&String::from_utf8_lossy(input));
        },
    );
}

#[test]
fn framework_files() {
    let seeds = vec![
        file("crates/enterprise/frameworks/kechuang-enterprise.toml"),
        file("crates/enterprise/frameworks/survey-basic.toml"),
        file("crates/enterprise/frameworks/innovation-points.toml"),
        file("crates/tabular/tests/fixtures/asem-pipeline.toml"),
    ];
    let scratch = Scratch::new("framework.toml");
    run(
        "framework-toml",
        30,
        MAX_ITERATIONS,
        |m| m.mutate(&seeds),
        &seeds,
        |input| {
            let _ = kechuang_engine::Framework::from_toml(&String::from_utf8_lossy(input));
            let _ = kechuang_tabular::load_framework(scratch.put(input));
        },
    );
}

#[test]
fn imeta_and_dataset_files() {
    let imeta = vec![file("conformance/coinr-asem/iMeta.csv")];
    let scratch = Scratch::new("iMeta.csv");
    run(
        "imeta-csv",
        40,
        MAX_ITERATIONS,
        |m| m.mutate(&imeta),
        &imeta,
        |input| {
            let _ = kechuang_tabular::read_imeta(scratch.put(input));
        },
    );
    let data = vec![file("conformance/coinr-asem/iData.csv")];
    let scratch = Scratch::new("iData.csv");
    run(
        "dataset-csv",
        41,
        MAX_ITERATIONS,
        |m| m.mutate(&data),
        &data,
        |input| {
            let _ = kechuang_tabular::read_dataset(scratch.put(input), &Default::default());
        },
    );
}

#[test]
fn policy_rule_files() {
    let records = survey_records();
    let panel = kechuang_policy::Panel::new(&records);
    let seeds: Vec<Vec<u8>> = std::fs::read_dir(repo().join("crates/policy/rules"))
        .expect("rules")
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read(e.path()).expect("rule file"))
        .collect();
    assert_eq!(seeds.len(), 6);
    run(
        "policy-rules",
        50,
        MAX_ITERATIONS,
        |m| m.mutate(&seeds),
        &seeds,
        |input| {
            // A rule file that loads is also evaluated: hostile thresholds and expressions must not
            // panic the evaluation either.
            if let Ok(rules) = kechuang_policy::RuleSet::from_toml(&String::from_utf8_lossy(input))
            {
                let _ = panel.evaluate_year(&rules, 2025, true);
            }
        },
    );
}

#[test]
fn column_mapping_files() {
    let seeds = vec![
        "column,field\n信用代码,credit_code\n企业名称,name\nR&D,rd_expense\n"
            .as_bytes()
            .to_vec(),
    ];
    let scratch = Scratch::new("mapping.csv");
    run(
        "mapping-csv",
        60,
        MAX_ITERATIONS,
        |m| m.mutate(&seeds),
        &seeds,
        |input| {
            let _ = kechuang_tabular::survey::read_mapping(scratch.put(input));
        },
    );
}
