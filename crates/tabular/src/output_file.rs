//! A file of build output: fingerprinted as it is written, and, once it is large, written past the
//! page cache.
//!
//! Why: a build at 10⁶ units writes 4 GB. Copying that into the page cache cost a fifth of the
//! process's CPU on the 2-core virtual machines we measure on (`perf`: the kernel's
//! `copy_folio_from_iter_atomic`), and hashing each file afterwards read it all back. Here every
//! byte is hashed as it goes by, and whole aligned blocks go straight to the device (`O_DIRECT`,
//! Linux) from a buffer the process reuses. The fingerprint is BLAKE3: SHA-256 of 4 GB was a
//! fifth of a 10⁶ build's CPU, BLAKE3 a quarter of that. A file system that refuses direct writes
//! (tmpfs, some network file systems) gets ordinary writes; so do the last, unaligned bytes of
//! every file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Direct writes must start at, and be a multiple of, the device's block: 4 KiB covers 512-byte
/// and 4 KiB devices.
const BLOCK: usize = 4096;
/// Bytes gathered before a write: large enough that a write is cheap against the formatting.
const CHUNK: usize = 4 << 20;
/// Bytes of a file written through the page cache before direct writes start (a multiple of
/// `CHUNK`): a direct write waits for the device, which made builds of a few tens of megabytes
/// slower (20,000 units: 83 MB), while the cache's copying costs only where gigabytes are written.
/// Tests start direct writes from the second chunk, to cover them with small files.
const DIRECT_FROM: u64 = if cfg!(test) {
    CHUNK as u64
} else {
    8 * CHUNK as u64
};

/// What was written: its length and BLAKE3 hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputDigest {
    /// Bytes in the file.
    pub bytes: u64,
    /// BLAKE3 of those bytes.
    pub blake3: [u8; 32],
}

impl OutputDigest {
    /// The BLAKE3 hash as lowercase hex, as `b3sum` prints it.
    pub fn hex(&self) -> String {
        self.blake3.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A new file being written; [`finish`](OutputFile::finish) completes it and gives its digest.
/// Dropped unfinished, it may be incomplete (the caller's staging directory is then removed).
///
/// A file smaller than a chunk is written at `finish`. A larger one is handed, a chunk at a time,
/// to a thread of its own that hashes and writes it, so that the thread making the text never
/// waits for the device.
pub struct OutputFile {
    path: PathBuf,
    /// Room for `CHUNK` bytes from an address aligned to `BLOCK`, at `start`.
    buffer: Vec<u8>,
    start: usize,
    filled: usize,
    state: State,
}

enum State {
    /// Nothing handed on yet.
    Held(File),
    Handed {
        chunks: std::sync::mpsc::SyncSender<Filled>,
        /// Buffers the writer is done with, to be filled again.
        free: std::sync::mpsc::Receiver<Vec<u8>>,
        writer: std::thread::JoinHandle<std::io::Result<OutputDigest>>,
    },
    Finished,
}

/// A buffer's bytes `start..start + len`, the last of the file when `last`.
struct Filled {
    buffer: Vec<u8>,
    start: usize,
    len: usize,
    last: bool,
}

impl OutputFile {
    /// Creates (or truncates) `path`.
    pub fn create(path: &Path) -> Result<OutputFile> {
        let file = File::create(path).map_err(io(path))?;
        Ok(OutputFile {
            path: path.to_path_buf(),
            buffer: Vec::new(),
            start: 0,
            filled: 0,
            state: State::Held(file),
        })
    }

    /// Writes what is buffered, then the digest of the whole file.
    pub fn finish(mut self) -> Result<OutputDigest> {
        if let State::Held(file) = &mut self.state {
            // A file smaller than a chunk: written here, at once.
            let bytes = self
                .buffer
                .get(self.start..self.start + self.filled)
                .unwrap_or_default();
            file.write_all(bytes).map_err(io(&self.path))?;
            return Ok(OutputDigest {
                bytes: bytes.len() as u64,
                blake3: blake3::hash(bytes).into(),
            });
        }
        self.hand_on(true).map_err(io(&self.path))?;
        match std::mem::replace(&mut self.state, State::Finished) {
            State::Handed { chunks, writer, .. } => {
                drop(chunks);
                joined(writer).map_err(io(&self.path))
            }
            State::Held(_) | State::Finished => Err(io(&self.path)(finished())),
        }
    }

    fn room(&mut self) -> &mut [u8] {
        if self.buffer.is_empty() {
            self.buffer = match &self.state {
                State::Handed { free, .. } => free.try_recv().ok(),
                _ => None,
            }
            .unwrap_or_else(|| vec![0; CHUNK + BLOCK]);
            // An aligned window into a slightly larger vector: no unsafe allocation needed.
            self.start = self.buffer.as_ptr().align_offset(BLOCK).min(BLOCK);
        }
        &mut self.buffer[self.start + self.filled..self.start + CHUNK]
    }

    /// Hands the buffered bytes to the writer, starting it with the first chunk; `last` at the end
    /// (only once it is started).
    fn hand_on(&mut self, last: bool) -> std::io::Result<()> {
        if let State::Held(file) = &self.state {
            let file = file.try_clone()?;
            let direct = open_direct(&self.path);
            let (chunks, to_write) = std::sync::mpsc::sync_channel(1);
            let (done, free) = std::sync::mpsc::channel();
            let writer = std::thread::Builder::new()
                .name("output-writer".into())
                .spawn(move || write_chunks(file, direct, to_write, done))?;
            self.state = State::Handed {
                chunks,
                free,
                writer,
            };
        }
        let State::Handed { chunks, .. } = &self.state else {
            return Err(finished());
        };
        let filled = Filled {
            // A file of whole chunks ends with an empty one.
            start: if self.buffer.is_empty() {
                0
            } else {
                self.start
            },
            buffer: std::mem::take(&mut self.buffer),
            len: self.filled,
            last,
        };
        self.filled = 0;
        if chunks.send(filled).is_err() {
            // The writer stopped: its error says why.
            if let State::Handed { writer, .. } =
                std::mem::replace(&mut self.state, State::Finished)
            {
                joined(writer)?;
            }
            return Err(std::io::Error::other("the file's writer stopped"));
        }
        Ok(())
    }
}

fn finished() -> std::io::Error {
    std::io::Error::other("the file was already finished")
}

/// The writer's outcome, a panic as an error.
fn joined(
    writer: std::thread::JoinHandle<std::io::Result<OutputDigest>>,
) -> std::io::Result<OutputDigest> {
    writer
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the file's writer failed")))
}

/// The writer's thread: hashes and writes chunks in order, after the first `DIRECT_FROM` bytes
/// whole blocks directly while that is accepted, the last bytes through the page cache; gives
/// each buffer back.
fn write_chunks(
    file: File,
    mut direct: Option<File>,
    chunks: std::sync::mpsc::Receiver<Filled>,
    free: std::sync::mpsc::Sender<Vec<u8>>,
) -> std::io::Result<OutputDigest> {
    use std::os::unix::fs::FileExt;
    let mut hasher = blake3::Hasher::new();
    let mut written = 0u64;
    for chunk in chunks {
        let bytes = &chunk.buffer[chunk.start..chunk.start + chunk.len];
        hasher.update(bytes);
        let mut done = 0;
        if let Some(d) = direct.as_ref().filter(|_| written >= DIRECT_FROM) {
            let whole = bytes.len() / BLOCK * BLOCK;
            match d.write_all_at(&bytes[..whole], written) {
                Ok(()) => done = whole,
                // Refused (a file system that only accepted the flag): ordinary writes from here.
                Err(e) if e.raw_os_error() == Some(EINVAL) => direct = None,
                Err(e) => return Err(e),
            }
        }
        file.write_all_at(&bytes[done..], written + done as u64)?;
        written += bytes.len() as u64;
        if chunk.last {
            return Ok(OutputDigest {
                bytes: written,
                blake3: hasher.finalize().into(),
            });
        }
        // The maker may have finished or failed; then the buffer is simply dropped.
        let _ = free.send(chunk.buffer);
    }
    Err(std::io::Error::other("the file was not finished"))
}

impl Write for OutputFile {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let room = self.room();
        let n = room.len().min(data.len());
        room[..n].copy_from_slice(&data[..n]);
        self.filled += n;
        if self.filled == CHUNK {
            self.hand_on(false)?;
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

    fn blake3(bytes: &[u8]) -> [u8; 32] {
        blake3::hash(bytes).into()
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
            assert_eq!(digest.blake3, blake3(&data), "{len}");
        }
        assert_eq!(
            OutputDigest {
                bytes: 0,
                blake3: blake3(b"")
            }
            .hex(),
            // `b3sum` of an empty file (the BLAKE3 specification's test vector for no input).
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_device_that_refuses_writes_fails_the_file_small_or_large() {
        for len in [10, 3 * CHUNK + 5] {
            let mut f = OutputFile::create(Path::new("/dev/full")).expect("create");
            // A large file's error may come while writing or at the end, never as success.
            let wrote = f.write_all(&vec![b'x'; len]);
            let finished = f.finish();
            assert!(wrote.is_err() || finished.is_err(), "{len}");
            if let Err(e) = finished {
                assert!(e.to_string().contains("/dev/full"), "{e}");
            }
        }
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
