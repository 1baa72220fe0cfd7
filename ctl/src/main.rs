//! `corral`: the command-line tool. Each command lives in its own module under `cmd/`; this file
//! only parses the command line and dispatches. Shared pieces: `client` (reaching the leader),
//! `exit` (failures and exit codes), `view` (the JSON forms), `table`/`human` (text forms),
//! `filter`/`job_ref` (choosing jobs), `user` (who calls), `local` (the `up`/`down` cluster).

mod client;
mod cmd;
mod exit;
mod filter;
mod human;
mod job_ref;
mod job_table;
mod local;
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
    Nodes(cmd::nodes::NodesArgs),
    History(cmd::history::HistoryArgs),
    Drain(cmd::drain::DrainArgs),
    Resume(cmd::resume::ResumeArgs),
    /// Check an admin policy file offline, or apply it to the cluster
    Policy(cmd::policy::PolicyArgs),
    /// The scheduler cluster: status (membership changes are not built yet)
    Cluster(cmd::cluster::ClusterCmdArgs),
    Up(cmd::up::UpArgs),
    Down(cmd::down::DownArgs),
    /// Replay a workload trace offline.
    Sim(cmd::sim::SimArgs),
    #[command(flatten)]
    NotBuilt(cmd::not_built::NotBuilt),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Submit(args) => cmd::submit::run(args),
        Command::Queue(args) => cmd::queue::run(args),
        Command::Cancel(args) => cmd::cancel::run(args),
        Command::Show(args) => cmd::show::run(args),
        Command::Nodes(args) => cmd::nodes::run(args),
        Command::History(args) => cmd::history::run(args),
        Command::Drain(args) => cmd::drain::run(args),
        Command::Resume(args) => cmd::resume::run(args),
        Command::Policy(args) => cmd::policy::run(args),
        Command::Cluster(args) => cmd::cluster::run(args),
        Command::Up(args) => cmd::up::run(args),
        Command::Down(args) => cmd::down::run(args),
        Command::Sim(args) => cmd::sim::run(args),
        Command::NotBuilt(command) => command.run(),
    }
}
