//! The `kechuang` command: wiring between the command line and the library crates.
//!
//! Exit codes: 0 success, 1 the input has problems (validation), 2 any other error.

mod args;
mod bench;
mod demo;
mod index;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<index::InvalidInput>().is_some() {
                ExitCode::from(1)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

fn run(cli: args::Cli) -> anyhow::Result<()> {
    match cli.command {
        args::Command::Index { command } => match command {
            args::IndexCommand::Build(a) => index::build(&a),
            args::IndexCommand::Check(a) => index::check(&a),
        },
        args::Command::Bench { command } => match command {
            args::BenchCommand::Engine(a) => bench::engine(&a),
        },
        args::Command::Demo(a) => demo::run(&a),
    }
}
