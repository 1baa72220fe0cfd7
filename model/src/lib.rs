//! Corral's domain model: ids, job specs and their derived shapes, jobs and their state machine,
//! nodes with concrete GPUs, `ClusterState` with its `Command`s and the deterministic `apply`,
//! the invariants `apply` keeps, and batch-script parsing. No async, no I/O, no clock.

pub mod apply;
pub mod civil_time;
pub mod cluster;
pub mod command;
pub mod gpu_model;
pub mod ids;
pub mod invariants;
pub mod job;
pub mod launch;
pub mod name;
pub mod node;
pub mod script;
pub mod shape;
pub mod spec;
pub mod state_machine;
pub mod submit_requests;
pub mod usage;

pub use apply::ApplyError;
pub use cluster::ClusterState;
pub use command::{Applied, Command, PlanCommit, PlanReport, PreemptOrder, StartOrder, Submit};
pub use ids::{GpuId, JobId, NodeId};
pub use job::{
    Allocation, Ending, ExitStatus, Job, NodeAllocation, Outcome, SignalRequest, SignalTarget,
    TIME_LIMIT_WARNING_BY,
};
pub use launch::Launch;
pub use name::Name;
pub use node::{GpuHealth, GpuSpec, Node, NodeSpec, NodeState};
pub use shape::{GpuDemand, Shape};
pub use spec::JobSpec;
pub use state_machine::{IllegalTransition, JobState};
pub use usage::UsageBook;
