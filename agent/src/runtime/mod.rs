//! `Runtime`: how the agent starts a job run's command and signals it. `process` runs it under a
//! supervisor in its own process group; `docker` is how that supervisor runs a launch that names
//! a container image in a container of that (local) image, and how the agent signals it.

pub mod docker;
pub mod process;

use crate::run_dir::{LaunchFile, RunDir};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum RuntimeError {
    #[error("cannot write the run directory {dir}: {reason}")]
    RunDir { dir: String, reason: String },
    #[error("cannot start the supervisor {exe}: {reason}")]
    Supervisor { exe: String, reason: String },
}

pub trait Runtime: Send + Sync {
    fn name(&self) -> &'static str;
    /// Starts the launch in `run` and returns once it is started (not ended). How it ends is
    /// written to the run directory's `exit.json`.
    fn start(&self, run: &RunDir, launch: &LaunchFile) -> Result<(), RuntimeError>;
    /// Sends `signal` to every process the run started; false when it could not be delivered
    /// yet (the command is still being started).
    fn signal(&self, run: &RunDir, signal: i32) -> bool;
    /// Whether whatever watches the run (its supervisor) is still alive: a run with no
    /// `exit.json` whose supervisor is gone was lost.
    fn is_alive(&self, run: &RunDir) -> bool;
}
