//! `JobState` and the legal transitions between states. `Job::transition` is the only way a job's
//! state changes, and an illegal transition is an error, never a silent overwrite.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// A job's state, with Slurm's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobState {
    Pending,
    Running,
    /// Ending: a cancel, preemption or time limit has been sent and the job still holds its
    /// resources until its processes are gone.
    Completing,
    Completed,
    Failed,
    Cancelled,
    Timeout,
    NodeFail,
    Preempted,
    OutOfMemory,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("job state cannot go from {from} to {to}")]
pub struct IllegalTransition {
    pub from: JobState,
    pub to: JobState,
}

impl JobState {
    pub const ALL: [JobState; 10] = [
        JobState::Pending,
        JobState::Running,
        JobState::Completing,
        JobState::Completed,
        JobState::Failed,
        JobState::Cancelled,
        JobState::Timeout,
        JobState::NodeFail,
        JobState::Preempted,
        JobState::OutOfMemory,
    ];

    /// Whether `self → to` is allowed:
    /// - PENDING starts (RUNNING) or is cancelled;
    /// - RUNNING begins to end (COMPLETING) or ends in any final state;
    /// - COMPLETING ends in any final state;
    /// - PREEMPTED and NODE_FAIL may go back to PENDING (requeue);
    /// - every other final state is final.
    pub fn can_become(self, to: JobState) -> bool {
        use JobState::*;
        match self {
            Pending => matches!(to, Running | Cancelled),
            Running => to != Pending && to != Running,
            Completing => to.is_final(),
            Preempted | NodeFail => to == Pending,
            Completed | Failed | Cancelled | Timeout | OutOfMemory => false,
        }
    }

    /// A state the job may end in (it may still be requeued from PREEMPTED and NODE_FAIL).
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            JobState::Pending | JobState::Running | JobState::Completing
        )
    }

    /// Holds an allocation: RUNNING or COMPLETING.
    pub fn holds_resources(self) -> bool {
        matches!(self, JobState::Running | JobState::Completing)
    }

    /// Slurm's name, e.g. `OUT_OF_MEMORY`.
    pub fn name(self) -> &'static str {
        use JobState::*;
        match self {
            Pending => "PENDING",
            Running => "RUNNING",
            Completing => "COMPLETING",
            Completed => "COMPLETED",
            Failed => "FAILED",
            Cancelled => "CANCELLED",
            Timeout => "TIMEOUT",
            NodeFail => "NODE_FAIL",
            Preempted => "PREEMPTED",
            OutOfMemory => "OUT_OF_MEMORY",
        }
    }

    /// Parses a Slurm state name or its short code (`PD`, `R`, `CG`, `CD`, `F`, `CA`, `TO`, `NF`,
    /// `PR`, `OOM`), case-insensitively.
    pub fn parse(text: &str) -> Option<JobState> {
        let upper = text.trim().to_ascii_uppercase();
        JobState::ALL
            .into_iter()
            .find(|s| s.name() == upper || s.short_code() == upper)
    }

    /// Slurm's two-letter code, as `squeue` prints it.
    pub fn short_code(self) -> &'static str {
        use JobState::*;
        match self {
            Pending => "PD",
            Running => "R",
            Completing => "CG",
            Completed => "CD",
            Failed => "F",
            Cancelled => "CA",
            Timeout => "TO",
            NodeFail => "NF",
            Preempted => "PR",
            OutOfMemory => "OOM",
        }
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobState::*;

    #[test]
    fn the_legal_transitions_are_exactly_these() {
        let legal: Vec<(JobState, JobState)> = JobState::ALL
            .into_iter()
            .flat_map(|a| JobState::ALL.into_iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.can_become(*b))
            .collect();
        let expected = vec![
            (Pending, Running),
            (Pending, Cancelled),
            (Running, Completing),
            (Running, Completed),
            (Running, Failed),
            (Running, Cancelled),
            (Running, Timeout),
            (Running, NodeFail),
            (Running, Preempted),
            (Running, OutOfMemory),
            (Completing, Completed),
            (Completing, Failed),
            (Completing, Cancelled),
            (Completing, Timeout),
            (Completing, NodeFail),
            (Completing, Preempted),
            (Completing, OutOfMemory),
            (NodeFail, Pending),
            (Preempted, Pending),
        ];
        assert_eq!(legal, expected);
    }

    #[test]
    fn finished_jobs_never_run_again() {
        for s in [Completed, Failed, Cancelled, Timeout, OutOfMemory] {
            for t in JobState::ALL {
                assert!(!s.can_become(t), "{s} -> {t} must be illegal");
            }
        }
    }

    #[test]
    fn names_and_codes_parse_back() {
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.name()), Some(s));
            assert_eq!(JobState::parse(&s.short_code().to_lowercase()), Some(s));
        }
        assert_eq!(JobState::parse("RUNNIN"), None);
    }
}
