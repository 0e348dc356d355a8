//! The `kechuang` binary: the command line ([`kechuang_cli`]) with the web service
//! ([`kechuang_server`]) handed to it, so that neither of the two crates depends on the other.

use std::process::ExitCode;

/// mimalloc: the import and load paths allocate millions of small values, where glibc's allocator
/// spent most of the time (measured with perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    kechuang_cli::main(|listener, store, settings| {
        Box::pin(kechuang_server::serve(
            listener,
            store,
            settings,
            kechuang_cli::shutdown_signal(),
        ))
    })
}
