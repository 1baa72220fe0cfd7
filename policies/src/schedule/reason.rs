//! `PendingReason`: why a job is still pending, as data with its numbers. "Cannot place" is never
//! an error; it is one of these.

use corral_model::JobId;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
pub struct PendingReason {
    pub code: ReasonCode,
    /// One plain sentence with the numbers, e.g. "needs 2 nodes × 8 GPUs; the largest free block
    /// is 1 node × 8 GPUs (gpu-r1-03)". Shared, because many jobs often have the same one.
    pub detail: Arc<str>,
    /// Jobs of higher priority considered before it in this pass.
    pub ahead: u32,
    /// When backfill expects it to start, if it holds a reservation.
    pub reserved_start_secs: Option<u64>,
}

/// Slurm-like reason codes. `Never…` codes mean the job cannot run as it stands (a "never", not
/// a "not now").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReasonCode {
    /// Not enough free resources now.
    Resources,
    /// Resources exist but higher-priority jobs hold or reserve them.
    Priority,
    /// `--begin` is in the future.
    BeginTime,
    /// Waiting on `--dependency`.
    Dependency,
    /// A dependency can no longer be met (e.g. `afterok` on a job that failed).
    DependencyNeverSatisfied,
    /// The array's `%N` throttle is reached.
    ArrayTaskLimit,
    /// A user / account / QoS limit is reached.
    Limit,
    /// Waiting for preempted jobs to release their resources.
    Preempting,
    /// The pass stopped before reaching it (`max_jobs_considered`).
    NotConsidered,
    /// No node of its partition could ever hold it.
    NeverFits,
    /// Its partition, QoS or account is not valid under the current policy.
    NeverPolicy,
}

impl ReasonCode {
    /// The short name shown in `corral queue`.
    pub fn name(self) -> &'static str {
        match self {
            ReasonCode::Resources => "Resources",
            ReasonCode::Priority => "Priority",
            ReasonCode::BeginTime => "BeginTime",
            ReasonCode::Dependency => "Dependency",
            ReasonCode::DependencyNeverSatisfied => "DependencyNeverSatisfied",
            ReasonCode::ArrayTaskLimit => "JobArrayTaskLimit",
            ReasonCode::Limit => "Limit",
            ReasonCode::Preempting => "Preempting",
            ReasonCode::NotConsidered => "NotConsidered",
            ReasonCode::NeverFits => "NeverFits",
            ReasonCode::NeverPolicy => "InvalidPolicy",
        }
    }
}

impl PendingReason {
    pub fn new(code: ReasonCode, detail: impl Into<Arc<str>>) -> PendingReason {
        PendingReason {
            code,
            detail: detail.into(),
            ahead: 0,
            reserved_start_secs: None,
        }
    }
}

impl fmt::Display for PendingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.detail)?;
        if self.ahead > 0 {
            write!(f, "; {} jobs of higher priority ahead", self.ahead)?;
        }
        Ok(())
    }
}

/// A job id list for messages: `12, 15 and 3 more`.
pub fn job_list(ids: &[JobId]) -> String {
    let shown: Vec<String> = ids.iter().take(3).map(|j| j.to_string()).collect();
    match ids.len() {
        0 => "none".into(),
        n if n <= 3 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 3),
    }
}
