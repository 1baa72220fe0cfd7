//! `corral`: the command-line tool. Each command lives in its own module under `cmd/`; this file
//! only parses the command line and dispatches.

mod cmd;
mod human;
mod job_table;
mod table;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "corral",
    version,
    about = "Corral: a Slurm-class scheduler for GPU clusters"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Submit(cmd::submit::SubmitArgs),
    /// Validate an admin policy file (check); diff, apply and show need a cluster.
    Policy(cmd::policy::PolicyArgs),
    /// Replay a workload trace offline.
    Sim(cmd::sim::SimArgs),
    #[command(flatten)]
    NotBuilt(cmd::not_built::NotBuilt),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Submit(args) => cmd::submit::run(args),
        Command::Sim(args) => cmd::sim::run(args),
        Command::Policy(args) => cmd::policy::run(args),
        Command::NotBuilt(command) => command.run(),
    }
}
