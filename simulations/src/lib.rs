//! Corral's workload simulator: trace readers and replay modes.

pub mod cluster_spec;
pub mod compat;
pub mod engine;
pub mod metrics;
pub mod plot;
pub mod png;
pub mod sweep;
pub mod trace;

pub use engine::{simulate, simulate_trace, SimError, SimJob, SimOptions};
pub use metrics::Report;
