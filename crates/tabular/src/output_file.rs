//! A file of build output: fingerprinted as it is written, and, once it is large, written past the
//! page cache.
//!
//! Why: a build at 10⁶ units writes 4 GB. Copying that into the page cache cost a fifth of the
//! process's CPU on the 2-core virtual machines we measure on (`perf`: the kernel's
//! `copy_folio_from_iter_atomic`), and hashing each file afterwards read it all back. Here every
//! byte is hashed as it goes by, and whole aligned blocks go straight to the device (`O_DIRECT`,
//! Linux) from a buffer the process reuses. A file system that refuses direct writes (tmpfs, some
//! network file systems) gets ordinary writes; so do the last, unaligned bytes of every file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Direct writes must start at, and be a multiple of, the device's block: 4 KiB covers 512-byte
/// and 4 KiB devices.
const BLOCK: usize = 4096;
/// Bytes gathered before a write: large enough that a write is cheap against the formatting.
const CHUNK: usize = 4 << 20;

/// What was written: its length and SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputDigest {
    /// Bytes in the file.
    pub bytes: u64,
    /// SHA-256 of those bytes.
    pub sha256: [u8; 32],
}

impl OutputDigest {
    /// The SHA-256 as lowercase hex.
    pub fn hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A new file being written; [`finish`](OutputFile::finish) completes it and gives its digest.
/// Dropped unfinished, it may be incomplete (the caller's staging directory is then removed).
pub struct OutputFile {
    path: PathBuf,
    file: File,
    /// A second handle on the same file that writes past the page cache, while that works.
    direct: Option<File>,
    /// Room for `CHUNK` bytes from an address aligned to `BLOCK`, at `start`.
    buffer: Vec<u8>,
    start: usize,
    filled: usize,
    written: u64,
    hasher: Sha256,
}

impl OutputFile {
    /// Creates (or truncates) `path`.
    pub fn create(path: &Path) -> Result<OutputFile> {
        let file = File::create(path).map_err(io(path))?;
        Ok(OutputFile {
            path: path.to_path_buf(),
            file,
            direct: None,
            buffer: Vec::new(),
            start: 0,
            filled: 0,
            written: 0,
            hasher: Sha256::new(),
        })
    }

    /// Writes what is buffered, then the digest of the whole file.
    pub fn finish(mut self) -> Result<OutputDigest> {
        self.write_out(true).map_err(io(&self.path))?;
        self.file.flush().map_err(io(&self.path))?;
        Ok(OutputDigest {
            bytes: self.written,
            sha256: self.hasher.clone().finalize().into(),
        })
    }

    fn room(&mut self) -> &mut [u8] {
        if self.buffer.is_empty() {
            // An aligned window into a slightly larger vector: no unsafe allocation needed.
            self.buffer = vec![0; CHUNK + BLOCK];
            self.start = self.buffer.as_ptr().align_offset(BLOCK).min(BLOCK);
        }
        &mut self.buffer[self.start + self.filled..self.start + CHUNK]
    }

    /// Writes the buffered bytes: whole blocks directly where possible, and, at the end (`last`),
    /// the rest through the page cache.
    fn write_out(&mut self, last: bool) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        if self.filled == 0 {
            return Ok(());
        }
        let bytes = &self.buffer[self.start..self.start + self.filled];
        self.hasher.update(bytes);
        let mut done = 0;
        if self.written == 0 && !last && self.direct.is_none() {
            // Only a file of more than one chunk is worth a second handle.
            self.direct = open_direct(&self.path);
        }
        if let Some(direct) = &self.direct {
            let whole = bytes.len() / BLOCK * BLOCK;
            match direct.write_all_at(&bytes[..whole], self.written) {
                Ok(()) => done = whole,
                // Refused (a file system that only accepted the flag): ordinary writes from here.
                Err(e) if e.raw_os_error() == Some(EINVAL) => self.direct = None,
                Err(e) => return Err(e),
            }
        }
        self.file
            .write_all_at(&bytes[done..], self.written + done as u64)?;
        self.written += bytes.len() as u64;
        self.filled = 0;
        Ok(())
    }
}

impl Write for OutputFile {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let room = self.room();
        let n = room.len().min(data.len());
        room[..n].copy_from_slice(&data[..n]);
        self.filled += n;
        if self.filled == CHUNK {
            self.write_out(false)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // Buffered bytes are written by `finish`, so that direct writes stay whole blocks.
        Ok(())
    }
}

#[cfg(target_os = "linux")]
const EINVAL: i32 = libc::EINVAL;
#[cfg(not(target_os = "linux"))]
const EINVAL: i32 = 22;

#[cfg(target_os = "linux")]
fn open_direct(path: &Path) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    if std::env::var_os("KECHUANG_BUFFERED_OUTPUT").is_some() {
        return None;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_DIRECT)
        .open(path)
        .ok()
}

#[cfg(not(target_os = "linux"))]
fn open_direct(_: &Path) -> Option<File> {
    None
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |error| Error::Io {
        path: path.to_path_buf(),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256(bytes: &[u8]) -> [u8; 32] {
        Sha256::digest(bytes).into()
    }

    #[test]
    fn files_of_every_length_read_back_as_written_with_their_digest() {
        let dir = tempfile::tempdir().expect("dir");
        // Either side of a block and of a chunk, written in pieces of awkward sizes.
        for len in [
            0,
            1,
            BLOCK - 1,
            BLOCK,
            BLOCK + 1,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            2 * CHUNK + BLOCK + 7,
        ] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + i / 4099) as u8).collect();
            let path = dir.path().join(format!("f{len}"));
            let mut f = OutputFile::create(&path).expect("create");
            for piece in data.chunks(777_777) {
                f.write_all(piece).expect("write");
            }
            let digest = f.finish().expect("finish");
            assert_eq!(std::fs::read(&path).expect("read"), data, "{len}");
            assert_eq!(digest.bytes, len as u64);
            assert_eq!(digest.sha256, sha256(&data), "{len}");
        }
        assert_eq!(
            OutputDigest {
                bytes: 0,
                sha256: sha256(b"")
            }
            .hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_file_that_cannot_be_created_names_its_path() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("missing/f.csv");
        let Err(e) = OutputFile::create(&path) else {
            panic!("created")
        };
        assert!(e.to_string().contains("missing"), "{e}");
    }
}
