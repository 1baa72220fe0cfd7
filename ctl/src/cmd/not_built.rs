//! Commands that a later issue builds. Each says so plainly and exits 2; none pretends.
//! (The scheduler is gaining the calls they need — `FairShare`, `PendingReasons`, `Explain` —
//! but the CLI side of them is not written yet.)

use clap::Subcommand;
use std::process::ExitCode;

/// The exit code of a command that is not built yet.
pub const EXIT_NOT_BUILT: u8 = 2;

#[derive(Subcommand)]
pub enum NotBuilt {
    /// The fair-share tree (not built yet)
    Share(Rest),
    /// Priority factors of pending jobs (not built yet)
    Prio(Rest),
    /// Why a job is pending (not built yet)
    Explain(Rest),
}

/// Whatever arguments were given; they are not read.
#[derive(clap::Args)]
pub struct Rest {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _args: Vec<String>,
}

impl NotBuilt {
    pub fn run(&self) -> ExitCode {
        let (name, needs) = self.name_and_call();
        eprintln!("corral {name}: not built yet (the CLI side of the {needs} call)");
        ExitCode::from(EXIT_NOT_BUILT)
    }

    fn name_and_call(&self) -> (&'static str, &'static str) {
        match self {
            NotBuilt::Share(_) => ("share", "FairShare"),
            NotBuilt::Prio(_) => ("prio", "PendingReasons"),
            NotBuilt::Explain(_) => ("explain", "Explain"),
        }
    }
}
