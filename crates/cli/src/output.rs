//! Output directories written all at once: files go to a hidden sibling directory that replaces the
//! target only when everything has been written, so a failed command leaves nothing behind.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// The marker that says a directory holds an earlier build and may be replaced.
pub const MANIFEST: &str = "manifest.json";

pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl OutputDir {
    pub fn create(target: &Path) -> Result<OutputDir> {
        if target.exists() {
            let empty = target
                .read_dir()
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !target.is_dir() || !(empty || target.join(MANIFEST).exists()) {
                bail!(
                    "{} exists and is not an earlier build output (no {MANIFEST}); choose another --out",
                    target.display()
                );
            }
        }
        let name = target
            .file_name()
            .map_or("out".into(), |n| n.to_string_lossy().into_owned());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .with_context(|| format!("clearing {}", staging.display()))?;
        }
        std::fs::create_dir(&staging).with_context(|| format!("creating {}", staging.display()))?;
        Ok(OutputDir {
            target: target.to_path_buf(),
            staging,
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.staging
    }

    pub fn commit(mut self) -> Result<()> {
        if self.target.exists() {
            std::fs::remove_dir_all(&self.target)
                .with_context(|| format!("replacing {}", self.target.display()))?;
        }
        std::fs::rename(&self.staging, &self.target)
            .with_context(|| format!("moving the output into {}", self.target.display()))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// SHA-256 of a file, as lowercase hex: the fingerprint of an input.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    stream_file(path, |bytes| hasher.update(bytes))?;
    Ok(hex(&hasher.finalize()))
}

/// BLAKE3 of a file, as lowercase hex (as `b3sum` prints it): the fingerprint of an output.
pub fn blake3_file(path: &Path) -> Result<String> {
    let mut hasher = blake3::Hasher::new();
    stream_file(path, |bytes| {
        hasher.update(bytes);
    })?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Hands a file's bytes to `take` a megabyte at a time: a gigabyte is hashed in a megabyte of
/// memory.
fn stream_file(path: &Path, mut take: impl FnMut(&[u8])) -> Result<()> {
    use std::io::Read;
    let mut file =
        std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buffer)
            .with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            return Ok(());
        }
        take(&buffer[..n]);
    }
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
