//! Running the binary and finding the reference data kept in the repository.

use std::path::{Path, PathBuf};
use std::process::Output;

pub fn asem() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/coinr-asem")
}

pub fn asem_pipeline() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tabular/tests/fixtures/asem-pipeline.toml")
}

pub fn kechuang(args: &[&str], cwd: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kechuang"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A CSV as rows of `header → cell`.
pub fn read_csv(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .cloned()
                .zip(rec.expect("record").iter().map(String::from))
                .collect()
        })
        .collect()
}
