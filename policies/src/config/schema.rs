//! The typed, validated policy: what `parse_policy` returns and every other policy reads.
//! Units are Corral's: seconds, MiB, counts; weights are `f64`. A `Policy` that exists has passed
//! validation: names it refers to are defined, the account tree is a tree, numbers are in range.

use std::collections::BTreeMap;

/// The name of the implicit top of the account tree. It always exists and cannot be defined.
pub const ROOT_ACCOUNT: &str = "root";

/// The whole admin policy. `Policy::default()` is the built-in policy (see `defaults.rs`).
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub scheduler: SchedulerConfig,
    pub priority: PriorityConfig,
    pub fairshare: FairshareConfig,
    pub billing: BillingConfig,
    pub backfill: BackfillConfig,
    /// Partitions by name.
    pub partitions: BTreeMap<String, Partition>,
    /// QoS by name.
    pub qos: BTreeMap<String, Qos>,
    /// Accounts by name, `root` excluded (it is implicit).
    pub accounts: BTreeMap<String, Account>,
    /// Users by name.
    pub users: BTreeMap<String, User>,
    pub user_defaults: UserDefaults,
}

/// `[scheduler]`: bounds on one scheduling pass.
#[derive(Clone, Debug, PartialEq)]
pub struct SchedulerConfig {
    /// Pending jobs one pass considers, highest priority first (>= 1).
    pub max_jobs_considered: u32,
}

/// `[priority]`: the multifactor priority.
#[derive(Clone, Debug, PartialEq)]
pub struct PriorityConfig {
    pub weights: PriorityWeights,
    /// Queue age at which the age factor reaches 1.0 (>= 1 s).
    pub max_age_secs: u64,
    /// Nice values are clamped to `-max_nice..=max_nice`; the nice factor maps that range onto
    /// 1.0..=0.0, so nice 0 gives 0.5 (>= 1).
    pub max_nice: u32,
    /// When true, the job-size factor favours small jobs (1 - share of the cluster) instead of
    /// large ones, like Slurm's `PriorityFavorSmall`.
    pub favor_small_jobs: bool,
}

/// `[priority.weights]`: each factor (0..1) is multiplied by its weight; all weights >= 0.
#[derive(Clone, Debug, PartialEq)]
pub struct PriorityWeights {
    pub age: f64,
    pub fairshare: f64,
    pub job_size: f64,
    pub partition: f64,
    pub qos: f64,
    pub nice: f64,
}

/// `[fairshare]`: usage decay for the Fair Tree fair-share.
#[derive(Clone, Debug, PartialEq)]
pub struct FairshareConfig {
    /// Usage loses half its weight every `half_life_secs`; `None`: usage never decays.
    pub half_life_secs: Option<u64>,
}

/// `[billing]`: what a GPU-second of each GPU model costs in fair-share usage.
#[derive(Clone, Debug, PartialEq)]
pub struct BillingConfig {
    /// Weight of a GPU model not listed in `gpu_weights` (>= 0).
    pub default_gpu_weight: f64,
    /// Weight per GPU model; keys are lower-case, lookups ignore case (>= 0 each).
    pub gpu_weights: BTreeMap<String, f64>,
}

/// `[backfill]`: EASY backfill bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct BackfillConfig {
    pub enabled: bool,
    /// Pending jobs a backfill pass tests, in priority order (>= 1).
    pub max_jobs_tested: u32,
    /// How far ahead backfill plans (>= `resolution_secs`).
    pub window_secs: u64,
    /// How many of the highest-priority blocked jobs get a reserved start (EASY: 1; 0: none).
    pub reservations: u32,
    /// Granularity of the planning timeline (>= 1 s).
    pub resolution_secs: u64,
}

/// `[partitions.NAME]`: a set of nodes and the rules for jobs that run on them.
#[derive(Clone, Debug, PartialEq)]
pub struct Partition {
    pub name: String,
    /// Which nodes belong to the partition.
    pub nodes: NodeSelector,
    /// Time limit of a job that sets none (`<= max_time_secs`).
    pub default_time_secs: u64,
    /// Longest time limit a job may have; `None`: unlimited.
    pub max_time_secs: Option<u64>,
    /// Memory per GPU for a job that asks for none; `None`: no memory is reserved for it.
    pub default_mem_per_gpu_mib: Option<u64>,
    /// Accounts whose jobs may run here (each with its sub-accounts); `None`: all accounts.
    pub allowed_accounts: Option<Vec<String>>,
    /// QoS that jobs here may use; `None`: all QoS.
    pub allowed_qos: Option<Vec<String>>,
    /// Higher tiers get a higher partition priority factor (tier / highest tier).
    pub priority_tier: u32,
    /// The partition of jobs that name none. Exactly one partition is the default.
    pub is_default: bool,
}

/// Which nodes a partition holds: nodes whose name matches one of the patterns (if any are
/// given) and that carry every one of the labels (if any are given). At least one of the two is
/// set, so a partition never matches all nodes by accident (`nodes = ["*"]` does so on purpose).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSelector {
    /// Glob patterns over node names: `*` matches any run of characters, `?` one character.
    pub name_patterns: Vec<String>,
    /// Labels a node must carry, with these exact values.
    pub labels: BTreeMap<String, String>,
}

/// `[qos.NAME]`: a quality of service: priority, preemption rights, and how its own jobs are
/// treated when something preempts them.
#[derive(Clone, Debug, PartialEq)]
pub struct Qos {
    pub name: String,
    /// Higher priority gets a higher QoS factor (priority / highest priority).
    pub priority: u32,
    /// The QoS whose jobs this QoS's jobs may preempt.
    pub preempt: Vec<String>,
    /// What happens to a job of this QoS when it is preempted.
    pub preempt_mode: PreemptMode,
    /// Between the preemption signal and the kill, for jobs of this QoS.
    pub grace_time_secs: u64,
    /// A job of this QoS may not be preempted before it has run this long.
    pub min_runtime_secs: u64,
    /// Totals over all jobs of this QoS (and the per-job `max_time`).
    pub limits: Limits,
    /// The QoS of jobs that name none and whose user and accounts set no `default_qos`.
    pub is_default: bool,
}

/// What preemption does to a victim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PreemptMode {
    /// Signal, grace time, kill, then the job goes back to the queue (same id).
    Requeue,
    /// Signal, grace time, kill; the job ends as preempted.
    Cancel,
}

/// Limits on jobs of a user, an account (with its sub-accounts) or a QoS. `None`: no limit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// GPUs held by running jobs, in total.
    pub max_gpus: Option<u32>,
    /// Jobs running at once.
    pub max_running_jobs: Option<u32>,
    /// Jobs pending or running at once (a submission beyond it is refused).
    pub max_submitted_jobs: Option<u32>,
    /// Time limit of any one job.
    pub max_time_secs: Option<u64>,
}

/// `[accounts.NAME]`: a node of the fair-share tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub name: String,
    /// `root` for top-level accounts.
    pub parent: String,
    /// Fair-share shares among its siblings (accounts and users under the same parent).
    pub shares: u32,
    /// QoS of jobs charged here that name none; `None`: inherited from the parent.
    pub default_qos: Option<String>,
    /// QoS that jobs charged here may use; `None`: inherited from the parent (root: all).
    pub allowed_qos: Option<Vec<String>>,
    pub limits: Limits,
}

/// `[users.NAME]`: a user and the accounts they may charge.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub name: String,
    /// The account charged when a job names none.
    pub account: String,
    /// Further accounts the user may charge with `--account`.
    pub additional_accounts: Vec<String>,
    /// Fair-share shares within each of the user's accounts.
    pub shares: u32,
    /// QoS of the user's jobs that name none; `None`: the account's.
    pub default_qos: Option<String>,
    /// The user's own limits; unset fields fall back to `user_defaults`.
    pub limits: Limits,
    /// May act on every job and on the cluster (drain, resume, policy apply, membership).
    pub admin: bool,
}

/// `[user_defaults]`: what a user gets when the file says nothing about them.
#[derive(Clone, Debug, PartialEq)]
pub struct UserDefaults {
    /// The account of users not listed in `[users]`, and of listed users that name none.
    pub account: String,
    /// Whether users not listed in `[users]` may submit at all.
    pub allow_unlisted: bool,
    /// Fair-share shares of a user not listed in `[users]`.
    pub shares: u32,
    /// Per-user limits for fields a user does not set.
    pub limits: Limits,
}
