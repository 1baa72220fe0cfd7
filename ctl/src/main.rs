//! `corral`: the command-line tool. Each command lives in its own module under `cmd/`; this file
//! only parses the command line and dispatches. Invoked as `sbatch`, `squeue`, `scancel` or
//! `sinfo` (links made by `corral install-aliases`), it behaves as that command (`alias`).
//! Shared pieces: `client` (reaching the leader), `exit` (failures and exit codes), `view` (the
//! JSON forms), `table`/`human`/`style` (text forms), `filter`/`job_ref` (choosing jobs), `user`
//! (who calls), `in_force` (the cluster's policy), `diff` (line diffs), `local` (the
//! `up`/`down` cluster).

mod alias;
mod client;
mod cmd;
mod diff;
mod exit;
mod filter;
mod human;
mod in_force;
mod job_ref;
mod job_table;
mod local;
mod style;
mod table;
mod user;
mod view;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "corral",
    version,
    about = "Corral: a Slurm-class scheduler for GPU clusters",
    after_help = exit::AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Submit(cmd::submit::SubmitArgs),
    Queue(cmd::queue::QueueArgs),
    Cancel(cmd::cancel::CancelArgs),
    /// Show one job or node in full
    Show(cmd::show::ShowArgs),
    Explain(cmd::explain::ExplainArgs),
    Prio(cmd::prio::PrioArgs),
    Share(cmd::share::ShareArgs),
    Nodes(cmd::nodes::NodesArgs),
    History(cmd::history::HistoryArgs),
    Drain(cmd::drain::DrainArgs),
    Resume(cmd::resume::ResumeArgs),
    /// Admin policy: check a file offline, show the one in force, diff or apply a file
    Policy(cmd::policy::PolicyArgs),
    /// The scheduler cluster: status, add or remove a scheduler node
    Cluster(cmd::cluster::ClusterCmdArgs),
    Up(cmd::up::UpArgs),
    Down(cmd::down::DownArgs),
    /// Replay a workload trace offline.
    Sim(cmd::sim::SimArgs),
    InstallAliases(cmd::install_aliases::InstallAliasesArgs),
    Completions(cmd::completions::CompletionsArgs),
}

fn main() -> ExitCode {
    if let Some(name) = alias::invoked_as() {
        return alias::run(name);
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Submit(args) => cmd::submit::run(args),
        Command::Queue(args) => cmd::queue::run(args),
        Command::Cancel(args) => cmd::cancel::run(args),
        Command::Show(args) => cmd::show::run(args),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Prio(args) => cmd::prio::run(args),
        Command::Share(args) => cmd::share::run(args),
        Command::Nodes(args) => cmd::nodes::run(args),
        Command::History(args) => cmd::history::run(args),
        Command::Drain(args) => cmd::drain::run(args),
        Command::Resume(args) => cmd::resume::run(args),
        Command::Policy(args) => cmd::policy::run(args),
        Command::Cluster(args) => cmd::cluster::run(args),
        Command::Up(args) => cmd::up::run(args),
        Command::Down(args) => cmd::down::run(args),
        Command::Sim(args) => cmd::sim::run(args),
        Command::InstallAliases(args) => cmd::install_aliases::run(args),
        Command::Completions(args) => cmd::completions::run::<Cli>(args),
    }
}
