//! `Plan`: what one scheduling pass decided. Starts and preemptions become a `PlanCommit` that
//! `ClusterState::apply` re-verifies; reservations and pending reasons are for people (`corral
//! queue --start`, `corral explain`) and for the next pass to compare against.

use super::reason::PendingReason;
use corral_model::{JobId, NodeId, PlanCommit, PreemptOrder, SignalTarget, StartOrder};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Jobs to start now, with every node and GPU of their gang.
    pub starts: Vec<StartOrder>,
    pub preemptions: Vec<Preemption>,
    /// Planned starts of the top blocked jobs (EASY backfill keeps later jobs off their GPUs).
    pub reservations: Vec<Reservation>,
    /// Running jobs past their time limit: to be ended TIMEOUT.
    pub timed_out: Vec<JobId>,
    /// Running jobs whose `--signal=SIG@SECS` warning is due (SECS before the time limit) and
    /// not yet sent this run.
    pub warnings: Vec<Warning>,
    /// Why each job that stays pending does.
    pub pending: BTreeMap<JobId, PendingReason>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Preemption {
    pub victim: JobId,
    /// The job the victim makes room for.
    pub by: JobId,
    pub requeue: bool,
    /// Signal now, kill after this.
    pub grace_secs: u64,
}

/// A time-limit warning to send: `Command::Signal` by `TIME_LIMIT_WARNING_BY`.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    pub job: JobId,
    pub signal: i32,
    pub target: SignalTarget,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reservation {
    pub job: JobId,
    pub start_secs: u64,
    pub nodes: Vec<NodeId>,
}

impl Plan {
    /// The part of the plan that changes state, for `Command::CommitPlan`.
    pub fn to_commit(&self) -> PlanCommit {
        PlanCommit {
            preemptions: self
                .preemptions
                .iter()
                .map(|p| PreemptOrder {
                    victim: p.victim,
                    by: p.by,
                    requeue: p.requeue,
                })
                .collect(),
            starts: self.starts.clone(),
        }
    }

    /// Whether the plan changes anything.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
            && self.preemptions.is_empty()
            && self.timed_out.is_empty()
            && self.warnings.is_empty()
    }
}
