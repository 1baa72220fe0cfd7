//! `Launch`: what a job runs and where it was submitted from — the batch script's text, its
//! arguments, the submit directory and the submitter's environment. The submitter fills it in;
//! the agent on the job's first node runs it. Simulated and test jobs carry none.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launch {
    /// The whole batch script (for `--wrap`, a generated `#!/bin/sh` script).
    pub script: String,
    /// Arguments after the script's path on the submit command line.
    pub args: Vec<String>,
    /// The directory `submit` ran in (`SLURM_SUBMIT_DIR`; the working directory unless `--chdir`).
    pub submit_dir: String,
    /// The submitter's environment when the job was submitted (used by `--export=ALL`).
    pub env: BTreeMap<String, String>,
}
