//! `scancel`: `corral cancel` under scancel's name: job ids (`42`, `42_3`), `-u USER`,
//! `-t STATES`, `-p PARTITION`, `-A ACCOUNT`, `-s/--signal SIG` (sent to every process of the
//! job, as scancel's `--full`).

use crate::cmd::cancel::{self, CancelArgs};
use clap::Parser;
use std::process::ExitCode;

/// Cancel Corral jobs (corral cancel)
#[derive(Parser)]
#[command(name = "scancel", version)]
struct Scancel {
    #[command(flatten)]
    cancel: CancelArgs,
}

pub fn run() -> ExitCode {
    cancel::run(Scancel::parse().cancel)
}
