//! What the engine writes down while it replays: each job's runs and end, and the cluster's queue
//! length and busy GPUs after every event batch. Metrics are computed from these afterwards.

use corral_model::{JobState, Outcome};
use serde::Serialize;

/// One job's history in the replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRecord {
    pub trace_id: u64,
    pub submit_secs: u64,
    pub user: String,
    pub account: String,
    /// GPUs held by its last run (GPUs asked for, if it never ran).
    pub gpus: u64,
    /// Start of its first and of its last run.
    pub first_start_secs: Option<u64>,
    pub start_secs: Option<u64>,
    pub end_secs: Option<u64>,
    /// Final state; `PENDING` if the replay ended before it could start.
    pub state: JobState,
    /// Runs started (more than one after a requeue).
    pub runs: u32,
    /// GPU-seconds held over all its runs.
    pub gpu_secs: u64,
    /// Why it never started (the last pass's reason), for jobs still pending at the end.
    pub pending_reason: Option<String>,
    /// Engine bookkeeping: the run the job's queued events belong to.
    #[serde(skip)]
    pub(crate) run: u32,
    /// Engine bookkeeping: when the current run ends by itself, and how.
    #[serde(skip)]
    pub(crate) run_end: Option<(u64, Outcome)>,
}

impl JobRecord {
    /// Seconds of its last run; 0 if it never ran.
    pub fn run_secs(&self) -> u64 {
        match (self.start_secs, self.end_secs) {
            (Some(start), Some(end)) => end.saturating_sub(start),
            _ => 0,
        }
    }

    /// Submit to the start of its last run (earlier, wasted runs count as waiting).
    pub fn wait_secs(&self) -> Option<u64> {
        self.start_secs.map(|s| s.saturating_sub(self.submit_secs))
    }

    /// Whether it ran and ended.
    pub fn ended_after_running(&self) -> bool {
        self.start_secs.is_some() && self.end_secs.is_some()
    }
}

/// The cluster after one event batch. Only batches that change something are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sample {
    pub at_secs: u64,
    /// Jobs pending.
    pub pending: u64,
    pub running: u64,
    pub busy_gpus: u64,
}

/// Counters over the whole replay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Scheduling passes run (at most one per distinct event time).
    pub passes: u64,
    /// Starts the plan proposed that `apply` refused (should be 0).
    pub refused_starts: u64,
    pub preemptions: u64,
    /// Jobs the policy declared past their limit before the engine ended them (should be 0).
    pub policy_timeouts: u64,
}
