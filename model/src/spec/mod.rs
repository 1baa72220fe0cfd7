//! `JobSpec`: everything a batch script's directives (or the equivalent command-line options) can
//! say about a job, in Corral's units: seconds, MiB, counts. Parsing lives in `script`; this module
//! only holds the data and the few derived quantities every consumer needs.

use serde::{Deserialize, Serialize};

mod extras;
mod wire;

pub use extras::{Extras, SpecExtras};

/// What a user asked for. Nothing here is validated against a cluster or a policy: that is the
/// business of `policies`. What is here has passed syntactic validation (counts are positive,
/// times are well formed). The scheduler keeps a `JobSpec` per job in memory, so the fields most
/// jobs leave unset live apart, in `extras` (boxed, absent when all are unset), and the large
/// ones here are boxed. None of this shows in the serde form, which is flat, the fields in the
/// order below with the extras in their places (`wire.rs`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobSpec {
    /// `-J/--job-name`. When absent, the script's file name (or `wrap`) is used by the submitter.
    pub name: Option<String>,
    pub partition: Option<String>,
    pub qos: Option<String>,
    pub account: Option<String>,
    /// `-N/--nodes`: `N` or `MIN-MAX`.
    pub nodes: Option<NodeRange>,
    /// `-n/--ntasks`.
    pub ntasks: Option<u32>,
    pub ntasks_per_node: Option<u32>,
    /// `-c/--cpus-per-task`.
    pub cpus_per_task: Option<u32>,
    /// `--mem`, `--mem-per-cpu` or `--mem-per-gpu` (they exclude each other, as in Slurm).
    pub mem: Option<MemRequest>,
    /// `-G/--gpus`: GPUs for the whole job.
    pub gpus_per_job: Option<GpuCount>,
    /// `--gpus-per-node`, and `--gres=gpu[:TYPE]:N` (Slurm's gres counts are per node).
    pub gpus_per_node: Option<GpuCount>,
    /// `-t/--time`.
    pub time_limit: TimeLimit,
    /// `-a/--array`.
    pub array: Option<Box<ArraySpec>>,
    /// `-d/--dependency`.
    pub dependency: Option<Box<Dependency>>,
    /// `--requeue` (`Some(true)`) / `--no-requeue` (`Some(false)`); `None` means the policy decides.
    pub requeue: Option<bool>,
    /// `--signal=[B:]SIG[@SECS]`.
    pub signal: Option<Box<SignalSpec>>,
    /// `--exclusive`: whole nodes, shared with no other job.
    pub exclusive: bool,
    /// `-C/--constraint`: node features.
    pub constraint: Option<Box<Constraint>>,
    /// `--nice`: lowers priority by this much (negative raises it; admins only).
    pub nice: i32,
    /// `--gpus-per-task`, `--output`, `--begin`, `--export` and the other options most jobs
    /// leave unset (`SpecExtras`): read them with `extras()`, set them with `extras_mut()`.
    pub extras: Extras,
    /// What to run: filled by the submitter, not by directives. Absent for simulated jobs.
    pub launch: Option<Box<crate::launch::Launch>>,
}

impl JobSpec {
    /// The rarely set options (all unset when the job gave none).
    pub fn extras(&self) -> &SpecExtras {
        self.extras.get()
    }

    /// The rarely set options, for writing.
    pub fn extras_mut(&mut self) -> &mut SpecExtras {
        self.extras.get_mut()
    }
}

/// `-N MIN[-MAX]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeRange {
    pub min: u32,
    pub max: u32,
}

/// A memory request in MiB, per node, per CPU or per GPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "per", content = "mib", rename_all = "snake_case")]
pub enum MemRequest {
    /// `--mem`: per node. `0` means "all the memory of the node", as in Slurm.
    Node(u64),
    Cpu(u64),
    Gpu(u64),
}

/// A positive number of GPUs, optionally of one model (`a100`, `nvidia_rtx_a4000`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpuCount {
    pub model: Option<String>,
    pub count: u32,
}

/// A non-GPU generic resource from `--gres` (`shard:1`, `nvme:2`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GresCount {
    pub name: String,
    pub kind: Option<String>,
    pub count: u32,
}

/// The job's own time limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "secs", rename_all = "snake_case")]
pub enum TimeLimit {
    /// No `--time`: the partition's default time applies.
    #[default]
    NotSet,
    /// `--time` of `0`, `-1`, `INFINITE` or `UNLIMITED`: no limit of the job's own, so the
    /// partition's maximum applies (which may itself be unlimited). Slurm treats them alike.
    Unlimited,
    /// A limit in seconds, always > 0.
    Secs(u64),
}

/// `--array=1-10,20:2%4`: the expanded, sorted, deduplicated task ids and the throttle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArraySpec {
    pub task_ids: Vec<u32>,
    /// `%N`: at most N tasks of the array run at once.
    pub throttle: Option<u32>,
}

/// `--dependency`. `,` joins conditions that must all hold; `?` joins conditions of which any
/// one suffices. Slurm does not allow mixing the two in one expression, nor do we.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub combine: DependencyCombine,
    pub conditions: Vec<DependencyCondition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DependencyCombine {
    All,
    Any,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DependencyCondition {
    /// `after:ID[+MIN]`: the job may start once ID has started (plus a delay) or was cancelled.
    After { job: u64, delay_secs: u64 },
    /// `afterok:ID`: ID completed with exit code 0.
    AfterOk { job: u64 },
    /// `afternotok:ID`: ID ended in any failed state.
    AfterNotOk { job: u64 },
    /// `afterany:ID`: ID ended, whatever the outcome.
    AfterAny { job: u64 },
    /// `singleton`: no other job of the same name and user is running or pending ahead of it.
    Singleton,
}

/// `--signal=[B:]SIG[@SECS]`: send SIG SECS seconds before the time limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalSpec {
    /// `B:`: signal only the batch shell, not the job's steps.
    pub batch_only: bool,
    /// Signal number (Linux numbering): `USR1` is 10.
    pub signal: i32,
    /// Signal name without `SIG`, as the user wrote it or the canonical name for a number.
    pub signal_name: String,
    /// Seconds before the time limit; Slurm's default is 60.
    pub secs_before: u32,
}

/// `-C/--constraint`: a boolean expression over node features.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    Feature(String),
    And(Vec<Constraint>),
    Or(Vec<Constraint>),
}

/// `--begin`. Absolute times are seconds since the Unix epoch, UTC; relative times are resolved
/// against the submit time when the job is created (the model never reads a clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "secs", rename_all = "snake_case")]
pub enum BeginTime {
    AfterSubmitSecs(u64),
    AtEpochSecs(u64),
}

/// `--export`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", content = "vars", rename_all = "snake_case")]
pub enum Export {
    /// `ALL` (the default): the submitter's environment, plus any `NAME=value` given.
    #[default]
    All,
    /// `NONE`: nothing from the submitter's environment.
    None,
    /// `ALL,NAME=value,...`, or a list of names to pass (`NAME` alone takes the submitter's value).
    Vars {
        include_all: bool,
        vars: Vec<ExportVar>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportVar {
    pub name: String,
    pub value: Option<String>,
}

impl TimeLimit {
    /// The limit in seconds, or `None` where the partition decides.
    pub fn secs(self) -> Option<u64> {
        match self {
            TimeLimit::Secs(s) => Some(s),
            TimeLimit::NotSet | TimeLimit::Unlimited => None,
        }
    }
}

impl Constraint {
    /// Whether a node with these features satisfies the expression.
    pub fn matches(&self, has_feature: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Constraint::Feature(f) => has_feature(f),
            Constraint::And(parts) => parts.iter().all(|c| c.matches(has_feature)),
            Constraint::Or(parts) => parts.iter().any(|c| c.matches(has_feature)),
        }
    }
}
