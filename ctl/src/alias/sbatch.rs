//! `sbatch`: `corral submit` under sbatch's name: the same options (and `#SBATCH` directives),
//! `Submitted batch job N`, or `N` with `--parsable`.

use crate::cmd::submit::{self, SubmitArgs};
use clap::Parser;
use std::process::ExitCode;

/// Submit a batch script to Corral (corral submit)
#[derive(Parser)]
#[command(name = "sbatch", version)]
struct Sbatch {
    #[command(flatten)]
    submit: SubmitArgs,
}

pub fn run() -> ExitCode {
    submit::run(Sbatch::parse().submit)
}
