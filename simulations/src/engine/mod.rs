//! The discrete-event replay: trace jobs arrive at their submit times, the production scheduler
//! (`corral_policies::schedule`) decides at each distinct event time, `ClusterState::apply`
//! carries out its plan, and each started job ends after its run time (or TIMEOUT at its limit).
//!
//! Events are totally ordered by (time, kind, sequence), arrivals after the other kinds and in
//! (submit time, input order); nothing reads a clock or iterates a hash map, so the same input
//! gives the same report, bit for bit.

mod events;
mod fairshare;
mod job;
mod record;
mod replay;

pub use events::{Event, EventKind, EventQueue};
pub use job::{GpuMapping, MissingTimeLimit, SimJob, TraceFields};
pub use record::{Counters, JobRecord, Sample};

use crate::metrics::{build_report, Report};
use crate::trace::TraceJob;
use corral_model::{ApplyError, NodeSpec};
use corral_policies::config::Policy;
use serde::Serialize;

/// How to replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimOptions {
    pub gpu_mapping: GpuMapping,
    pub missing_time_limit: MissingTimeLimit,
    pub trace_fields: TraceFields,
    /// Check the model's invariants after every command (debug builds only; slow).
    pub invariant_checks: bool,
    /// Most points kept in the report's time series (queue length, utilisation).
    pub series_points: usize,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            gpu_mapping: GpuMapping::default(),
            missing_time_limit: MissingTimeLimit::default(),
            trace_fields: TraceFields::default(),
            invariant_checks: false,
            series_points: 1_000,
        }
    }
}

/// Why a replay could not run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("the cluster has no nodes (accepted: at least one node in the cluster spec)")]
    NoNodes,
    #[error("node name {0} appears twice in the cluster (accepted: unique node names)")]
    DuplicateNode(String),
    #[error("node {name} could not be registered: {source}")]
    Node {
        name: String,
        #[source]
        source: ApplyError,
    },
    #[error("at {at_secs}s, trace job {trace_id}: the cluster refused a command: {source}")]
    Apply {
        at_secs: u64,
        trace_id: u64,
        #[source]
        source: ApplyError,
    },
    /// A broken promise between the engine and the model or scheduler: a bug, not bad input.
    #[error("internal error in the simulator: {0}")]
    Engine(String),
}

/// Replays `jobs` on `nodes` under `policy`; `progress(done, total)` is called as jobs end
/// (at most about a thousand times, and once at the end).
pub fn simulate(
    jobs: &[SimJob],
    nodes: Vec<NodeSpec>,
    policy: &Policy,
    options: &SimOptions,
    progress: Option<&mut dyn FnMut(usize, usize)>,
) -> Result<Report, SimError> {
    let mut replay = replay::Replay::new(jobs, nodes, policy, options)?;
    let mut ignore = |_: usize, _: usize| {};
    let progress: &mut dyn FnMut(usize, usize) = match progress {
        Some(p) => p,
        None => &mut ignore,
    };
    replay.run(progress)?;
    let cluster_gpus = replay.cluster_gpus();
    let cluster_nodes = replay.cluster_nodes();
    Ok(build_report(
        replay.records,
        &replay.samples,
        replay.counters,
        cluster_nodes,
        cluster_gpus,
        options.series_points,
    ))
}

/// `simulate` for trace jobs as the readers return them.
pub fn simulate_trace(
    jobs: &[TraceJob],
    nodes: Vec<NodeSpec>,
    policy: &Policy,
    options: &SimOptions,
    progress: Option<&mut dyn FnMut(usize, usize)>,
) -> Result<Report, SimError> {
    let jobs: Vec<SimJob> = jobs.iter().map(SimJob::from).collect();
    simulate(&jobs, nodes, policy, options, progress)
}
