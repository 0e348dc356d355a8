//! The `kechuang` command: wiring between the command line and the library crates below the web
//! service. The binary (crate `kechuang`) hands in the web service as a function ([`Web`]), so this
//! crate and the server never depend on each other.
//!
//! Exit codes: 0 success, 1 the input has problems (validation), 2 any other error.

mod args;
mod bench;
mod checkpoint;
mod demo;
mod demo_finance;
mod demo_round;
mod finance;
mod index;
mod matching;
mod output;
mod policy;
mod portrait;
mod region;
mod robustness;
mod round;
mod serve;
mod survey;
mod talent;
mod validity;
mod whatif;
mod written;

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use kechuang_app::settings::Config;
use kechuang_store::Store;

pub use serve::shutdown_signal;

/// The web service: serves the store on the listener with the settings until the process is
/// asked to stop. `kechuang serve` and `kechuang demo` call it; the binary supplies it.
pub type Web = fn(
    tokio::net::TcpListener,
    Arc<Store>,
    Config,
) -> Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;

/// Parses the command line, runs the command and gives the process's exit code.
pub fn main(web: Web) -> ExitCode {
    let cli = args::Cli::parse();
    let outcome = run(cli, web);
    // `bench build` times this process from outside and asks for its peak memory here.
    if let Ok(path) = std::env::var(bench::PEAK_RSS_FILE) {
        let _ = std::fs::write(path, bench::peak_rss().unwrap_or(0).to_string());
    }
    match outcome {
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

/// A runtime for the commands that use the store.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn run(cli: args::Cli, web: Web) -> anyhow::Result<()> {
    match cli.command {
        args::Command::Survey { command } => match command {
            args::SurveyCommand::Template(a) => survey::template(&a),
            args::SurveyCommand::Import(a) => survey::import(&a),
            args::SurveyCommand::Export(a) => survey::export(&a),
            args::SurveyCommand::Source(a) => round::source(&a),
            args::SurveyCommand::Round { command } => match command {
                args::RoundCommand::Open(a) => round::open(&a),
                args::RoundCommand::Close(a) => round::close(&a),
                args::RoundCommand::Reopen(a) => round::set_open(&a, true),
                args::RoundCommand::Status(a) => round::status(&a),
                args::RoundCommand::Remind(a) => round::remind(&a),
                args::RoundCommand::Contradictions(a) => round::contradictions(&a),
            },
        },
        args::Command::Index { command } => match command {
            args::IndexCommand::Build(a) => index::build(&a),
            args::IndexCommand::Check(a) => index::check(&a),
            args::IndexCommand::Verify(a) => index::verify(&a),
            args::IndexCommand::Uncertainty(a) => robustness::uncertainty(&a),
            args::IndexCommand::Audit(a) => index::audit(&a),
            args::IndexCommand::Sensitivity(a) => robustness::sensitivity(&a),
            args::IndexCommand::Validity(a) => validity::run(&a),
        },
        args::Command::Policy { command } => match command {
            args::PolicyCommand::List => policy::list(),
            args::PolicyCommand::Evaluate(a) => policy::evaluate(&a),
            args::PolicyCommand::Whatif(a) => whatif::run(&a),
            args::PolicyCommand::Parameters { scheme } => whatif::parameters(&scheme),
            args::PolicyCommand::Scenarios(a) => whatif::scenarios(&a),
        },
        args::Command::Finance { command } => match command {
            args::FinanceCommand::Report(a) => finance::report(&a),
        },
        args::Command::Target(a) => policy::target(&a),
        args::Command::Portrait(a) => portrait::run(&a),
        args::Command::Region(a) => region::run(&a),
        args::Command::Talent { command } => match command {
            args::TalentCommand::Criteria(a) => talent::criteria(&a),
            args::TalentCommand::Evaluate(a) => talent::evaluate(&a),
            args::TalentCommand::Duplicates(a) => talent::duplicates(&a),
        },
        args::Command::Bench { command } => match command {
            args::BenchCommand::Policy(a) => bench::policy(&a),
            args::BenchCommand::Match(a) => matching::bench(&a),
            args::BenchCommand::Portrait(a) => bench::portrait(&a),
            args::BenchCommand::Uncertainty(a) => bench::uncertainty(&a),
            args::BenchCommand::Engine(a) => bench::engine(&a),
            args::BenchCommand::Import(a) => bench::import(&a),
            args::BenchCommand::Build(a) => bench::build(&a),
        },
        args::Command::Match { command } => match command {
            args::MatchCommand::Check(a) => matching::check(&a),
            args::MatchCommand::Search(a) => matching::search(&a),
            args::MatchCommand::Demand(a) => matching::demand(&a),
            args::MatchCommand::Eval(a) => matching::eval(&a),
        },
        args::Command::Serve(a) => serve::run(&a, web),
        args::Command::User { command } => match command {
            args::UserCommand::Add(a) => serve::add_user(&a),
            args::UserCommand::List(a) => serve::list_users(&a),
        },
        args::Command::Demo(a) => demo::run(&a, web),
    }
}
