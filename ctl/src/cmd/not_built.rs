//! Commands that a later issue builds. Each says so plainly and exits 2; none pretends.

use clap::Subcommand;
use std::process::ExitCode;

/// The exit code of a command that is not built yet.
pub const EXIT_NOT_BUILT: u8 = 2;

#[derive(Subcommand)]
pub enum NotBuilt {
    /// List pending and running jobs (not built yet: issue 7)
    Queue(Rest),
    /// Cancel jobs (not built yet: issue 7)
    Cancel(Rest),
    /// Show a job, node or partition (not built yet: issue 7)
    Show(Rest),
    /// List nodes and their GPUs (not built yet: issue 7)
    Nodes(Rest),
    /// Finished jobs (not built yet: issue 7)
    History(Rest),
    /// The fair-share tree (not built yet: issue 7)
    Share(Rest),
    /// Priority factors of pending jobs (not built yet: issue 7)
    Prio(Rest),
    /// Why a job is pending (not built yet: issue 7)
    Explain(Rest),
    /// Drain a node (not built yet: issue 7)
    Drain(Rest),
    /// Return a drained node to service (not built yet: issue 7)
    Resume(Rest),
    /// Scheduler cluster status and membership (not built yet: issue 5)
    Cluster(Rest),
    /// Start a local cluster (not built yet: issue 7)
    Up(Rest),
    /// Stop the local cluster (not built yet: issue 7)
    Down(Rest),
}

/// Whatever arguments were given; they are not read.
#[derive(clap::Args)]
pub struct Rest {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _args: Vec<String>,
}

impl NotBuilt {
    pub fn run(&self) -> ExitCode {
        let (name, issue) = self.name_and_issue();
        eprintln!("corral {name}: not built yet (issue {issue})");
        ExitCode::from(EXIT_NOT_BUILT)
    }

    fn name_and_issue(&self) -> (&'static str, u32) {
        match self {
            NotBuilt::Queue(_) => ("queue", 7),
            NotBuilt::Cancel(_) => ("cancel", 7),
            NotBuilt::Show(_) => ("show", 7),
            NotBuilt::Nodes(_) => ("nodes", 7),
            NotBuilt::History(_) => ("history", 7),
            NotBuilt::Share(_) => ("share", 7),
            NotBuilt::Prio(_) => ("prio", 7),
            NotBuilt::Explain(_) => ("explain", 7),
            NotBuilt::Drain(_) => ("drain", 7),
            NotBuilt::Resume(_) => ("resume", 7),
            NotBuilt::Cluster(_) => ("cluster", 5),
            NotBuilt::Up(_) => ("up", 7),
            NotBuilt::Down(_) => ("down", 7),
        }
    }
}
