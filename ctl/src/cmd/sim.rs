//! `corral sim`: offline replay of a workload trace. `sim run` replays one trace through Corral's
//! own policies (or, with `--compat rlscheduler`, as RLScheduler (Zhang et al., SC'20) did);
//! `sim sweep` replays it on several cluster sizes and recommends the smallest that meets a target.

mod cluster;
mod compat;
mod inputs;
mod outputs;
mod progress;
mod run;
mod summary;
mod sweep;

use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Args)]
pub struct SimArgs {
    #[command(subcommand)]
    command: SimCommand,
}

#[derive(Subcommand)]
enum SimCommand {
    /// Replay one trace and print its metrics.
    Run(run::RunArgs),
    /// Replay one trace on several cluster sizes and name the smallest that meets a target.
    Sweep(sweep::SweepArgs),
}

pub fn run(args: SimArgs) -> ExitCode {
    let (name, result) = match args.command {
        SimCommand::Run(args) => ("corral sim run", run::run(args)),
        SimCommand::Sweep(args) => ("corral sim sweep", sweep::run(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {}", error_text(&e));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes joined by `: `, leaving out a cause its parent already quotes.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}
