//! Loading a framework from its files: a TOML framework (and the `iMeta` CSV it may name) or an
//! `iMeta` CSV on its own, which gives COINr's minimal build.

use std::path::{Path, PathBuf};

use kechuang_engine::{Framework, FrameworkSpec, parse_toml};

use crate::error::{Error, Result};
use crate::imeta::read_imeta;

/// A framework with the files it was read from, for manifests.
#[derive(Debug, Clone)]
pub struct LoadedFramework {
    /// The checked framework.
    pub framework: Framework,
    /// Every file read: the TOML file and/or the `iMeta` CSV.
    pub files: Vec<PathBuf>,
    /// The TOML file as parsed, when the framework came from one.
    pub spec: Option<FrameworkSpec>,
}

/// Loads `path`: `.toml` as the native format, anything else as an `iMeta` CSV.
pub fn load_framework(path: &Path) -> Result<LoadedFramework> {
    let engine = |error| Error::Framework {
        path: path.to_path_buf(),
        error: Box::new(error),
    };
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if !is_toml {
        let rows = read_imeta(path)?;
        let id = path
            .file_stem()
            .map_or("imeta".into(), |s| s.to_string_lossy().into_owned());
        let framework = Framework::from_imeta(&id, "imeta", &rows).map_err(engine)?;
        return Ok(LoadedFramework {
            framework,
            files: vec![path.to_path_buf()],
            spec: None,
        });
    }
    let text = std::fs::read_to_string(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let spec = parse_toml(&text).map_err(engine)?;
    let mut files = vec![path.to_path_buf()];
    let rows = match &spec.imeta {
        None => None,
        Some(rel) => {
            let imeta = path.parent().unwrap_or(Path::new(".")).join(rel);
            let rows = read_imeta(&imeta)?;
            files.push(imeta);
            Some(rows)
        }
    };
    let framework = Framework::from_spec(&spec, rows.as_deref()).map_err(engine)?;
    Ok(LoadedFramework {
        framework,
        files,
        spec: Some(spec),
    })
}
