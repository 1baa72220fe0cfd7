//! `Job`: a submitted job, its derived `Shape`, its state, its allocation and how it ended.

use crate::ids::{JobId, NodeId};
use crate::name::Name;
use crate::shape::Shape;
use crate::spec::JobSpec;
use crate::state_machine::{IllegalTransition, JobState};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub spec: JobSpec,
    pub shape: Shape,
    /// Who submitted it (recorded from the request; verified once authentication exists).
    pub user: Name,
    /// Account charged: the spec's, or the submitter's default, resolved at submit.
    pub account: Name,
    pub submit_secs: u64,
    /// Earliest start (`--begin`), resolved against the submit time.
    pub eligible_secs: u64,
    pub array: Option<ArrayMember>,
    pub state: JobState,
    pub allocation: Option<Allocation>,
    /// Start of the current (or last) run.
    pub start_secs: Option<u64>,
    pub end_secs: Option<u64>,
    /// Set when the job is asked to end (cancel, preemption, time limit) until it has.
    pub ending: Option<Ending>,
    pub exit: Option<ExitStatus>,
    /// How often the job went back to PENDING.
    pub requeue_count: u32,
    /// Signals asked for by `corral cancel --signal` during the current run, oldest first (the
    /// last `MAX_KEPT_SIGNALS`); agents deliver each once, in `seq` order. Cleared on requeue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<SignalRequest>,
}

/// One signal to deliver to every process of a running job, on every node of its allocation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalRequest {
    /// 1, 2, 3, ... within the job's current run: an agent delivers those above the last it did.
    pub seq: u32,
    /// Linux signal number (1-64).
    pub signal: i32,
    pub by: String,
    #[serde(default)]
    pub target: SignalTarget,
}

/// Which of a job's processes a signal is for. Slurm's rules: `scancel --signal` (here, as with
/// `scancel --full`) reaches everything; a `--signal=SIG@SECS` time-limit warning reaches the
/// job's steps (`srun` tasks), or only the batch script with `B:`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalTarget {
    /// The batch script's processes and every step task, on every node.
    #[default]
    All,
    /// Only the batch script's process group (on the allocation's first node).
    BatchScript,
    /// Only the step tasks started by `srun`, on every node.
    Steps,
}

/// `SignalRequest::by` of the warning sent `--signal`'s SECS before a job's time limit.
pub const TIME_LIMIT_WARNING_BY: &str = "corral:time-limit-warning";

/// How many signal requests a job keeps (older ones were delivered long ago).
pub const MAX_KEPT_SIGNALS: usize = 16;

/// The job's place in an array: `SLURM_ARRAY_JOB_ID` and `SLURM_ARRAY_TASK_ID`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrayMember {
    pub array_job_id: JobId,
    pub task_id: u32,
    pub throttle: Option<u32>,
}

/// Concrete resources: per node, the GPU indices, CPUs, memory and tasks. Nodes in placement
/// order: the first one runs the batch script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub nodes: Vec<NodeAllocation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeAllocation {
    pub node: NodeId,
    /// NVML indices on that node.
    pub gpus: Vec<u32>,
    pub cpus: u32,
    pub mem_mib: u64,
    pub tasks: u32,
}

/// Why a job is being ended before it finished on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ending {
    Cancel { by: String },
    Preempt { by: JobId, requeue: bool },
    TimeLimit,
}

/// How a run ended, as the agent (or the simulator) reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitStatus {
    pub outcome: Outcome,
    /// Process exit code, when it exited.
    pub exit_code: Option<i32>,
    /// Terminating signal, when killed by one.
    pub signal: Option<i32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
    OutOfMemory,
    /// Killed at its time limit.
    Timeout,
    /// Ended on request (cancel or preemption): `Job::ending` says which.
    Killed,
    NodeFail,
}

impl Job {
    /// Moves to `to` if the state machine allows it.
    pub fn transition(&mut self, to: JobState) -> Result<(), IllegalTransition> {
        if !self.state.can_become(to) {
            return Err(IllegalTransition {
                from: self.state,
                to,
            });
        }
        self.state = to;
        Ok(())
    }

    /// `42` or `42_3` for array members, as Slurm prints them.
    pub fn display_id(&self) -> String {
        match self.array {
            Some(a) => format!("{}_{}", a.array_job_id, a.task_id),
            None => self.id.to_string(),
        }
    }

    pub fn name(&self) -> &str {
        self.spec.name.as_deref().unwrap_or("")
    }

    /// Total GPUs held (when running) or asked for at the smallest node count (when pending).
    pub fn gpu_count(&self) -> u64 {
        match &self.allocation {
            Some(a) => a.nodes.iter().map(|n| n.gpus.len() as u64).sum(),
            None => self.shape.min_total_gpus(),
        }
    }
}

impl Allocation {
    pub fn gpu_count(&self) -> usize {
        self.nodes.iter().map(|n| n.gpus.len()).sum()
    }
}
