//! `Command`: every change to `ClusterState`, as replicated through Raft (or fed by the simulator).
//! A command carries no clock of its own: `apply` is given the leader's `now_secs` beside it.
//!
//! This is a persistence boundary: commands are stored in the Raft log. Add variants and optional
//! fields only; never change the meaning of an existing one.

use crate::ids::{JobId, NodeId};
use crate::job::{Allocation, ExitStatus, SignalTarget};
use crate::node::{GpuHealth, NodeSpec, NodeState};
use crate::spec::JobSpec;
use serde::{Deserialize, Serialize};

// A submit carries a whole `JobSpec`; commands are applied one at a time and never stored in bulk
// in memory, so boxing it would only add an allocation per command.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    Submit(Submit),
    Cancel {
        job: JobId,
        by: String,
    },
    /// Deliver `signal` to every process of a running job (`corral cancel --signal`, `scancel
    /// -s`); the job keeps running unless the signal ends it.
    Signal {
        job: JobId,
        signal: i32,
        by: String,
        #[serde(default)]
        target: SignalTarget,
    },
    RegisterNode(NodeSpec),
    /// Drain or resume by an admin (DOWN comes from `NodeLost`).
    SetNodeState {
        node: NodeId,
        state: NodeState,
    },
    /// The node stopped answering: it goes DOWN and every job on it ends NODE_FAIL (and is
    /// requeued unless it said `--no-requeue`).
    NodeLost {
        node: NodeId,
        reason: String,
    },
    SetGpuHealth {
        node: NodeId,
        index: u32,
        health: GpuHealth,
    },
    CommitPlan(PlanCommit),
    /// A running job's time limit passed: it is asked to end, and ends TIMEOUT.
    TimeLimitReached {
        job: JobId,
    },
    JobEnded {
        job: JobId,
        status: ExitStatus,
    },
    /// A new admin policy (already validated by the leader), stored as its source text.
    SetPolicy {
        source: String,
    },
    /// Several commands proposed as one Raft entry (the leader batches concurrent writes). Each
    /// is applied in turn and answered on its own: one refused changes nothing of the others.
    /// A batch never contains a batch.
    Batch {
        commands: Vec<Command>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submit {
    pub user: String,
    /// Resolved by the submitter from the spec or the user's default account.
    pub account: String,
    pub spec: JobSpec,
    /// A retried submit with the same `(user, id)` returns the first submit's job ids.
    pub client_request_id: Option<String>,
}

/// What a scheduling pass decided, to be re-verified by `apply`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCommit {
    pub preemptions: Vec<PreemptOrder>,
    pub starts: Vec<StartOrder>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartOrder {
    pub job: JobId,
    pub allocation: Allocation,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreemptOrder {
    pub victim: JobId,
    pub by: JobId,
    /// Requeue (true) or cancel (false) once it has ended.
    pub requeue: bool,
}

/// What a command did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "applied", rename_all = "snake_case")]
pub enum Applied {
    Submitted {
        jobs: Vec<JobId>,
        duplicate: bool,
    },
    NodeRegistered {
        node: NodeId,
    },
    Plan(PlanReport),
    /// The command changed what it said it would.
    Done,
    /// The command found nothing to do (e.g. a second `NodeLost` for the same node).
    NoChange,
    /// A `Batch`'s answers, one per command in order: what it did, or why it was refused.
    Batch {
        results: Vec<Result<Applied, String>>,
    },
}

/// Which parts of a plan took effect. A start is taken or refused whole: a gang never half-runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanReport {
    pub started: Vec<JobId>,
    pub preempted: Vec<JobId>,
    pub refused: Vec<Refusal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub job: JobId,
    pub reason: String,
}
